"""A report of the open session from the session screen."""

from __future__ import annotations

import json
from pathlib import Path

from coworkshop.tui.session.session import SessionScreen

from .helpers import make_app, notifications, settle


async def test_ctrl_r_writes_the_html_report_next_to_the_session(
    sessions_dir: Path, templates_dir: Path, session_file: Path
) -> None:
    app = make_app(sessions_dir, templates_dir, session_file)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("ctrl+r")
        await settle(pilot)
        target = session_file.with_name(f"{session_file.stem}-report.html")
        assert target.exists()
        html = target.read_text()
        assert "Sofia validation" in html and "<svg" not in html.split("<body>")[0]
        assert f"Report written: {target}" in notifications(app)

        # the palette offers the other formats
        names = [name for name, _help, _cb in app.palette_entries(app.screen)]
        assert {"export: html report", "export: markdown report", "export: json report",
                "export: csv answers"} <= set(names)
        callback = next(cb for name, _h, cb in app.palette_entries(app.screen)
                        if name == "export: json report")
        callback()
        await settle(pilot)
        data = json.loads(session_file.with_name(f"{session_file.stem}-report.json").read_text())
        assert [s["title"] for s in data["sessions"]] == ["Sofia validation"]
