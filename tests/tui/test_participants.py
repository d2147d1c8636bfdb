"""Registering participants by stakeholder group."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Select

from coworkshop.core import sessions
from coworkshop.core.store import Store
from coworkshop.tui.common.pick import PickScreen
from coworkshop.tui.participants.participant_form import ParticipantFormScreen
from coworkshop.tui.participants.participants import ParticipantsScreen
from coworkshop.tui.session.session import SessionScreen

from .helpers import flat, make_app, notifications, region_text, screen_text, settle


def stored(path: Path, deleted: bool = False) -> list[sessions.Participant]:
    store = Store.open(path)
    try:
        with store.db() as db:
            return sessions.participants(db, store.only_session().id, deleted=deleted)
    finally:
        store.close()


async def fill(pilot, group: str | None, **fields: str) -> ParticipantFormScreen:  # type: ignore[no-untyped-def]
    form = pilot.app.screen
    assert isinstance(form, ParticipantFormScreen)
    if group is not None:
        form.query_one("#stakeholder_group", Select).value = group
    for key, value in fields.items():
        form.query_one(f"#{key}", Input).value = value
    form.query_one("#organisation", Input).focus()
    await pilot.press("enter")
    await settle(pilot)
    return form


async def test_add_edit_delete_and_restore_participants(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ParticipantsScreen)
        assert "Nobody registered yet" in flat(screen_text(app))

        # a stakeholder group is required; the form says so and stays open
        await pilot.press("a")
        await pilot.pause()
        form = await fill(pilot, None, name="Elena")
        assert app.screen is form
        assert "stakeholder group: choose one" in flat(screen_text(app))
        # the country defaults to the session's
        assert form.query_one("#country", Input).value == "Bulgaria"
        await fill(pilot, "policy", name="Elena Petrova", organisation="Ministry of Education")
        assert isinstance(app.screen, ParticipantsScreen)

        # a name is optional
        await pilot.press("a")
        await pilot.pause()
        await fill(pilot, "industry", organisation="Builders Association",
                   breakout_group="Group A")
        table = flat(region_text(app, screen.query_one("#participants")))
        assert "Elena Petrova ■ Policy makers Ministry of Education Bulgaria" in table
        assert "(not named) ■ Industry Builders Association Bulgaria Group A" in table
        counts = flat(region_text(app, screen.query_one("#group-counts")))
        assert counts == "■ Policy makers 1 ■ Industry 1 total 2"

        # edit the highlighted (last added) row
        await pilot.press("e")
        await pilot.pause()
        await fill(pilot, None, name="Martin Dimitrov")
        assert "Martin Dimitrov ■ Industry" in flat(
            region_text(app, screen.query_one("#participants")))

        # delete, then restore
        await pilot.press("x")
        await settle(pilot)
        assert any("deleted — press u to restore" in n for n in notifications(app))
        assert "Martin Dimitrov" not in flat(screen_text(app))
        assert flat(region_text(app, screen.query_one("#group-counts"))).endswith("total 1")
        assert [p.name for p in stored(session_file, deleted=True)] == ["Martin Dimitrov"]
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, PickScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert "Martin Dimitrov" in flat(screen_text(app))
        people = stored(session_file)
        assert [(p.name, p.stakeholder_group, p.organisation, p.breakout_group)
                for p in people] == [
            ("Elena Petrova", "policy", "Ministry of Education", ""),
            ("Martin Dimitrov", "industry", "Builders Association", "Group A"),
        ]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_every_header_and_short_value_reads_whole_at_80_columns(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    store = Store.open(session_file)
    with store.unit() as db:
        session = store.only_session()
        for i in range(20):  # more rows than the screen holds: a scrollbar shows
            sessions.add_participant(
                db, session, "policy" if i % 2 else "industry", name="Elena Petrova",
                organisation="Ministry of Education and Science, Directorate of Vocational "
                             "Education",
                country="Bulgaria", breakout_group="Group A")
    store.close()
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        table = region_text(app, app.screen.query_one("#participants")).splitlines()
        header = table[1].strip("┃ ").split()
        assert header == ["Name", "Stakeholder", "Organisation", "Country", "Group", "Code",
                          "Phone"], table[1]
        first = table[2]
        # the short values whole, the long organisation cut
        assert "Elena Petrova" in first
        assert "■ Industry" in first
        assert " Bulgaria " in first and " Group A " in first
        assert "Ministry of" in first and "Vocational" not in first, first
        code = first.split("Group A")[1].split()[0]
        assert len(code) == 5
