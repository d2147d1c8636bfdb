"""The stakeholder map and the checklist at 80x24, driven from the keyboard."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from coworkshop.core import checklist as cl
from coworkshop.core import sessions
from coworkshop.core import stakeholders as sh
from coworkshop.core.models import MappingAnswer
from coworkshop.core.sessions import SessionDetails, create_session_file
from coworkshop.core.store import Store
from coworkshop.tui.common.help import HelpScreen
from coworkshop.tui.common.pick import PickScreen
from coworkshop.tui.common.prompt import PromptScreen
from coworkshop.tui.stakeholders.forms import QuestionnaireForm, StakeholderForm
from helpers.db import commit

from .helpers import flat, make_app, notifications, open_activity, region_text, settle


def stored_map(path: Path) -> sh.MapData:
    store = Store.open(path)
    try:
        session = store.only_session()
        act = next(a for a in commit(store, sessions.activities, session.id)
                   if a.kind == "stakeholder_map")
        with store.db() as db:
            return sh.map_data(db, session, act)
    finally:
        store.close()


async def add(pilot, name: str) -> StakeholderForm:  # type: ignore[no-untyped-def]
    await pilot.press("a")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, StakeholderForm)
    form.query_one("#name", Input).value = name
    await pilot.press("enter")
    await settle(pilot)
    return form


async def test_map_three_stakeholders_move_and_repeat_the_round(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_activity(pilot, "Power and interest")

        # an empty name is refused in the form, which stays open; nothing is stored
        form = await add(pilot, "  ")
        assert app.screen is form
        assert "name: a stakeholder needs a name" in flat(
            region_text(app, form.query_one("#form-error")))
        await pilot.press("escape")
        await settle(pilot)
        assert stored_map(session_file).entries == []

        for name in ("Ministry", "Chamber", "VET school"):
            await add(pilot, name)
        assert "3 of ≤8 to start" in flat(region_text(app, view))
        # a name already in the register is refused too
        form = await add(pilot, "chamber")
        assert "'chamber' is already in the register" in flat(
            region_text(app, form.query_one("#form-error")))
        await pilot.press("escape")  # the form holds a name: asks before dropping it
        await pilot.pause()
        await pilot.click("#yes")
        await settle(pilot)

        # the last added is chosen: shift+arrows move it and save each step
        await pilot.press("shift+up", "shift+up", "shift+right")
        await settle(pilot)
        assert "VET school 5/4 manage" in flat(region_text(app, view))
        # enter, then the arrows: Chamber to the left (low interest, high power)
        await pilot.press("up", "enter", "up", "up", "left", "left", "enter")
        await settle(pilot)
        data = stored_map(session_file)
        assert [(e.name, e.power, e.interest, e.quadrant) for e in data.entries] == [
            ("Ministry", None, None, ""), ("Chamber", 5, 1, "satisfy"),
            ("VET school", 5, 4, "manage")]
        assert data.round_number == 1
        text = flat(region_text(app, view))
        assert "Chamber 5/1 satisfy" in text and "Ministry not placed" in text

        # a new round starts from the last places; moving Chamber is listed
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("shift+right", "shift+right", "shift+right")
        await settle(pilot)
        text = flat(region_text(app, view))
        assert "round 2" in text
        assert ("Moved since round 1: Chamber: keep satisfied → manage closely "
                "(interest ↑1→4)") in text
        assert "∘2" in text  # where Chamber was
        assert stored_map(session_file).movements[0].name == "Chamber"

        # every binding has an id and a tooltip; the palette offers the map's actions
        for binding in view.BINDINGS:
            assert binding.id and binding.tooltip  # type: ignore[union-attr]
        names = [name for name, _h, _c in app.screen.palette_entries()]
        assert "stakeholders: add" in names and "map: new round" in names

        # the help names the rules: what 3 means, what 2 yes of 4 means
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        how_to = str(app.screen.query_one("#help-howto", Static).render())
        assert "3 is the middle, drawn on the line and counted as low" in how_to
        assert "2 yes of 4 is a tie: on the line, counted as low" in how_to
        assert "4-6 low, 7-9 medium, 10-12 high" in how_to


async def test_saccord_questionnaire_refuses_half_filled_then_places(
    sessions_dir: Path, templates_dir: Path
) -> None:
    path = sessions_dir / "brno.cws"
    store, _ = create_session_file(path, templates_dir / "saccord-stakeholder-mapping.toml",
                                   SessionDetails(title="Brno LEP"))
    store.close()
    app = make_app(sessions_dir, templates_dir, path)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_activity(pilot, "Knowledge and power map of the partnership")
        assert "i takes the template's starting register" in flat(region_text(app, view))
        # the template's starting register: SACCORD's six roles
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert "Added 6 stakeholders from the template" in notifications(app)
        assert len(stored_map(path).entries) == 6

        await pilot.press("y")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, QuestionnaireForm)
        # influence: yes, yes, no, no -> a tie: on the line
        await pilot.press("y", "y", "n", "n")
        text = flat(region_text(app, form.query_one("#q-score")))
        assert "4 of 13 answered · influence on the line (2 of 4 yes)" in text
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert ("questionnaire: 9 of 13 questions unanswered (support 5, knowledge 4); "
                "nothing was saved") in flat(region_text(app, form.query_one("#form-error")))
        store = Store.open(path)
        with store.db() as db:
            assert db.exec(__import__("sqlmodel").select(MappingAnswer)).all() == []
        store.close()
        # support 3 of 5 yes; knowledge: 3rd, 3rd, 1st answer; "heard, need more"
        await pilot.press("y", "y", "y", "n", "n", "3", "3", "1", "2")
        text = flat(region_text(app, form.query_one("#q-score")))
        assert "13 of 13 answered" in text
        assert "understanding medium → keep informed" in text
        await pilot.press("enter")
        await settle(pilot)
        first = stored_map(path).entries[0]
        assert (first.power, first.interest, first.understanding) == (3, 4, "medium")
        text = flat(region_text(app, view))
        assert "influence 3 (on the line)" in text and "keep informed" in text
        assert "■1" in text  # medium understanding: a rectangle


def stored_checklist(path: Path) -> list[cl.ItemState]:
    store = Store.open(path)
    try:
        session = store.only_session()
        acts = commit(store, sessions.activities, session.id)
        act = next(a for a in acts if a.kind == "checklist")
        with store.db() as db:
            return cl.state(db, session, act)
    finally:
        store.close()


async def test_checklist_status_note_owner_due(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_activity(pilot, "Group checklist")
        await pilot.press("h")
        await settle(pilot)
        assert "Checklist · 0 of 1 yes · 1 partly" in flat(region_text(app, view))
        await pilot.press("y")
        await settle(pilot)
        assert "Checklist · 1 of 1 yes" in flat(region_text(app, view))
        assert [s.status for s in stored_checklist(session_file)] == ["yes"]

        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, PromptScreen)
        form.query_one("#field-owner", Input).value = "Mariya"
        form.query_one("#field-due", Input).value = "31/12/2026"
        form.query_one("#field-note", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert "not a date like" in flat(region_text(app, form.query_one("#form-error")))
        assert stored_checklist(session_file)[0].owner == ""  # nothing changed
        form.query_one("#field-due", Input).value = "2026-12-31"
        await pilot.press("enter")
        await settle(pilot)
        state = stored_checklist(session_file)[0]
        assert (state.status, state.owner, state.due) == ("yes", "Mariya", "2026-12-31")
        assert "owner: Mariya due: 2026-12-31" in flat(region_text(app, view))
        entries = {name: run for name, _h, run in app.screen.palette_entries()}
        entries["checklist: set status"]()
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("down", "down", "enter")  # yes -> partly -> no
        await settle(pilot)
        assert [s.status for s in stored_checklist(session_file)] == ["no"]
        for binding in view.BINDINGS:
            assert binding.id and binding.tooltip  # type: ignore[union-attr]


async def test_a_long_register_scrolls_and_the_map_still_shows_everyone(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    store = Store.open(session_file)
    session = store.only_session()
    acts = commit(store, sessions.activities, session.id)
    act = next(a for a in acts if a.kind == "stakeholder_map")
    with store.db() as db:
        for n in range(1, 21):
            s = sh.add_stakeholder(db, session, f"Actor {n:02d}", "industry")
            sh.rate(db, act, s.id, 5, 5)  # all in one cell
        db.commit()
    store.close()
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_activity(pilot, "Power and interest")
        text = flat(region_text(app, view))
        assert "20 of ≤8 to start" in text  # more than the method advises
        assert "Actor 01" in text and "Actor 20" not in text
        assert "↓" in text and "more" in text
        # the shared cell shows the first marks and how many more
        grid = flat(region_text(app, view.query_one("#map-grid")))
        assert "•1" in grid and "+" in grid
        for _ in range(19):
            await pilot.press("down")
        await pilot.pause()
        text = flat(region_text(app, view))
        assert "Actor 20" in text and "Actor 01 " not in text
        assert "20 Actor 20 · power 5 · interest 5 · manage closely" in text


async def test_carry_the_register_from_a_previous_session_in_the_map(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    old = sessions_dir / "earlier.cws"
    store, first = create_session_file(old, templates_dir / "tui-test.toml",
                                       SessionDetails(title="Earlier", date="2025-03-01"))
    acts = commit(store, sessions.activities, first.id)
    act = next(a for a in acts if a.kind == "stakeholder_map")
    with store.db() as db:
        s = sh.add_stakeholder(db, first, "Regional agency", "policy")
        sh.rate(db, act, s.id, 2, 2)
        db.commit()
    store.close()
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_activity(pilot, "Power and interest")
        await pilot.press("i")
        await pilot.pause()
        pick = app.screen
        assert isinstance(pick, PickScreen)
        assert "Previous session earlier.cws" in flat(region_text(app, pick))
        await pilot.press("enter")  # no template register here: the file comes first
        await settle(pilot)
        assert ("carried from 'Earlier' (2025-03-01): 1 stakeholders, 1 places on the map"
                in notifications(app))
        text = flat(region_text(app, view))
        assert "round 0" in text and "Regional agency" in text
        await pilot.press("shift+up", "shift+up", "shift+up")
        await settle(pilot)
        assert ("Moved since round 0: Regional agency: monitor → keep satisfied"
                in flat(region_text(app, view)))


async def test_checklist_shows_what_changed_since_last_session(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    from coworkshop.core import carry

    old = sessions_dir / "earlier.cws"
    store, first = create_session_file(old, templates_dir / "tui-test.toml",
                                       SessionDetails(title="Earlier", date="2025-03-01"))
    acts = commit(store, sessions.activities, first.id)
    act = next(a for a in acts if a.kind == "checklist")
    with store.db() as db:
        cl.set_entry(db, act, "stage1/coordinator", status="no", note="nobody yet")
        db.commit()
    store.close()
    store = Store.open(session_file)
    with store.db() as db:
        carry.carry_into(db, store.only_session(), carry.read_previous(old))
        db.commit()
    store.close()
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_activity(pilot, "Group checklist")
        text = flat(region_text(app, view))
        assert "0 of 1 yes · 1 no · 0 changed since last time" in text
        assert "note: nobody yet last time: no" in text
        await pilot.press("y")
        await settle(pilot)
        text = flat(region_text(app, view))
        assert "1 of 1 yes · 1 changed since last time" in text
        assert "Appoint a coordinator was no" in text


def test_every_binding_of_the_forms_has_an_id_a_tooltip_and_a_description() -> None:
    from coworkshop.tui.checklist.checklist_view import ChecklistView
    from coworkshop.tui.stakeholders.map_view import MapView

    for cls in (MapView, ChecklistView, QuestionnaireForm, StakeholderForm):
        for binding in cls.BINDINGS:
            assert binding.id and binding.tooltip and binding.description, (cls, binding)  # type: ignore[union-attr]
