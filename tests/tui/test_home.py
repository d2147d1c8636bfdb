"""Home: sessions and templates, the new-session form, the demo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from textual.widgets import Input, OptionList

from coworkshop.core.store import Store
from coworkshop.tui.home.home import HomeScreen
from coworkshop.tui.home.new_session import NewSessionScreen
from coworkshop.tui.session.session import SessionScreen

from .helpers import flat, make_app, notifications, region_text, screen_text, settle


async def test_home_lists_sessions_templates_and_a_broken_file(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    (sessions_dir / "broken.cws").write_bytes(b"this is not a database at all")
    app = make_app(sessions_dir, templates_dir)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        sessions = flat(region_text(app, app.screen.query_one("#sessions")))
        assert "Sofia validation 2025-06-12 Sofia, Bulgaria · 0 people" in sessions
        assert "broken.cws unreadable: not a coworkshop session file" in sessions
        templates = flat(region_text(app, app.screen.query_one("#templates")))
        assert "TUI test workshop 5 steps · en · tui-test" in templates
        assert "Blank workshop" in templates  # the bundled templates are listed too

        # enter on the broken file: a notification, no traceback, still home
        table = app.screen.query_one("#sessions", OptionList)
        table.highlighted = table.get_option_index(str(sessions_dir / "broken.cws"))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("not a coworkshop session file" in n for n in notifications(app))

        # enter on the good file opens it
        table.highlighted = table.get_option_index(str(session_file))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert "Sofia validation" in flat(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


async def test_new_session_form_refuses_bad_input_then_creates_and_opens(
    sessions_dir: Path, templates_dir: Path
) -> None:
    app = make_app(sessions_dir, templates_dir)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        templates = app.screen.query_one("#templates", OptionList)
        templates.highlighted = templates.get_option_index(str(templates_dir / "tui-test.toml"))
        templates.focus()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, NewSessionScreen)
        assert form.query_one("#language", Input).value == "en"
        assert len(form.query_one("#date", Input).value) == 10  # today, YYYY-MM-DD

        # no title: the core's message shows beside the form
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert "title: a session needs a title" in flat(screen_text(app))

        await pilot.press(*"Leeuwarden stakeholder workshop")
        form.query_one("#date", Input).value = "2025-13-40"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is form
        assert "is not a date like" in flat(screen_text(app))
        assert list(sessions_dir.glob("*.cws")) == []

        form.query_one("#date", Input).value = "2025-06-12"
        form.query_one("#place", Input).value = "Leeuwarden"
        form.query_one("#country", Input).value = "Netherlands"
        form.query_one("#sector", Input).value = "Agri-food"
        form.query_one("#facilitator", Input).value = "Anna"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert "Leeuwarden stakeholder workshop" in flat(screen_text(app))

    files = list(sessions_dir.glob("*.cws"))
    assert [f.name for f in files] == ["2025-06-12-leeuwarden-stakeholder-workshop.cws"]
    store = Store.open(files[0])
    try:
        session = store.only_session()
    finally:
        store.close()
    assert (session.place, session.country, session.sector, session.facilitator) == (
        "Leeuwarden", "Netherlands", "Agri-food", "Anna")
    assert session.template_name == "tui-test"


async def test_new_session_from_the_mastery_template(
    sessions_dir: Path, templates_dir: Path
) -> None:
    app = make_app(sessions_dir, templates_dir)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        templates = app.screen.query_one("#templates", OptionList)
        path = templates_dir / "mastery-policy-cocreation.toml"
        templates.highlighted = templates.get_option_index(str(path))
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewSessionScreen)
        await pilot.press(*"Sofia co-creation")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        text = flat(screen_text(app))
        assert "Sofia co-creation" in text
        assert "Who is in the room?" in text  # the first activity of the MASTERY agenda


async def test_demo_is_built_and_opened(sessions_dir: Path, templates_dir: Path) -> None:
    app = make_app(sessions_dir, templates_dir)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert "Validation workshop: green skills in construction" in flat(screen_text(app))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
    assert sorted(p.name for p in sessions_dir.glob("*.cws")) == ["demo-2.cws", "demo.cws"]


def test_start_up_does_not_load_the_database_layer(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    """The home screen must appear as fast as a bare Textual app (STYLE.md): it
    lists the session files and the templates without the database layer."""
    code = (
        "import asyncio, sys\n"
        "from pathlib import Path\n"
        "from coworkshop.tui.app import build_app\n"
        "async def main():\n"
        "    app = build_app(Path(sys.argv[1]), Path(sys.argv[2]))\n"
        "    async with app.run_test() as pilot:\n"
        "        await app.workers.wait_for_complete()\n"
        "        await pilot.pause()\n"
        "        lists = [o.prompt for w in app.screen.query('OptionList')\n"
        "                 for o in w.options]\n"
        "        print(' | '.join(str(p).replace(chr(10), ' ') for p in lists))\n"
        "asyncio.run(main())\n"
        "print(','.join(m for m in ('sqlmodel', 'sqlalchemy', 'pydantic') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(sessions_dir), str(templates_dir)],
        capture_output=True, text=True, check=True,
    )
    shown, loaded = result.stdout.splitlines()[-2:]
    assert "Sofia validation" in shown and "TUI test workshop" in shown, shown
    assert loaded == "", f"the home screen loaded {loaded}"
