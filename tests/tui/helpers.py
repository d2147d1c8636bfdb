"""Helpers for Pilot tests: read the screen, drive the forms."""

from __future__ import annotations

import html
import re
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Select

from coworkshop.tui.app import CoworkshopApp, build_app
from coworkshop.tui.canvas.card_edit import CardFormScreen
from coworkshop.tui.canvas.card_text import CardText

# What each app was asked to tell the user (see make_app).
_NOTIFIED: weakref.WeakKeyDictionary[App[Any], list[str]] = weakref.WeakKeyDictionary()


def make_app(sessions_dir: Path, templates_dir: Path, session_file: Path | None = None
             ) -> CoworkshopApp:
    app = build_app(sessions_dir=sessions_dir, templates_dir=templates_dir,
                    session_file=session_file)
    seen: list[str] = []
    notify = app.notify

    def recording_notify(message: str, *args: Any, **kwargs: Any) -> None:
        seen.append(message)
        notify(message, *args, **kwargs)

    # every widget's and screen's notify() goes through the app's
    app.notify = recording_notify  # type: ignore[method-assign]
    _NOTIFIED[app] = seen
    return app


# One run of text in Rich's SVG export of the screen: its x, its length in
# pixels, its line, its characters (spaces as &#160;).
_SVG_TEXT = re.compile(
    r'<text class="[^"]*" x="([\d.]+)" y="[\d.]+" textLength="([\d.]+)" '
    r'clip-path="url\(#[^)]*-line-(\d+)\)">(.*?)</text>'
)


def _screen_lines(app: App[Any]) -> list[str]:
    """The terminal, cell by cell, from Textual's public screenshot export."""
    width, height = app.size
    rows = [[" "] * width for _ in range(height)]
    for x, length, line, content in _SVG_TEXT.findall(app.export_screenshot()):
        text = html.unescape(content).replace("\xa0", " ")
        column = round(float(x) / (float(length) / len(text)))
        row = rows[int(line)]
        for i, ch in enumerate(text):
            if column + i < width:
                row[column + i] = ch
    return ["".join(row) for row in rows]


def screen_text(app: App[Any]) -> str:
    """The characters on the terminal right now, line by line."""
    return "\n".join(_screen_lines(app))


def region_text(app: App[Any], widget: Widget) -> str:
    """What the user sees inside one widget (e.g. one column of a board)."""
    lines = _screen_lines(app)
    region = widget.region
    return "\n".join(line[region.x: region.right] for line in lines[region.y: region.bottom])


def flat(text: str) -> str:
    """Screen text without box borders, line breaks and runs of spaces folded,
    so that text wrapped inside a card reads as one line."""
    text = "".join(" " if "\u2500" <= ch <= "\u257f" else ch for ch in text)
    return " ".join(text.split())


def notifications(app: App[Any]) -> list[str]:
    """Every notification the app showed, oldest first (apps made by make_app)."""
    return list(_NOTIFIED[app])


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 5.0,
                   what: str = "condition") -> None:
    """Let the app run until ``condition`` holds (bounded; no fixed sleeps)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.02)
    await settle(pilot)


async def open_activity(pilot: Pilot[Any], title: str) -> Any:
    """Highlight an activity in the agenda and move into it; returns its view."""
    from coworkshop.tui.session.session import SessionScreen

    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen), screen
    agenda = screen.agenda
    index = next(i for i, a in enumerate(agenda.activities) if a.title == title)
    agenda.highlighted = index
    await pilot.pause()
    agenda.action_enter_activity()
    await settle(pilot)
    view = screen.query_one("#activity-view").children[0]
    assert pilot.app.focused is view
    return view


async def submit_card(
    pilot: Pilot[Any], text: str, *, link: str | None | bool = False,
    stakeholders: str | None = None, group: str | None = None,
) -> CardFormScreen:
    """Fill the open card form and press enter in the text, as a user would."""
    screen = pilot.app.screen
    assert isinstance(screen, CardFormScreen), screen
    area = screen.query_one("#card-text", CardText)
    area.load_text(text)
    if link is not False:
        select = screen.query_one("#card-link", Select)
        if link is None:
            select.clear()
        else:
            select.value = link
    if stakeholders is not None:
        screen.query_one("#card-stakeholders", Input).value = stakeholders
    if group is not None:
        screen.query_one("#card-group", Input).value = group
    area.focus()
    await pilot.press("enter")
    await settle(pilot)
    return screen


async def start_live(pilot: Pilot[Any]) -> Any:
    """Start live voting from the session screen (`w`), on loopback and any free
    port; returns the app's LiveVoting once it runs and the join screen shows."""
    from coworkshop.tui.polls.voting import JoinScreen
    from coworkshop.tui.session.session import SessionScreen

    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen)
                   and app.screen.live is not None, what="the session")
    screen = app.screen
    assert isinstance(screen, SessionScreen) and screen.live is not None
    live = screen.live
    live.host, live.port = "127.0.0.1", 0
    await pilot.press("w")
    await wait_for(pilot, lambda: live.running and isinstance(app.screen, JoinScreen),
                   what="live voting")
    return live
