"""Every main screen at 80x24, compared with an accepted SVG snapshot.

Driven on the demo workshop (coworkshop.demo) with the clock held still, in a
folder named the same in every run, so that a difference is a change of the
screen. After a deliberate change of a screen, look at the report pytest
writes (snapshot_report.html) and accept the new pictures with:

    .venv/bin/python -m pytest tests/tui/snapshots --snapshot-update

The SVGs live in __snapshots__/test_screens/ beside this file.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from coworkshop.tui.app import CoworkshopApp, build_app

from ..helpers import open_activity, settle

SIZE = (80, 24)
#: The demo's clock: every "now" the screens show is this moment.
NOW = dt.datetime(2025, 6, 12, 10, 30, tzinfo=dt.UTC)

CANVAS = "Pathway: fit-for-purpose quality assurance"  # the running canvas
POLL = "Do the policy visions answer industry needs?"
MAP = "Who can move micro-credentials forward? Power/interest map"
CHECKLIST = "Checklist: a standing multi-stakeholder group on micro-credentials"

#: Every module that reads the clock (``grep -rl "^from datetime import" src``).
CLOCKS = (
    "coworkshop.core.models", "coworkshop.core.sessions", "coworkshop.core.sql",
    "coworkshop.core.checklist", "coworkshop.core.migrations",
    "coworkshop.core.stakeholders.register", "coworkshop.core.polls.polls",
    "coworkshop.core.polls.results", "coworkshop.core.polls.qa", "coworkshop.core.merge.rows",
    "coworkshop.report.model", "coworkshop.tui.fmt", "coworkshop.tui.session.session",
    "coworkshop.tui.session.agenda_list", "coworkshop.tui.home.new_session",
    "coworkshop.tui.coordinator.merge_screen",
)


class FrozenDate(dt.date):
    @classmethod
    def today(cls) -> FrozenDate:
        return cls(NOW.year, NOW.month, NOW.day)


class FrozenDateTime(dt.datetime):
    @classmethod
    def now(cls, tz: dt.tzinfo | None = None) -> FrozenDateTime:  # type: ignore[override]
        return cls.fromtimestamp(NOW.timestamp(), tz)


@pytest.fixture
def workshop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo session file in ./sessions (relative: the home screen shows
    the folders), built and shown at :data:`NOW`, in UTC."""
    from coworkshop.demo import build_demo

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    for module in CLOCKS:
        mod = importlib.import_module(module)
        if hasattr(mod, "datetime"):
            monkeypatch.setattr(mod, "datetime", FrozenDateTime)
        if hasattr(mod, "date"):
            monkeypatch.setattr(mod, "date", FrozenDate)
    # personal codes are drawn at random: the same ones in every run
    from coworkshop.core import matching

    monkeypatch.setattr(matching, "secrets", random.Random(9))
    path = Path("sessions") / "demo.cws"
    build_demo(path, Path("templates")).close()
    yield path
    monkeypatch.delenv("TZ")
    time.tzset()


def app_on(path: Path | None = None) -> CoworkshopApp:
    return build_app(Path("sessions"), Path("templates"), session_file=path)


Steps = Callable[[Pilot[Any]], Awaitable[None]]


def before(steps: Steps) -> Steps:
    """Run ``steps`` once the app has settled, and settle again after them."""

    async def run(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await steps(pilot)
        await settle(pilot)

    return run


async def nothing(pilot: Pilot[Any]) -> None:
    """The screen as it opens."""


def test_home(workshop: Path, snap_compare: Any) -> None:
    assert snap_compare(app_on(), terminal_size=SIZE, run_before=before(nothing))


def test_session_with_canvas(workshop: Path, snap_compare: Any) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await open_activity(pilot, CANVAS)

    assert snap_compare(app_on(workshop), terminal_size=SIZE, run_before=before(steps))


def test_poll_view(workshop: Path, snap_compare: Any) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await open_activity(pilot, POLL)

    assert snap_compare(app_on(workshop), terminal_size=SIZE, run_before=before(steps))


def test_stakeholder_map(workshop: Path, snap_compare: Any) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await open_activity(pilot, MAP)

    assert snap_compare(app_on(workshop), terminal_size=SIZE, run_before=before(steps))


def test_checklist(workshop: Path, snap_compare: Any) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await open_activity(pilot, CHECKLIST)

    assert snap_compare(app_on(workshop), terminal_size=SIZE, run_before=before(steps))


def test_participants(workshop: Path, snap_compare: Any) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await pilot.press("p")

    assert snap_compare(app_on(workshop), terminal_size=SIZE, run_before=before(steps))


def test_help(workshop: Path, snap_compare: Any) -> None:
    async def steps(pilot: Pilot[Any]) -> None:
        await open_activity(pilot, CANVAS)
        await pilot.press("question_mark")

    assert snap_compare(app_on(workshop), terminal_size=SIZE, run_before=before(steps))


class FakeServer:
    """What the join screen reads of the participants' server, fixed: no
    port, address or join code that changes from run to run."""

    code = "4821"

    class room:  # noqa: N801 - read as server.room.codes_locked()
        @staticmethod
        def codes_locked() -> int:
            return 0

    def addresses(self) -> list[Any]:
        from coworkshop.server.netinfo import Address

        return [Address("192.168.1.20", "wlan0", "wifi")]

    def base_url(self, ip: str | None = None) -> str:
        return "http://192.168.1.20:8765"

    def join_url(self, ip: str | None = None) -> str:
        return f"{self.base_url(ip)}/?code={self.code}"

    def connected(self) -> int:
        return 0

    async def stop(self) -> None:
        """Nothing runs."""


def test_join_screen(workshop: Path, snap_compare: Any) -> None:
    from coworkshop.tui.polls.voting import JoinScreen
    from coworkshop.tui.session.session import SessionScreen

    async def steps(pilot: Pilot[Any]) -> None:
        screen = pilot.app.screen
        assert isinstance(screen, SessionScreen) and screen.live is not None
        screen.live.server = FakeServer()  # type: ignore[assignment]
        screen.live.ip = "192.168.1.20"
        await pilot.app.push_screen(JoinScreen(screen.live))

    assert snap_compare(app_on(workshop), terminal_size=SIZE, run_before=before(steps))


def test_merge(workshop: Path, snap_compare: Any) -> None:
    from coworkshop.demo import build_demo
    from coworkshop.tui.coordinator.merge_screen import MergeScreen

    other = Path("sessions") / "demo-2.cws"
    build_demo(other, Path("templates")).close()

    async def steps(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(MergeScreen([workshop, other], Path("sessions")))

    assert snap_compare(app_on(), terminal_size=SIZE, run_before=before(steps))


def test_coordinator_overview(workshop: Path, snap_compare: Any) -> None:
    from coworkshop.tui.coordinator.overview import SessionsOverviewScreen

    async def steps(pilot: Pilot[Any]) -> None:
        await pilot.app.push_screen(SessionsOverviewScreen(workshop))

    assert snap_compare(app_on(), terminal_size=SIZE, run_before=before(steps))
