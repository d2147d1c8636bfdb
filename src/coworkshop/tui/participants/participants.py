"""Participants of a session, by stakeholder group, and the phones that joined.

One row per person: the people the facilitator registered (with their
personal code and whether a phone is matched with them), then the phones not
matched with anyone. A matched phone is the registered person's row, so the
room is counted once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from coworkshop.core import matching, sessions
from coworkshop.core.models import Participant, PhoneMatch, Session
from coworkshop.core.store import Store
from coworkshop.i18n import N_, _, fmt
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
        "One row per person. a registers someone (the name is optional: many people "
        "prefer not to be named), e or enter edits the highlighted row, x deletes it and u "
        "brings deleted participants back. Each registered person has a personal code: give "
        "it to them, and the phone that joins with it is matched with them (Phone shows "
        "when it joined). Phones that joined without a code are listed after the registered "
        "people; m matches the highlighted person with a phone (or the highlighted phone "
        "with a person), M unmatches (the match stays in the file, marked ended). n lets "
        "phones pick their name from the list of registered people when joining (and stops "
        "it). The bars at the top count people per stakeholder group, and registered · by "
        "phone · both. Escape goes back to the session."
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
        Binding("m", "match", "Match", id="participants.match",
                tooltip="Match the highlighted person with a phone that joined."),
        Binding("M", "unmatch", "Unmatch", id="participants.unmatch",
                tooltip="End the highlighted person's match with a phone (kept in the file)."),
        Binding("n", "name_pick", "Names", id="participants.name_pick",
                tooltip="Let phones pick their name from the registered people when joining "
                        "(press again to stop)."),
    ]

    def __init__(self, store: Store, session: Session) -> None:
        super().__init__()
        self.store = store
        self.session = session
        self.people: list[Participant] = []  # the rows: registered, then unmatched phones
        self.phones: list[matching.Phone] = []
        self.phone_ids: set[str] = set()
        self.matches: dict[str, PhoneMatch] = {}  # registered id -> live match
        self.codes: dict[str, str] = {}
        self.name_pick = False
        self._version: tuple[object, ...] = ()
        self.counts = matching.HeadCounts(0, 0, 0)
        self.by_group: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static(Text.assemble((_("Participants"), "bold"), "  ·  ", self.session.title),
                     classes="title-bar", id="participants-title")
        yield Static(id="group-counts")
        yield Static(id="head-counts")
        yield DataTable(id="participants", cursor_type="row", zebra_stripes=True)
        yield Static(id="participants-hint", classes="pane-hint")
        yield KeysFooter()

    COLUMNS = (
        ("name", N_("Name"), 0.22),
        ("group", N_("Stakeholder group"), 0.22),
        ("organisation", N_("Organisation"), 0.3),
        ("country", N_("Country"), 0.12),
        ("breakout", N_("Group"), 0.1),
    )
    #: Fixed widths: a personal code is 5 characters, a join time 5 more.
    FIXED = (("code", N_("Code"), 5), ("phone", N_("Phone"), 7))

    def on_mount(self) -> None:
        self._columns_for(self.size.width)
        self.reload()
        self.give_missing_codes()
        # Phones join while this screen is open: their rows and the counts follow.
        self.set_interval(2, self.refresh_if_changed)

    def give_missing_codes(self) -> None:
        """People registered before personal codes existed get theirs now."""
        if self.store.read_only:
            return
        with self.store.db() as db:
            missing = matching.missing_codes(db, self.session.id)
        if missing:
            self.writer.write(self.store,
                              lambda db: matching.ensure_codes(db, self.session.id),
                              lambda _n: self.reload())

    def on_resize(self) -> None:
        self._columns_for(self.size.width)
        self.reload()

    def _columns_for(self, width: int) -> None:
        """Share the terminal's width between the columns: long organisation
        names are cut, the country and group columns stay on screen."""
        table = self.query_one("#participants", DataTable)
        fixed = sum(w for _k, _l, w in self.FIXED)
        room = max(40, width - 4 - 2 * (len(self.COLUMNS) + len(self.FIXED)) - fixed)
        table.clear(columns=True)
        for key, label, share in self.COLUMNS:
            table.add_column(_(label), key=key, width=max(6, int(room * share)))
        for key, label, w in self.FIXED:
            table.add_column(_(label), key=key, width=w)

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

    def read(self) -> None:
        """Read who is in the room from the file."""
        with self.store.db() as db:
            everyone = sessions.participants(db, self.session.id)
            self.phones = matching.phones(db, self.session.id)
            self.matches = {m.registered_id: m
                            for m in matching.live_matches(db, self.session.id)}
            self.codes = matching.personal_codes(db, self.session.id)
            self.name_pick = matching.name_pick_allowed(db, self.session.id)
            self.counts = matching.head_counts(db, self.session.id)
            self.by_group = matching.people_by_group(db, self.session.id)
        self.phone_ids = {ph.participant.id for ph in self.phones}
        matched = {m.phone_participant_id for m in self.matches.values()}
        self.people = [p for p in everyone if p.id not in self.phone_ids] + [
            ph.participant for ph in self.phones if ph.participant.id not in matched]

    def refresh_if_changed(self) -> None:
        # one cheap query every 2 s: the app's event loop also serves the phones
        with self.store.db() as db:
            version = matching.roster_version(db, self.session.id)
        if version != self._version:
            self.reload()

    def phone_cell(self, p: Participant) -> Text:
        joined = {ph.participant.id: ph.joined_at for ph in self.phones}
        if p.id in self.phone_ids:  # a phone matched with nobody
            return Text(local_time(joined[p.id])[-5:], style="dim")
        m = self.matches.get(p.id)
        if m is None:
            return Text("—", style="dim")
        when = joined.get(m.phone_participant_id)
        return Text.assemble(("✓ ", "green"), local_time(when)[-5:] if when else "")

    def reload(self, focus: str | None = None) -> None:
        table = self.query_one("#participants", DataTable)
        if focus is None and table.row_count:
            focus = self.current_id()
        with self.store.db() as db:
            self._version = matching.roster_version(db, self.session.id)
        self.read()
        table.clear()
        for p in self.people:
            phone = p.id in self.phone_ids
            if p.name:
                name = Text(p.name)
            else:
                name = Text("(phone)" if phone else "(not named)",
                            style="dim italic")
            table.add_row(
                name,
                self.group_text(p.stakeholder_group),
                p.organisation,
                p.country,
                p.breakout_group,
                Text(self.codes.get(p.id, ""), style="bold"),
                self.phone_cell(p),
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
            bar.append(f"{self.by_group.get(g['key'], 0)}", style="bold")
            bar.append("   ")
        bar.append(fmt("total {people}", people=self.counts.people), style="bold")
        self.query_one("#group-counts", Static).update(bar)
        self.query_one("#head-counts", Static).update(head_counts_text(self.counts).append(
            "   " + (_("names on phones: on") if self.name_pick else _("names on phones: off")),
            style="dim"))
        hint = self.query_one("#participants-hint", Static)
        hint.update("" if self.people
                    else _("Nobody registered yet. Press a to add a participant."))

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
                self.notify(_("Participant added."))

        last = self.people[-1] if self.people else None
        defaults = {
            "country": last.country if last else self.session.country,
            "stakeholder_group": "",
        }
        self.app.push_screen(
            ParticipantFormScreen(
                _("Add a participant"),
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
            self.notify(_("Nobody to edit. Press a to add a participant."), severity="warning")
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
                self.notify(fmt("Saved {value}.",
                                value=values['name'].strip() or 'the participant'))

        self.app.push_screen(
            ParticipantFormScreen(
                _("Edit participant"),
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

        had_phone = person.id in self.matches
        # the list keeps its place: the next person (the previous one at the end)
        ids = [p.id for p in self.people]
        at = ids.index(person.id)
        after = next(iter(ids[at + 1:] + ids[:at][::-1]), None)

        def deleted(_result: Participant) -> None:
            self.reload(focus=after)
            who = person.name or "The participant"
            phone = " Their phone is no longer matched." if had_phone else ""
            self.notify(fmt("{who} deleted — press u to restore.{phone}", who=who, phone=phone))

        self.writer.write(
            self.store, lambda db: sessions.delete_participant(db, person.id), deleted
        )

    def action_restore(self) -> None:
        with self.store.db() as db:
            deleted = sessions.participants(db, self.session.id, deleted=True)
        if not deleted:
            self.notify(_("No deleted participants."))
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

            def restored(_result: Participant) -> None:
                self.reload(focus=pid)
                self.notify(_("Participant restored."))

            self.writer.write(
                self.store, lambda db: sessions.delete_participant(db, pid, restore=True), restored
            )

        self.app.push_screen(PickScreen(_("Restore a deleted participant"), options), chosen)

    def phone_label(self, ph: matching.Phone) -> Text:
        p = ph.participant
        return Text.assemble(
            ("joined " + local_time(ph.joined_at), "bold"), "  ",
            sessions.group_label(self.session, p.stakeholder_group),
            ("  " + p.name if p.name else "  (not named)", "" if p.name else "dim"),
        )

    def person_label(self, p: Participant) -> Text:
        return Text.assemble(
            (p.name or "(not named)", "bold"), "  ",
            sessions.group_label(self.session, p.stakeholder_group),
            (f"  {p.organisation}" if p.organisation else "", ""),
            (f"  code {self.codes[p.id]}" if p.id in self.codes else "", "dim"),
        )

    def action_match(self) -> None:
        person = self.current()
        if person is None:
            self.notify(_("Nobody to match. Press a to add a participant."), severity="warning")
            return
        if person.id in self.matches:
            self.notify(fmt("{value} is matched with a phone already: M unmatches.",
                            value=person.name or 'This person'), severity="warning")
            return
        matched_phones = {m.phone_participant_id for m in self.matches.values()}
        options: list[tuple[str, Text | str]]
        if person.id in self.phone_ids:  # a phone: pick the registered person it is
            phone_id = person.id
            options = [(p.id, self.person_label(p)) for p in self.people
                       if p.id not in self.phone_ids and p.id not in self.matches]
            title, empty = "Who is this phone?", "Everyone registered has a phone already."
        else:
            phone_id = ""
            options = [(ph.participant.id, self.phone_label(ph)) for ph in self.phones
                       if ph.participant.id not in matched_phones]
            title = f"Match {person.name or 'this person'} with a phone"
            empty = "No phone to match: every phone that joined is matched."
        if not options:
            self.notify(empty, severity="warning")
            return

        def chosen(pid: str | None) -> None:
            if pid is None:
                return
            registered_id, phone = (pid, phone_id) if phone_id else (person.id, pid)

            def matched(_result: PhoneMatch) -> None:
                self.reload(focus=registered_id)
                who = next((p.name for p in self.people if p.id == registered_id), "")
                self.notify(fmt("Matched: {value} and the phone are one person.",
                                value=who or 'the participant'))

            self.writer.write(
                self.store,
                lambda db: matching.match(db, self.session.id, registered_id, phone),
                matched,
            )

        self.app.push_screen(PickScreen(title, options), chosen)

    def action_unmatch(self) -> None:
        person = self.current()
        if person is None or person.id not in self.matches:
            self.notify(_("The highlighted person is not matched with a phone."),
                        severity="warning")
            return

        def unmatched(m: PhoneMatch) -> None:
            self.reload(focus=person.id)
            self.notify(fmt("{value} and the phone are apart again (the match stays in the file, "
                            "ended). m matches again.", value=person.name or 'The participant'))

        self.writer.write(
            self.store, lambda db: matching.unmatch(db, self.session.id, person.id), unmatched
        )

    def action_name_pick(self) -> None:
        allowed = not self.name_pick

        def done(_result: bool) -> None:
            self.reload()
            self.notify(_("Phones may pick their name from the registered people when joining.")
                        if allowed else _("Phones can no longer pick a name: personal codes only."))

        self.writer.write(
            self.store, lambda db: matching.allow_name_pick(db, self.session.id, allowed), done
        )

    def palette_entries(self) -> list[tuple[str, str, Any]]:
        return [
            ("participants: add", "Register a participant", self.action_add),
            ("participants: edit", "Edit the highlighted participant", self.action_edit),
            ("participants: delete", "Delete the highlighted participant", self.action_delete),
            ("participants: restore", "Bring back a deleted participant", self.action_restore),
            ("participants: match phone", "Match the highlighted person with a phone that "
             "joined (head count)", self.action_match),
            ("participants: unmatch phone", "End the highlighted person's match with a phone",
             self.action_unmatch),
            ("participants: names on phones", "Let phones pick their name when joining "
             "(or stop it)", self.action_name_pick),
            ("participants: back to session", "Back to the session", self.action_back),
        ]


def head_counts_text(counts: matching.HeadCounts) -> Text:
    """"registered N · by phone M · both K", the counts wherever the room is counted."""
    return Text.assemble(
        _("registered "), (str(counts.registered), "bold"),
        _(" · by phone "), (str(counts.by_phone), "bold"),
        _(" · both "), (str(counts.both), "bold"),
    )
