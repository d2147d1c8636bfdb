"""Run ``coworkshop serve`` in a subprocess on loopback, for the end-to-end tests."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from coworkshop.core import sessions, templates
from coworkshop.core.store import Store
from helpers.templates import RELEVANCE, poll, question, template_toml

CODE = "135790"
TEMPLATE = template_toml(
    poll(
        "p",
        "Warm-up",
        question("stage", "single", "Where do you stand?",
                 options=["Not started", "Exploring", "Piloting"]),
        question("rate", "scale_statements", "How relevant is each vision?", scale="relevance",
                 statements=["Transparency", "Quality", "Recognition"]),
        question("ask", "qa", "What cannot be done yet?"),
        question("words", "open", "One thing to improve"),
    ),
    name="e2e",
    title="Voting end to end",
    scales={"relevance": RELEVANCE},
)


def make_file(path: Path) -> str:
    store = Store.create(path)
    try:
        with store.unit() as db:
            session = sessions.create_session(db, templates.parse_text(TEMPLATE),
                                              sessions.SessionDetails(title="E2E room"))
        return session.id
    finally:
        store.close()


class Served:
    """A ``coworkshop serve`` process; ``url`` is its base URL."""

    def __init__(self, path: Path, *opens: str, extra: tuple[str, ...] = ()) -> None:
        args = [sys.executable, "-m", "coworkshop", "serve", str(path), "--host", "127.0.0.1",
                "--port", "0", "--code", CODE, *extra]
        for ref in opens:
            args += ["--open", ref]
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"}
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=env)
        self.url = ""
        deadline = time.monotonic() + 20
        assert self.proc.stdout is not None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            found = re.search(r"(http://127\.0\.0\.1:\d+)/j/" + CODE, line)
            if found:
                self.url = found.group(1)
                return
        self.stop()
        err = self.proc.stderr.read() if self.proc.stderr else ""
        raise RuntimeError(f"coworkshop serve did not start: {err}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
