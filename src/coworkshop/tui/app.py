"""The Textual application and the one factory the CLI calls."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import signal
from collections.abc import Awaitable, Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.logging import TextualHandler
from textual.screen import Screen
from textual.worker import Worker

from coworkshop.i18n import _, error_text, fmt, nfmt
from coworkshop.tui import writes
from coworkshop.tui.common.confirm import ConfirmScreen
from coworkshop.tui.common.form import TypedForm
from coworkshop.tui.common.help import HelpScreen
from coworkshop.tui.home.home import HomeScreen

from .. import i18n
from ..core.errors import UserError
from .commands import CoworkshopCommands

if TYPE_CHECKING:
    from sqlmodel import Session as DBSession

    from ..core.probe import FileInfo
    from ..core.store import Store
    from .polls.live import LiveVoting

log = logging.getLogger("coworkshop")
T = TypeVar("T")

#: Signals that end the app as q does (live voting stops, the file is folded back).
_QUIT_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP")
                      if hasattr(signal, name))

#: What a palette entry is: its text, a line of help, what it does.
PaletteEntry = tuple[str, str, Callable[[], object]]


class CoworkshopApp(App[None]):
    """Home (sessions and templates) -> session (agenda, canvases) -> forms."""

    CSS_PATH = "app.tcss"
    TITLE = "coworkshop"
    COMMANDS = App.COMMANDS | {CoworkshopCommands}
    # Layout switches for a laptop terminal (80x24) and a projector.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (120, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    BINDINGS: ClassVar[list[BindingType]] = [
        # Help first: the footer drops keys from the right when it is short of room.
        Binding(
            "question_mark",
            "help",
            "Help",
            id="app.help",
            tooltip="Show the keys of this screen and how to use it.",
        ),
        Binding(
            "q",
            "quit('q')",
            "Quit",
            id="app.quit",
            tooltip="Quit coworkshop. Everything is saved already; reopen the file to go on.",
            # Priority so that q works in lists and dialogs too; fields that take
            # text receive the letter (Textual skips it while they are focused),
            # and in a form q does nothing (check_action).
            priority=True,
        ),
    ]

    def __init__(
        self,
        sessions_dir: Path,
        templates_dir: Path,
        session_file: Path | None = None,
        session_id: str | None = None,
    ) -> None:
        super().__init__()
        # COWORKSHOP_LANG, else English until a session is opened (then its language)
        i18n.set_language(i18n.from_env())
        self.sessions_dir = Path(sessions_dir)
        self.templates_dir = Path(templates_dir)
        self.session_file = Path(session_file) if session_file else None
        self.session_id = session_id
        self._writing: asyncio.Lock | None = None
        #: Live voting belongs to the app, one per (file, session): it survives
        #: the session screen and runs until stopped or the app quits.
        self.live: dict[tuple[str, str], LiveVoting] = {}

    def get_default_screen(self) -> Screen[Any]:
        return HomeScreen(self.sessions_dir, self.templates_dir)

    def on_mount(self) -> None:
        # SIGTERM or a closed terminal ends the app as q does: live voting
        # stops cleanly and the session file is folded back.
        for sig in _QUIT_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().add_signal_handler(sig, self.exit)
        if self.session_file is not None:
            self.open_session(self.session_file, self.session_id)

    async def on_unmount(self) -> None:
        for sig in _QUIT_SIGNALS:
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                asyncio.get_running_loop().remove_signal_handler(sig)
        for live in self.live.values():
            await live.stop()

    def live_voting(self, store: Store, session_id: str) -> LiveVoting:
        """The session's live voting (running or not), kept across screens; a
        reopened session screen hands over its store for the facilitator's writes."""
        from coworkshop.tui.polls.live import LiveVoting

        key = (str(Path(store.path).resolve()), session_id)
        live = self.live.get(key)
        if live is None:
            live = self.live[key] = LiveVoting(store, session_id, commit=self.commit)
        else:
            live.store = store
        return live

    def live_now(self) -> str:
        """"code 123 456" for the live voting running now ("" if none)."""
        codes = [live.code for live in self.live.values() if live.running]
        return ", ".join(f"code {c[:3]} {c[3:]}" for c in codes)

    def open_session(self, path: Path, session_id: str | None = None) -> None:
        """Open the session screen on ``path``; a bad file becomes a notification.

        A file holding several sessions opens on a choice of them, never on the
        first one silently.
        """
        from ..core.errors import SessionFileError
        from ..core.probe import pick_session, read_info

        try:
            # on the event loop: a locked file waits briefly; every page is
            # checked, so a damaged file is refused here rather than shown
            info = read_info(path, full=True)
            if session_id is not None or len(info.sessions) <= 1:
                session_id = pick_session(path, info.sessions, session_id).id
        except SessionFileError as exc:
            self.notify(error_text(exc), title=_("Cannot open"), severity="error", timeout=10)
            return
        if session_id is None:
            self.choose_session(path, info)
            return
        self.speak(next((s.language for s in info.sessions if s.id == session_id), ""))
        # Imported here: the session screen needs SQLModel, the home screen does not.
        from coworkshop.tui.session.session import SessionScreen

        self.push_screen(SessionScreen(path, session_id, sessions_dir=self.sessions_dir,
                                       templates_dir=self.templates_dir))

    def speak(self, session_language: str) -> None:
        """Follow the session's language, unless ``COWORKSHOP_LANG`` says otherwise."""
        import os

        if not i18n.known(os.environ.get(i18n.LANG_ENV)) and i18n.known(session_language):
            i18n.set_language(session_language)

    def choose_session(self, path: Path, info: FileInfo) -> None:
        """Ask which of the file's sessions to open."""
        from rich.text import Text

        from coworkshop.tui.common.pick import PickScreen

        options: list[tuple[str, Text | str]] = []
        for s in info.sessions:
            label = Text.assemble((s.title, "bold"))
            facts = [s.date, ", ".join(p for p in (s.place, s.country) if p),
                     f"{s.participants} people", s.id]
            label.append("\n  " + " · ".join(f for f in facts if f), style="dim")
            options.append((s.id, label))

        def chosen(session_id: str | None) -> None:
            if session_id is not None:
                self.open_session(path, session_id)

        self.push_screen(
            PickScreen(fmt("{name} holds {n} sessions: which one?",
                           name=path.name, n=len(info.sessions)), options),
            chosen,
        )

    async def commit(self, store: Store, change: Callable[[DBSession], T]) -> T:
        """Run ``change`` in one unit of work in a thread and return its result
        once committed (see :mod:`.writes`); raises the core's :class:`UserError`,
        or :class:`writes.NotSaved` when another program keeps the file locked.

        Writes run one at a time, in the order they were asked for.
        """
        if self._writing is None:
            self._writing = asyncio.Lock()
        async with self._writing:
            return await asyncio.to_thread(writes.run, store, change)

    def write(
        self,
        store: Store,
        change: Callable[[DBSession], T],
        on_done: Callable[[T], Awaitable[object] | object] | None = None,
    ) -> Worker[None]:
        """Commit ``change`` in a worker, then call ``on_done`` with its result.

        For key presses: the screen keeps working meanwhile. A refusal (or a
        file locked by another program) is one notification, and ``on_done``
        is not called, so nothing unsaved is shown as saved.
        """

        async def run() -> None:
            try:
                result = await self.commit(store, change)
            except UserError as exc:
                self.notify(error_text(exc), severity="error", timeout=8)
                return
            if on_done is not None:
                done = on_done(result)
                if inspect.isawaitable(done):
                    await done

        return self.run_worker(run(), group="write", description="save a change")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "quit" and parameters == ("q",) and isinstance(
            self.screen, TypedForm | ConfirmScreen
        ):
            return False  # a q in a form is never a quit (ctrl+q still is, and asks)
        return True

    async def action_quit(self, key: str = "") -> None:
        """Quit; ask first when quitting would drop something (:meth:`quit_warnings`)."""
        warnings = self.quit_warnings()
        if not warnings:
            self.exit()
            return

        def answered(quit_now: bool | None) -> None:
            if quit_now:
                self.exit()

        self.push_screen(ConfirmScreen(_("Quit coworkshop?"), "Quit", "Stay",
                                       note="\n".join(warnings)), answered)

    def quit_warnings(self) -> list[str]:
        """What quitting now would drop or stop, one line each; none: quit at once."""
        warnings: list[str] = []
        if any(isinstance(s, TypedForm) and s.holds_text() for s in self.screen_stack):
            warnings.append(_("A form holds text you typed; it is not saved yet."))
        live = self.live_now()
        if live:
            phones = sum(v.connected() for v in self.live.values())
            warnings.append(nfmt("Live voting is on ({live}, {n} phone connected): quitting stops "
                                 "it and phones "
                                 "can no longer answer. Everything received is saved.",
                                 "Live voting is on ({live}, {n} phones connected): quitting "
                                 "stops it and phones can no longer answer. Everything "
                                 "received is saved.", phones, live=live))
        return warnings

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss()
            return
        self.push_screen(HelpScreen(self.screen))

    def palette_entries(self, screen: Screen[object]) -> Iterable[PaletteEntry]:
        """Palette entries for ``screen`` ("category: verb")."""
        yield ("help: keys", "The keys of this screen and a short how-to", self.action_help)
        entries = getattr(screen, "palette_entries", None)
        if callable(entries):
            yield from entries()


def build_app(
    sessions_dir: Path,
    templates_dir: Path,
    session_file: Path | None = None,
    session_id: str | None = None,
) -> CoworkshopApp:
    """The app on a sessions folder and a templates folder (optionally one file)."""
    # A StreamHandler would paint over the screen; log to Textual's devtools only,
    # and drop records when no app runs (before start, after quitting) rather
    # than print them on the terminal.
    if not any(isinstance(h, TextualHandler) for h in log.handlers):
        log.addHandler(TextualHandler(stderr=False, stdout=False))
        log.propagate = False
    return CoworkshopApp(sessions_dir, templates_dir, session_file, session_id)
