"""The ``coworkshop`` console script: the app at once, the commands through Typer.

``coworkshop`` alone (optionally with ``--sessions-dir``/``--templates-dir``)
opens the facilitator's app. That path does not import Typer, Rich's console,
SQLModel or aiohttp (about 100 ms before the first screen); every other
command line, ``--help`` included, goes through :mod:`coworkshop.cli`.
"""

from __future__ import annotations

import sys
from pathlib import Path

_OPTIONS = {"--sessions-dir": "sessions_dir", "--templates-dir": "templates_dir"}


def _app_options(argv: list[str]) -> dict[str, str] | None:
    """The folders given on a command line that only opens the app, else None."""
    found: dict[str, str] = {}
    i = 0
    while i < len(argv):
        name, eq, value = argv[i].partition("=")
        if name not in _OPTIONS:
            return None
        if not eq:
            if i + 1 >= len(argv) or argv[i + 1].startswith("-"):
                return None  # let Typer say what is missing
            value = argv[i + 1]
            i += 1
        if not value:
            return None
        found[_OPTIONS[name]] = value
        i += 1
    return found


def main() -> None:
    """Entry point of the ``coworkshop`` console script."""
    options = _app_options(sys.argv[1:])
    if options is None:
        from .cli import main as cli_main

        cli_main()
        return
    from . import pathchecks, paths
    from .core.errors import UserError

    try:
        sessions = options.get("sessions_dir")  # else paths reads the environment
        templates = options.get("templates_dir")
        folder = pathchecks.writable_folder(
            paths.sessions_dir(Path(sessions) if sessions else None), create=True)
        templates_dir = paths.templates_dir(Path(templates) if templates else None)
    except UserError as exc:  # as the CLI prints it: one line, status 1
        print("error: " + " ".join(str(exc).split()), file=sys.stderr)
        raise SystemExit(1) from None
    from .tui.app import build_app

    tui = build_app(sessions_dir=folder, templates_dir=templates_dir)
    tui.run()
    # as cli.sessions._run_tui: after a crash Textual returns from run(); not a success
    if tui.return_code:
        raise SystemExit(tui.return_code)


if __name__ == "__main__":
    main()
