"""Coordinators in the TUI: mark session files, merge them, see the sessions overview."""

from __future__ import annotations

import hashlib
from contextlib import nullcontext
from pathlib import Path

from textual.widgets import Input, OptionList

from coworkshop.core import sessions
from coworkshop.core.sessions import SessionDetails, create_session_file
from coworkshop.tui.coordinator.merge_screen import MergeScreen
from coworkshop.tui.coordinator.overview import SessionsOverviewScreen
from coworkshop.tui.home.home import HomeScreen

from .helpers import flat, make_app, notifications, screen_text, settle

PLACES = [
    ("2025-06-12", "Sofia", "Bulgaria", "construction", 3),
    ("2025-05-20", "Helsinki", "Finland", "agri-food", 2),
    ("2025-04-02", "Valencia", "Spain", "wood and furniture", 1),
]


def make_files(sessions_dir: Path, templates_dir: Path) -> list[Path]:
    paths = []
    for day, place, country, sector, people in PLACES:
        path = sessions_dir / f"{place.lower()}.cws"
        details = SessionDetails(title=f"{place} validation", date=day, place=place,
                                 country=country, sector=sector, facilitator="Ana")
        store, session = create_session_file(path, templates_dir / "tui-test.toml", details)
        # the store's unit of work where the core takes one, else the store
        opener = getattr(store, "unit", None)
        with opener() if opener else nullcontext(store) as db:
            for i in range(people):
                sessions.add_participant(db, session, ("policy", "industry")[i % 2])
        store.close()
        paths.append(path)
    return paths


def digest(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


async def test_mark_merge_and_see_the_sessions_overview_at_80x24(
    sessions_dir: Path, templates_dir: Path
) -> None:
    files = make_files(sessions_dir, templates_dir)
    before = digest(files)
    app = make_app(sessions_dir, templates_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        listing = home.query_one("#sessions", OptionList)
        listing.focus()
        listing.highlighted = listing.get_option_index(str(sessions_dir / "sofia.cws"))
        await pilot.press("space")
        listing.highlighted = listing.get_option_index(str(sessions_dir / "helsinki.cws"))
        await pilot.press("space")
        await pilot.pause()
        assert "2 marked · m: merge them" in flat(screen_text(app))
        assert flat(screen_text(app)).count("●") == 2

        await pilot.press("m")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, MergeScreen)
        assert "Merge 2 session files" in flat(screen_text(app))
        name = dialog.query_one("#merge-name", Input)
        name.value = "valencia"  # exists already: refused, nothing written
        await pilot.press("enter")
        await settle(pilot)
        assert "valencia.cws exists already" in flat(screen_text(app))
        name.value = "two-countries"
        await pilot.press("enter")
        await settle(pilot)
        shown = flat(screen_text(app))
        assert "2 sessions in two-countries.cws: added 2 sessions, 5 participants" in shown
        assert "sofia.cws +1 session, 3 participants (0 duplicates)" in shown
        assert dialog.report is not None and dialog.report.totals()["conflicts"] == 0

        await pilot.press("enter")  # the focused "Open overview" button
        await settle(pilot)
        assert isinstance(app.screen, SessionsOverviewScreen)
        shown = flat(screen_text(app))
        assert "Date Place Country Sector Policy Industry People Done" in shown
        assert "2025-05-20 Helsinki Finland agri-food 1 1 2 0/5" in shown
        assert "2025-06-12 Sofia Bulgaria construction 2 1 3 0/5" in shown
        assert "2 sessions · 5 participants (Policy 3 · Industry 2) · 2 countries" in shown
        # the highlighted session: its title, where it came from, its groups in full
        assert "Helsinki validation · from helsinki.cws · Policy makers 1, Industry 1" in shown

        await pilot.press("ctrl+r")  # the consensus report of the merged file, beside it
        await settle(pilot)
        written = sessions_dir / "two-countries-report.html"
        html = written.read_text()
        assert "Sofia" in html and "Helsinki" in html and "2 sessions in 2 countries" in html

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "two-countries.cws" in flat(screen_text(app))
        assert "marked" not in flat(screen_text(app))
    assert digest(files) == before
    # (the home screen's listing may leave -wal/-shm files: see issue "files")
    assert sorted(p.name for p in sessions_dir.glob("*.cws")) == [
        "helsinki.cws", "sofia.cws", "two-countries.cws", "valencia.cws",
    ]


async def test_merge_without_marks_says_how_and_is_in_the_palette(
    sessions_dir: Path, templates_dir: Path
) -> None:
    make_files(sessions_dir, templates_dir)
    app = make_app(sessions_dir, templates_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("Mark the session files to merge with space" in n
                   for n in notifications(app))
        names = [name for name, _help, _run in app.palette_entries(app.screen)]
        assert "sessions: merge" in names
        bindings = {b.id: b for b in HomeScreen.BINDINGS if hasattr(b, "id")}
        assert bindings["home.merge"].tooltip and bindings["home.mark"].tooltip


async def test_a_refused_merge_writes_nothing_and_keeps_the_dialog(
    sessions_dir: Path, templates_dir: Path
) -> None:
    files = make_files(sessions_dir, templates_dir)
    files[0].write_bytes(b"garbage now")  # broken after it was listed and marked
    app = make_app(sessions_dir, templates_dir)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        home.marked = {files[0], files[1]}
        home.action_merge()
        await settle(pilot)
        app.screen.query_one("#merge-name", Input).value = "out"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MergeScreen)
        assert "Nothing was written" in flat(screen_text(app))
        assert not (sessions_dir / "out.cws").exists()
