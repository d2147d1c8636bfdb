"""Polls follow the agenda, at 80x24: a poll opened from the agenda with the
poll view's keys runs its activity; finishing an activity closes its open
questions and says which; the tally form's tab order and saved note."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input, Select

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.store import Store
from coworkshop.tui.polls.poll_view import PollView
from coworkshop.tui.polls.tally import TallyScreen
from coworkshop.tui.session.session import SessionScreen

from .helpers import flat, make_app, notifications, region_text, settle, wait_for

POLL = "Relevance of the cross-points"
QUESTION = "How far does each vision answer the need?"


def stored(path: Path) -> tuple[dict[str, str], dict[str, voting.PollInfo]]:
    """Activity status by title, and polls by question key, as the file has them."""
    store = Store.open(path)
    try:
        session = store.only_session()
        with store.db() as db:
            acts = {a.title: a.status for a in sessions.activities(db, session.id)}
        return acts, {p.question.key: p for p in voting.polls(store, session.id)}
    finally:
        store.close()


async def highlight_poll(pilot: Pilot[Any]) -> tuple[SessionScreen, PollView]:
    """Move down the agenda with the arrows to the poll; it shows beside the agenda."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    assert pilot.app.focused is screen.agenda
    while screen.agenda.current() is None or screen.agenda.current().title != POLL:  # type: ignore[union-attr]
        await pilot.press("down")
        await settle(pilot)
    view = screen.query_one(PollView)
    await wait_for(pilot, lambda: bool(view.polls), what="the questions")
    return screen, view


def agenda_line(app: Any, screen: SessionScreen, title: str) -> str:
    """The agenda's line holding ``title`` (its status icon first)."""
    return next(line for line in region_text(app, screen.agenda).splitlines()
                if title.split()[0] in line)


async def test_o_on_the_agenda_opens_the_question_and_runs_its_activity(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, view = await highlight_poll(pilot)
        assert "○" in agenda_line(app, screen, POLL)
        assert "not started" in flat(region_text(app, screen.query_one("#activity-head")))
        await pilot.press("o")
        await settle(pilot)
        assert app.focused is screen.agenda  # still on the agenda
        assert "▶" in agenda_line(app, screen, POLL)
        assert "running" in flat(region_text(app, screen.query_one("#activity-head")))
        assert "● OPEN" in flat(region_text(app, view))
        assert any(f"Open: {QUESTION}" in n and f"{POLL} is now running" in n
                   for n in notifications(app))
        acts, polls = stored(session_file)
        assert acts[POLL] == "running" and polls["rel"].is_open

        # the other poll keys work from the agenda too
        await pilot.press("r")
        await settle(pilot)
        assert stored(session_file)[1]["rel"].results_visible
        await pilot.press("o")  # already open: says so instead of doing nothing
        await settle(pilot)
        assert f"Already open: {QUESTION}" in notifications(app)
        await pilot.press("c")
        await settle(pilot)
        assert "■ closed" in flat(region_text(app, view))
        assert stored(session_file)[1]["rel"].state == "closed"

        # on a canvas the poll keys are not the agenda's
        await pilot.press("up")
        await settle(pilot)
        count = len(notifications(app))
        await pilot.press("o")
        await settle(pilot)
        assert len(notifications(app)) == count
        assert stored(session_file)[1]["rel"].state == "closed"


async def test_finishing_an_activity_closes_its_open_question_with_a_notice(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, view = await highlight_poll(pilot)
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        note = (f"Done: {POLL} · closed the open question “{QUESTION}” (results shown)")
        assert note in notifications(app)
        assert "✓" in agenda_line(app, screen, POLL)
        assert "■ closed" in flat(region_text(app, view))
        acts, polls = stored(session_file)
        assert acts[POLL] == "done"
        assert (polls["rel"].state, polls["rel"].results_visible) == ("closed", True)

        # finishing again closes nothing and says nothing about questions
        await pilot.press("f")
        await settle(pilot)
        assert notifications(app)[-1] == f"Done: {POLL}"


async def open_tally_form(pilot: Pilot[Any], question: str) -> TallyScreen:
    """From the agenda: the poll view's cursor on ``question``, then e."""
    screen, view = await highlight_poll(pilot)
    target = next(i for i, p in enumerate(view.polls) if p.question.key == question)
    view.action_cursor(target - view.cursor)
    await settle(pilot)
    assert view.current is not None and view.current.question.key == question
    await pilot.press("o")  # counts are for a question put to the room
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, TallyScreen)
    return form


async def test_a_draft_question_refuses_counts_and_says_why(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, view = await highlight_poll(pilot)
        assert view.current is not None and view.current.state == "draft"
        for where in (screen.agenda, view):  # e on the agenda, then in the poll view
            where.focus()
            await pilot.press("e")
            await settle(pilot)
            assert app.screen is screen, "no tally form for a draft question"
            assert notifications(app)[-1] == (
                f"“{QUESTION}” is not open yet: press o to open it, then e enters the "
                "counts of a show of hands or paper ballots.")
        # once open, e enters the counts
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, TallyScreen)


async def test_tally_form_tab_goes_through_what_the_user_sees(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_tally_form(pilot, "stage")
        seen = [app.focused]
        for _ in range(6):
            await pilot.press("tab")
            seen.append(app.focused)
        ids = [w.id if w is not None else None for w in seen]
        assert ids == ["count-0-0", "count-0-1", "ok", "cancel", "tally-source", "tally-group",
                       "count-0-0"]
        for widget in seen:  # every stop is a field or a button on screen
            assert isinstance(widget, Input | Select) or widget.id in ("ok", "cancel")
            assert widget.region.area > 0
            assert form.region.contains_region(widget.region)


async def test_tally_saved_note_says_what_was_counted(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        form = await open_tally_form(pilot, "stage")
        form.query_one("#count-0-0", Input).value = "3"
        form.query_one("#count-0-1", Input).value = "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert "Saved counts for 2 options (show of hands)" in notifications(app)
        view = app.screen.query_one(PollView)
        assert "8 counted by hand" in flat(region_text(app, view))

        # one withdrawn, for one stakeholder group on paper; a rated list by statement
        form = await open_tally_form(pilot, "stage")
        form.query_one("#count-0-1", Input).value = "0"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Withdrew the counts for 1 option (show of hands)" in notifications(app)
        form = await open_tally_form(pilot, "rel")
        form.query_one("#tally-source", Select).value = "paper"
        form.query_one("#tally-group", Select).value = "industry"
        await settle(pilot)
        for cell in ("count-0-0", "count-0-2", "count-1-1"):
            form.query_one(f"#{cell}", Input).value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved counts for 2 statements (paper ballots, Industry)" in notifications(app)
