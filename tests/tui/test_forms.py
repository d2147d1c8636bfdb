"""Never lose what was typed, at 80x24: q, escape and quitting in a form,
limits while typing, refusals beside the field, help always in the footer,
and the wording a first-time facilitator tripped over."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Button, Input, Select

from coworkshop.core import canvas, sessions
from coworkshop.core.store import Store
from coworkshop.tui.canvas.card_edit import CardFormScreen
from coworkshop.tui.canvas.card_text import CardText
from coworkshop.tui.common.confirm import ConfirmScreen
from coworkshop.tui.common.prompt import Field, PromptScreen
from coworkshop.tui.participants.participant_form import ParticipantFormScreen
from coworkshop.tui.participants.participants import ParticipantsScreen
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

SIZE = (80, 24)
TOC = "Pathway: transparency"


def footer(app) -> str:  # type: ignore[no-untyped-def]
    return screen_text(app).splitlines()[-1]


async def open_card_form(pilot, app):  # type: ignore[no-untyped-def]
    board = await open_activity(pilot, TOC)
    board.action_add_card()
    await settle(pilot)
    form = app.screen
    assert isinstance(form, CardFormScreen)
    return board, form


async def open_participant_form(pilot, app):  # type: ignore[no-untyped-def]
    """From the session: the participants screen, then its add form."""
    await settle(pilot)
    await pilot.press("p")
    await pilot.pause()
    await pilot.press("a")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, ParticipantFormScreen)
    return form


async def test_q_in_a_form_never_quits_and_types_in_a_field(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        _board, form = await open_card_form(pilot, app)
        await pilot.press(*"quiet")  # in the text: the letters
        assert form.query_one("#card-text", CardText).text == "quiet"
        form.query_one("#ok", Button).focus()  # on a button: nothing
        await pilot.press("q")
        await pilot.pause()
        form.query_one("#card-link", Select).focus() if form.query("#card-link") else None
        await pilot.press("q")
        await pilot.pause()
        assert app.is_running and app.return_code is None
        assert app.screen is form
        assert form.query_one("#card-text", CardText).text == "quiet"
        # the footer of the screen behind does not offer q in a form
        assert "Quit" not in flat(screen_text(app)).split("esc cancels")[-1]


async def test_a_q_on_a_select_in_the_participant_form_does_not_quit(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_participant_form(pilot, app)
        form.query_one("#name", Input).value = "Elena"
        form.query_one("#stakeholder_group", Select).focus()
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code is None and app.screen is form
        assert form.query_one("#name", Input).value == "Elena"


async def test_quitting_while_a_form_holds_text_asks_first(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        _board, form = await open_card_form(pilot, app)
        await pilot.press(*"half a thought")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = flat(screen_text(app))
        assert "Quit coworkshop?" in text and "A form holds text you typed" in text
        await pilot.press("enter")  # the focused answer is the safe one: stay
        await pilot.pause()
        assert app.screen is form and app.return_code is None
        assert form.query_one("#card-text", CardText).text == "half a thought"
        await pilot.press("ctrl+q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
    assert app.return_code == 0


async def test_quitting_with_an_untouched_form_does_not_ask(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        await open_card_form(pilot, app)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
    assert app.return_code == 0


async def test_escape_asks_before_dropping_typed_text(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        _board, form = await open_card_form(pilot, app)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)

        board = app.screen.query_one("#board")
        board.action_add_card()  # type: ignore[attr-defined]
        await settle(pilot)
        form = app.screen
        await pilot.press(*"Employers read them")
        await pilot.press("escape")
        await pilot.pause()
        assert "Drop what you typed?" in flat(screen_text(app))
        await pilot.press("escape")  # escape again: back to the form, text kept
        await pilot.pause()
        assert app.screen is form
        assert form.query_one("#card-text", CardText).text == "Employers read them"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
    store = Store.open(session_file)
    try:
        with store.db() as db:
            act = next(a for a in sessions.activities(db, store.only_session().id)
                       if a.title == TOC)
            assert canvas.cards(db, act.id) == []
    finally:
        store.close()


async def test_the_card_text_counts_its_limit_while_typing(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        _board, form = await open_card_form(pilot, app)
        assert "0/500" in flat(screen_text(app))
        await pilot.press(*"twelve chars")
        await pilot.pause()
        assert "12/500" in flat(screen_text(app))
        form.query_one("#card-text", CardText).load_text("x" * 512)
        await pilot.pause()
        assert "512/500 · too long" in flat(screen_text(app))


async def test_a_one_line_field_shows_its_count_near_the_limit(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(PromptScreen("Name it", [Field("name", "Name", limit=10)], noop))
        await pilot.pause()
        await pilot.press(*"abc")
        await pilot.pause()
        assert "/10" not in flat(screen_text(app))  # far from the limit: no clutter
        await pilot.press(*"defghijkl")  # the field takes no more than its limit
        await pilot.pause()
        assert app.screen.query_one("#field-name", Input).value == "abcdefghij"
        assert "10/10" in flat(screen_text(app))


async def noop(values: dict[str, str]) -> dict[str, str]:
    return values


async def test_a_form_closes_with_what_was_saved(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    got: list[object] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)

        async def save(values: dict[str, str]) -> int:
            return len(values["name"])

        app.push_screen(PromptScreen("Name it", [Field("name", "Name")], save), got.append)
        await pilot.pause()
        await pilot.press(*"Sofia", "enter")
        await settle(pilot)
        app.push_screen(PromptScreen("Name it", [Field("name", "Name")], save), got.append)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert got == [5, None]


async def test_a_refusal_shows_by_the_field_and_goes_once_it_is_fixed(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_participant_form(pilot, app)
        form.query_one("#name", Input).value = "Elena"
        form.query_one("#organisation", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "stakeholder group: choose one" in flat(screen_text(app))
        assert notifications(app) == []  # no toast over the buttons
        form.query_one("#stakeholder_group", Select).value = "policy"
        await pilot.pause()
        assert "stakeholder group: choose one" not in flat(screen_text(app))


async def test_toasts_leave_the_buttons_of_a_form_visible(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        for fields in (1, 4):
            app.push_screen(PromptScreen(
                "Details", [Field(f"f{n}", f"Field {n}") for n in range(fields)], noop))
            await pilot.pause()
            form = app.screen
            # two at once, as when a save is refused while another notice shows
            app.notify("Card C1 deleted — press u to restore it.")
            app.notify("A long notification that takes two lines of a toast at 80 columns.")
            await settle(pilot)
            toasts = list(app.screen.query("Toast"))
            assert len(toasts) == 2
            for button in form.query(Button):
                for toast in toasts:
                    assert not toast.region.overlaps(button.region), (fields, button.id)
            app.clear_notifications()
            await pilot.press("escape")
            await pilot.pause()


async def test_help_stays_in_the_footer_of_every_main_screen_at_80_columns(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert footer(app).startswith("? Help")  # home
        app.open_session(session_file)
        await settle(pilot)
        assert footer(app).startswith("? Help")
        for title in (TOC, "CREDEX grid", "Relevance of the cross-points", "Power and interest",
                      "Group checklist"):
            await open_activity(pilot, title)
            assert footer(app).startswith("? Help"), title
            app.screen.agenda.focus()  # type: ignore[attr-defined]
            await pilot.pause()
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantsScreen)
        assert footer(app).startswith("? Help")


async def test_card_form_wording(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, TOC)
        board.action_add_card()
        await settle(pilot)
        await submit_card(pilot, "Employers read micro-credentials")
        await pilot.press("right")
        board.action_add_card()
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Link to" in text and "Linked to" not in text
        app.screen.query_one("#card-link", Select).clear()
        await pilot.pause()
        assert "no card (unlinked)" in flat(screen_text(app))
        assert "not linked yet" not in flat(screen_text(app))


async def test_a_participant_edit_says_saved_and_a_delete_keeps_the_place(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    store = Store.open(session_file)
    try:
        with store.unit() as db:
            session = store.only_session()
            for name in ("Ana", "Boris", "Cveta", "Dimitar"):
                sessions.add_participant(db, session, name=name, stakeholder_group="policy")
    finally:
        store.close()
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ParticipantsScreen)
        await pilot.press("down", "down")  # Cveta
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#organisation", Input).value = "Sofia University"
        app.screen.query_one("#organisation", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Saved Cveta." in notifications(app)
        await pilot.press("x")
        await settle(pilot)
        row = screen.current()
        assert row is not None and row.name == "Dimitar", "the cursor stays where Cveta was"
        await pilot.press("x")  # the last one: the cursor moves up
        await settle(pilot)
        row = screen.current()
        assert row is not None and row.name == "Boris"


async def test_an_activity_kind_this_version_lacks_is_plain_text(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    store = Store.open(session_file)
    try:
        with store.unit() as db:
            act = next(a for a in sessions.activities(db, store.only_session().id)
                       if a.title == "Group checklist")
            act.kind = "timeline"
            db.add(act)
    finally:
        store.close()
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        agenda = screen.agenda
        agenda.highlighted = next(i for i, a in enumerate(agenda.activities)
                                  if a.title == "Group checklist")
        await pilot.press("enter")
        await settle(pilot)
        text = flat(screen_text(app))
        assert "which this version of coworkshop does not provide" in text
        view = screen.query_one("#activity-info")
        assert not view.BINDINGS  # no keys that pretend to do something
        assert footer(app).startswith("? Help s Start f Finish p People")


async def test_every_dot_on_screen_is_explained(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    store = Store.open(session_file)
    try:
        with store.unit() as db:
            act = next(a for a in sessions.activities(db, store.only_session().id)
                       if a.title == TOC)
            card = canvas.add_card(db, act.id, "change", "Employers read them")
            canvas.add_comment(db, card.id, "Which employers?", "Group B")
    finally:
        store.close()
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        board = await open_activity(pilot, TOC)
        column = flat(region_text(app, board.query_one("#col-change")))
        assert "1 comment, open" in column and "•" not in column
        app.screen.agenda.focus()  # type: ignore[attr-defined]
        view = await open_activity(pilot, "Power and interest")
        assert "high • not rated yet" in flat(region_text(app, view))
        app.screen.agenda.focus()  # type: ignore[attr-defined]
        view = await open_activity(pilot, "Group checklist")
        assert "•" not in flat(region_text(app, view))


async def test_toasts_leave_the_qr_code_of_the_join_screen_visible(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    from coworkshop.tui.polls.voting import JoinScreen

    from .snapshots.test_screens import FakeServer

    for size in ((60, 20), SIZE, (100, 30)):
        app = make_app(sessions_dir, templates_dir, session_file)
        async with app.run_test(size=size, notifications=True) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SessionScreen) and screen.live is not None
            screen.live.server = FakeServer()  # type: ignore[assignment]
            screen.live.ip = "192.168.1.20"
            await app.push_screen(JoinScreen(screen.live))
            await settle(pilot)
            app.notify("New join code 4821; the old one no longer works.")
            app.notify("Could not listen on 10.0.0.7: the address is not on this laptop.")
            await settle(pilot)
            qr = app.screen.query_one("#join-qr")
            drawn = qr.region.intersection(qr.content_region)
            lines = [line for line in region_text(app, qr).splitlines() if line.strip()]
            assert lines, "the QR code is drawn"
            toasts = list(app.screen.query("Toast"))
            assert len(toasts) == 2
            for toast in toasts:
                assert not toast.region.overlaps(drawn), size


async def test_escape_asks_before_dropping_questionnaire_answers(
    sessions_dir: Path, templates_dir: Path
) -> None:
    from coworkshop.core.sessions import SessionDetails, create_session_file
    from coworkshop.tui.stakeholders.forms import QuestionnaireForm

    path = sessions_dir / "brno.cws"
    store, _ = create_session_file(path, templates_dir / "saccord-stakeholder-mapping.toml",
                                   SessionDetails(title="Brno LEP"))
    store.close()
    app = make_app(sessions_dir, templates_dir, path)
    async with app.run_test(size=SIZE) as pilot:
        await open_activity(pilot, "Knowledge and power map of the partnership")
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, QuestionnaireForm)
        await pilot.press("y", "n", "q")  # q answers nothing and quits nothing
        await pilot.press("escape")
        await pilot.pause()
        assert "Drop what you typed?" in flat(screen_text(app))
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is form and app.return_code is None
        assert "2 of 13 answered" in flat(region_text(app, form.query_one("#q-score")))


async def test_the_participant_form_speaks_the_facilitators_language(
    sessions_dir: Path, templates_dir: Path, session_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COWORKSHOP_LANG", "it")
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=SIZE) as pilot:
        form = await open_participant_form(pilot, app)
        text = screen_text(app)
        assert "Nome (facoltativo)" in text and "Organizzazione" in text, text
        assert "Name (optional)" not in text
        assert form.query_one("#organisation", Input).placeholder == "es. Camera di commercio"
