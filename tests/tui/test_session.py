"""The session screen: agenda, activity views, templates, help, small terminals,
quitting and reopening."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Select

from coworkshop.core import canvas, sessions
from coworkshop.core.store import Store
from coworkshop.tui.canvas.canvas_board import CanvasBoard
from coworkshop.tui.common.help import HelpScreen
from coworkshop.tui.common.prompt import PromptScreen
from coworkshop.tui.home.home import HomeScreen
from coworkshop.tui.home.new_session import NewSessionScreen
from coworkshop.tui.session.session import SessionScreen

from .helpers import (
    flat,
    make_app,
    notifications,
    open_activity,
    region_text,
    screen_text,
    settle,
    submit_card,
    wait_for,
)

TOC = "Pathway: transparency"


def stored_activities(path: Path) -> dict[str, sessions.Activity]:
    store = Store.open(path)
    try:
        session = store.only_session()
        with store.db() as db:
            return {a.title: a for a in sessions.activities(db, session.id)}
    finally:
        store.close()


async def test_start_and_finish_activities_with_a_countdown(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        agenda = lambda: flat(region_text(app, screen.agenda))  # noqa: E731
        assert "○ Pathway: transparency canvas · 30 min" in agenda()
        await pilot.press("s")
        await settle(pilot)
        assert "▶ Pathway: transparency canvas · 30 min · 30:00 left" in agenda() or (
            "29:59 left" in agenda())
        assert stored_activities(session_file)[TOC].status == "running"
        head = flat(region_text(app, screen.query_one("#activity-head")))
        assert "running" in head and "left" in head

        # starting the next activity finishes the running one (one runs at a time)
        await pilot.press("down")
        await pilot.press("s")
        await settle(pilot)
        acts = stored_activities(session_file)
        assert (acts[TOC].status, acts["CREDEX grid"].status) == ("done", "running")
        assert "✓ Pathway: transparency" in agenda()
        await pilot.press("f")
        await settle(pilot)
        assert stored_activities(session_file)["CREDEX grid"].status == "done"
        assert "✓ CREDEX grid" in agenda()
        assert "left" not in agenda()


async def test_poll_map_and_checklist_show_their_plan(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 40)) as pilot:
        # The poll view is being replaced by the live poll (a later issue):
        # only what any poll view must show is checked here.
        view = await open_activity(pilot, "Relevance of the cross-points")
        text = flat(region_text(app, view))
        assert "How far does each vision answer the need?" in text
        assert "Where do you stand?" in text

        await pilot.press("escape")
        view = await open_activity(pilot, "Power and interest")
        text = flat(region_text(app, view))
        assert "Power/interest ↑power →interest · no round yet · 0 of ≤8 to start" in text
        assert "keep satisfied manage closely" in text
        assert "monitor keep informed" in text
        assert "No stakeholders yet: a adds one." in text

        await pilot.press("escape")
        view = await open_activity(pilot, "Group checklist")
        text = flat(region_text(app, view))
        assert "Checklist · 0 of 1 yes · 1 open" in text
        assert "☐ open Stage 1: Appoint a coordinator" in text
        assert "Someone who can organise and mediate." in text


async def test_breakout_group_is_assigned_to_a_canvas(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Group B", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert stored_activities(session_file)[TOC].group_name == "Group B"
        assert "Group B" in flat(region_text(app, app.screen.agenda))
        # cards added now belong to the group
        board = await open_activity(pilot, TOC)
        board.action_add_card()
        await pilot.pause()
        await submit_card(pilot, "Employers ask for micro-credentials")
        store = Store.open(session_file)
        try:
            with store.db() as db:
                assert [c.group_name for c in canvas.cards(db, board.activity.id)] == ["Group B"]
        finally:
            store.close()


async def test_save_plan_as_template_and_start_a_session_from_it(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PromptScreen)
        name = form.query_one("#field-name")
        name.value = "Kick-start Sofia"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        target = templates_dir / "kick-start-sofia.toml"
        assert target.exists()
        assert any("Saved the plan as template kick-start-sofia" in n
                   for n in notifications(app))

        # a second save under the same name is refused, nothing overwritten
        before = target.read_text()
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#field-name").value = "kick-start-sofia"  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PromptScreen)
        assert "already exists; choose another name" in flat(screen_text(app))
        await pilot.press("escape")  # the form holds a name: asks before dropping it
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
        assert target.read_text() == before

        # back home: the template is listed; start a new session from it
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        templates = app.screen.query_one("#templates")
        assert "Sofia validation (plan)" in flat(region_text(app, templates))
        templates.highlighted = templates.get_option_index(str(target))  # type: ignore[attr-defined]
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionScreen)
        await pilot.press(*"Plovdiv kick-start", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        text = flat(screen_text(app))
        assert "Plovdiv kick-start" in text
        assert "Pathway: transparency" in text and "CREDEX grid" in text


async def test_help_lists_the_keys_of_the_focused_place(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(110, 70)) as pilot:
        await open_activity(pilot, TOC)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        seen = flat(screen_text(app))
        body = app.screen.query_one("#help-body")
        while body.scroll_y < body.max_scroll_y:  # read it all, page by page
            body.scroll_page_down(animate=False)
            await pilot.pause()
            seen += " " + flat(screen_text(app))
        for line in ("a Add", "e, ⏎ Edit", "x, del Delete", "u Restore", "c Comment",
                     "r Revise", "h History", "[, shift+↑ Move up", "l Link", "v Pathway",
                     "i Read all", "s Start", "p People", "w Live", "t Save plan",
                     "q, ^q Quit", "? Help"):
            assert line in seen, line
        # the how-to of the screen and of the canvas follow the keys
        text = flat(screen_text(app))
        assert "Left: the agenda." in text
        assert "Work backwards from the cross-point" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_command_palette_offers_the_screen_actions(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        board = await open_activity(pilot, TOC)
        names = [name for name, _help, _run in app.palette_entries(app.screen)]
        for name in ("help: keys", "canvas: add card", "canvas: pathway view",
                     "participants: add", "template: save plan", "activity: start"):
            assert name in names
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"add card")
        await wait_for(pilot, lambda: "canvas: add card" in screen_text(app),
                       what="the palette's match")
        await pilot.press("enter")
        await settle(pilot)
        await submit_card(pilot, "Card added from the palette")
        assert [c.text for c in board.cards] == ["Card added from the palette"]


async def test_usable_at_80x24(sessions_dir: Path, templates_dir: Path,
                               session_file: Path) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        board = await open_activity(pilot, TOC)
        assert isinstance(board, CanvasBoard)
        board.action_add_card()
        await pilot.pause()
        # the whole card form fits: text, link field and the Add button
        form = app.screen
        for selector in ("#card-text", "#ok"):
            region = form.query_one(selector).region
            assert region.bottom <= 24 and region.height > 0, selector
        await submit_card(pilot, "Employers read micro-credentials")
        text = screen_text(app)
        lines = text.splitlines()
        assert len(lines) == 24
        # the cross-point, all three columns, the card and the keys are visible
        assert "Policy vision Every micro-credential" in flat(text)
        assert "Industry need Employers hardly know" in flat(text)
        assert "CHANGE 1/2" in flat(text) and "HOW 0" in flat(text) and "WHAT 0" in flat(text)
        assert "C1 Employers read micro-credent" in flat(
            region_text(app, board.query_one("#col-change")))
        # help comes first: a narrow terminal cuts the footer on the right
        assert lines[-1].startswith("? Help a Add e Edit x Delete")
        # inside the canvas the agenda steps aside; escape brings it back
        assert board.region.width >= 76
        assert not app.screen.query_one("#agenda-pane").display
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.query_one("#agenda-pane").display
        assert app.focused is app.screen.query_one("#agenda")
        assert board.region.width < 60


async def test_quit_and_reopen_finds_everything(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        board = await open_activity(pilot, TOC)
        board.action_add_card()
        await pilot.pause()
        await submit_card(pilot, "Ministry publishes a register")
        await pilot.press("right")
        board.action_add_card()
        await pilot.pause()
        await submit_card(pilot, "Draft the register with the chambers")
        await pilot.press("escape")  # to the agenda
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0  # 1 whenever the app ended on an error (and its traceback)

    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        board = await open_activity(pilot, TOC)
        change = flat(region_text(app, board.query_one("#col-change")))
        how = flat(region_text(app, board.query_one("#col-how")))
        assert "C1 Ministry publishes a register" in change
        assert "H1 Draft the register with the chambers → C1" in how
        assert "▶ Pathway: transparency" in flat(region_text(app, app.screen.agenda))


async def test_the_bar_counts_the_registered_and_while_voting_the_phones(
    sessions_dir: Path, templates_dir: Path, session_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coworkshop.tui.polls.live import LiveVoting

    store = Store.open(session_file)
    with store.unit() as db:
        for name in ("Elena", "Martin"):
            sessions.add_participant(db, store.only_session(), "policy", name=name)
    store.close()
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        bar = screen_text(app).splitlines()[0]
        assert bar.rstrip().endswith("registered 2"), bar
        assert "phones" not in bar  # no live voting, no phones

        # one more registered on the participants screen: counted on coming back
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Iva", "tab")
        form = app.screen
        form.query_one("#stakeholder_group", Select).value = "industry"
        form.query_one("#organisation", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen_text(app).splitlines()[0].rstrip().endswith("registered 3")

        # live voting runs (its server stood in for): the phones connected now
        live = screen.live
        assert live is not None
        phones = [5]
        monkeypatch.setattr(LiveVoting, "running", property(lambda _self: True))
        monkeypatch.setattr(LiveVoting, "code", property(lambda _self: "123456"))
        monkeypatch.setattr(live, "codes_locked", lambda: False)
        monkeypatch.setattr(live, "connected", lambda: phones[0])
        await wait_for(pilot, lambda: "phones 5" in screen_text(app).splitlines()[0],
                       what="the phones in the bar")
        bar = screen_text(app).splitlines()[0]
        assert bar.startswith(" ● LIVE code 123456  Sofia")
        assert bar.rstrip().endswith("registered 3 · phones 5")
        assert len(bar) == 80
        phones[0] = 12  # more phones join: the bar follows within a second
        await wait_for(pilot, lambda: "phones 12" in screen_text(app).splitlines()[0],
                       what="12 phones")
        assert screen_text(app).splitlines()[0].rstrip().endswith("registered 3 · phones 12")
