"""A coordinator in a real terminal (tmux): mark three workshops' files, merge
them, read the sessions overview; then merge an updated copy of one on the
command line and see only what is new."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from coworkshop.core import sessions as core_sessions
from coworkshop.core.store import Store

from .tmux import Tmux

COWORKSHOP = str(Path(sys.executable).parent / "coworkshop")

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (.ci/run installs it; CI fails without it)",
)

WORKSHOPS = [("Oulu", "Finland", 2), ("Sofia", "Bulgaria", 3), ("Bilbao", "Spain", 4)]


def unit(store: Store) -> Any:
    """The store's unit of work where the core takes one, else the store."""
    opener = getattr(store, "unit", None)
    return opener() if opener else nullcontext(store)


def cli(*args: str, cwd: Path) -> str:
    return subprocess.run(
        [COWORKSHOP, *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def test_merge_in_the_app_then_an_updated_copy_on_the_command_line(tmp_path: Path) -> None:
    sessions = tmp_path / "sessions"
    sessions.mkdir(exist_ok=True)
    for place, country, people in WORKSHOPS:
        path = Path(cli("new", "blank", "--title", f"{place} workshop", "--place", place,
                        "--country", country, "-o", str(sessions / f"{place.lower()}.cws"),
                        cwd=tmp_path).strip())
        store = Store.open(path)
        session = store.only_session()
        with unit(store) as db:
            for i in range(people):
                core_sessions.add_participant(db, session, "policy" if i % 2 else "industry")
        store.close()
    env = {"COWORKSHOP_SESSIONS": str(sessions)}

    app = Tmux([COWORKSHOP], tmp_path, env, size=(100, 30))
    try:
        app.wait_for("Bilbao workshop")
        for _ in WORKSHOPS:
            app.send("Space")
        app.wait_for("3 marked")
        app.send("m")
        app.wait_for("Merge 3 session files")
        app.type("three")  # the proposed name is selected: typing replaces it
        app.wait_for("three")
        app.send("Enter")
        app.wait_for("3 sessions in three.cws: added 3 sessions, 9 participants")
        app.send("Enter")
        screen = app.wait_for("Sessions overview")
        screen = app.wait_for("3 sessions · 9 participants")
        assert "Oulu" in screen and "Finland" in screen and "Bilbao" in screen
        app.send("q")
        app.wait_exit()
    finally:
        app.kill()

    # Sofia's facilitator sends an updated file: two late arrivals.
    updated = tmp_path / "sofia-updated.cws"
    shutil.copyfile(sessions / "sofia.cws", updated)
    store = Store.open(updated)
    session = store.only_session()
    with unit(store) as db:
        for _ in range(2):
            core_sessions.add_participant(db, session, "policy")
    store.close()
    out = json.loads(cli("merge", str(updated), "-o", str(sessions / "three.cws"), "--into",
                         "--json", cwd=tmp_path))
    [source] = out["sources"]
    assert source["added"]["participants"] == 2 and source["added"]["sessions"] == 0
    # and nothing else but their two personal codes
    assert source["added"]["other"] == 2 and sum(source["added"].values()) == 4
    assert out["totals"]["conflicts"] == 0
    assert out["sessions_in_output"] == 3
