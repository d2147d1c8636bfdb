"""Home: the session files in the sessions folder and the workshop templates.

Only the standard library's sqlite3 (core.probe) and tomllib are used to list
them, in a worker, so the screen appears at once and an unreadable file shows
its error in the list instead of stopping the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from coworkshop.core.errors import SessionFileError, UserError
from coworkshop.core.probe import FileInfo, SessionSummary, list_session_files, read_info
from coworkshop.i18n import _, error_text, fmt, nfmt
from coworkshop.tui.common.footer import KeysFooter

if TYPE_CHECKING:
    from coworkshop.core.catalog import TemplateEntry
    from coworkshop.core.store import Store
    from coworkshop.tui.app import CoworkshopApp

#: Up to this many session files the home screen reads them before its first
#: frame (about 0.4 ms each); more are read in a worker.
FIRST_PAINT_FILES = 30

@dataclass
class SessionRow:
    path: Path
    info: FileInfo | None
    error: str = ""


def _short_error(path: Path, message: str) -> str:
    """The error without the path in front (the list shows the file already)."""
    prefix = f"{path}: "
    return message[len(prefix):] if message.startswith(prefix) else message


class HomeScreen(Screen[None]):
    """Pick a session to open or a template to start a new session from."""

    HELP_TITLE = "Home"
    HOW_TO = (
        "Left: the session files in the sessions folder, newest first (a file holding several "
        "sessions lists each). Enter opens one. "
        "Right: the workshop templates. Enter (or n) starts a new session from the "
        "highlighted template; d creates a demo session to explore. Tab moves between "
        "the two lists. Coordinators: space marks session files (space again unmarks), m "
        "merges the marked files into one new file and shows its sessions overview."
    )
    AUTO_FOCUS = "#sessions"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "new_session",
            "New session",
            id="home.new",
            tooltip="Create a session from the highlighted template.",
        ),
        Binding(
            "d",
            "demo",
            "Demo",
            id="home.demo",
            tooltip="Create a demo workshop in progress, to explore the app.",
        ),
        Binding(
            "space",
            "mark",
            "Mark",
            id="home.mark",
            tooltip="Mark the highlighted session file for merging (space again unmarks).",
        ),
        Binding(
            "m",
            "merge",
            "Merge",
            id="home.merge",
            tooltip="Merge the marked session files into one new file, then show its sessions.",
        ),
        Binding(
            "r",
            "refresh",
            "Refresh",
            id="home.refresh",
            tooltip="Read the sessions and templates folders again.",
            show=False,
        ),
    ]

    def __init__(self, sessions_dir: Path, templates_dir: Path) -> None:
        super().__init__()
        self.sessions_dir = Path(sessions_dir)
        self.templates_dir = Path(templates_dir)
        self.session_rows: list[SessionRow] = []
        self.template_entries: list[TemplateEntry] = []
        self.marked: set[Path] = set()
        #: option id -> (file, session id or None for a file's only session)
        self.session_targets: dict[str, tuple[Path, str | None]] = {}
        self._resumed = False

    @property
    def cw_app(self) -> CoworkshopApp:
        return cast("CoworkshopApp", self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="home-title", classes="title-bar")
        with Horizontal(id="home-panes"):
            with Vertical(id="sessions-pane", classes="pane"):
                yield Static(_("Sessions"), classes="pane-title")
                yield OptionList(id="sessions")
                yield Static(id="sessions-hint", classes="pane-hint")
            with Vertical(id="templates-pane", classes="pane"):
                yield Static(_("Templates"), classes="pane-title")
                yield OptionList(id="templates")
                yield Static(id="templates-hint", classes="pane-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        title = Text.assemble(
            ("coworkshop", "bold"),
            "  ",
            ("sessions: ", "dim"),
            str(self.sessions_dir),
            "  ",
            ("templates: ", "dim"),
            str(self.templates_dir),
        )
        self.query_one("#home-title", Static).update(title)
        if len(list_session_files(self.sessions_dir)) <= FIRST_PAINT_FILES:
            # a few milliseconds: the first frame shows the lists (a worker's
            # answer would come a frame later, benchmarks/startup.py)
            self._show_lists(*self._read_lists())
        else:
            self.refresh_lists()

    def on_screen_resume(self) -> None:
        # Back from a session: titles, counts and saved templates may have
        # changed. (The first resume comes with the mount, already loading.)
        if self._resumed:
            self.refresh_lists()
        self._resumed = True

    def action_refresh(self) -> None:
        self.refresh_lists()

    # ------------------------------------------------------------ loading

    @work(thread=True, exclusive=True, group="home-lists")
    def refresh_lists(self) -> None:
        """Read both folders in a thread; the screen stays responsive."""
        rows, entries = self._read_lists()
        self.app.call_from_thread(self._show_lists, rows, entries)

    def _read_lists(self) -> tuple[list[SessionRow], list[TemplateEntry]]:
        from coworkshop.core.catalog import list_templates

        rows: list[SessionRow] = []
        for path in list_session_files(self.sessions_dir):
            try:
                rows.append(SessionRow(path, read_info(path)))
            except SessionFileError as exc:
                rows.append(SessionRow(path, None, _short_error(path, error_text(exc))))
        return rows, list_templates(self.templates_dir)

    def _show_lists(self, rows: list[SessionRow], entries: list[TemplateEntry]) -> None:
        self.session_rows = rows
        self.template_entries = entries
        self.marked &= {row.path for row in rows if row.info is not None}
        options: list[Option] = []
        self.session_targets = {}
        for row in rows:
            if row.info is not None and len(row.info.sessions) > 1:
                # each session of a file holding several is listed on its own
                for summary in row.info.sessions:
                    key = f"{row.path}?session={summary.id}"
                    self.session_targets[key] = (row.path, summary.id)
                    options.append(Option(self._prompt_for(key), id=key))
                continue
            self.session_targets[str(row.path)] = (row.path, None)
            options.append(Option(self._prompt_for(str(row.path)), id=str(row.path)))
        self._fill(self.query_one("#sessions", OptionList), options)
        hint = self.query_one("#sessions-hint", Static)
        if rows:
            self._show_marks_hint()
        else:
            hint.update(
                _("No session files yet. Press n to create one from a template, "
                "or d for a demo workshop.")
            )
        options = [Option(self._template_prompt(e), id=str(e.path)) for e in entries]
        self._fill(self.query_one("#templates", OptionList), options)
        thint = self.query_one("#templates-hint", Static)
        if entries:
            thint.update(_("enter or n: new session from it"))
        else:
            thint.update(f"No templates (*.toml) in {self.templates_dir}.")

    def _show_marks_hint(self) -> None:
        hint = self.query_one("#sessions-hint", Static)
        if self.marked:
            hint.update(f"{len(self.marked)} marked · m: merge them · space: unmark")
        else:
            hint.update(_("enter: open · space: mark files to merge"))

    def _prompt_for(self, key: str) -> Text:
        """The prompt of a listed file or session, marked when its file is."""
        path, session_id = self.session_targets[key]
        row = next(r for r in self.session_rows if r.path == path)
        if session_id is None or row.info is None:
            text = self._session_prompt(row)
        else:
            found = row.info.sessions
            n = next(i for i, s in enumerate(found, 1) if s.id == session_id)
            text = self._summary_prompt(found[n - 1], path, f"{n} of {len(found)} in ")
        if path in self.marked:
            return Text.assemble(("● ", "bold green"), text)
        return text

    @staticmethod
    def _session_prompt(row: SessionRow) -> Text:
        if row.info is None:
            return Text.assemble(
                ("⚠ ", "bold red"), (row.path.name, "bold"),
                ("\n  unreadable: ", "red"), (row.error, "red"),
            )
        if not row.info.sessions:
            return Text.assemble((row.path.name, "bold"), (_("\n  holds no session"), "dim"))
        return HomeScreen._summary_prompt(row.info.sessions[0], row.path)

    @staticmethod
    def _summary_prompt(s: SessionSummary, path: Path, where: str = "") -> Text:
        text = Text.assemble((s.title, "bold"))
        if s.date:
            text.append(f"  {s.date}", style="cyan")
        facts = [", ".join(p for p in (s.place, s.country) if p),
                 nfmt("{n} person", "{n} people", s.participants), where + path.name]
        text.append("\n  " + " · ".join(f for f in facts if f), style="dim")
        return text

    @staticmethod
    def _template_prompt(entry: TemplateEntry) -> Text:
        if entry.error:
            return Text.assemble(
                ("⚠ ", "bold red"), (entry.path.name, "bold"),
                ("\n  unreadable: ", "red"), (entry.error, "red"),
            )
        text = Text.assemble((entry.title or entry.name, "bold"))
        facts = [nfmt("{n} step", "{n} steps", entry.activities), entry.language, entry.name]
        text.append("\n  " + " · ".join(f for f in facts if f), style="dim")
        return text

    @staticmethod
    def _fill(option_list: OptionList, options: list[Option]) -> None:
        """Replace the options, keeping the highlighted one where it still exists."""
        current = option_list.highlighted_option
        keep = current.id if current is not None else None
        spaced: list[Option | None] = []
        for option in options:
            spaced.extend([option, None])  # a divider line between entries
        option_list.set_options(spaced[:-1])
        ids = [o.id for o in options]
        if keep in ids:
            option_list.highlighted = ids.index(keep)
        elif options:
            option_list.highlighted = 0

    # ------------------------------------------------------------ actions

    @on(OptionList.OptionSelected, "#sessions")
    def _open_selected_session(self, event: OptionList.OptionSelected) -> None:
        key = str(event.option.id)
        path, session_id = self.session_targets.get(key, (Path(key), None))
        for row in self.session_rows:
            if row.path == path and row.info is None:
                self.notify(f"{path.name}: {row.error}", title=_("Cannot open"), severity="error",
                            timeout=10)
                return
        self.cw_app.open_session(path, session_id)

    @on(OptionList.OptionSelected, "#templates")
    def _new_from_selected_template(self, event: OptionList.OptionSelected) -> None:
        self.new_session(Path(str(event.option.id)))

    def highlighted_template(self) -> Path | None:
        option = self.query_one("#templates", OptionList).highlighted_option
        return Path(option.id) if option is not None and option.id else None

    def action_new_session(self) -> None:
        self.new_session(self.highlighted_template())

    def new_session(self, template: Path | None) -> None:
        from coworkshop.tui.home.new_session import NewSessionScreen

        usable = [e for e in self.template_entries if not e.error]
        if not usable:
            self.notify(
                fmt("No usable template in {templates_dir}; add a .toml template first.",
                    templates_dir=self.templates_dir),
                severity="error",
            )
            return
        for entry in self.template_entries:
            if entry.path == template and entry.error:
                self.notify(f"{entry.path.name}: {entry.error}", title=_("Template unreadable"),
                            severity="error", timeout=10)
                return
        self.app.push_screen(
            NewSessionScreen(usable, self.sessions_dir, template),
            self._session_created,
        )

    def _session_created(self, path: Path | None) -> None:
        if path is not None:
            self.notify(fmt("Created {name}", name=path.name))
            self.cw_app.open_session(path)

    def action_demo(self) -> None:
        self.notify(_("Building the demo workshop…"), timeout=3)
        self.build_demo()

    @work(thread=True, exclusive=True, group="demo")
    def build_demo(self) -> None:
        from coworkshop.demo import build_demo

        folder = self.sessions_dir
        path = folder / "demo.cws"
        n = 2
        while path.exists():
            path = folder / f"demo-{n}.cws"
            n += 1
        try:
            folder.mkdir(parents=True, exist_ok=True)
            store: Store = build_demo(path, self.templates_dir)
        except UserError as exc:
            self.app.call_from_thread(
                self.notify, f"Cannot build the demo: {exc}", severity="error", timeout=10
            )
            return
        store.close()
        self.app.call_from_thread(self._session_created, path)

    # ------------------------------------------------------------ merging

    def action_mark(self) -> None:
        """Mark or unmark the highlighted session file."""
        option_list = self.query_one("#sessions", OptionList)
        if self.focused is not option_list:
            return
        option = option_list.highlighted_option
        if option is None or not option.id:
            return
        path, _session = self.session_targets.get(option.id, (Path(option.id), None))
        row = next((r for r in self.session_rows if r.path == path), None)
        if row is None:
            return
        if row.info is None:
            self.notify(f"{path.name}: {row.error}", title=_("Cannot be merged"),
                        severity="error", timeout=10)
            return
        self.marked ^= {path}
        # a file holding several sessions is listed once per session: mark them all
        for key, (target, _sid) in self.session_targets.items():
            if target == path:
                option_list.replace_option_prompt(key, self._prompt_for(key))
        option_list.action_cursor_down()
        self._show_marks_hint()

    def action_merge(self) -> None:
        from coworkshop.tui.coordinator.merge_screen import MergeScreen

        # Oldest first, as they were received: an updated copy then shows what it adds.
        files = [r.path for r in reversed(self.session_rows) if r.path in self.marked]
        if not files:
            self.notify(_("Mark the session files to merge with space, then press m."),
                        title=_("Nothing marked"))
            return
        self.app.push_screen(MergeScreen(files, self.sessions_dir), self._merged)

    def _merged(self, path: Path | None) -> None:
        self.refresh_lists()
        if path is None:
            return
        from coworkshop.tui.coordinator.overview import SessionsOverviewScreen

        self.marked.clear()
        self.app.push_screen(SessionsOverviewScreen(path))

    def palette_entries(self) -> list[tuple[str, str, Any]]:
        return [
            ("sessions: merge", "Merge the marked session files into one new file",
             self.action_merge),
            ("sessions: mark for merging", "Mark or unmark the highlighted session file",
             self.action_mark),
            ("session: new", "Create a session from the highlighted template",
             self.action_new_session),
            ("session: open demo", "Create a demo workshop in progress and open it",
             self.action_demo),
            ("session: refresh list", "Read the sessions and templates folders again",
             self.action_refresh),
        ]
