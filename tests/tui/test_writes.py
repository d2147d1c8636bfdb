"""The app's writes while another program holds the session file locked."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from coworkshop.core import canvas, sessions
from coworkshop.core.store import Store
from coworkshop.tui import writes
from coworkshop.tui.canvas.card_edit import CardFormScreen
from coworkshop.tui.canvas.card_text import CardText

from .helpers import flat, make_app, notifications, open_activity, screen_text, settle, submit_card

TOC = "Pathway: transparency"


def stored_texts(path: Path) -> list[str]:
    store = Store.open(path)
    try:
        with store.db() as db:
            act = next(a for a in sessions.activities(db, store.only_session().id)
                       if a.title == TOC)
            return [c.text for c in canvas.cards(db, act.id)]
    finally:
        store.close()


def lock(path: Path) -> sqlite3.Connection:
    """Another program takes the file's write lock and keeps it."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")
    return con


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """Wait 50 ms for the lock per attempt instead of the store's 5 s."""
    monkeypatch.setattr(writes, "LOCK_WAIT_MS", 50)
    monkeypatch.setattr(writes, "RETRY_PAUSES", (0.01, 0.02))


async def test_a_locked_file_is_reported_and_the_card_saved_on_the_next_try(
    sessions_dir, templates_dir, session_file, quick_retries
):
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        board = await open_activity(pilot, TOC)
        other = lock(session_file)
        try:
            board.action_add_card()
            await pilot.pause()
            form = await submit_card(pilot, "Said while locked")
            # one line says why; the form keeps what was typed; nothing shows as saved
            [notice] = [n for n in notifications(app) if "in use by another program" in n]
            assert "\n" not in notice and "not saved" in notice
            assert app.screen is form and isinstance(form, CardFormScreen)
            assert form.query_one("#card-text", CardText).text == "Said while locked"
            assert "✓ saved" not in screen_text(app)
            assert app.return_code is None, "the app keeps running"
        finally:
            other.rollback()
            other.close()
        # the facilitator presses enter again: now it is saved
        form.query_one("#card-text", CardText).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, CardFormScreen)
        text = flat(screen_text(app))
        assert "Said while locked" in text and "✓ saved" in text
    assert stored_texts(session_file) == ["Said while locked"]


def test_the_writer_retries_until_the_lock_is_released(
    session_file: Path, quick_retries: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pauses: list[float] = []
    store = Store.open(session_file)
    other = lock(session_file)

    def pause(seconds: float) -> None:  # the other program lets go during the pause
        pauses.append(seconds)
        other.rollback()

    monkeypatch.setattr(writes.time, "sleep", pause)
    try:
        with store.db() as db:
            act = next(a for a in sessions.activities(db, store.only_session().id)
                       if a.title == TOC)
        card = writes.run(store, lambda db: canvas.add_card(db, act.id, "change", "retried"))
    finally:
        store.close()
        other.close()
    assert pauses == [0.01]
    assert card.text == "retried"
    assert stored_texts(session_file) == ["retried"]


def test_the_writer_gives_up_with_one_line_and_writes_nothing(
    session_file: Path, quick_retries: None
) -> None:
    store = Store.open(session_file)
    other = lock(session_file)
    try:
        with store.db() as db:
            act = next(a for a in sessions.activities(db, store.only_session().id)
                       if a.title == TOC)
        with pytest.raises(writes.NotSaved, match="in use by another program"):
            writes.run(store, lambda db: canvas.add_card(db, act.id, "change", "lost?"))
    finally:
        store.close()
        other.rollback()
        other.close()
    assert stored_texts(session_file) == []


async def test_opening_a_poll_on_a_locked_file_is_reported_and_works_once_free(
    sessions_dir, templates_dir, session_file, quick_retries
):
    from .test_voting import poll_view, stored_polls

    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        view = await poll_view(pilot, "stage")
        other = lock(session_file)
        try:
            await pilot.press("o")
            await settle(pilot)
            assert any("in use by another program" in n for n in notifications(app))
            assert app.return_code is None, "the app keeps running"
        finally:
            other.rollback()
            other.close()
        assert stored_polls(session_file)["stage"].state == "draft"
        assert "● OPEN" not in flat(screen_text(app))
        await pilot.press("o")
        await settle(pilot)
        assert stored_polls(session_file)["stage"].state == "open"
        assert view.current is not None and view.current.is_open
