"""Listings read in a script or an 80-column terminal: names are never cut in two."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BUNDLED = ("blank", "credex-toc-grid", "mastery-kickstart", "mastery-policy-cocreation",
           "saccord-stakeholder-mapping")


def _cli(*args: str, columns: int, cwd: Path, env_extra: dict[str, str] | None = None) -> str:
    env = {**os.environ, "COLUMNS": str(columns), **(env_extra or {})}
    done = subprocess.run([sys.executable, "-m", "coworkshop", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("columns", [60, 80])
def test_template_names_never_wrap(columns: int, tmp_path: Path) -> None:
    listing = _cli("templates", columns=columns, cwd=Path(__file__).parents[2])
    lines = listing.splitlines()
    for name in BUNDLED:
        assert any(name in line for line in lines), f"{name} cut in two:\n{listing}"


@pytest.mark.parametrize("columns", [80, 160])
def test_session_files_and_dates_never_wrap(columns: int, tmp_path: Path) -> None:
    folder = tmp_path / "workshops"
    folder.mkdir()
    env = {"COWORKSHOP_SESSIONS": str(folder)}
    made = _cli("new", "mastery-policy-cocreation", "--title", "Green skills in construction",
                "--date", "2026-06-12", "--place", "Sofia", "--country", "Bulgaria",
                columns=columns, cwd=Path(__file__).parents[2], env_extra=env)
    name = Path(made.strip()).name
    listing = _cli("sessions", str(folder), columns=columns, cwd=tmp_path, env_extra=env)
    lines = listing.splitlines()
    for whole in (name, "2026-06-12", "mastery-policy-cocreation"):
        assert any(whole in line for line in lines), f"{whole} cut in two:\n{listing}"


@pytest.mark.parametrize("columns", [60, 80])
def test_template_titles_wrap_whole_and_nothing_is_cut(columns: int) -> None:
    from coworkshop.core.catalog import list_templates

    repo = Path(__file__).parents[2]
    listing = _cli("templates", columns=columns, cwd=repo)
    assert "…" not in listing, listing
    # the title column, line after line, read as one text
    cells = [line.split("│")[2] for line in listing.splitlines() if line.count("│") >= 3]
    column = " ".join(" ".join(cells).split())
    for entry in list_templates(repo / "canvases"):
        assert " ".join(entry.title.split()) in column, f"{entry.title!r} cut:\n{listing}"
    assert all(len(line) <= columns for line in listing.splitlines())
