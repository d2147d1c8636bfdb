"""Session files in the app: home reads without writing, read-only files,
files holding several sessions, quitting leaves the file complete."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import OptionList

from coworkshop.core import probe, sessions, templates
from coworkshop.core import store as store_mod
from coworkshop.core.store import Store
from coworkshop.tui.app import build_app
from coworkshop.tui.common.pick import PickScreen
from coworkshop.tui.home.home import HomeScreen
from coworkshop.tui.session.session import SessionScreen
from helpers.db import commit

from .helpers import flat, make_app, notifications, region_text, screen_text, settle


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _side_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm")))


def _second_session(path: Path, templates_dir: Path) -> str:
    store = Store.open(path)
    try:
        tpl = templates.load(templates_dir / "tui-test.toml")
        return commit(
            store, sessions.create_session, tpl,
            sessions.SessionDetails(title="Leeuwarden follow-up"),
        ).id
    finally:
        store.close()


async def test_home_reads_every_file_without_writing(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    old = sessions_dir / "old-release.cws"  # marked WAL, as today's release leaves files
    old.write_bytes(session_file.read_bytes())
    con = sqlite3.connect(old)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    (sessions_dir / "broken.cws").write_bytes(b"SQLite format 3\x00" + b"\x13" * 2000)
    future = sessions_dir / "future.cws"
    future.write_bytes(session_file.read_bytes())
    con = sqlite3.connect(future)
    con.execute("UPDATE meta SET value='0' WHERE key='schema_version'")
    con.commit()
    con.close()
    before = {p.name: _digest(p) for p in sessions_dir.iterdir()}
    app = make_app(sessions_dir, templates_dir)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        listed = flat(region_text(app, app.screen.query_one("#sessions")))
        assert "future.cws unreadable: unknown file schema '0'" in listed
        assert "broken.cws unreadable: the session file is damaged" in listed
        assert listed.count("Sofia validation") == 2
        assert _side_files(sessions_dir) == []
    assert {p.name: _digest(p) for p in sessions_dir.iterdir()} == before


async def test_a_file_holding_two_sessions_opens_on_a_choice(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    second = _second_session(session_file, templates_dir)
    app = make_app(sessions_dir, templates_dir, session_file)  # `coworkshop open FILE`
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickScreen)
        text = flat(screen_text(app))
        assert "holds 2 sessions: which one?" in text
        assert "Sofia validation" in text and "Leeuwarden follow-up" in text
        pick = app.screen.query_one("#pick", OptionList)
        pick.highlighted = pick.get_option_index(second)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.session is not None and app.screen.session.id == second
        assert "Leeuwarden follow-up" in flat(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        # home lists both sessions of the file, each opening its own
        assert isinstance(app.screen, HomeScreen)
        listed = flat(region_text(app, app.screen.query_one("#sessions")))
        assert "1 of 2 in " in listed and "2 of 2 in " in listed
        options = app.screen.query_one("#sessions", OptionList)
        options.highlighted = options.get_option_index(f"{session_file}?session={second}")
        options.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.session is not None
        assert app.screen.session.id == second


async def test_open_with_a_session_id_goes_straight_to_it(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    second = _second_session(session_file, templates_dir)
    app = build_app(sessions_dir, templates_dir, session_file, second[:13])
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.session is not None
        assert app.screen.session.id == second


async def test_a_read_only_file_opens_for_reading_and_refuses_changes(
    sessions_dir: Path, templates_dir: Path, session_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(store_mod, "writable", lambda _p: False)  # root bypasses a chmod
    before = _digest(session_file)
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert "read-only: changes are not possible" in flat(screen_text(app))
        await pilot.press("s")  # start the activity: refused, with the notice
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert any("read-only: changes are not possible" in n for n in notifications(app)[1:])
        await pilot.press("w")  # live voting cannot take ballots either
        await settle(pilot)
        assert any("phones cannot vote" in n for n in notifications(app))
        assert app.screen.live is not None and not app.screen.live.running
    assert _digest(session_file) == before
    assert _side_files(sessions_dir) == []


async def test_quitting_leaves_the_file_complete_on_its_own(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("s")  # a change: the first activity starts
        await settle(pilot)
        assert probe.has_pending_changes(session_file)
        await pilot.press("q")
        await settle(pilot)
    assert _side_files(sessions_dir) == []
    con = sqlite3.connect(f"{session_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        statuses = [r[0] for r in con.execute("SELECT status FROM activity ORDER BY position")]
    finally:
        con.close()
    assert statuses[0] == "running"
