"""The MASTERY flow in the real `coworkshop`, in a real 80x24 terminal, as a
first-time facilitator runs it: new session, a participant, live voting with a
phone (over real HTTP), a poll answered, a canvas with a linked card, quit
(asked, because voting is live) and reopen: everything is there and the join
code is the same."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from coworkshop.core import canvas, matching
from coworkshop.core import sessions as core_sessions
from coworkshop.core.polls import joincode
from coworkshop.core.store import Store

from .tmux import Tmux

REPO = Path(__file__).resolve().parents[2]
COWORKSHOP = str(Path(sys.executable).parent / "coworkshop")

pytestmark = pytest.mark.skipif(
    shutil.which("tmux") is None and not os.environ.get("CI"),
    reason="tmux is not installed (.ci/run installs it; CI fails without it)",
)


class Phone:
    """A participant's phone: cookies kept, JSON in and out."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        req = urllib.request.Request(
            self.base + path, data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json"}, method="POST",
        )
        with self.opener.open(req, timeout=10) as resp:
            return json.loads(resp.read())  # type: ignore[no-any-return]

    def get(self, path: str) -> dict[str, Any]:
        with self.opener.open(self.base + path, timeout=10) as resp:
            return json.loads(resp.read())  # type: ignore[no-any-return]


def _type_into_new_form(app: Tmux, text: str) -> None:
    """Type into the field a form focuses when it opens. Keys sent in the same
    instant the form appears can arrive before it has focused its first field,
    as with any program: type again (after clearing with ctrl+u) until it shows."""
    for _ in range(5):
        app.send("C-u")
        app.type(text)
        try:
            app.wait_for(text, timeout=2)
            return
        except AssertionError:
            continue
    app.wait_for(text)


def _read(path: Path) -> Store:
    return Store.open(path, mode="read")  # never writes, leaves no side file


def test_mastery_workshop_from_new_session_to_reopen(tmp_path: Path) -> None:
    canvases = tmp_path / "canvases"
    canvases.mkdir()
    shutil.copy(REPO / "canvases" / "mastery-policy-cocreation.toml", canvases)
    sessions = tmp_path / "sessions"
    env = {"COWORKSHOP_SESSIONS": str(sessions), "COWORKSHOP_TEMPLATES": str(canvases)}

    app = Tmux([COWORKSHOP], tmp_path, env, size=(80, 24))
    try:
        app.wait_for("MASTERY policy co-creation")
        app.wait_for("? Help")
        # --- a new session from the template
        app.send("n")
        app.wait_for("New session")
        _type_into_new_form(app, "Sofia validation")
        app.send("Enter")
        app.wait_for("Who is in the")
        files = sorted(sessions.glob("*.cws"))
        assert len(files) == 1, files
        path = files[0]

        # --- a registered participant
        app.send("p")
        app.wait_for("Nobody registered yet")
        app.send("a")
        app.wait_for("Add a participant")
        _type_into_new_form(app, "Ana Petrova")  # the name comes first
        app.send("Tab", "Enter")  # on to the stakeholder group: its list opens
        app.wait_for("┃choose a stakeholder group")
        app.send("Down", "Enter")
        app.wait_for("Stakeholder group * Policy makers")
        app.send("Tab", "Enter")
        app.wait_for("Participant added")
        screen = app.wait_for("Ana Petrova")
        assert "registered 1 · by phone 0 · both 0" in app.wait_for("registered 1")
        store = _read(path)
        try:
            with store.db() as db:
                session = store.only_session()
                (code,) = matching.personal_codes(db, session.id).values()
        finally:
            store.close()
        assert code in app.screen()  # the facilitator reads it off the screen
        app.send("Escape")
        app.wait_for("w Live")

        # --- live voting, a phone joins with Ana's personal code
        app.send("w")
        screen = app.wait_for("Join the vote")
        port = re.search(r"http://[\d.]+:(\d+)", screen)
        assert port, screen
        store = _read(path)
        try:
            with store.db() as db:
                join = joincode.saved_join_code(db, session.id)
        finally:
            store.close()
        assert len(join) == 6
        phone = Phone(f"http://127.0.0.1:{port.group(1)}")
        joined = phone.post("/api/join", {"code": join, "personal_code": code.lower()})
        assert joined["matched"] is True and joined["name"] == "Ana Petrova"
        app.wait_for("1 joined · 1 matched")

        # --- the first poll opened from the agenda, answered from the phone
        app.send("Escape")
        app.wait_for("o Open question")
        app.send("o")
        app.wait_for("● OPEN")
        poll = phone.get("/api/state")["room"]["polls"][0]
        assert poll["state"] == "open"
        assert phone.post(f"/api/polls/{poll['id']}/ballot", {"value": 1})["ok"] is True
        app.wait_for("1 of 1 joined answered")

        # --- the first pathway canvas: a CHANGE, and a HOW linked to it
        app.send("Down", "Down")
        app.wait_for("CHANGE")
        app.send("Tab")
        app.send("a")
        app.wait_for("Add a CHANGE card")
        app.type("Ministries recognise micro-credentials")
        app.send("Enter")
        app.wait_for("━ C1 ━")  # on the board: the form has closed
        app.send("Right")
        app.send("a")
        screen = app.wait_for("Add a HOW card")
        assert "C1" in screen  # the form says which CHANGE it will serve
        app.type("Pilot a shared register")
        app.send("Enter")
        app.wait_for("━ → C1 ━")  # H1 serves C1, said on its border

        # --- leave the session: live voting stays on; quitting asks
        # (a terminal reads ESC and a key sent in the same instant as alt+key:
        # wait for each step to show, as a person does)
        app.send("Escape")
        app.wait_for("w Live")  # back on the agenda
        app.send("Escape")
        screen = app.wait_for("Templates")  # home
        assert "● LIVE" in screen and "Sofia validation" in screen
        app.send("Enter")  # back into the session while phones still answer
        app.wait_for("1 of 1 joined answered")  # it opens on the running activity
        app.send("Escape")
        app.wait_for("Templates")
        assert phone.get("/api/state")["room"]["polls"]  # still answering
        app.send("q")
        app.wait_for("Quit coworkshop?")
        app.send("Tab", "Enter")
        app.wait_exit()
    finally:
        app.kill()
    assert sorted(p.name for p in sessions.iterdir()) == [path.name]  # no -wal/-shm left

    store = _read(path)
    try:
        with store.db() as db:
            counts = matching.head_counts(db, session.id)
            acts = core_sessions.activities(db, session.id)
            pathway = next(a for a in acts if a.kind == "canvas")
            cards = {c.text: c for c in canvas.cards(db, pathway.id)}
    finally:
        store.close()
    assert (counts.registered, counts.by_phone, counts.both) == (1, 1, 1)
    change = cards["Ministries recognise micro-credentials"]
    assert cards["Pilot a shared register"].link_id == change.id

    # --- reopen: the cards are there, and live voting keeps its join code
    again = Tmux([COWORKSHOP, "open", str(path)], tmp_path, env, size=(80, 24))
    try:
        again.wait_for("Who is in the")
        again.send("Down", "Down")
        again.wait_for("→ C1")  # the cards and their link are back
        again.send("w")
        again.wait_for("Join the vote")
        again.send("Escape")
        screen = again.wait_for("● LIVE")
        assert join in screen.replace(" ", "")  # the same code as before quitting
        again.send("q")
        again.wait_for("Quit coworkshop?")
        again.send("Tab", "Enter")
        again.wait_exit()
    finally:
        again.kill()
