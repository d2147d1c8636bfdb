"""``coworkshop`` alone opens the app without the command-line layer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_a_bad_sessions_folder_is_one_line_and_status_1_without_typer(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    code = (
        "import sys\n"
        f"sys.argv = ['coworkshop', '--sessions-dir', {str(afile)!r}]\n"
        "from coworkshop import launch\n"
        "try:\n"
        "    launch.main()\n"
        "finally:\n"
        "    print('typer' in sys.modules, 'sqlmodel' in sys.modules, 'aiohttp' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 1
    assert result.stdout.split() == ["False", "False", "False"]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and str(afile) in lines[0] and "not a folder" in lines[0]


def test_every_other_command_line_goes_to_the_cli(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "coworkshop", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "templates" in result.stdout
