"""The stakeholder map and the checklist at 80x24 while another program holds
the session file locked: one notice, the app keeps running, nothing shows as
saved, and the change is saved on the next try once the file is free."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from coworkshop.tui.stakeholders.forms import StakeholderForm

from .helpers import flat, make_app, notifications, open_activity, region_text, settle
from .test_stakeholders import add, stored_checklist, stored_map
from .test_writes import lock, quick_retries  # noqa: F401  (a fixture)


def locked_notices(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [n for n in notifications(app) if "in use by another program" in n]


async def test_a_locked_file_refuses_moving_and_adding_a_stakeholder_until_it_is_free(
    sessions_dir: Path, templates_dir: Path, session_file: Path, quick_retries: None  # noqa: F811
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_activity(pilot, "Power and interest")
        await add(pilot, "Ministry")
        screen = app.screen
        saved_at = screen.saved_at  # type: ignore[attr-defined]
        assert saved_at is not None and "✓ saved" in flat(region_text(app, screen))

        other = lock(session_file)
        try:
            await pilot.press("shift+up")
            await settle(pilot)
            [notice] = locked_notices(app)
            assert "\n" not in notice and "not saved" in notice
            assert app.return_code is None, "the app keeps running"
            assert screen.saved_at == saved_at  # type: ignore[attr-defined]
            assert "Ministry not placed" in flat(region_text(app, view))

            # a form keeps what was typed and stays open
            form = await add(pilot, "Chamber")
            assert app.screen is form and isinstance(form, StakeholderForm)
            assert form.query_one("#name", Input).value == "Chamber"
            assert "in use by another program" in flat(
                region_text(app, form.query_one("#form-error")))
            assert len(locked_notices(app)) == 2
            assert app.return_code is None
        finally:
            other.rollback()
            other.close()
        assert [(e.name, e.power) for e in stored_map(session_file).entries] == [
            ("Ministry", None)]

        # the file is free: enter in the form saves it, and the move works again
        form.query_one("#name", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("up", "shift+up")
        await settle(pilot)
        assert screen.saved_at != saved_at  # type: ignore[attr-defined]
        entries = stored_map(session_file).entries
        assert [e.name for e in entries] == ["Ministry", "Chamber"]
        assert entries[0].power == 4 and entries[1].power is None
        assert "Ministry 4/3" in flat(region_text(app, view))
        assert len(locked_notices(app)) == 2


async def test_a_locked_file_refuses_a_checklist_status_until_it_is_free(
    sessions_dir: Path, templates_dir: Path, session_file: Path, quick_retries: None  # noqa: F811
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(80, 24)) as pilot:
        view = await open_activity(pilot, "Group checklist")
        screen = app.screen
        other = lock(session_file)
        try:
            await pilot.press("y")
            await settle(pilot)
            [notice] = locked_notices(app)
            assert "\n" not in notice and "not saved" in notice
            assert app.return_code is None, "the app keeps running"
            assert screen.saved_at is None  # type: ignore[attr-defined]
            assert "✓ saved" not in flat(region_text(app, screen))
            assert "1 of 1 yes" not in flat(region_text(app, view))
        finally:
            other.rollback()
            other.close()
        assert [s.status for s in stored_checklist(session_file)] == [""]

        await pilot.press("y")
        await settle(pilot)
        assert [s.status for s in stored_checklist(session_file)] == ["yes"]
        assert "Checklist · 1 of 1 yes" in flat(region_text(app, view))
        assert "✓ saved" in flat(region_text(app, screen))
        assert len(locked_notices(app)) == 1
