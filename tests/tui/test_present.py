"""Present mode for the projector (F5): the join code and QR code, or the open
question and its results, full screen with nothing else; and the join screen's
toasts never cover its QR code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from aiohttp import ClientSession, ClientTimeout
from textual.widgets import Digits, Static

from coworkshop.tui.app import CoworkshopApp
from coworkshop.tui.polls.present import PresentScreen
from coworkshop.tui.polls.voting import JoinScreen
from coworkshop.tui.session.session import SessionScreen

from .helpers import make_app, region_text, screen_text, settle, start_live, wait_for
from .test_voting import poll_view

SIZES = [(80, 24), (160, 48)]


def words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z]{2,}", text))


def qr_shown(app: CoworkshopApp, qr: Static) -> list[str]:
    """The QR code's lines that are on the screen, whole, where the QR code is."""
    lines = screen_text(app).splitlines()
    drawn = str(qr.render()).splitlines()
    region = qr.region
    return [line for y, line in enumerate(drawn)
            if lines[region.y + y][region.x: region.x + len(line)] == line]


@pytest.mark.parametrize("size", SIZES)
async def test_present_shows_the_code_and_the_qr_code_and_nothing_else(
    sessions_dir: Path, templates_dir: Path, session_file: Path, size: tuple[int, int]
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        live = await start_live(pilot)
        names = [name for name, _help, _run in app.palette_entries(app.screen)]
        assert "present: full screen for the projector" in names
        assert "f5 Present" in screen_text(app)  # in the join screen's footer
        # the start was announced in a toast; present mode must not show it
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, PresentScreen), what="present")
        screen = app.screen
        text = screen_text(app)
        url = live.base_url()
        assert url in text and "Join the vote" in text
        code = screen.query_one("#present-code", Digits)
        assert code.value == f"{live.code[:3]} {live.code[3:]}"
        assert region_text(app, code).strip()  # drawn in large digits
        qr = screen.query_one("#present-qr", Static)
        drawn = str(qr.render()).splitlines()
        assert len(drawn) > 15 and qr_shown(app, qr) == drawn  # the whole QR code
        if size == (160, 48):
            assert len(drawn) >= 33  # two cells per module: large for the back of the room
        # nothing else: no footer, no title bar, no agenda, no toast
        assert words(text) <= {"Join", "the", "vote", "code", "http"}, words(text)

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, JoinScreen)


@pytest.mark.parametrize("size", SIZES)
async def test_present_shows_the_open_question_and_follows_ballots(
    sessions_dir: Path, templates_dir: Path, session_file: Path, size: tuple[int, int]
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=size) as pilot:
        view = await poll_view(pilot, "stage")
        await pilot.press("o")  # opened: its results hidden from the room
        await settle(pilot)
        poll_id = view.current.id if view.current else ""
        live = await start_live(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, PresentScreen), what="present")
        screen = app.screen
        count = screen.query_one("#present-count", Digits)
        await wait_for(pilot, lambda: "Where do you stand?" in screen_text(app),
                       what="the question")
        assert count.value == "0" and "people answered" in screen_text(app)

        async with ClientSession(live.base_url(), timeout=ClientTimeout(total=10)) as phones:
            async def vote(value: int) -> None:
                resp = await phones.post("/api/join", json={"code": live.code,
                                                            "group": "policy"})
                assert resp.status == 200, await resp.text()
                token = (await resp.json())["token"]
                phones.cookie_jar.clear()
                resp = await phones.post(f"/api/polls/{poll_id}/ballot", json={"value": value},
                                         headers={"Authorization": f"Bearer {token}"})
                assert resp.status == 200, await resp.text()

            await vote(1)
            await wait_for(pilot, lambda: count.value == "1", what="the count of answers")
            text = screen_text(app)
            assert "person answered" in text
            # results hidden: how many answered, never what
            assert "Piloting" not in text and "Not started" not in text and "%" not in text
            assert "Quit" not in text and "Relevance" not in text  # nothing else on screen

            # the facilitator shows the results (r on the poll), then presents again
            await pilot.press("escape", "escape")
            await settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            await pilot.press("r")
            await settle(pilot)
            await pilot.press("f5")
            await wait_for(pilot, lambda: "100%" in screen_text(app), what="the results")
            text = screen_text(app)
            assert "Where do you stand?" in text and "Piloting" in text
            assert "1 person answered" in text

            await vote(0)  # a second phone: the bars move while presenting
            await wait_for(pilot, lambda: "2 people answered" in screen_text(app),
                           what="the live results")
            assert "50%" in screen_text(app) and "Not started" in screen_text(app)

            # closing the question keeps its final results up; j brings the code back
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("c")
            await settle(pilot)
            await pilot.press("f5")
            await wait_for(pilot, lambda: "(closed)" in screen_text(app), what="closed")
            assert "50%" in screen_text(app)
            await pilot.press("j")
            await wait_for(pilot, lambda: "Join the vote" in screen_text(app), what="join")
            assert "Where do you stand?" not in screen_text(app)


# 110x40: wide enough for the large QR code, narrow enough that a default toast covered it
@pytest.mark.parametrize("size", [(80, 24), (110, 40), (160, 48)])
async def test_toasts_on_the_join_screen_leave_the_qr_code_whole(
    sessions_dir: Path, templates_dir: Path, session_file: Path, size: tuple[int, int]
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await start_live(pilot)
        await pilot.press("n")  # a new code: announced in a toast
        await wait_for(pilot, lambda: "New join code" in screen_text(app), what="the toast")
        qr = app.screen.query_one("#join-qr", Static)
        drawn = str(qr.render()).splitlines()
        assert len(drawn) >= (33 if size[1] >= 40 else 15)
        assert qr_shown(app, qr) == drawn


async def test_present_without_live_voting_says_how_to_start_it(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        # found in the palette by the words people search
        names = [name for name, _help, _run in app.palette_entries(screen)]
        assert "present: full screen for the projector" in names
        await pilot.press("P")
        await settle(pilot)
        assert isinstance(app.screen, PresentScreen)
        text = screen_text(app)
        assert "Live voting is off" in text and "w starts it" in text
        assert "█" not in text and "Agenda" not in text  # no QR code, nothing else
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


def test_present_keys_have_an_id_a_tooltip_and_a_description() -> None:
    from textual.binding import Binding

    for owner in (PresentScreen, JoinScreen, SessionScreen):
        for binding in owner.BINDINGS:
            assert isinstance(binding, Binding)
            assert binding.id and binding.tooltip and binding.description, (owner, binding)
