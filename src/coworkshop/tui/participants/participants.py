"""Participants of a session, by stakeholder group."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from coworkshop.core import sessions
from coworkshop.core.models import Participant, Session
from coworkshop.core.store import Store
from coworkshop.tui.colors import group_color
from coworkshop.tui.common.footer import KeysFooter
from coworkshop.tui.common.pick import PickScreen
from coworkshop.tui.fmt import local_time
from coworkshop.tui.participants.participant_form import ParticipantFormScreen

if TYPE_CHECKING:
    from coworkshop.tui.app import CoworkshopApp


class ParticipantsScreen(Screen[None]):
    """Register, edit, delete (and restore) the people in the room."""

    HELP_TITLE = "Participants"
    HOW_TO = (
        "One row per participant. a registers someone (the name is optional: many people "
        "prefer not to be named), e or enter edits the highlighted row, x deletes it and u "
        "brings deleted participants back. The bar at the top counts people per stakeholder "
        "group. Escape goes back to the session."
    )
    AUTO_FOCUS = "#participants"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="participants.back", tooltip="Back to the session."),
        Binding("a", "add", "Add", id="participants.add", tooltip="Register a participant."),
        Binding("e", "edit", "Edit", id="participants.edit",
                tooltip="Edit the highlighted participant."),
        Binding("x,delete", "delete", "Delete", id="participants.delete",
                tooltip="Delete the highlighted participant (u brings them back)."),
        Binding("u", "restore", "Restore", id="participants.restore",
                tooltip="Bring back a deleted participant."),
    ]

    def __init__(self, store: Store, session: Session) -> None:
        super().__init__()
        self.store = store
        self.session = session
        self.people: list[Participant] = []

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble(("Participants", "bold"), "  ·  ", self.session.title),
                     classes="title-bar", id="participants-title")
        yield Static(id="group-counts")
        yield DataTable(id="participants", cursor_type="row", zebra_stripes=True)
        yield Static(id="participants-hint", classes="pane-hint")
        yield KeysFooter()

    COLUMNS = (
        ("name", "Name", 0.2),
        ("group", "Stakeholder group", 0.27),
        ("organisation", "Organisation", 0.27),
        ("country", "Country", 0.14),
        ("breakout", "Group", 0.12),
    )

    def on_mount(self) -> None:
        self._columns_for(self.size.width)
        self.reload()

    def on_resize(self) -> None:
        self._columns_for(self.size.width)
        self.reload()

    def _columns_for(self, width: int) -> None:
        """Share the terminal's width between the columns: long organisation
        names are cut, the country and group columns stay on screen."""
        table = self.query_one("#participants", DataTable)
        room = max(40, width - 4 - 2 * len(self.COLUMNS))
        table.clear(columns=True)
        for key, label, share in self.COLUMNS:
            table.add_column(label, key=key, width=max(6, int(room * share)))

    # ------------------------------------------------------------ data

    def group_labels(self) -> list[tuple[str, str]]:
        return [(g["label"], g["key"]) for g in sessions.stakeholder_groups(self.session)]

    def group_text(self, key: str) -> Text:
        color = next(
            (group_color(g.get("color")) for g in sessions.stakeholder_groups(self.session)
             if g["key"] == key),
            group_color(None),
        )
        return Text.assemble(("■ ", color), sessions.group_label(self.session, key))

    def reload(self, focus: str | None = None) -> None:
        table = self.query_one("#participants", DataTable)
        if focus is None and table.row_count:
            focus = self.current_id()
        with self.store.db() as db:
            self.people = sessions.participants(db, self.session.id)
            counts = sessions.participant_counts(db, self.session)
        table.clear()
        for p in self.people:
            table.add_row(
                Text(p.name) if p.name else Text.assemble(("(not named)", "dim italic")),
                self.group_text(p.stakeholder_group),
                p.organisation,
                p.country,
                p.breakout_group,
                key=p.id,
            )
        if focus is not None:
            try:
                table.move_cursor(row=table.get_row_index(focus))
            except Exception:  # noqa: BLE001 - the row went away (deleted)
                pass
        bar = Text()
        for g in sessions.stakeholder_groups(self.session):
            bar.append("■ ", style=group_color(g.get("color")))
            bar.append(f"{g['label']} ", style="")
            bar.append(f"{counts.get(g['key'], 0)}", style="bold")
            bar.append("   ")
        bar.append(f"total {len(self.people)}", style="bold")
        self.query_one("#group-counts", Static).update(bar)
        hint = self.query_one("#participants-hint", Static)
        hint.update("" if self.people else "Nobody registered yet. Press a to add a participant.")

    def current_id(self) -> str | None:
        table = self.query_one("#participants", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def current(self) -> Participant | None:
        pid = self.current_id()
        return next((p for p in self.people if p.id == pid), None)

    # ------------------------------------------------------------ actions

    @property
    def writer(self) -> CoworkshopApp:
        """The app's writer: every change goes through it (see ..writes)."""
        return cast("CoworkshopApp", self.app)

    def breakout_groups(self) -> list[str]:
        with self.store.db() as db:
            return sessions.breakout_groups(db, self.session.id)

    def action_back(self) -> None:
        self.dismiss()

    def action_add(self) -> None:
        async def submit(values: dict[str, str]) -> Participant:
            return await self.writer.commit(
                self.store, lambda db: sessions.add_participant(db, self.session, **values)
            )

        def done(added: Participant | None) -> None:
            if added is not None:
                self.reload(focus=added.id)
                self.notify("Participant added.")

        last = self.people[-1] if self.people else None
        defaults = {
            "country": last.country if last else self.session.country,
            "stakeholder_group": "",
        }
        self.app.push_screen(
            ParticipantFormScreen(
                "Add a participant",
                self.group_labels(),
                defaults,
                submit,
                self.breakout_groups(),
            ),
            done,
        )

    @on(DataTable.RowSelected, "#participants")
    def action_edit(self) -> None:
        person = self.current()
        if person is None:
            self.notify("Nobody to edit. Press a to add a participant.", severity="warning")
            return

        async def submit(values: dict[str, str]) -> dict[str, str]:
            await self.writer.commit(
                self.store,
                lambda db: sessions.update_participant(db, self.session, person.id, **values),
            )
            return values

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self.reload(focus=person.id)
                self.notify(f"Saved {values['name'].strip() or 'the participant'}.")

        self.app.push_screen(
            ParticipantFormScreen(
                "Edit participant",
                self.group_labels(),
                {
                    "name": person.name,
                    "stakeholder_group": person.stakeholder_group,
                    "organisation": person.organisation,
                    "country": person.country,
                    "breakout_group": person.breakout_group,
                },
                submit,
                self.breakout_groups(),
            ),
            done,
        )

    def action_delete(self) -> None:
        person = self.current()
        if person is None:
            return

        # the list keeps its place: the next person (the previous one at the end)
        ids = [p.id for p in self.people]
        at = ids.index(person.id)
        after = next(iter(ids[at + 1:] + ids[:at][::-1]), None)

        def deleted(_: Participant) -> None:
            self.reload(focus=after)
            who = person.name or "The participant"
            self.notify(f"{who} deleted — press u to restore.")

        self.writer.write(
            self.store, lambda db: sessions.delete_participant(db, person.id), deleted
        )

    def action_restore(self) -> None:
        with self.store.db() as db:
            deleted = sessions.participants(db, self.session.id, deleted=True)
        if not deleted:
            self.notify("No deleted participants.")
            return
        options: list[tuple[str, Text | str]] = [
            (
                p.id,
                Text.assemble(
                    (p.name or "(not named)", "bold"),
                    "  ",
                    sessions.group_label(self.session, p.stakeholder_group),
                    (f"  {p.organisation}" if p.organisation else "", ""),
                    ("  deleted " + local_time(p.deleted_at), "dim"),
                ),
            )
            for p in deleted
        ]

        def chosen(pid: str | None) -> None:
            if pid is None:
                return

            def restored(_: Participant) -> None:
                self.reload(focus=pid)
                self.notify("Participant restored.")

            self.writer.write(
                self.store, lambda db: sessions.delete_participant(db, pid, restore=True), restored
            )

        self.app.push_screen(PickScreen("Restore a deleted participant", options), chosen)

    def palette_entries(self) -> list[tuple[str, str, Any]]:
        return [
            ("participants: add", "Register a participant", self.action_add),
            ("participants: edit", "Edit the highlighted participant", self.action_edit),
            ("participants: delete", "Delete the highlighted participant", self.action_delete),
            ("participants: restore", "Bring back a deleted participant", self.action_restore),
            ("participants: back to session", "Back to the session", self.action_back),
        ]
