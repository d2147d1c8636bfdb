"""Counts from a show of hands or paper ballots, typed in per option.

For rooms without working Wi-Fi (or people without a phone): the facilitator
counts hands or ballots and types the number for each option (for each
statement of a rated list), optionally for one stakeholder group at a time.
The core stores them as tallies, counted with the phones' answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.errors import UserError
from coworkshop.i18n import _, error_text, fmt, nfmt
from coworkshop.tui.common.form import TypedForm

if TYPE_CHECKING:
    from sqlmodel import Session as DBSession

    from coworkshop.core.models import Session
    from coworkshop.core.store import Store
    from coworkshop.tui.app import CoworkshopApp

SOURCES = [("Show of hands", "hands"), ("Paper ballots", "paper")]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _cells(cells: list[tuple[int, int]], statements: tuple[str, ...]) -> str:
    """"3 options", or for a rated list the statements counted: "2 statements"."""
    if statements:
        return nfmt("{n} statement", "{n} statements", len({s for s, _c in cells}))
    return nfmt("{n} option", "{n} options", len(cells))


class TallyScreen(TypedForm[bool]):
    """Returns True when counts were saved."""

    HELP_TITLE = "Counts by hand"
    HOW_TO = (
        "Type how many people chose each option. Enter moves to the next count; "
        "ctrl+s (or enter on the last one) saves. An empty count or 0 withdraws a count "
        "entered before. Choose a stakeholder group to count each group on its own."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="tally.cancel", tooltip="Close without saving."),
        Binding("ctrl+s", "save", "Save", id="tally.save", tooltip="Save the counts."),
    ]

    def __init__(self, store: Store, session: Session, poll: voting.PollInfo) -> None:
        super().__init__()
        self.store = store
        self.session = session
        self.poll = poll
        self.saved: dict[tuple[int, int], int] = {}
        self.wrote = 0  # counts saved since the form opened
        self.saving = False

    @property
    def statements(self) -> list[str]:
        return list(self.poll.statements) if self.poll.type == "scale_statements" else [""]

    def compose(self) -> ComposeResult:
        groups = [("Everyone (not split by group)", "")] + [
            (g["label"], g["key"]) for g in sessions.stakeholder_groups(self.session)
        ]
        with Vertical(classes="dialog tally-dialog"):
            yield Static(fmt("Counts: {text}",
                             text=self.poll.question.text), classes="dialog-title",
                         markup=False)
            yield Static(_("How many people chose each option. Counts add to the answers "
                         "from phones."), classes="dialog-note")
            with Grid(classes="form-grid"):
                yield Label(_("Counted by"), classes="field-label")
                yield Select(SOURCES, value="hands", allow_blank=False, id="tally-source",
                             compact=True)
                yield Label(_("Stakeholder group"), classes="field-label")
                yield Select(groups, value="", allow_blank=False, id="tally-group",
                             compact=True)
            # not a tab stop of its own: tab goes from the last select to the
            # first count (focusing a count scrolls it into view)
            with VerticalScroll(classes="form", can_focus=False):
                for s, statement in enumerate(self.statements):
                    if statement:
                        yield Static(f"{s + 1}. {statement}", classes="tally-statement",
                                     markup=False)
                    with Grid(classes="tally-grid"):
                        for c, choice in enumerate(self.poll.choices):
                            yield Label(choice, classes="tally-label", markup=False)
                            yield Input(placeholder="0", type="integer", id=f"count-{s}-{c}",
                                        classes="tally-count", compact=True)
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="ok", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static(_("enter next count · ctrl+s saves · esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.fill()
        self.inputs()[0].focus()

    def inputs(self) -> list[Input]:
        return list(self.query(".tally-count").results(Input))

    def where(self) -> tuple[str, str]:
        source = self.query_one("#tally-source", Select).value
        group = self.query_one("#tally-group", Select).value
        return str(source), str(group) if isinstance(group, str) else ""

    def fill(self) -> None:
        """Show the counts already entered for this source and group."""
        source, group = self.where()
        statement = {k: i for i, k in enumerate(self.poll.statement_keys or ("",))}
        choice = {k: i for i, k in enumerate(self.poll.choice_keys)}
        self.saved = {(statement[t.statement_key], choice[t.choice_key]): t.count
                      for t in voting.tallies(self.store, self.poll.id)
                      if t.source == source and t.stakeholder_group == group
                      and t.statement_key in statement and t.choice_key in choice}
        for s in range(len(self.statements)):
            for c in range(len(self.poll.choices)):
                count = self.saved.get((s, c))
                self.query_one(f"#count-{s}-{c}", Input).value = str(count) if count else ""

    @on(Select.Changed)
    def _where_changed(self) -> None:
        self.fill()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        inputs = self.inputs()
        if event.input in inputs and event.input is not inputs[-1]:
            inputs[inputs.index(event.input) + 1].focus()
            return
        self.action_save()

    def counts(self) -> dict[tuple[int, int], int]:
        out = {}
        for s, statement in enumerate(self.statements):
            for c, choice in enumerate(self.poll.choices):
                raw = self.query_one(f"#count-{s}-{c}", Input).value.strip()
                try:
                    out[(s, c)] = int(raw) if raw else 0
                except ValueError:
                    where = f"{statement}: " if statement else ""
                    raise UserError(f"{where}{choice}: a count is a whole number") from None
        return out

    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        if self.saving:  # enter pressed again while the counts are being saved
            return
        self.saving = True
        self.run_worker(self._save(), group="form-save", description="save the counts")

    async def _save(self) -> None:
        """Saved off the event loop, through the app's writer; closes once saved."""
        source, group = self.where()

        def write(db: DBSession, changed: dict[tuple[int, int], int]) -> None:
            for (s, c), count in changed.items():
                voting.set_tally(db, self.poll, c, count, stakeholder_group=group,
                                 statement=s, source=source)

        try:
            counts = self.counts()
            changed = {k: v for k, v in counts.items() if v != self.saved.get(k, 0)}
            # The counts of one form are saved together, or not at all.
            await cast("CoworkshopApp", self.app).commit(
                self.store, lambda db: write(db, changed)
            )
            self.saved.update(changed)
            self.wrote += len(changed)
        except UserError as exc:
            self.query_one("#form-error", Static).update(error_text(exc))
            self.notify(error_text(exc), severity="error")
            return
        finally:
            self.saving = False
        if changed:
            self.notify(self.saved_note(changed))
        self.dismiss(self.wrote > 0)

    def saved_note(self, changed: dict[tuple[int, int], int]) -> str:
        """What was saved, as the facilitator counted it: "Saved counts for 3
        options (show of hands)", per statement for a rated list."""
        source, group = self.where()
        where = {v: k for k, v in SOURCES}.get(source, source).lower()
        if group:
            where += ", " + sessions.group_label(self.session, group)
        set_ = [k for k, v in changed.items() if v]
        withdrawn = [k for k, v in changed.items() if not v]
        parts = []
        if set_:
            parts.append("Saved counts for " + _cells(set_, self.poll.statements))
        if withdrawn:
            what = _cells(withdrawn, self.poll.statements)
            parts.append(("withdrew" if parts else "Withdrew") + f" the counts for {what}")
        return f"{' and '.join(parts)} ({where})"

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.leave(self.wrote > 0)  # True: counts were saved earlier
