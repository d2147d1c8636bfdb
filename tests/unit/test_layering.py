"""The core must stay free of the UI, the server, the command line and the
renderers (STYLE.md, harlequin's rule)."""

from __future__ import annotations

import subprocess
import sys

# What the core must never import: the terminal UI, the web server, the command
# line, terminal rendering and HTML templating.
FORBIDDEN = ("textual", "aiohttp", "typer", "rich", "jinja2")


def test_core_imports_no_ui_server_cli_or_renderer() -> None:
    code = (
        "import sys, pkgutil, importlib, coworkshop.core as core\n"
        # every module, those in sub-packages (core/polls/...) too
        "for m in pkgutil.walk_packages(core.__path__, 'coworkshop.core.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r}\n"
        "       or m.startswith(('coworkshop.tui', 'coworkshop.server', 'coworkshop.report'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
