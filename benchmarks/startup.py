"""Start-up time of the real ``coworkshop`` command in a terminal, as a ratio
to a bare Textual app started the same way, in one run.

Each sample starts a fresh process in a pseudo-terminal (120x40,
``TERM=xterm-256color``), as a user would from a shell: the installed
``coworkshop`` console script (the command-line layer included) on a sessions
folder, or ``python bare.py`` for a bare Textual app (Header, Static, Footer).
The clock stops when the terminal shows the first screen: for coworkshop, the
home screen with the session files listed (the last session's title and the
templates' count are on screen); for the bare app, its text. Then the process
is killed. Runs alternate between the two so that machine noise hits both.

    .venv/bin/python benchmarks/startup.py [--runs 15] [--sessions N]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

BARE = """
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("hello bare app")
        yield Footer()

Bare().run()
"""

ESCAPES = re.compile(rb"\x1b(\[[0-9;?<>=$]*[ -/]*[@-~]"  # CSI
                     rb"|\][^\x07\x1b]*(\x07|\x1b\\)"  # OSC
                     rb"|[()][0-9A-Za-z]|[=>78DEHMc])")


def sample(argv: list[str], markers: list[bytes], timeout: float = 20.0) -> float:
    """Seconds from starting ``argv`` in a terminal until every marker shows."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                            start_new_session=True)
    os.close(slave)
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([master], [], [], 0.5)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
            text = ESCAPES.sub(b"", seen)
            if all(m in text for m in markers):
                return time.perf_counter() - started
        raise SystemExit(f"{argv} never showed {markers}: {ESCAPES.sub(b'', seen)[-2000:]!r}")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        os.close(master)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--sessions", type=int, default=8, help="session files on the home screen")
    args = parser.parse_args()
    command = shutil.which("coworkshop", path=str(Path(sys.executable).parent))
    if command is None:
        raise SystemExit("no coworkshop command next to this python: pip install -e .")

    with tempfile.TemporaryDirectory() as tmp:
        sessions = Path(tmp) / "sessions"
        sessions.mkdir()
        for i in range(args.sessions):
            subprocess.run(
                [command, "new", "mastery-policy-cocreation", "--title", f"Workshop {i + 1}",
                 "-o", str(sessions / f"w{i + 1}.cws")],
                check=True, capture_output=True,
                env={**os.environ, "COWORKSHOP_TEMPLATES": str(REPO / "canvases")})
        bare_py = Path(tmp) / "bare.py"
        bare_py.write_text(BARE)
        ours_argv = [command, "--sessions-dir", str(sessions),
                     "--templates-dir", str(REPO / "canvases")]
        ours_markers = [f"Workshop {args.sessions}".encode()]
        bare_argv = [sys.executable, str(bare_py)]
        bare_markers = [b"hello bare app"]
        sample(bare_argv, bare_markers), sample(ours_argv, ours_markers)  # warm the caches
        bare, ours = [], []
        for _ in range(args.runs):
            bare.append(sample(bare_argv, bare_markers))
            ours.append(sample(ours_argv, ours_markers))

    b, o = statistics.median(bare), statistics.median(ours)
    print(f"runs: {args.runs} each, {args.sessions} session files on the home screen, "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"bare Textual app : median {b * 1000:7.1f} ms  (min {min(bare) * 1000:.1f})")
    print(f"coworkshop home  : median {o * 1000:7.1f} ms  (min {min(ours) * 1000:.1f})")
    print(f"ratio            : {o / b:.2f}x")


if __name__ == "__main__":
    main()
