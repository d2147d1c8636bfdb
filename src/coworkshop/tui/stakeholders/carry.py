"""Choose where a standing group's register and checklist come from: the
template's starting register, or a previous session file of the group."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import App

from coworkshop.i18n import _, fmt
from coworkshop.tui.common.pick import PickScreen
from coworkshop.tui.common.prompt import Field, PromptScreen

from ...core.errors import UserError

TEMPLATE = "template"
OTHER = "other"


def session_files(sessions_dir: Path, current: Path) -> list[Path]:
    """Session files in the sessions folder and beside the current one, newest first."""
    folders = {current.parent, Path(sessions_dir)}
    found: dict[Path, None] = {}
    for folder in folders:
        if folder.is_dir():
            for p in folder.glob("*.cws"):
                if p.resolve() != current.resolve():
                    found.setdefault(p.resolve())
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def choose_source(app: App[object], current: Path, sessions_dir: Path, title: str,
                  template_count: int, chosen: Callable[[str | Path], None]) -> None:
    """Ask where to carry from; ``chosen`` gets "template" or a file's path."""
    options: list[tuple[str, Text | str]] = []
    if template_count:
        options.append((TEMPLATE, Text.assemble(
            (_("The template's starting register"), "bold"), fmt("  ({template_count} entries)",
                                                                 template_count=template_count))))
    files = session_files(sessions_dir, current)
    for n, path in enumerate(files[:20]):
        options.append((f"file:{n}", Text.assemble((_("Previous session  "), "dim"), path.name)))
    options.append((OTHER, Text(_("Another session file… (type its path)"), style="italic")))

    def picked(key: str | None) -> None:
        if key is None:
            return
        if key == TEMPLATE:
            chosen(TEMPLATE)
        elif key.startswith("file:"):
            chosen(files[int(key[5:])])
        else:
            ask_path()

    def ask_path() -> None:
        async def submit(values: dict[str, str]) -> Path:
            if not values["path"].strip():
                raise UserError("path: type the path of a session file (.cws)")
            path = Path(values["path"].strip()).expanduser()
            if not path.is_file():
                raise UserError(f"{values['path'].strip()}: no such session file")
            return path

        def done(path: Path | None) -> None:
            if path is not None:
                chosen(path)

        app.push_screen(PromptScreen(_("Carry from a previous session file"),
                                     [Field("path", _("Session file"), "", "path/to/earlier.cws",
                                            limit=4096)],
                                     submit), done)

    app.push_screen(PickScreen(title, options, note=(
        _("A standing group maps the same actors again: their places become round 0 of this "
        "map, so the next round shows who moved. Names already here are not added twice."))),
        picked)
