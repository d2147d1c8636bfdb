from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from coworkshop.cli import app
from coworkshop.core import canvas, sessions
from coworkshop.core.store import Store

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_templates_lists_the_bundled_ones() -> None:
    result = run("templates")
    assert result.exit_code == 0
    assert "mastery-policy-cocreation" in result.output and "blank" in result.output


def test_new_creates_a_session_file_and_prints_its_path(sessions_dir: Path) -> None:
    result = run(
        "new",
        "blank",
        "--title",
        "Oulu kick-start",
        "--date",
        "2026-02-03",
        "--place",
        "Oulu",
        "--country",
        "Finland",
        "--sector",
        "Agri-food",
        "--facilitator",
        "Aino",
    )
    assert result.exit_code == 0, result.output
    path = Path(result.output.strip())
    assert path == sessions_dir / "2026-02-03-oulu-kick-start.cws"
    session = Store.open(path).only_session()
    assert (session.title, session.place, session.country, session.language) == (
        "Oulu kick-start",
        "Oulu",
        "Finland",
        "en",
    )
    listing = run("sessions")
    assert listing.exit_code == 0 and "Oulu kick-start" in listing.output


def test_new_with_output_and_a_template_path(tmp_path: Path) -> None:
    target = tmp_path / "x.cws"
    tpl = Path(__file__).resolve().parents[2] / "canvases" / "blank.toml"
    result = run("new", str(tpl), "--title", "X", "-o", str(target))
    assert result.exit_code == 0 and target.exists()
    again = run("new", "blank", "--title", "X", "-o", str(target))
    assert again.exit_code == 1 and "already exists" in again.output


def test_user_errors_are_one_line_with_status_1(tmp_path: Path) -> None:
    cases = [
        (("new", "nope", "--title", "x"), "no template named 'nope'"),
        (("new", "blank", "--title", "x", "--date", "tomorrow"), "date: 'tomorrow' is not a date"),
        (("new", "blank", "--title", " "), "title: a session needs a title"),
    ]
    for args, message in cases:
        result = run(*args)
        assert result.exit_code == 1, args
        assert message in result.output
        assert "Traceback" not in result.output
    assert list((tmp_path / "sessions").iterdir()) == []


def test_open_refuses_a_foreign_file(tmp_path: Path) -> None:
    bad = tmp_path / "notes.cws"
    bad.write_text("shopping list")
    result = run("open", str(bad))
    assert result.exit_code == 1
    assert "not a coworkshop session file" in result.output
    assert bad.read_text() == "shopping list"


def test_sessions_lists_broken_files_without_failing(sessions_dir: Path) -> None:
    (sessions_dir / "broken.cws").write_bytes(b"garbage")
    run("new", "blank", "--title", "Good one")
    result = run("sessions")
    assert result.exit_code == 0
    assert "Good one" in result.output and "broken.cws" in result.output


def test_demo_is_lived_in(sessions_dir: Path) -> None:
    result = run("demo")
    assert result.exit_code == 0, result.output
    path = sessions_dir / "demo.cws"
    store = Store.open(path)
    session = store.only_session()
    with store.db() as db:
        counts = sessions.participant_counts(db, session)
        canvases = [a for a in sessions.activities(db, session.id) if a.kind == "canvas"]
        filled = [a for a in canvases if canvas.cards(db, a.id)]
        paths = canvas.pathways(db, filled[0].id)
    assert all(n > 0 for n in counts.values()), counts
    assert len(filled) >= 3
    assert paths.pathways and paths.pathways[0].steps and paths.pathways[0].steps[0].whats
    # running demo again keeps the existing file
    again = run("demo")
    assert again.exit_code == 0 and "already there" in again.output


def test_template_save_then_new_from_it(tmp_path: Path, sessions_dir: Path) -> None:
    path = Path(run("new", "mastery-policy-cocreation", "--title", "Sofia").output.strip())
    target = tmp_path / "canvases-mine" / "sofia-plan.toml"
    result = run("template", "save", str(path), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert run("template", "check", str(target)).exit_code == 0
    new = run("new", str(target), "--title", "Replay in Varna")
    assert new.exit_code == 0, new.output
    replay = Store.open(Path(new.output.strip()))
    original = Store.open(path)
    with original.db() as db:
        keys = [a.key for a in sessions.activities(db, original.only_session().id)]
    with replay.db() as db:
        assert [a.key for a in sessions.activities(db, replay.only_session().id)] == keys
    refused = run("template", "save", str(path), "-o", str(target))
    assert refused.exit_code == 1 and "already exists" in refused.output


def test_template_check_reports_each_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[template]\nname = "bad"\ntitle = "B"\n\n[[agenda]]\nkey = "a"\nkind = "dance"\n'
    )
    good = Path(__file__).resolve().parents[2] / "canvases" / "blank.toml"
    result = run("template", "check", str(good), str(bad))
    assert result.exit_code == 1
    assert "ok" in result.output and "blank" in result.output
    assert f"{bad}" in result.output and "FAIL" in result.output


# Every command that takes a session file, with the arguments it needs.
FILE_COMMANDS = {
    "open": lambda f, tmp: ["open", f],
    "serve": lambda f, tmp: ["serve", f, "--host", "127.0.0.1", "--port", "0"],
    "pack": lambda f, tmp: ["pack", f, "-o", str(tmp / "sent.cws")],
    "template save": lambda f, tmp: ["template", "save", f, "-o", str(tmp / "t.toml")],
}


def test_a_newer_file_is_refused_by_every_command(tmp_path: Path) -> None:
    import typer

    path = Path(run("new", "blank", "--title", "T").output.strip())
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='7' WHERE key='schema_version'")
    con.commit()
    con.close()

    def file_commands(group: Any, prefix: str = "") -> set[str]:
        found: set[str] = set()
        for name, command in group.commands.items():
            if hasattr(command, "commands"):  # a group of commands
                found |= file_commands(command, f"{prefix}{name} ")
            elif any(p.name == "file" for p in command.params):
                found.add(prefix + name)
        return found

    found = file_commands(typer.main.get_command(app))
    assert found == set(FILE_COMMANDS), "a new command takes a session file: list it above"
    for name, args in FILE_COMMANDS.items():
        result = run(*args(str(path), tmp_path))
        assert result.exit_code == 1, (name, result.output)
        assert "newer coworkshop" in result.output, (name, result.output)
        assert len(result.output.strip().splitlines()) == 1, (name, result.output)
    # the listing names it too, in its row, and goes on
    listed = run("sessions", str(path.parent))
    assert listed.exit_code == 0 and "newer coworkshop" in listed.output


# A crash injected into the real program, run headless in a subprocess: the
# exit status is what a script (or a CI job) sees.
CRASH = """
import sys
from coworkshop.core.store import Store
from coworkshop.tui.home.home import HomeScreen
from coworkshop.cli import main

def boom(*args, **kwargs):
    raise RuntimeError("injected failure")

if sys.argv[1:2] == ["open"]:
    Store.session = boom  # fails in the worker that loads the session
else:
    HomeScreen.on_mount = boom
sys.argv = ["coworkshop", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("command", [(), ("open", "s.cws")], ids=["home", "open"])
def test_a_crash_in_the_app_exits_non_zero(tmp_path: Path, command: tuple[str, ...]) -> None:
    assert run("new", "blank", "--title", "T", "-o", str(tmp_path / "s.cws")).exit_code == 0
    env = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver"}
    done = subprocess.run(
        [sys.executable, "-c", CRASH, *command],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 1, done.stderr[-2000:]
    assert "injected failure" in done.stderr
