"""A phone in real headless Chromium votes through the facilitator's app: the
participants' server the app starts in a process of its own (``w``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from coworkshop.core import polls as voting
from coworkshop.core.store import Store
from helpers.db import commit

from .serving import make_file
from .test_browser import browser, phone, vote_single  # noqa: F401 - browser is a fixture


def test_a_phone_votes_through_the_apps_server_and_follows_the_facilitator(
    tmp_path: Path, browser  # type: ignore[no-untyped-def]  # noqa: F811
) -> None:
    path = tmp_path / "room" / "room.cws"
    path.parent.mkdir()
    session_id = make_file(path)
    store = Store.open(path)
    polls = {p.question.key: p for p in voting.polls(store, session_id)}
    commit(store, voting.open_poll, polls["stage"].id)
    app = subprocess.Popen([sys.executable, str(Path(__file__).parent / "live_app.py"), str(path)],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert app.stdout is not None
        url, code, _server_pid = app.stdout.readline().split()
        page, errors = phone(browser)
        page.goto(f"{url}/j/{code}")  # the QR code's link: the code filled in
        page.wait_for_selector("#join:not([hidden])")
        assert page.input_value("#code") == code
        page.check("input[name=group][value=policy]")
        page.click("#join-button")
        page.wait_for_selector("#vote:not([hidden])")
        vote_single(page, "Exploring")

        # the facilitator moves on: the page follows without a reload
        commit(store, voting.open_poll, polls["rate"].id, close_others=True)
        page.wait_for_selector("article[data-type=scale_statements]")
        page.wait_for_selector("article[data-type=single]", state="detached")
        assert errors == []
    finally:
        app.kill()
        app.wait(10)
    # the acknowledged answer is in the file
    stage = voting.get_poll(store, polls["stage"].id)
    [ballot] = voting.live_ballots(store, polls["stage"].id)
    assert voting.ballot_positions(stage, ballot)[1] == 1  # "Exploring"
    store.close()
