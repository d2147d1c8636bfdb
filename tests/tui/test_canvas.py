"""The Theory-of-Change canvas and the CREDEX grid, driven like a facilitator."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button

from coworkshop.core import canvas, sessions
from coworkshop.core.store import Store
from coworkshop.tui.canvas.canvas_board import CanvasBoard
from coworkshop.tui.canvas.card_edit import CardFormScreen
from coworkshop.tui.canvas.card_view import CardView
from coworkshop.tui.canvas.grid_board import GridBoard
from coworkshop.tui.canvas.history import HistoryScreen
from coworkshop.tui.canvas.pathway import PathwayScreen
from coworkshop.tui.common.pick import PickScreen

from .helpers import (
    flat,
    make_app,
    notifications,
    open_activity,
    region_text,
    screen_text,
    settle,
    submit_card,
)

TOC = "Pathway: transparency"


def stored_cards(path: Path, title: str, deleted: bool = False) -> list[canvas.Card]:
    store = Store.open(path)
    try:
        session = store.only_session()
        with store.db() as db:
            act = next(a for a in sessions.activities(db, session.id) if a.title == title)
            return canvas.cards(db, act.id, deleted=deleted)
    finally:
        store.close()


def current_label(board: CanvasBoard | GridBoard) -> str:
    views = [v for v in board.query(CardView) if v.has_class("-current")]
    assert len(views) == 1
    return views[0].label


async def add(pilot, board, text: str, **kwargs) -> CardFormScreen:  # type: ignore[no-untyped-def]
    board.action_add_card()
    await pilot.pause()
    return await submit_card(pilot, text, **kwargs)


async def test_cards_links_and_the_two_change_limit(sessions_dir, templates_dir, session_file):
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        board = await open_activity(pilot, TOC)
        assert isinstance(board, CanvasBoard)
        text = flat(screen_text(app))
        # the cross-point banner and the column prompts are on screen
        assert "Every micro-credential states its learning outcomes" in text
        assert "Employers hardly know what a micro-credential proves" in text
        change_column = flat(region_text(app, board.query_one("#col-change")))
        assert change_column.startswith("CHANGE 0/2 Who behaves differently once")
        assert "No cards yet. Press a to add one." in change_column

        # the a key opens the form on the CHANGE column
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CardFormScreen)
        await submit_card(pilot, "Employers read micro-credentials like diplomas")
        await add(pilot, board, "Ministry lists them in a public register")
        assert "CHANGE 2/2" in flat(region_text(app, board.query_one("#col-change")))

        # a third CHANGE: the form says it cannot be saved when it opens
        board.action_add_card()
        await settle(pilot)
        form = app.screen
        assert isinstance(form, CardFormScreen)
        assert "already has 2 CHANGE cards" in flat(screen_text(app))
        assert form.query_one("#ok", Button).disabled
        await submit_card(pilot, "A third change")
        assert app.screen is form, "the form stays open so the text is not lost"
        await pilot.press("escape")  # it holds text: asks first
        await pilot.pause()
        assert "Drop what you typed?" in screen_text(app)
        await pilot.click("#yes")
        await settle(pilot)
        assert app.screen is not form
        changes = [c for c in stored_cards(session_file, TOC) if c.column == "change"]
        assert [c.text for c in changes] == [
            "Employers read micro-credentials like diplomas",
            "Ministry lists them in a public register",
        ]

        # HOW links by default to the CHANGE highlighted on the left
        await pilot.press("up")  # back to C1
        assert current_label(board) == "C1"
        await pilot.press("right")
        assert board.current_column() == "how"
        await add(pilot, board, "Agree a one-page description template")
        await add(pilot, board, "Train guidance counsellors", link=None)
        await pilot.press("right")
        await add(pilot, board, "Shared description template")  # links to the highlighted HOW
        how_column = flat(region_text(app, board.query_one("#col-how")))
        assert "H1 Agree a one-page description template → C1" in how_column
        assert "H2 Train guidance counsellors ⚠ unlinked" in how_column
        what_column = flat(region_text(app, board.query_one("#col-what")))
        assert "W1 Shared description template → H2" in what_column

        stored = stored_cards(session_file, TOC)
        by_text = {c.text: c for c in stored}
        how = by_text["Agree a one-page description template"]
        assert how.link_id == by_text["Employers read micro-credentials like diplomas"].id
        assert by_text["Train guidance counsellors"].link_id is None
        # the WHAT was added while H2 (the last added HOW) was highlighted
        assert by_text["Shared description template"].link_id == by_text[
            "Train guidance counsellors"].id

        # l re-links the highlighted WHAT to H1
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("home", "enter")
        await settle(pilot)
        stored = {c.text: c for c in stored_cards(session_file, TOC)}
        assert stored["Shared description template"].link_id == how.id
        assert "→ H1" in flat(region_text(app, board.query_one("#col-what")))

        # deleting H1 leaves its WHAT flagged until H1 comes back
        await pilot.press("left", "home")
        board.rows["how"] = 0
        board.show_cursor()
        assert current_label(board) == "H1"
        await pilot.press("x")
        await settle(pilot)
        what_column = flat(region_text(app, board.query_one("#col-what")))
        assert "W1 Shared description template ⚠ link deleted" in what_column


async def test_edit_delete_restore_and_history(sessions_dir, templates_dir, session_file):
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        board = await open_activity(pilot, TOC)

        def changes() -> str:
            return flat(region_text(app, board.query_one("#col-change")))
        await add(pilot, board, "Employers read micro-credentials")
        await add(pilot, board, "Ministry keeps a register")

        # edit C1 with e: the text changes and the history holds both versions
        await pilot.press("up")
        await pilot.press("e")
        await pilot.pause()
        await submit_card(pilot, "Employers read and trust micro-credentials")
        assert "Employers read and trust micro-credentials" in changes()
        card = next(c for c in stored_cards(session_file, TOC)
                    if c.text.startswith("Employers"))
        store = Store.open(session_file)
        try:
            with store.db() as db:
                revisions = canvas.history(db, card.id)
        finally:
            store.close()
        assert [r.text for r in revisions] == [
            "Employers read micro-credentials",
            "Employers read and trust micro-credentials",
        ]
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        text = flat(screen_text(app))
        assert "2 versions" in text and "created" in text and "edited" in text
        await pilot.press("escape")
        await pilot.pause()

        # reorder: ] moves C1 below C2
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert [c.text for c in stored_cards(session_file, TOC)][:2] == [
            "Ministry keeps a register", "Employers read and trust micro-credentials"]
        assert board.current_card() is not None
        assert board.current_card().text == "Employers read and trust micro-credentials"

        # delete with x: gone from the board, recoverable
        await pilot.press("x")
        await settle(pilot)
        assert "Employers read and trust" not in changes()
        assert any("press u to restore" in n for n in notifications(app))
        assert len(stored_cards(session_file, TOC)) == 1
        assert len(stored_cards(session_file, TOC, deleted=True)) == 1

        # u lists deleted cards; enter restores
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert "Employers read and trust" in flat(screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert "Employers read and trust micro-credentials" in changes()
        assert len(stored_cards(session_file, TOC)) == 2

        # restoring a third CHANGE is refused with the core's message
        await pilot.press("x")
        await settle(pilot)
        await add(pilot, board, "A new second change")
        await pilot.press("u")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert any("already has 2 CHANGE cards" in n for n in notifications(app))
        assert len([c for c in stored_cards(session_file, TOC) if c.column == "change"]) == 2


async def test_comment_from_another_group_and_revision(sessions_dir, templates_dir, session_file):
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        board = await open_activity(pilot, TOC)
        app.screen.action_assign_group()
        await pilot.pause()
        await pilot.press(*"Group A", "enter")
        await settle(pilot)
        assert "Group A" in flat(screen_text(app))
        await add(pilot, board, "Employers use micro-credentials to hire")

        await pilot.press("c")
        await pilot.pause()
        await submit_card(pilot, "Who pays for the assessment?", group="Group B")
        assert "1 comment" in flat(screen_text(app))

        await pilot.press("r")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CardFormScreen)
        # the owning group sees the feedback while revising
        assert "Group B: Who pays for the assessment?" in flat(screen_text(app))
        await submit_card(pilot, "Employers use micro-credentials to hire; the region pays")

        store = Store.open(session_file)
        try:
            with store.db() as db:
                card = canvas.cards(db, board.activity.id)[0]
                revisions = canvas.history(db, card.id)
                received = canvas.comments(db, board.activity.id)[card.id]
        finally:
            store.close()
        assert card.text.endswith("the region pays")
        assert [r.reason for r in revisions] == ["created", "revised after feedback"]
        assert revisions[-1].group_name == "Group A"
        assert [(c.from_group, c.resolved) for c in received] == [("Group B", True)]

        await pilot.press("h")
        await pilot.pause()
        text = flat(screen_text(app))
        assert "revised after feedback" in text
        assert "Group B" in text and "Who pays for the assessment?" in text
        assert "taken into account" in text


async def test_pathway_view_shows_chains_and_flags(sessions_dir, templates_dir, session_file):
    store = Store.open(session_file)
    session = store.only_session()
    with store.unit() as db:
        act = next(a for a in sessions.activities(db, session.id) if a.title == TOC)
        c1 = canvas.add_card(db, act.id, "change", "Firms trust micro-credentials")
        canvas.add_card(db, act.id, "change", "Ministry recognises them")
        h1 = canvas.add_card(db, act.id, "how", "Run a voucher pilot", link_id=c1.id)
        canvas.add_card(db, act.id, "what", "40 employees certified", link_id=h1.id)
        canvas.add_card(db, act.id, "what", "A guide nobody linked")
    store.close()

    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_activity(pilot, TOC)
        await pilot.press("v")
        await pilot.pause()
        assert isinstance(app.screen, PathwayScreen)
        lines = screen_text(app).splitlines()
        chain = [i for i, line in enumerate(lines) if "Firms trust" in line
                 or "Run a voucher pilot" in line or "40 employees certified" in line]
        assert len(chain) == 3, "change, how and what each on their own line, in order"
        text = flat(screen_text(app))
        assert "Not linked yet" in text
        assert "CHANGE without any HOW: C2 Ministry recognises them" in text
        assert "WHAT not linked to a HOW: W2 A guide nobody linked" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen.query_one("#board"), CanvasBoard)


async def test_grid_objective_with_stakeholders(sessions_dir, templates_dir, session_file):
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        board = await open_activity(pilot, "CREDEX grid")
        assert isinstance(board, GridBoard)
        text = flat(screen_text(app))
        for label in ("Systemic", "Learners", "Short term", "Long term"):
            assert label in text
        # learners x long term
        await pilot.press("down", "right")
        assert board.current_column() == "learners/long"
        await pilot.press("a")
        await pilot.pause()
        await submit_card(pilot, "Adults stack credentials into a qualification",
                          stakeholders="adult learners, VET providers")

        def cell() -> str:
            return flat(region_text(app, board.query_one("#cell-1-1")))

        text = cell()
        assert "Adults stack credentials into a qualification" in text
        assert "with: adult learners, VET providers" in text
        cards = stored_cards(session_file, "CREDEX grid")
        assert [(c.column, c.stakeholders) for c in cards] == [
            ("learners/long", "adult learners, VET providers")]

        await pilot.press("e")
        await pilot.pause()
        await submit_card(pilot, "Adults stack credentials", stakeholders="learners")
        await pilot.press("x")
        await settle(pilot)
        assert "Adults stack credentials" not in cell()
        await pilot.press("u", "enter")
        await settle(pilot)
        assert "O1 Adults stack credentials with: learners" in cell()
        cards = stored_cards(session_file, "CREDEX grid")
        assert [(c.text, c.stakeholders) for c in cards] == [("Adults stack credentials",
                                                              "learners")]
