"""What the session screen does when a stakeholder map or a checklist asks:
push the form, save through the core in one unit of work on the app's writer
(in a thread, never on the loop that serves phones; see ..writes), then
refresh the view and announce what was saved, only once it is committed.

A mixin for the screen: the views only present and post requests. Nothing
here imports the database layer at import time (the session screen module is
imported before SQLModel is loaded).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from coworkshop.i18n import _, fmt
from coworkshop.tui.common.pick import PickScreen
from coworkshop.tui.common.prompt import Field, PromptScreen

from .messages import (
    ChecklistChanged,
    QuestionnaireFilled,
    RegisterCarried,
    RoundStarted,
    StakeholderAdded,
    StakeholderDeleted,
    StakeholderEdited,
    StakeholderMoved,
)

if TYPE_CHECKING:
    from sqlmodel import Session as DBSession
    from textual.screen import Screen

    from ...core.models import Session
    from ...core.store import Store
    from ..app import CoworkshopApp
    from ..checklist.checklist_view import ChecklistView
    from .map_view import MapView


class MapActions:
    """Handlers of :class:`MapView` requests, for a screen with ``store`` and
    ``session``."""

    store: Store | None
    session: Session | None
    sessions_dir: Path

    def _me(self) -> Screen[Any]:
        return cast("Screen[Any]", self)

    def _app(self) -> CoworkshopApp:
        return cast("CoworkshopApp", self._me().app)

    def _map_saved(self, view: MapView, message: Any, select: str | None = None) -> None:
        if select is not None:
            view.selected = select
        view.reload()
        self._me().post_message(message)

    def _stakeholder_groups(self) -> list[tuple[str, str]]:
        from ...core import sessions

        assert self.session is not None
        return [(g["label"], g["key"]) for g in sessions.stakeholder_groups(self.session)]

    def _participant_choices(self) -> list[tuple[str, str]]:
        from ...core import sessions

        assert self.store is not None and self.session is not None
        out = []
        with self.store.db() as db:
            people = sessions.participants(db, self.session.id)
        for p in people:
            label = p.name or "(not named)"
            if p.organisation:
                label += f", {p.organisation}"
            out.append((label, p.id))
        return out

    def on_map_view_move_requested(self, message: MapView.MoveRequested) -> None:
        from ...core import stakeholders as sh

        view, e = message.view, message.entry
        if e is None or self.store is None:
            return
        d_power, d_interest = message.d_power, message.d_interest
        self._app().write(
            self.store, lambda db: sh.nudge(db, view.activity, e.id, d_power, d_interest),
            lambda _r: self._map_saved(view, StakeholderMoved(e.id)))

    def on_map_view_add_requested(self, message: MapView.AddRequested) -> None:
        from ...core import stakeholders as sh
        from .forms import StakeholderForm

        view, store, session = message.view, self.store, self.session
        assert store is not None and session is not None
        async def submit(values: dict[str, str]) -> str:
            s = await self._app().commit(store, lambda db: sh.add_stakeholder(
                db, session, values["name"], values["stakeholder_group"],
                values["organisation"], values["notes"], values.get("participant_id") or None))
            return s.id

        def done(added: str | None) -> None:
            if added is None:
                return
            self._map_saved(view, StakeholderAdded(added), select=added)
            data = view.data
            if data is not None and len(data.entries) > data.max_actors:
                self._me().notify(fmt("{n} stakeholders: the method advises to start with at most "
                                      "{max_actors} and extend later.", n=len(data.entries),
                                      max_actors=data.max_actors),
                            severity="warning")

        self._me().app.push_screen(StakeholderForm(_("Add a stakeholder"),
                                                   self._stakeholder_groups(),
                                             self._participant_choices(), {}, submit), done)

    def on_map_view_edit_requested(self, message: MapView.EditRequested) -> None:
        from ...core import stakeholders as sh
        from .forms import StakeholderForm

        view, e, store, session = message.view, message.entry, self.store, self.session
        if e is None or store is None or session is None:
            return

        async def submit(values: dict[str, str]) -> dict[str, str]:
            fields: dict[str, Any] = dict(values)
            if "participant_id" in fields:
                fields["participant_id"] = fields["participant_id"] or None
            await self._app().commit(
                store, lambda db: sh.update_stakeholder(db, session, e.id, **fields))
            return values

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self._map_saved(view, StakeholderEdited(e.id))

        values = {"name": e.name, "stakeholder_group": e.group, "organisation": e.organisation,
                  "notes": e.notes, "participant_id": e.participant_id or ""}
        self._me().app.push_screen(StakeholderForm(fmt("Edit {name}",
                                                       name=e.name), self._stakeholder_groups(),
                                             self._participant_choices(), values, submit), done)

    def on_map_view_remove_requested(self, message: MapView.RemoveRequested) -> None:
        from ...core import stakeholders as sh

        view, e, store = message.view, message.entry, self.store
        if e is None or store is None:
            return

        def chosen(key: str | None) -> None:
            if key != "delete":
                return

            def removed(_r: object) -> None:
                self._me().notify(fmt("Removed {name} from the register; its ratings stay in the "
                                      "file.", name=e.name))
                self._map_saved(view, StakeholderDeleted(e.id))

            self._app().write(store, lambda db: sh.delete_stakeholder(db, e.id), removed)

        self._me().app.push_screen(PickScreen(fmt("Remove {name}?", name=e.name), [
            ("keep", "Keep it"), ("delete", f"Remove {e.name} from the register")]), chosen)

    def on_map_view_understanding_requested(
        self, message: MapView.UnderstandingRequested
    ) -> None:
        from ...core import stakeholders as sh

        view, e, store = message.view, message.entry, self.store
        if e is None or store is None:
            return

        def chosen(level: str | None) -> None:
            if level is None:
                return
            self._app().write(
                store, lambda db: sh.set_understanding(db, view.activity, e.id, level),
                lambda _r: self._map_saved(view, StakeholderMoved(e.id)))

        self._me().app.push_screen(PickScreen(
            fmt("Understanding of micro-credentials: {name}", name=e.name),
            [(k, f"{sh.SHAPES[k]} {k}") for k in ("low", "medium", "high")],
            highlight=e.understanding or None), chosen)

    def on_map_view_questionnaire_requested(
        self, message: MapView.QuestionnaireRequested
    ) -> None:
        from ...core import stakeholders as sh
        from .forms import QuestionnaireForm

        view, e, store, session = message.view, message.entry, self.store, self.session
        if e is None or store is None or session is None:
            return
        qs = sh.questions(session, view.activity)
        if not qs:
            self._me().notify(_("This map has no questionnaire: move stakeholders with "
                                "shift+arrows "
                        "(or enter, then the arrows)."), severity="warning")
            return
        with store.db() as db:
            before: dict[str, int | None] = dict(sh.last_answers(db, view.activity.id, e.id))
        async def submit(answers: dict[str, int | None]) -> sh.Score:
            return await self._app().commit(store, lambda db: sh.submit_questionnaire(
                db, session, view.activity, e.id, answers))

        def done(score: sh.Score | None) -> None:
            if score is None:
                return
            self._map_saved(view, QuestionnaireFilled(e.id))
            self._me().notify(f"{e.name}: {score.summary()}")

        form = QuestionnaireForm(f"Questions about {e.name}", qs, before, submit)
        self._me().app.push_screen(form, done)

    def on_map_view_new_round_requested(self, message: MapView.NewRoundRequested) -> None:
        from datetime import date

        from ...core import stakeholders as sh

        view, store = message.view, self.store
        assert store is not None
        async def submit(values: dict[str, str]) -> int:
            r = await self._app().commit(store, lambda db: sh.new_round(
                db, view.activity, values["date"].strip(), values["note"]))
            return r.number

        def done(made: int | None) -> None:
            if made is not None:
                self._map_saved(view, RoundStarted())
                self._me().notify(fmt("Round {made} started from the last places: move whoever "
                                      "changed.", made=made), timeout=3)

        self._me().app.push_screen(PromptScreen(
            _("Start a new mapping round"),
            [Field("date", _("Date"), date.today().isoformat(), _("YYYY-MM-DD")),
             Field("note", _("Note"), "", "e.g. second meeting of the group")],
            submit, note=_("Everyone keeps their place until you move them; the map then shows "
                         "who changed quadrant."), ok=_("Start")), done)

    def on_map_view_movements_requested(self, message: MapView.MovementsRequested) -> None:
        view, data = message.view, message.view.data
        if data is None or data.previous_round is None:
            self._me().notify(_("One round so far: start a new round (n) to see who moves."))
            return
        if not data.movements:
            self._me().notify(fmt("Nobody changed quadrant since round {previous_round}.",
                                  previous_round=data.previous_round))
            return

        def chosen(sid: str | None) -> None:
            if sid is not None:
                view.select(sid)

        self._me().app.push_screen(PickScreen(
            fmt("Moved since round {previous_round}", previous_round=data.previous_round),
            [(m.stakeholder_id, m.text(data.method)) for m in data.movements]), chosen)

    def on_map_view_carry_requested(self, message: MapView.CarryRequested) -> None:
        from ...core import carry
        from ...core import stakeholders as sh
        from .carry import TEMPLATE, choose_source

        view, store, session = message.view, self.store, self.session
        assert store is not None and session is not None

        def change(db: DBSession, source: str | Path) -> str:
            if source == TEMPLATE:
                added = sh.add_template_register(db, session, view.activity)
                return f"Added {len(added)} stakeholders from the template"
            return carry.carry_into(db, session, carry.read_previous(Path(source))).text()

        def carried(text: str) -> None:
            self._me().notify(text)
            self._map_saved(view, RegisterCarried())

        def chosen(source: str | Path) -> None:
            self._app().write(store, lambda db: change(db, source), carried)

        choose_source(self._me().app, store.path, self.sessions_dir,
                      "Carry stakeholders into this map",
                      len(sh.template_register(view.activity)), chosen)


class ChecklistActions:
    """Handlers of :class:`ChecklistView` requests."""

    store: Store | None
    session: Session | None
    sessions_dir: Path

    def _me(self) -> Screen[Any]:
        return cast("Screen[Any]", self)

    def _app(self) -> CoworkshopApp:
        return cast("CoworkshopApp", self._me().app)

    def _checklist_saved(self, view: ChecklistView, key: str = "") -> None:
        view.reload()
        self._me().post_message(ChecklistChanged(key))

    def _set_checklist_status(self, view: ChecklistView, key: str, status: str) -> None:
        from ...core import checklist as cl

        assert self.store is not None
        self._app().write(
            self.store, lambda db: cl.set_entry(db, view.activity, key, status=status),
            lambda _r: self._checklist_saved(view, key))

    def on_checklist_view_status_requested(
        self, message: ChecklistView.StatusRequested
    ) -> None:
        from ...core import checklist as cl

        view, state = message.view, message.state
        if message.status is not None:
            self._set_checklist_status(view, state.item.key, message.status)
            return

        def chosen(status: str | None) -> None:
            if status is not None:
                self._set_checklist_status(view, state.item.key, "" if status == "open" else status)

        self._me().app.push_screen(PickScreen(
            fmt("Status: {text}", text=state.item.text),
            [(k or "open", f"{cl.MARKS[k]} {cl.LABELS[k]}")
             for k in ("yes", "partly", "no", "na", "")],
            highlight=state.status or "open"), chosen)

    def on_checklist_view_edit_requested(self, message: ChecklistView.EditRequested) -> None:
        from ...core import checklist as cl

        view, s, store = message.view, message.state, self.store
        assert store is not None
        key = s.item.key

        async def submit(values: dict[str, str]) -> dict[str, str]:
            await self._app().commit(store, lambda db: cl.set_entry(
                db, view.activity, key, note=values["note"], owner=values["owner"],
                due=values["due"]))
            return values

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self._checklist_saved(view, key)

        self._me().app.push_screen(PromptScreen(
            s.item.text,
            [Field("note", _("Note"), s.note, _("what is done, what is missing"),
                   limit=cl.MAX_NOTE),
             Field("owner", _("Owner"), s.owner, _("who takes it forward"), limit=cl.MAX_OWNER),
             Field("due", _("Due date"), s.due, _("YYYY-MM-DD"))],
            submit, ok=_("Save")), done)

    def on_checklist_view_carry_requested(self, message: ChecklistView.CarryRequested) -> None:
        from ...core import carry
        from .carry import choose_source

        view, store, session = message.view, self.store, self.session
        assert store is not None and session is not None

        def carried(text: str) -> None:
            self._me().notify(text)
            self._checklist_saved(view)

        def chosen(source: str | Path) -> None:
            self._app().write(store, lambda db: carry.carry_into(
                db, session, carry.read_previous(Path(source))).text(), carried)

        choose_source(self._me().app, store.path, self.sessions_dir,
                      "Carry the checklist from a previous session", 0, chosen)
