"""Live voting belongs to the app: it survives leaving the session screen,
keeps its join code for the session (across restarts of the app), shows on
every screen, and quitting while it runs asks first."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import aiohttp
import pytest
from aiohttp import ClientSession, ClientTimeout

from coworkshop.tui.common.confirm import ConfirmScreen
from coworkshop.tui.home.home import HomeScreen
from coworkshop.tui.polls.voting import JoinScreen
from coworkshop.tui.session.session import SessionScreen

from .helpers import flat, make_app, screen_text, settle, start_live, wait_for


async def join(url: str, code: str) -> int:
    """A phone joins with ``code``: the HTTP status the server answers."""
    async with ClientSession(url, timeout=ClientTimeout(total=10)) as phone:
        resp = await phone.post("/api/join", json={"code": code, "group": "policy"})
        return resp.status


def side_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm")))


async def test_leaving_the_session_keeps_live_voting_and_its_code(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        live = await start_live(pilot)
        code, url = live.code, live.base_url()
        await pilot.press("escape")  # the join screen
        await pilot.press("escape")  # the session screen: back home
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), what="home")
        # the phones can still join and the footer says voting is on
        assert live.running
        assert await join(url, code) == 200
        await wait_for(pilot, lambda: f"LIVE code {code[:3]} {code[3:]}" in screen_text(app),
                       what="the live badge at home")

        app.open_session(session_file)
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen)
                       and app.screen.live is not None, what="the session again")
        assert app.screen.live is live and live.code == code
        await wait_for(pilot, lambda: "● LIVE" in screen_text(app), what="the session bar")
        await pilot.press("w")  # shows the join screen of the running server
        await wait_for(pilot, lambda: isinstance(app.screen, JoinScreen), what="join screen")
        assert live.base_url() == url
        await pilot.press("x")  # stop
        await wait_for(pilot, lambda: not live.running, what="stopped")
    assert side_files(session_file.parent) == []


async def test_the_join_code_is_kept_for_the_session_across_restarts(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        first = (await start_live(pilot)).code
    assert side_files(session_file.parent) == []  # quitting stopped it and folded the file

    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        live = await start_live(pilot)
        assert live.code == first  # the same code: printed cards still work
        await pilot.press("n")  # unless the facilitator asks for a new one
        await settle(pilot)
        fresh = live.code
        assert fresh != first
        assert await join(live.base_url(), first) != 200
        assert await join(live.base_url(), fresh) == 200

    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        assert (await start_live(pilot)).code == fresh


async def test_quitting_while_live_asks_first(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        live = await start_live(pilot)
        await pilot.press("escape")
        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        assert "Live voting is on" in flat(screen_text(app))
        await pilot.press("escape")  # keep voting
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) and live.running
        assert await join(live.base_url(), live.code) == 200

        await pilot.press("q")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="the question")
        await pilot.press("tab", "enter")  # the Quit button
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert not live.running
    assert side_files(session_file.parent) == []


async def test_quitting_without_live_voting_does_not_ask(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen), what="the session")
        await pilot.press("q")
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")


async def test_sigterm_stops_live_voting_and_folds_the_file_back(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        live = await start_live(pilot)
        url, code = live.base_url(), live.code
        assert await join(url, code) == 200
        assert side_files(session_file.parent)  # WAL mode while serving
        os.kill(os.getpid(), signal.SIGTERM)
        await wait_for(pilot, lambda: not app.is_running, what="the app to quit")
    assert not live.running
    assert side_files(session_file.parent) == []
    async with ClientSession(url, timeout=ClientTimeout(total=2)) as phone:
        with pytest.raises(aiohttp.ClientConnectionError):
            await phone.get("/")
