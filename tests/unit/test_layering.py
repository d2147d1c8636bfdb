"""The core must stay free of the UI and the server (STYLE.md, harlequin's rule)."""

from __future__ import annotations

import subprocess
import sys


def test_core_imports_neither_ui_server_nor_renderers() -> None:
    code = (
        "import sys, pkgutil, importlib, coworkshop.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__):\n"
        "    importlib.import_module('coworkshop.core.' + m.name)\n"
        "ui = ('textual', 'aiohttp', 'jinja2', 'rich', 'typer')\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ui\n"
        "       or m.startswith(('coworkshop.tui', 'coworkshop.server', 'coworkshop.report'))]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
