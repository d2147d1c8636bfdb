"""Helpers for Pilot tests: read the screen, drive the forms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Select

from coworkshop.tui.app import CoworkshopApp, build_app
from coworkshop.tui.screens.card_edit import CardFormScreen
from coworkshop.tui.widgets.card_text import CardText


def make_app(sessions_dir: Path, templates_dir: Path, session_file: Path | None = None
             ) -> CoworkshopApp:
    return build_app(sessions_dir=sessions_dir, templates_dir=templates_dir,
                     session_file=session_file)


def screen_text(app: App[Any]) -> str:
    """The characters on the terminal right now, line by line."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def region_text(app: App[Any], widget: Widget) -> str:
    """What the user sees inside one widget (e.g. one column of a board)."""
    strips = app.screen._compositor.render_strips()
    region = widget.region
    return "\n".join(
        strip.text[region.x: region.right] for strip in strips[region.y: region.bottom]
    )


def flat(text: str) -> str:
    """Screen text without box borders, line breaks and runs of spaces folded,
    so that text wrapped inside a card reads as one line."""
    text = "".join(" " if "\u2500" <= ch <= "\u257f" else ch for ch in text)
    return " ".join(text.split())


def notifications(app: App[Any]) -> list[str]:
    return [n.message for n in app._notifications]


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_activity(pilot: Pilot[Any], title: str) -> Any:
    """Highlight an activity in the agenda and move into it; returns its view."""
    from coworkshop.tui.screens.session import SessionScreen

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
