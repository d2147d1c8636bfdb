"""The session screen's actions: activity status, breakout groups,
participants, the plan as a template, reports, live voting and the palette.

A mixin for :class:`~.session.SessionScreen`, which provides the state
(``store``, ``session``, ``path``, ``live``) and the refresh methods.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, cast

from textual import work

from coworkshop.core.errors import UserError
from coworkshop.i18n import _, error_text
from coworkshop.i18n import fmt as fmt_
from coworkshop.tui.common.prompt import Field, PromptScreen
from coworkshop.tui.polls.live import LiveVoting, PollActivityAdded

if TYPE_CHECKING:
    from textual.screen import Screen

    from coworkshop.core.models import Activity, Session
    from coworkshop.core.sessions import StatusChange
    from coworkshop.core.store import Store
    from coworkshop.tui.app import CoworkshopApp
    from coworkshop.tui.canvas.board import Board
    from coworkshop.tui.session.session import SessionScreen

    _Base = Screen[None]
else:
    _Base = object

PaletteEntry = tuple[str, str, Callable[[], object]]


class SessionActions(_Base):
    """The screen's actions and palette entries."""

    path: Path
    store: Store | None
    session: Session | None
    templates_dir: Path
    live: LiveVoting | None

    if TYPE_CHECKING:
        def current(self) -> Activity | None: ...
        def board(self) -> Board | None: ...
        def reload_activities(self) -> None: ...
        def mark_saved(self) -> None: ...
        def questions_closed(self, change: StatusChange) -> None: ...
        def update_title(self) -> None: ...
        def action_home(self) -> None: ...

    @property
    def writer(self) -> CoworkshopApp:
        """The app's writer: every change goes through it (see ..writes)."""
        return cast("CoworkshopApp", self.app)

    def _set_status(self, status: str, note: str) -> None:
        from coworkshop.core import sessions

        act = self.current()
        if act is None or self.store is None:
            return

        def saved(change: sessions.StatusChange) -> None:
            from coworkshop.tui.polls.host import closed_note

            self.reload_activities()
            self.mark_saved()
            self.notify(note + closed_note(change))
            self.questions_closed(change)

        self.writer.write(
            self.store, lambda db: sessions.change_activity_status(db, act.id, status), saved
        )

    def action_start_activity(self) -> None:
        act = self.current()
        if act is not None:
            minutes = f" — {act.timebox_minutes} minutes" if act.timebox_minutes else ""
            self._set_status("running", f"Started: {act.title}{minutes}")

    def action_finish_activity(self) -> None:
        act = self.current()
        if act is not None:
            self._set_status("done", f"Done: {act.title}")

    def action_assign_group(self) -> None:
        from coworkshop.core import sessions

        act = self.current()
        if act is None or self.store is None or self.session is None:
            return
        store = self.store
        with store.db() as db:
            groups = sessions.breakout_groups(db, self.session.id)

        async def submit(values: dict[str, str]) -> str:
            await self.writer.commit(
                store, lambda db: sessions.set_activity_group(db, act.id, values["group"])
            )
            return values["group"].strip()

        def done(name: str | None) -> None:
            if name is not None:
                self.reload_activities()
                self.mark_saved()
                self.notify(f"{act.title}: {name}" if name else fmt_("{title}: no group",
                                                                     title=act.title))

        note = "Groups in use: " + ", ".join(groups) if groups else "e.g. Group A"
        self.app.push_screen(
            PromptScreen(
                _("Breakout group for this activity"),
                [Field("group", _("Breakout group"), act.group_name, _("e.g. Group A"), groups)],
                submit,
                note=note,
            ),
            done,
        )

    def action_participants(self) -> None:
        from coworkshop.tui.participants.participants import ParticipantsScreen

        if self.store is None or self.session is None:
            return
        self.app.push_screen(ParticipantsScreen(self.store, self.session))

    def action_add_participant(self) -> None:
        from coworkshop.tui.participants.participants import ParticipantsScreen

        if self.store is None or self.session is None:
            return
        screen = ParticipantsScreen(self.store, self.session)
        self.app.push_screen(screen)
        screen.call_after_refresh(screen.action_add)

    def action_save_template(self) -> None:
        from coworkshop.core import templates
        from coworkshop.core.sessions import save_plan

        if self.store is None or self.session is None:
            return
        store, session = self.store, self.session
        folder = Path(self.templates_dir)

        async def submit(values: dict[str, str]) -> Path:
            path = folder / f"{templates.template_name(values['name'])}.toml"
            with store.db() as db:
                save_plan(db, session.id, path, title=values["title"].strip())
            return path

        def done(saved: Path | None) -> None:
            if saved is not None:
                self.notify(fmt_("Saved the plan as template {stem} ({saved})",
                                 stem=saved.stem, saved=saved))

        self.app.push_screen(
            PromptScreen(
                _("Save this session's plan as a template"),
                [
                    Field("name", _("Template name (file name)"), templates.slug(session.title),
                          "lowercase-with-dashes"),
                    Field("title", _("Title"), f"{session.title} (plan)", _("shown on the home "
                                                                            "screen")),
                ],
                submit,
                note=(fmt_("The agenda, prompts, cross-points and questions go into {folder}; no "
                           "cards, votes or participants.", folder=folder)),
                ok=_("Save"),
            ),
            done,
        )

    def action_export_report(self, fmt: str = "html") -> None:
        from coworkshop.tui.report.export import start_export

        if self.session is not None:
            start_export(self, [self.path], fmt, [self.session.id])

    def action_zoom(self) -> None:
        self.toggle_class("-zoomed")

    def action_live_voting(self) -> None:
        """Start the participants' server if needed, then show the join screen."""
        from coworkshop.tui.polls.voting import JoinScreen

        if self.live is None or self.live.starting:
            return
        if self.store is not None and self.store.read_only and not self.live.running:
            from coworkshop.core.probe import READ_ONLY_NOTICE

            self.notify(fmt_("{name}: {READ_ONLY_NOTICE}; phones cannot vote",
                             name=self.path.name, READ_ONLY_NOTICE=READ_ONLY_NOTICE),
                        title=_("Cannot start live voting"), severity="error")
            return
        if self.live.running:
            self.app.push_screen(JoinScreen(self.live))
        else:
            self.start_live_voting()

    def action_present(self) -> None:
        """Present mode: the join code or the open question, full screen for the projector."""
        from coworkshop.tui.polls.poll_view import PollView
        from coworkshop.tui.polls.present import PresentScreen

        if self.live is None:
            return
        # the question highlighted on the poll, if it is closed: its results
        # for the room (an open question shows in any case)
        views = self.query(PollView)
        current = views.first().current if views else None
        self.app.push_screen(PresentScreen(self.live, current.id if current else ""))

    @work(exclusive=True, group="live-voting")
    async def start_live_voting(self) -> None:
        from coworkshop.tui.polls.voting import JoinScreen

        assert self.live is not None
        # the participants' server takes about a second to start (a process of its own)
        self.notify(_("Starting live voting…"), timeout=2)
        try:
            await self.live.start()
        except (UserError, OSError) as exc:
            self.notify(error_text(exc), title=_("Cannot start live voting"), severity="error",
                        timeout=10)
            return
        if not self.live.running:  # stopped while it started
            return
        self.update_title()
        self.notify(fmt_("Live voting on {base_url} · code {code}",
                         base_url=self.live.base_url(), code=self.live.code))
        self.app.push_screen(JoinScreen(self.live))

    @work(exclusive=True, group="live-voting")
    async def action_stop_voting(self) -> None:
        if self.live is not None and self.live.running:
            await self.live.stop()
            self.update_title()
            self.notify(_("Live voting stopped. Everything received is saved."))

    def action_new_poll(self) -> None:
        from coworkshop.core import polls as voting
        from coworkshop.tui.polls.new_poll import NewQuestionScreen

        if self.store is None or self.session is None:
            return

        def done(poll: voting.PollInfo | None) -> None:
            if poll is not None:
                self.post_message(PollActivityAdded(poll.id, poll.activity_id))

        self.app.push_screen(NewQuestionScreen(self.store, self.session), done)

    def _board_action(self, name: str, *args: object) -> Callable[[], object]:
        def run() -> object:
            board = self.board()
            if board is None:
                self.notify(_("Highlight a canvas in the agenda first."), severity="warning")
                return None
            method = getattr(board, f"action_{name}", None)
            if method is None:
                self.notify(_("This canvas has no such view."), severity="warning")
                return None
            board.focus()
            return method(*args)

        return run

    def _poll_entries(self) -> list[PaletteEntry]:
        from coworkshop.tui.polls.voting import poll_palette_entries

        return poll_palette_entries(cast("SessionScreen", self)) if self.session is not None else []

    def _export_entries(self) -> list[PaletteEntry]:
        from coworkshop.tui.report.export import EXPORTS

        return [
            (name, help_text, partial(self.action_export_report, fmt))
            for name, fmt, help_text in EXPORTS
        ]

    def _view_entries(self) -> list[PaletteEntry]:
        """The shown activity's own entries (stakeholder map, checklist)."""
        for view in self.query("#activity-info"):
            entries = getattr(view, "palette_entries", None)
            if callable(entries):
                return list(entries())
        return []

    def palette_entries(self) -> list[PaletteEntry]:
        entries: list[PaletteEntry] = [
            ("activity: start", "Start the highlighted activity", self.action_start_activity),
            ("activity: finish", "Mark the highlighted activity as done",
             self.action_finish_activity),
            ("activity: assign breakout group", "Give the canvas to a breakout group (g)",
             self.action_assign_group),
            ("canvas: add card", "Add a card in the current column",
             self._board_action("add_card")),
            ("canvas: edit card", "Edit the highlighted card", self._board_action("edit_card")),
            ("canvas: delete card", "Delete the highlighted card",
             self._board_action("delete_card")),
            ("canvas: restore card", "Bring back a deleted card",
             self._board_action("restore_card")),
            ("canvas: link card", "Link the highlighted HOW to its CHANGE, WHAT to its HOW (l)",
             self._board_action("link")),
            ("canvas: move card up", "Move the highlighted card up in its column ([)",
             self._board_action("move_card", -1)),
            ("canvas: move card down", "Move the highlighted card down in its column (])",
             self._board_action("move_card", 1)),
            ("canvas: comment from another group", "Record another group's feedback (c)",
             self._board_action("comment")),
            ("canvas: revise after feedback", "The owning group revises the card (r)",
             self._board_action("revise")),
            ("canvas: card history", "Every version of the card and its comments (h)",
             self._board_action("history")),
            ("canvas: pathway view", "Change -> how -> what, unlinked cards flagged (v)",
             self._board_action("pathway")),
            ("canvas: read the cross-point in full", "Vision and need (or the grid cell's "
             "question) wrapped, not cut (i)", self._board_action("toggle_banner")),
            ("participants: open", "Participants by stakeholder group", self.action_participants),
            ("participants: add", "Register a participant", self.action_add_participant),
            ("template: save plan", "Save this session's plan as a new template",
             self.action_save_template),
            *self._poll_entries(),
            *self._view_entries(),
            *self._export_entries(),
            ("view: zoom activity", "Hide or show the agenda (z)", self.action_zoom),
            ("session: back to home", "Close this session (everything is saved)",
             self.action_home),
        ]
        return entries
