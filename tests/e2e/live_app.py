"""The real app (headless) on a file, live voting started with ``w``; for the
end-to-end tests that kill it. Prints ``URL CODE SERVER_PID`` then waits to be killed.

    python tests/e2e/live_app.py FILE
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path


async def main(path: Path) -> None:
    from coworkshop.tui.app import build_app
    from coworkshop.tui.session.session import SessionScreen

    templates = path.parent / "templates"
    templates.mkdir(exist_ok=True)
    app = build_app(sessions_dir=path.parent, templates_dir=templates, session_file=path)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(1000):
            screen = app.screen
            if isinstance(screen, SessionScreen) and screen.live is not None:
                break
            await pilot.pause(0.02)
        live = screen.live
        assert isinstance(screen, SessionScreen) and live is not None
        live.host, live.port = "127.0.0.1", 0
        await pilot.press("w")
        for _ in range(1000):
            if live.running:
                break
            await pilot.pause(0.02)
        assert live.server is not None
        print(live.base_url(), live.code, live.server.pid, flush=True)
        await asyncio.Event().wait()  # until killed


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1])))
