"""The multi-stakeholder group checklist, live: the standards of the two
stages and the eleven questions, each with its status, what it was last
session, and the session's evidence; the chosen item's note, owner, due date
and hints below."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from coworkshop.i18n import _, fmt

from ...core import checklist as cl
from ..stakeholders.render import window

if TYPE_CHECKING:
    from ...core.models import Activity, Session
    from ...core.store import Store

STYLES = {"": "dim", "yes": "bold green", "partly": "bold yellow", "no": "bold red",
          "na": "dim"}
PaletteEntry = tuple[str, str, Any]


class ChecklistView(Widget, can_focus=True):
    """Go through the checklist with the group and answer each item."""

    HOW_TO = (
        "Up/down choose an item. y yes, h partly, n no, x not applicable, o open again; "
        "enter edits the note, the owner and the due date. ◆ marks an item for which the "
        "session already holds evidence (stakeholders registered, a completed mapping round, "
        "a coordinator among the participants, the visions voted on): it is a hint with its "
        "source, you decide. 'was' shows the answer of the group's previous session when "
        "the checklist was carried over (i: from a previous session file). Progress counts "
        "the eleven questions."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "status('yes')", "Yes", id="checklist.yes", tooltip="Answer yes."),
        Binding("h", "status('partly')", "Partly", id="checklist.partly",
                tooltip="Answer partly (half done)."),
        Binding("n", "status('no')", "No", id="checklist.no", tooltip="Answer no."),
        Binding("x", "status('na')", "N/A", id="checklist.na",
                tooltip="Not applicable to this group."),
        Binding("o", "status('')", "Reopen", id="checklist.open", show=False,
                tooltip="Clear the answer (open again)."),
        Binding("enter,e", "edit", "Note/owner", id="checklist.edit",
                tooltip="Edit the note, the owner and the due date of the chosen item."),
        Binding("i", "carry", "Import", id="checklist.carry", show=False,
                tooltip="Start from the checklist of a previous session of the group."),
        Binding("up", "cursor(-1)", "Up", id="checklist.up", show=False,
                tooltip="Previous item."),
        Binding("down", "cursor(1)", "Down", id="checklist.down", show=False,
                tooltip="Next item."),
        Binding("pageup", "cursor(-5)", "Page up", id="checklist.page-up", show=False,
                tooltip="Five items up."),
        Binding("pagedown", "cursor(5)", "Page down", id="checklist.page-down", show=False,
                tooltip="Five items down."),
    ]

    def __init__(self, store: Store, session: Session, activity: Activity,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.session = session
        self.activity = activity
        self.states: list[cl.ItemState] = []
        self.cursor = 0

    def compose(self) -> ComposeResult:
        yield Static(id="checklist-head")
        yield Static(id="checklist-items")
        yield Static(id="checklist-detail")

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self, _event: events.Resize) -> None:
        self.refresh_view()

    def reload(self) -> None:
        with self.store.db() as db:
            self.states = cl.state(db, self.session, self.activity)
        self.cursor = min(self.cursor, max(0, len(self.states) - 1))
        self.refresh_view()

    def current(self) -> cl.ItemState | None:
        return self.states[self.cursor] if self.states else None

    # ------------------------------------------------------------ drawing

    def refresh_view(self) -> None:
        if not self.is_mounted:
            return
        prog = cl.progress(self.states)
        head = Text.assemble((_("Checklist"), "bold"), " · ", (prog.text(), "bold"))
        carried = [s for s in self.states if s.previous is not None]
        if carried:
            changed = sum(1 for s in self.states if s.changed)
            head.append(fmt(" · {changed} changed since last time", changed=changed), style="cyan")
        self.query_one("#checklist-head", Static).update(head)
        box = self.query_one("#checklist-items", Static)
        width = max(30, box.size.width or 70)
        height = max(3, box.size.height or 10)
        rows = window(len(self.states), self.cursor, height)
        text = Text()
        qn = 0
        numbers = []
        for s in self.states:
            if s.item.is_question:
                qn += 1
                numbers.append(f"{qn}.")
            else:  # a step to take, not a question: no number, no unexplained mark
                numbers.append("")
        for k in rows:
            s = self.states[k]
            sel = k == self.cursor
            label = cl.LABELS[s.status] if s.status != "na" else "n/a"
            text.append("▸" if sel else " ", style="bold")
            text.append(f"{cl.MARKS[s.status]} {label:<6} ", style=STYLES[s.status])
            text.append("◆" if s.evidence else " ", style="bold magenta")
            section = "" if s.item.is_question else (s.item.stage.split(" - ")[0] + ": ")
            body = f"{numbers[k]:>3} {section}{s.item.text}"
            tail = ""
            if s.previous is not None:
                was = cl.LABELS[s.previous] if s.previous != "na" else "n/a"
                tail = f" was {was}" if s.changed else ""
            room = width - 11 - len(tail)
            if len(body) > room:
                body = body[: max(1, room - 1)] + "…"
            text.append(body.ljust(room), style="reverse" if sel else "")
            if tail:
                text.append(tail, style="bold cyan")
            text.append("\n")
        text.rstrip()
        box.update(text)
        self.query_one("#checklist-detail", Static).update(self.detail())

    def detail(self) -> Text:
        s = self.current()
        if s is None:
            return Text(_("This checklist has no items."), style="italic")
        text = Text()
        if s.item.stage:
            text.append(f"{s.item.stage}: ", style="bold cyan")
        text.append(s.item.text, style="bold")
        if s.item.help:
            text.append(f"\n{s.item.help}", style="dim")
        facts = []
        if s.note:
            facts.append(("note: ", s.note))
        if s.owner:
            facts.append(("owner: ", s.owner))
        if s.due:
            facts.append(("due: ", s.due))
        if s.previous is not None:
            facts.append(("last time: ", cl.LABELS[s.previous]))
        if facts:
            text.append("\n")
            for n, (k, v) in enumerate(facts):
                text.append(("  " if n else "") + k, style="dim")
                text.append(v)
        for ev in s.evidence:
            text.append("\n◆ ", style="bold magenta")
            text.append(ev.text)
            text.append(f" ({ev.source})", style="dim")
        return text

    # ------------------------------------------------------------ requests
    # The view presents and asks; the screen saves (see stakeholders.actions).

    class Requested(Message):
        """The facilitator asked for something on the checklist (base class)."""

        def __init__(self, view: ChecklistView, state: cl.ItemState | None) -> None:
            super().__init__()
            self.view = view
            self.state = state

    class StatusRequested(Requested):
        """Set the chosen item's status (``None``: ask which)."""

        def __init__(self, view: ChecklistView, state: cl.ItemState, status: str | None
                     ) -> None:
            super().__init__(view, state)
            self.state: cl.ItemState = state
            self.status = status

    class EditRequested(Requested):
        """Edit the chosen item's note, owner and due date."""

        def __init__(self, view: ChecklistView, state: cl.ItemState) -> None:
            super().__init__(view, state)
            self.state: cl.ItemState = state

    class CarryRequested(Requested):
        """Start from a previous session's checklist."""

    # ------------------------------------------------------------ actions

    def action_cursor(self, step: int) -> None:
        if self.states:
            self.cursor = max(0, min(len(self.states) - 1, self.cursor + step))
            self.refresh_view()

    def action_status(self, status: str) -> None:
        s = self.current()
        if s is not None:
            self.post_message(self.StatusRequested(self, s, status))

    def action_pick_status(self) -> None:
        s = self.current()
        if s is not None:
            self.post_message(self.StatusRequested(self, s, None))

    def action_edit(self) -> None:
        s = self.current()
        if s is not None:
            self.post_message(self.EditRequested(self, s))

    def action_carry(self) -> None:
        self.post_message(self.CarryRequested(self, self.current()))

    def palette_entries(self) -> list[PaletteEntry]:
        return [
            ("checklist: set status", "Yes, partly, no, not applicable or open",
             self.action_pick_status),
            ("checklist: edit note, owner, due date", "For the chosen item", self.action_edit),
            ("checklist: carry from previous session",
             "Start from a previous session's answers", self.action_carry),
        ]
