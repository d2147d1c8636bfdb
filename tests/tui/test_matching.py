"""The participants screen at 80x24: personal codes, phones matched, the head counts."""

from __future__ import annotations

from pathlib import Path

from coworkshop.core import matching, sessions
from coworkshop.core import polls as voting
from coworkshop.core.store import Store
from coworkshop.tui.common.pick import PickScreen
from coworkshop.tui.participants.participants import ParticipantsScreen

from .helpers import flat, make_app, notifications, region_text, screen_text, settle, wait_for


def prepare(path: Path, names: list[tuple[str, str]], phones: list[str]) -> list[str]:
    """Register people and join phones as the server would; the phones' participant ids."""
    store = Store.open(path)
    try:
        session = store.only_session()
        with store.unit() as db:
            for name, group in names:
                sessions.add_participant(db, session, group, name)
        return [voting.join(store, session, g).voter.participant_id for g in phones]
    finally:
        store.close()


def counts_in_file(path: Path) -> matching.HeadCounts:
    store = Store.open(path, mode="read")
    try:
        with store.db() as db:
            return matching.head_counts(db, store.only_session().id)
    finally:
        store.close()


async def open_participants(pilot) -> ParticipantsScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("p")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ParticipantsScreen)
    return screen


async def test_match_a_phone_with_a_registered_person_and_unmatch(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    prepare(session_file, [("Elena Petrova", "policy"), ("Ivan Kolev", "industry")],
            ["policy", "industry"])
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_participants(pilot)
        text = flat(screen_text(app))
        # the phones are people too, counted apart until matched
        assert "registered 2 · by phone 2 · both 0" in text
        assert "total 4" in text
        assert "(phone)" in text
        codes = flat(region_text(app, screen.query_one("#participants")))
        store = Store.open(session_file, mode="read")
        with store.db() as db:
            given = matching.personal_codes(db, store.only_session().id)
        store.close()
        assert len(given) == 2
        for code in given.values():
            assert code in codes  # each registered person's code is on screen

        # Elena is highlighted (first row): m offers the phones not matched
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        assert "Match Elena Petrova with a phone" in flat(screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantsScreen)
        text = flat(screen_text(app))
        assert "registered 2 · by phone 2 · both 1" in text
        assert "total 3" in text
        assert any("Matched: Elena Petrova" in n for n in notifications(app))
        assert counts_in_file(session_file) == matching.HeadCounts(2, 2, 1)

        # matched already: m says how to undo, M unmatches (kept in the file)
        await pilot.press("m")
        await settle(pilot)
        assert any("M unmatches" in n for n in notifications(app))
        await pilot.press("M")
        await settle(pilot)
        assert "registered 2 · by phone 2 · both 0" in flat(screen_text(app))
        assert counts_in_file(session_file) == matching.HeadCounts(2, 2, 0)


async def test_a_phone_row_is_matched_by_picking_the_person(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    [phone] = prepare(session_file, [("Elena Petrova", "policy")], ["policy"])
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_participants(pilot)
        table = screen.query_one("#participants")
        table.move_cursor(row=1)  # the phone's row, after the registered people
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        assert "Who is this phone?" in flat(screen_text(app))
        assert "Elena Petrova" in flat(screen_text(app))
        await pilot.press("enter")
        await settle(pilot)
        assert "(phone)" not in flat(screen_text(app))  # now Elena's row
        store = Store.open(session_file, mode="read")
        with store.db() as db:
            [m] = matching.live_matches(db, store.only_session().id)
        store.close()
        assert m.phone_participant_id == phone


async def test_a_phone_that_joins_while_the_screen_is_open_shows_up(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    prepare(session_file, [("Elena Petrova", "policy")], [])
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_participants(pilot)
        assert "registered 1 · by phone 0 · both 0" in flat(screen_text(app))
        store = Store.open(session_file)
        with store.db() as db:
            code = matching.personal_codes(db, store.only_session().id)
        voting.join_as(store, store.only_session(), code=next(iter(code.values())))
        store.close()
        await wait_for(pilot, lambda: "both 1" in flat(screen_text(app)), what="the match")
        assert "registered 1 · by phone 1 · both 1" in flat(screen_text(app))
        assert screen.query_one("#participants").row_count == 1  # one person, one row


async def test_names_on_phones_is_toggled_and_stored(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    prepare(session_file, [("Elena Petrova", "policy")], [])
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_participants(pilot)
        assert "names on phones: off" in flat(screen_text(app))
        await pilot.press("n")
        await settle(pilot)
        assert "names on phones: on" in flat(screen_text(app))
        store = Store.open(session_file, mode="read")
        with store.db() as db:
            assert matching.name_pick_allowed(db, store.only_session().id)
        store.close()
