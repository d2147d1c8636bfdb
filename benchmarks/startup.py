"""Start-up time: from process start to the home screen, as a ratio to a bare
Textual app started the same way, in one run.

Each sample is a fresh ``python`` process that builds the app, runs it
headless and exits as soon as the first screen is ready (``auto_pilot`` runs
once the app is ready), so the figure covers interpreter start, imports, the
first compose and, for coworkshop, reading the sessions and templates folders.
Runs alternate between the two apps so that machine noise hits both alike.

    python benchmarks/startup.py [--runs 15] [--sessions N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BARE = """
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello")
        yield Footer()

async def leave(pilot):
    pilot.app.exit()

Bare().run(headless=True, auto_pilot=leave)
"""

COWORKSHOP = """
from pathlib import Path
from coworkshop.tui.app import build_app

async def leave(pilot):
    await pilot.app.workers.wait_for_complete()
    pilot.app.exit()

app = build_app(sessions_dir=Path({sessions!r}), templates_dir=Path({templates!r}))
app.run(headless=True, auto_pilot=leave)
"""


def sample(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sessions", type=int, default=8, help="session files on the home screen")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        sessions = Path(tmp) / "sessions"
        sessions.mkdir()
        for i in range(args.sessions):
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "coworkshop",
                    "new",
                    "mastery-policy-cocreation",
                    "--title",
                    f"Workshop {i + 1}",
                    "-o",
                    str(sessions / f"w{i + 1}.cws"),
                ],
                check=True,
                capture_output=True,
                env={**os.environ, "COWORKSHOP_TEMPLATES": str(REPO / "canvases")},
            )
        code = COWORKSHOP.format(sessions=str(sessions), templates=str(REPO / "canvases"))
        sample(BARE), sample(code)  # warm the file cache for both
        bare, ours = [], []
        for _ in range(args.runs):
            bare.append(sample(BARE))
            ours.append(sample(code))

    b, o = statistics.median(bare), statistics.median(ours)
    print(f"runs: {args.runs} each, {args.sessions} session files on the home screen")
    print(f"bare Textual app : median {b * 1000:7.1f} ms  (min {min(bare) * 1000:.1f})")
    print(f"coworkshop home  : median {o * 1000:7.1f} ms  (min {min(ours) * 1000:.1f})")
    print(f"ratio            : {o / b:.2f}x")


if __name__ == "__main__":
    main()
