"""Keys typed the instant a form opens land in the form (not in the screen beneath)."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.widgets import Input

from coworkshop.tui.canvas.card_edit import CardFormScreen
from coworkshop.tui.canvas.card_text import CardText
from coworkshop.tui.common.confirm import ConfirmScreen
from coworkshop.tui.participants.participant_form import ParticipantFormScreen
from coworkshop.tui.participants.participants import ParticipantsScreen

from .helpers import make_app, open_activity, screen_text, settle

TOC = "Pathway: transparency"


def type_at_once(app, keys: str) -> None:  # type: ignore[no-untyped-def]
    """What a fast typist (or a paste) sends: every key queued before the app
    has handled the first, with no pause between them."""
    for ch in keys:
        app.post_message(events.Key(ch, ch))


async def add_card_typed_at_once(pilot, app) -> None:  # type: ignore[no-untyped-def]
    """On the canvas board: `a` and the card's text, all queued at once."""
    await open_activity(pilot, TOC)
    type_at_once(app, "aHello there")
    await settle(pilot)


async def test_text_typed_right_after_a_lands_in_the_new_card(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await add_card_typed_at_once(pilot, app)
        assert isinstance(app.screen, CardFormScreen)
        assert app.screen.query_one("#card-text", CardText).text == "Hello there"


async def test_a_name_typed_right_after_a_lands_in_the_participant_form(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantsScreen)
        type_at_once(app, "aElena Petrova")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ParticipantFormScreen)
        assert form.query_one("#name", Input).value == "Elena Petrova"
        # the name comes first, the stakeholder group next
        text = screen_text(app)
        assert text.index("Name (optional)") < text.index("Stakeholder group")



async def test_text_typed_at_once_counts_as_typed_escape_asks_before_dropping_it(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await add_card_typed_at_once(pilot, app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        assert "Drop what you typed?" in screen_text(app)
