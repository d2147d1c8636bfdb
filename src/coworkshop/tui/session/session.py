"""The session screen: the agenda beside the current activity.

This module is imported when a session is opened, not at start-up, and it
imports the database layer (SQLModel) in a worker thread, so opening the first
session shows a loading indicator instead of freezing the screen. Its actions
and palette entries are in :mod:`.session_actions`.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from coworkshop.core.errors import UserError
from coworkshop.i18n import _, error_text, fmt
from coworkshop.tui.canvas.actions import CanvasActions
from coworkshop.tui.canvas.messages import CanvasChanged
from coworkshop.tui.colors import breakout_color
from coworkshop.tui.common.footer import KeysFooter
from coworkshop.tui.polls.host import PollHost
from coworkshop.tui.polls.live import LiveVoting, PollActivityAdded, PollChanged
from coworkshop.tui.quiet import set_text
from coworkshop.tui.session.session_actions import SessionActions
from coworkshop.tui.stakeholders.actions import ChecklistActions, MapActions
from coworkshop.tui.stakeholders.messages import ChecklistChanged, MapChanged

if TYPE_CHECKING:
    from coworkshop.core.models import Activity, Session
    from coworkshop.core.store import Store
    from coworkshop.tui.canvas.board import Board
    from coworkshop.tui.session.agenda_list import AgendaList


def _load(path: Path, session_id: str | None) -> tuple[Store, Session, list[Activity]]:
    """Open the file to work in it and read the session (runs in a thread).

    A file the user may not change opens for reading (``store.read_only``)."""
    from coworkshop.core import sessions
    from coworkshop.core.store import Store

    # Warm the modules the screen will need, off the event loop.
    from coworkshop.tui.canvas import canvas_board, grid_board  # noqa: F401
    from coworkshop.tui.session import agenda_list  # noqa: F401

    store = Store.open(path)
    try:
        session = store.session(session_id)
        with store.db() as db:
            acts = sessions.activities(db, session.id)
    except Exception:
        store.close()
        raise
    return store, session, acts


class NotAvailable(Static, can_focus=True):
    """A step of a kind this version lacks: text only. It takes the focus (so
    that a narrow terminal shows it instead of the agenda) and no keys."""


class SessionScreen(CanvasActions, PollHost, MapActions, ChecklistActions, SessionActions,
                    Screen[None]):
    """One workshop: agenda on the left, the highlighted activity on the right."""

    #: Parsed when the first session opens: the home screen shows sooner.
    CSS_PATH = "session.tcss"
    HELP_TITLE = "Session"
    HOW_TO = (
        "Left: the agenda. Up/down choose an activity, which shows on the right; enter (or →) "
        "moves into it and escape comes back to the agenda. s starts the highlighted activity "
        "(its timebox counts down), f finishes it. g gives a canvas to a breakout group, "
        "p opens the participants, t saves this session's plan as a new template, z hides the "
        "agenda to give the canvas the whole screen. ctrl+r writes the session's consensus "
        "report (HTML) next to its file; the palette offers Markdown, JSON and CSV too. "
        "w starts live voting (phones join with a code or QR code) and shows the join screen; "
        "it runs until you leave the session. "
        "F5 (or P) presents on the projector: the join code, or the open question and its "
        "results, full screen with nothing else. "
        "In a stakeholder map or a checklist, ? lists its own keys and rules. "
        "Escape on the agenda goes back home."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="session.back",
                tooltip="From an activity: back to the agenda. From the agenda: back home.",
                show=False),
        Binding("s", "start_activity", "Start", id="session.start",
                tooltip="Start the highlighted activity; its timebox counts down."),
        Binding("f", "finish_activity", "Finish", id="session.finish",
                tooltip="Mark the highlighted activity as done."),
        Binding("g", "assign_group", "Group", id="session.group",
                tooltip="Give the highlighted canvas to a breakout group.", show=False),
        Binding("p", "participants", "People", id="session.participants",
                tooltip="Participants by stakeholder group."),
        Binding("w", "live_voting", "Live", id="session.live",
                tooltip="Start live voting (phones join with a code or QR code); "
                        "show the join screen."),
        Binding("f5,P", "present", "Present", id="session.present",
                tooltip="Full screen for the projector: join code, or the open question.",
                # the footer is full here (? must stay); the join screen's footer shows it
                show=False),
        Binding("t", "save_template", "Save plan", id="session.template",
                tooltip="Save this session's plan (agenda, prompts, questions) as a template.",
                show=False),
        Binding("ctrl+r", "export_report('html')", "Report", id="session.report",
                tooltip="Write this session's consensus report (HTML) next to its file.",
                show=False),
        Binding("z", "zoom", "Zoom", id="session.zoom",
                tooltip="Hide or show the agenda, to give the activity the whole screen.",
                show=False),
    ]

    def __init__(self, path: Path, session_id: str | None = None, *,
                 sessions_dir: Path, templates_dir: Path) -> None:
        super().__init__()
        self.path = Path(path)
        self.sessions_dir = Path(sessions_dir)  # where carry looks for earlier sessions
        self.templates_dir = Path(templates_dir)  # where the plan is saved as a template
        self.session_id = session_id
        self.store: Store | None = None
        self.session: Session | None = None
        self.activities: list[Activity] = []
        self.shown: str | None = None
        self.saved_at: datetime | None = None
        self._showing = asyncio.Lock()
        self.live: LiveVoting | None = None  # live voting: polls, and phones once started
        self.registered: int | None = None  # people the facilitator registered
        self._head_count = ""  # what the bar shows of them

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Horizontal(id="session-bar"):
            yield Static(
                Text.assemble((self.path.name, "bold")), id="session-title", classes="title-bar"
            )
            yield Static(id="head-count", classes="title-bar")
            yield Static(id="saved", classes="title-bar")
        with Horizontal(id="session-body"):
            yield Vertical(id="agenda-pane")
            with Vertical(id="activity-pane"):
                yield Static(id="activity-head")
                yield Vertical(id="activity-view")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#session-body").loading = True
        self.open_file()
        self.set_interval(1, self.tick)

    @work(exclusive=True, group="open-session")
    async def open_file(self) -> None:
        try:
            store, session, acts = await asyncio.to_thread(
                _load, self.path, self.session_id
            )
        except UserError as exc:
            self.notify(error_text(exc), title=_("Cannot open"), severity="error", timeout=10)
            self.action_home()
            return
        self.store, self.session, self.activities = store, session, acts
        if store.read_only:
            from coworkshop.core.probe import READ_ONLY_NOTICE

            self.notify(f"{self.path.name}: {READ_ONLY_NOTICE}", title=_("Read-only"), timeout=10)
        elif store.backup is not None:
            self.notify(
                fmt("{name} was made by an older coworkshop and is now up to date; the original "
                    "is kept as {name2}", name=self.path.name, name2=store.backup.name),
                timeout=10,
            )
        # the app's: live voting goes on when this screen closes
        self.live = self.writer.live_voting(store, session.id)
        from coworkshop.tui.session.agenda_list import AgendaList

        body = self.query_one("#session-body")
        agenda = AgendaList(id="agenda")
        await self.query_one("#agenda-pane").mount(
            Static(_("Agenda"), classes="pane-title"), agenda
        )
        running = next((a for a in acts if a.status == "running"), None)
        first_open = next((a for a in acts if a.status != "done"), None)
        start = running or first_open or (acts[0] if acts else None)
        agenda.show(acts, highlight=start.id if start else None)
        body.loading = False
        self.count_registered()
        self.update_title()
        agenda.focus()
        if start is not None:
            await self.show_activity(start)

    async def on_unmount(self) -> None:
        # live voting goes on (the app stops it when it quits); its server has
        # its own store, so the file is folded back when the last one closes
        if self.store is not None:
            self.store.close()
            self.store = None

    # ------------------------------------------------------------ helpers

    @property
    def agenda(self) -> AgendaList:
        from coworkshop.tui.session.agenda_list import AgendaList

        return self.query_one("#agenda", AgendaList)

    def board(self) -> Board | None:
        from coworkshop.tui.canvas.board import Board

        found = self.query(Board)  # type: ignore[type-abstract]  # any board shape
        return found.first() if found else None

    def current(self) -> Activity | None:
        if self.session is None:
            return None
        return self.agenda.current()

    def update_title(self) -> None:
        s = self.session
        if s is None:
            return
        text = Text.assemble((s.title, "bold"))
        facts = [s.date, ", ".join(p for p in (s.place, s.country) if p), s.facilitator]
        for fact in facts:
            if fact:
                text.append(f"  ·  {fact}", style="")
        if self.live is not None and self.live.running:
            # visible on every activity, so nobody forgets the room can vote
            live = Text.assemble((_("● LIVE "), "bold red"), (fmt("code {code}  ",
                                                                  code=self.live.code), "bold"))
            if self.live.codes_locked():
                # someone is guessing the code: joining is paused until a new one
                live = Text.assemble(
                    (_("⚠ CODE GUESSING: joining paused, press w then n for a new code  "),
                     "bold black on yellow"), live)
            text = live + text
        set_text(self.query_one("#session-title", Static), text)
        counts = self.head_count_text()
        if counts.plain != self._head_count:  # its width follows it: a layout, when it changes
            self._head_count = counts.plain
            self.query_one("#head-count", Static).update(counts)
        if self.store is not None and self.store.read_only:
            # shown for as long as the session is, so nobody types in vain
            notice = Text("read-only: changes are not possible", style="bold yellow")
            self.query_one("#saved", Static).update(notice)
        elif self.saved_at is not None:
            # every change is committed at once; this shows the room it happened
            saved = Text.assemble((_("✓ saved "), "green"), (f"{self.saved_at:%H:%M:%S}", "green"))
            self.query_one("#saved", Static).update(saved)

    def count_registered(self) -> None:
        """How many people are registered (one cheap read; again on coming back)."""
        if self.store is None or self.session is None:
            return
        from coworkshop.core import matching

        with self.store.db() as db:
            self.registered = matching.head_counts(db, self.session.id).registered

    def head_count_text(self) -> Text:
        """"registered 13", and while live voting runs "· phones 5" (connected now)."""
        text = Text()
        if self.registered is not None:
            text.append(_("registered "), style="dim")
            text.append(str(self.registered), style="bold")
        if self.live is not None and self.live.running:
            if text:
                text.append(" · ", style="dim")
            text.append(_("phones "), style="dim")
            text.append(str(self.live.connected()), style="bold")
        return text

    def update_head(self) -> None:
        from coworkshop.tui.session.agenda_list import activity_kind, countdown

        act = self.current()
        head = self.query_one("#activity-head", Static)
        if act is None:
            set_text(head, Text(""))
            return
        text = Text.assemble((activity_kind(act).upper(), "bold reverse"))
        text.append(" ")
        text.append(act.title, style="bold")
        status = {"pending": _("not started"), "running": _("running"),
                  "done": _("done")}[act.status]
        text.append(f"   {status}", style="dim")
        if act.timebox_minutes:
            text.append(fmt(" · {timebox_minutes} min",
                            timebox_minutes=act.timebox_minutes), style="dim")
        cd = countdown(act)
        if cd.plain:
            text.append(" · ")
            text.append_text(cd)
        if act.group_name:
            text.append(" · ")
            text.append(act.group_name, style=f"bold {breakout_color(act.group_name)}")
        set_text(head, text)

    def make_view(self, act: Activity) -> Widget:
        assert self.store is not None and self.session is not None
        if act.kind == "canvas":
            from coworkshop.core.canvas import is_grid

            if is_grid(act):
                from coworkshop.tui.canvas.grid_board import GridBoard

                return GridBoard(self.store, self.session, act, id="board")
            from coworkshop.tui.canvas.canvas_board import CanvasBoard

            return CanvasBoard(self.store, self.session, act, id="board")
        if act.kind == "poll":
            from coworkshop.tui.polls.poll_view import PollView

            assert self.live is not None
            return PollView(self.store, self.session, act, self.live, id="activity-info")
        if act.kind == "stakeholder_map":
            from coworkshop.tui.stakeholders.map_view import MapView

            return MapView(self.store, self.session, act, id="activity-info")
        if act.kind == "checklist":
            from coworkshop.tui.checklist.checklist_view import ChecklistView

            return ChecklistView(self.store, self.session, act, id="activity-info")
        # A kind this version does not know (a file from a newer coworkshop):
        # plain text, no keys, nothing that looks like it works.
        return NotAvailable(
            f"{act.title}\n\nThis step is a {act.kind!r} activity, which this version of "
            "coworkshop does not provide: there is nothing to do here. Its data stays in "
            "the file untouched; a newer coworkshop shows it.",
            id="activity-info", classes="not-available", markup=False,
        )

    async def show_activity(self, act: Activity) -> None:
        # The opening worker and the agenda's messages may both ask at once.
        async with self._showing:
            self.update_head()
            if self.shown == act.id:
                return
            self.shown = act.id
            pane = self.query_one("#activity-view")
            await pane.remove_children()
            await pane.mount(self.make_view(act))

    def reload_activities(self) -> None:
        from coworkshop.core import sessions

        assert self.store is not None and self.session is not None
        with self.store.db() as db:
            self.activities = sessions.activities(db, self.session.id)
        self.agenda.show(self.activities)
        act = self.current()
        for view in self.query("#board, #activity-info"):
            # the shown view keeps the fresh activity (status, group)
            if act is not None and getattr(view, "activity", None) is not None:
                if view.activity.id == act.id:  # type: ignore[attr-defined]
                    view.activity = act  # type: ignore[attr-defined]
        self.update_head()

    def on_screen_resume(self) -> None:
        # back from the join screen, where voting may have been stopped, or
        # from the participants, where people were registered
        self.count_registered()
        self.update_title()

    def on_descendant_focus(self) -> None:
        self._follow_focus()

    def on_descendant_blur(self) -> None:
        self._follow_focus()

    def _follow_focus(self) -> None:
        """Remember whether the focus is inside the activity: on a narrow
        terminal the agenda then steps aside (see app.tcss)."""
        focused = self.focused
        view = self.query_one("#activity-view")
        inside = focused is not None and (focused is view or view in focused.ancestors)
        self.set_class(inside, "-in-activity")

    def mark_saved(self) -> None:
        self.saved_at = datetime.now()
        self.update_title()

    def tick(self) -> None:
        if self.session is None:
            return
        self.agenda.tick()
        self.update_head()
        live = self.live
        if live is not None and live.lost:  # its process ended by itself
            live.lost = False
            self.notify(_("The participants' server ended by itself: phones can no longer "
                          "answer. Everything it received is saved. Press w to start live "
                          "voting again."), title=_("Live voting stopped"), severity="error",
                        timeout=30)
            self.update_title()
        elif live is not None and live.running:
            self.update_title()  # the warning of code guessing comes and goes

    # ------------------------------------------------------------ events

    async def on_agenda_list_activity_highlighted(
        self, message: AgendaList.ActivityHighlighted
    ) -> None:
        await self.show_activity(message.activity)

    async def on_agenda_list_activity_entered(self, message: AgendaList.ActivityEntered) -> None:
        await self.show_activity(message.activity)
        for view in self.query("#board, #activity-info"):
            view.focus()

    @on(CanvasChanged)
    @on(MapChanged)
    @on(ChecklistChanged)
    def _activity_saved(self) -> None:
        self.mark_saved()

    @on(PollChanged)
    def _poll_changed(self, message: PollChanged) -> None:
        self.mark_saved()
        if isinstance(message, PollActivityAdded):
            self.reload_activities()
            self.agenda.show(self.activities, highlight=message.activity_id)

    # ------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start_activity", "finish_activity", "assign_group", "participants",
                      "save_template", "zoom", "live_voting", "present") and self.session is None:
            return None  # still loading: shown greyed out
        return True

    def action_back(self) -> None:
        view = self.query_one("#activity-view")
        focused = self.focused
        if focused is not None and (focused is view or view in focused.ancestors):
            self.agenda.focus()
            return
        self.action_home()

    def action_home(self) -> None:
        if self.app.screen is self:
            self.app.pop_screen()
