"""The real `coworkshop` in a real 80x24 terminal: map three stakeholders,
repeat the round, move one, and see the movement listed; bad input is refused."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from coworkshop.core import sessions as core_sessions
from coworkshop.core import stakeholders as sh
from coworkshop.core.store import Store
from helpers.db import commit
from helpers.templates import template_toml

from .tmux import Tmux

COWORKSHOP = str(Path(sys.executable).parent / "coworkshop")

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (.ci/run installs it; CI fails without it)",
)

TEMPLATE = template_toml(
    {"key": "map", "kind": "stakeholder_map", "title": "Who matters",
     "method": "power_interest", "max_actors": 8},
    name="map-only",
    title="Mapping meeting",
    groups=[{"key": "policy", "label": "Policy makers", "color": "blue"}],
)


def test_map_three_repeat_the_round_and_see_who_moved(tmp_path: Path) -> None:
    canvases = tmp_path / "canvases"
    canvases.mkdir()
    (canvases / "map-only.toml").write_text(TEMPLATE, encoding="utf-8")
    sessions = tmp_path / "sessions"
    sessions.mkdir(exist_ok=True)
    env = {"COWORKSHOP_SESSIONS": str(sessions), "COWORKSHOP_TEMPLATES": str(canvases)}
    path = sessions / "m.cws"
    subprocess.run([COWORKSHOP, "new", "map-only", "--title", "Map test", "-o", str(path)],
                   check=True, env={**os.environ, **env}, capture_output=True)
    app = Tmux([COWORKSHOP, "open", str(path)], tmp_path, env, size=(80, 24))
    try:
        app.wait_for("No stakeholders yet")
        app.send("Enter")  # into the map: its keys show in the footer
        app.wait_for("a Add")
        app.send("a")
        app.wait_for("Add a stakeholder")
        app.send("Enter")  # an empty name
        app.wait_for("name: a stakeholder needs a name")
        for n, name in enumerate(("Ministry", "Chamber", "Cluster"), 1):
            if n > 1:
                app.send("a")
                app.wait_for("Add a stakeholder")
            app.type(name)
            app.send("Enter")
            app.wait_for(f"{n} of ≤8 to start")
        # place each one: Cluster (chosen) up-right, Chamber right, Ministry up
        app.send("S-Up", "S-Up", "S-Right", "S-Right")
        app.wait_for("3 Cluster · power 5 · interest 5 · manage closely")
        app.send("Up", "S-Right", "S-Down")
        app.wait_for("2 Chamber · power 2 · interest 4 · keep informed")
        app.send("Up", "S-Up", "S-Left")
        app.wait_for("1 Ministry · power 4 · interest 2 · keep satisfied")
        # the next round starts from these places
        app.send("n")
        app.wait_for("Start a new mapping round")
        app.send("Enter")
        app.wait_for("round 2")
        app.send("Down", "Enter", "Up", "Up", "Enter")  # move mode: Chamber up two
        app.wait_for("Moved since round 1")
        # (a notification may cover the line for a few seconds)
        screen = app.wait_for("Chamber: keep informed → manage closely (power ↑2→4)")
        assert "∘2" in screen  # where Chamber was
        app.send("q")
        app.wait_exit()
    finally:
        app.kill()

    store = Store.open(path)
    session = store.only_session()
    act = commit(store, core_sessions.activities, session.id)[0]
    with store.db() as db:
        data = sh.map_data(db, session, act)
    store.close()
    assert [(e.name, e.power, e.interest) for e in data.entries] == [
        ("Ministry", 4, 2), ("Chamber", 4, 4), ("Cluster", 5, 5)]
    assert [m.name for m in data.movements] == ["Chamber"]
