"""The canvas frictions a first-time facilitator met, at 80x24 (issue 9):
stable labels, a new HOW that asks for its link, wide characters, the
cross-point and the grid cell's question, and l that means one thing."""

from __future__ import annotations

from pathlib import Path

from rich.cells import cell_len
from textual.geometry import Region

from coworkshop.core import canvas, sessions
from coworkshop.core.sessions import SessionDetails, create_session_file, default_path
from coworkshop.core.store import Store
from coworkshop.tui.canvas.canvas_board import CanvasBoard
from coworkshop.tui.canvas.card_edit import CardFormScreen
from coworkshop.tui.canvas.card_view import CardView
from coworkshop.tui.canvas.grid_board import GridBoard
from coworkshop.tui.common.help import HelpScreen
from coworkshop.tui.common.pick import PickScreen
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
)

TOC = "Pathway: transparency"
SIZE = (80, 24)


def add_cards(path: Path, title: str, *cards: tuple[str, str, int | None]) -> list[str]:
    """Cards made by the core: (column, text, index of the card it links to)."""
    store = Store.open(path)
    ids: list[str] = []
    try:
        with store.unit() as db:
            session = store.only_session()
            act = next(a for a in sessions.activities(db, session.id) if a.title == title)
            for column, text, link in cards:
                card = canvas.add_card(db, act.id, column, text,
                                       link_id=ids[link] if link is not None else None)
                ids.append(card.id)
    finally:
        store.close()
    return ids


def stored_links(path: Path) -> dict[str, str | None]:
    store = Store.open(path)
    try:
        with store.db() as db:
            session = store.only_session()
            act = next(a for a in sessions.activities(db, session.id) if a.title == TOC)
            return {c.text: c.link_id for c in canvas.cards(db, act.id)}
    finally:
        store.close()


def column(app, board, name: str) -> str:  # type: ignore[no-untyped-def]
    return flat(region_text(app, board.query_one(f"#col-{name}")))


def current_label(board: CanvasBoard | GridBoard) -> str:
    return next(v.label for v in board.query(CardView) if v.has_class("-current"))


async def test_deleting_w2_leaves_w3_and_a_restored_card_keeps_its_label(
    sessions_dir, templates_dir, session_file
):
    add_cards(session_file, TOC, ("change", "Firms hire on them", None),
              ("how", "Voucher pilot", 0), ("what", "guide", 1), ("what", "register", 1),
              ("what", "badge", 1))
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, TOC)
        await pilot.press("right", "right", "down")
        assert current_label(board) == "W2"
        await pilot.press("x")
        await settle(pilot)
        what = column(app, board, "what")
        assert "register" not in what and "W2" not in what
        assert "W1 guide" in what and "W3 badge" in what, "W3 stays W3"
        assert any("Card W2 deleted" in n for n in notifications(app))

        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert "W2 WHAT deleted" in flat(screen_text(app)), "the picker names the label"
        await pilot.press("enter")
        await settle(pilot)
        what = column(app, board, "what")
        assert "W2 register" in what and "W3 badge" in what, "W2 comes back as W2"

        # a new card never takes a label an earlier card had
        await pilot.press("a")
        await pilot.pause()
        await submit_card(pilot, "certificate")
        assert "W4 certificate" in column(app, board, "what")


async def test_a_new_how_asks_which_change_it_serves(sessions_dir, templates_dir, session_file):
    ids = add_cards(session_file, TOC, ("change", "Firms hire on them", None),
                    ("change", "Ministry keeps a register", None))
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, TOC)
        await pilot.press("down", "right", "a")  # C2 highlighted, then the HOW column
        await pilot.pause()
        assert isinstance(app.screen, CardFormScreen)
        form = flat(screen_text(app))
        assert "It serves the CHANGE chosen under the text: C2, the highlighted one" in form
        assert "C2 · Ministry keeps a register" in form, "the default is shown in the form"
        await submit_card(pilot, "Draft the register with the chambers")
        assert "H1 Draft the register with the chambers → C2" in column(app, board, "how")

        # another CHANGE can be chosen in the form
        await pilot.press("a")
        await pilot.pause()
        await submit_card(pilot, "Voucher pilot", link=ids[0])
        assert "H2 Voucher pilot → C1" in column(app, board, "how")
        links = stored_links(session_file)
        assert links["Draft the register with the chambers"] == ids[1]
        assert links["Voucher pilot"] == ids[0]


async def test_a_new_what_without_any_how_says_it_stays_unlinked(
    sessions_dir, templates_dir, session_file
):
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        await open_activity(pilot, TOC)
        await pilot.press("right", "right", "a")
        await pilot.pause()
        assert "There is no HOW card yet: this card stays unlinked" in flat(screen_text(app))


async def test_emoji_and_cjk_keep_the_card_border_in_place(
    sessions_dir, templates_dir, session_file
):
    add_cards(session_file, TOC,
              ("change", "Farmers 👩🏽‍🌾 adopt 微证书 credentials ❤️ and employers", None))
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, TOC)
        view = board.query(CardView).first()
        width, height = view.outer_size
        lines = [strip.text for strip in view.render_lines(Region(0, 0, width, height))]
        assert "Farmers 👩🌾 adopt" in lines[1] and "微证书" in flat("".join(lines))
        for line in lines:
            # tmux 3.3 measures a line code point by code point; Rich by grapheme.
            # Both must find the right border in the same cell.
            assert sum(cell_len(ch) for ch in line) == cell_len(line) == width, line
            assert line[-1] in "┓┃┛╮│╯", line


async def test_words_are_not_cut_in_a_narrow_grid_cell(sessions_dir, templates_dir):
    details = SessionDetails(title="CREDEX day", date="2025-06-12")
    path = default_path(sessions_dir, details)
    store, _ = create_session_file(path, templates_dir / "credex-toc-grid.toml", details)
    store.close()
    title = "Theory of Change Grid"
    text = "Interoperable registers of micro-credentials across regions"
    add_cards(path, title, ("systemic/short", text, None))
    app = make_app(sessions_dir, templates_dir, path)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, title)
        assert isinstance(board, GridBoard)
        view = board.query(CardView).first()
        width, height = view.outer_size
        assert width < len("O1 micro-credentials"), "the cell is narrower than the word"
        lines = [s.text.strip() for s in view.render_lines(Region(0, 0, width, height))]
        words = [w for line in lines for w in line.split()]
        assert words == ["O1", "Interoperable", "registers", "of", "micro-", "credentials",
                         "across", "regions"], lines


async def test_the_cross_point_and_the_grid_question_can_be_read_whole(
    sessions_dir, templates_dir, session_file
):
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, TOC)
        banner = lambda: flat(region_text(app, board.query_one("#banner")))  # noqa: E731
        assert "workload." not in banner(), "one line each on a short terminal"
        assert "i: read it all" in flat(screen_text(app))
        await pilot.press("i")
        await pilot.pause()
        assert ("Policy vision Every micro-credential states its learning outcomes and "
                "workload.") in banner()
        assert "Industry need Employers hardly know what a micro-credential proves." in banner()
        await pilot.press("i")
        await pilot.pause()
        assert "workload." not in banner()

    details = SessionDetails(title="CREDEX day", date="2025-06-12")
    path = default_path(sessions_dir, details)
    store, _ = create_session_file(path, templates_dir / "credex-toc-grid.toml", details)
    store.close()
    app = make_app(sessions_dir, templates_dir, path)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, "Theory of Change Grid")
        await pilot.press("down")  # institutional x short term
        await pilot.press("i")
        await pilot.pause()
        prompt = flat(region_text(app, board.query_one("#cell-prompt")))
        assert prompt.startswith("Institutional: the implementing organisation or agency · "
                                 "Short term (1-3 years)")
        assert prompt.endswith("micro-credential data speed up updates of the qualifications "
                               "framework (long).")
        # the form asks the same question, whole
        await pilot.press("a")
        await pilot.pause()
        assert "Capacity and influence of the organisation leading the change" in flat(
            screen_text(app))


async def test_l_links_on_the_canvas_and_w_starts_live_voting(
    sessions_dir, templates_dir, session_file
):
    add_cards(session_file, TOC, ("change", "Firms hire on them", None),
              ("how", "Voucher pilot", None))
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, TOC)
        screen = app.screen
        assert isinstance(screen, SessionScreen) and screen.live is not None
        await pilot.press("right", "l")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        assert "Link H1 to the CHANGE it serves" in flat(screen_text(app))
        assert not screen.live.running and not screen.live.starting
        await pilot.press("escape")
        await pilot.pause()

        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        seen = flat(screen_text(app))
        body = app.screen.query_one("#help-body")
        while body.scroll_y < body.max_scroll_y:
            body.scroll_page_down(animate=False)
            await pilot.pause()
            seen += " " + flat(screen_text(app))
        assert "l Link" in seen and "w Live" in seen
        assert "w starts live voting" in seen and "l starts live voting" not in seen
        await pilot.press("escape")
        await pilot.pause()

        # on the agenda l does nothing, and the footer offers w for live voting
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is screen.agenda
        await pilot.press("l")
        await settle(pilot)
        assert app.screen is screen and not screen.live.running
        assert "w Live" in screen_text(app).splitlines()[-1]
        assert board is screen.board()


async def test_the_palette_finds_the_canvas_actions_by_their_words(
    sessions_dir, templates_dir, session_file
):
    add_cards(session_file, TOC, ("change", "Firms hire on them", None),
              ("change", "Ministry keeps a register", None))
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, TOC)
        entries = {name: run for name, _help, run in app.palette_entries(app.screen)}
        for word in ("link", "move", "history", "zoom", "group", "comment", "cross-point"):
            assert any(word in name for name in entries), word
        entries["canvas: move card down"]()
        await settle(pilot)
        assert column(app, board, "change").startswith(
            "CHANGE 2/2 C2 Ministry keeps a register C1 Firms hire on them"), "C1 moved, kept C1"


async def test_keys_typed_right_after_enter_do_not_slip_into_the_saved_card() -> None:
    """A fast typist presses enter and goes on typing: the card saved is what
    was on screen at enter; the text is theirs again if the form refuses it."""
    from textual.app import App, ComposeResult

    from coworkshop.tui.canvas.card_text import CardText

    class One(App[None]):
        submitted: list[str] = []

        def compose(self) -> ComposeResult:
            yield CardText(id="t")

        def on_card_text_submitted(self, event: CardText.Submitted) -> None:
            self.submitted.append(event.card_text.text)

    app = One()
    async with app.run_test() as pilot:
        await pilot.press("o", "k", "enter", "x", "enter")
        area = app.query_one(CardText)
        assert area.text == "ok" and app.submitted == ["ok"]
        area.reopen()
        await pilot.press("!")
        assert area.text == "ok!"
