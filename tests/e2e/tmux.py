"""Drive a real terminal program in tmux, the way a person sees it."""

from __future__ import annotations

import shlex
import subprocess
import time
import uuid
from pathlib import Path

# A server of our own: never touch (or get killed with) the user's tmux sessions.
TMUX = ["tmux", "-L", "coworkshop-tests"]


class Tmux:
    """One detached tmux session running ``command`` at a fixed size."""

    def __init__(self, command: list[str], cwd: Path, env: dict[str, str], size=(100, 30)) -> None:  # type: ignore[no-untyped-def]
        self.name = f"cws-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        # COLUMNS/LINES (set for Rich in the test run) would override the
        # terminal's real size in Textual: the program must see tmux's size.
        shell = (
            f"cd {shlex.quote(str(cwd))} && "
            f"env -u COLUMNS -u LINES {exports} {shlex.join(command)}"
        )
        subprocess.run(
            [
                *TMUX,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(size[0]),
                "-y",
                str(size[1]),
                shell,
            ],
            check=True,
        )

    def screen(self) -> str:
        result = subprocess.run(
            [*TMUX, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return result.stdout

    def send(self, *keys: str) -> None:
        subprocess.run([*TMUX, "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run([*TMUX, "send-keys", "-t", self.name, "-l", text], check=True)

    def wait_for(self, text: str, timeout: float = 20.0) -> str:
        """Poll the screen until ``text`` shows (a bounded wait, not a sleep)."""
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{screen}")

    def alive(self) -> bool:
        return (
            subprocess.run([*TMUX, "has-session", "-t", self.name], capture_output=True).returncode
            == 0
        )

    def wait_exit(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                return
            time.sleep(0.1)
        raise AssertionError(f"the program did not exit:\n{self.screen()}")

    def program_pids(self) -> list[int]:
        """Process ids running in the pane (the shell and what it started)."""
        pane = subprocess.run(
            [*TMUX, "display-message", "-p", "-t", self.name, "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        children = subprocess.run(["pgrep", "-P", pane], capture_output=True, text=True).stdout
        return [int(pane), *(int(p) for p in children.split())]

    def kill(self) -> None:
        subprocess.run([*TMUX, "kill-session", "-t", self.name], capture_output=True)
