"""Session files from the command line: listing never writes, pack, file ids,
--session, and one-line refusals of files no command can open."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coworkshop.cli import app
from coworkshop.core import models, probe, sessions, templates
from coworkshop.core.store import Store
from helpers.db import commit

runner = CliRunner()
BLANK = Path(__file__).resolve().parents[2] / "canvases" / "blank.toml"


def make_session(path: Path, title: str = "Sofia") -> tuple[Store, models.Session]:
    return sessions.create_session_file(path, BLANK, sessions.SessionDetails(title=title))


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _side_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(("-wal", "-shm")))


def _closed(path: Path) -> Path:
    store, _ = make_session(path)
    store.close()
    return path


def _with_schema(path: Path, value: str) -> Path:
    _closed(path)
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (value,))
    con.commit()
    con.close()
    return path


def test_sessions_lists_without_writing_and_shows_file_ids(sessions_dir: Path) -> None:
    good = _closed(sessions_dir / "good.cws")
    (sessions_dir / "junk.cws").write_bytes(b"SQLite format 3\x00" + b"\x13" * 2000)
    _with_schema(sessions_dir / "future.cws", "7")
    con = sqlite3.connect(sessions_dir / "photos.cws")
    con.execute("CREATE TABLE photos (id INTEGER)")
    con.commit()
    con.close()
    before = {p.name: _digest(p) for p in sessions_dir.iterdir()}

    table = run("sessions")
    assert table.exit_code == 0, table.output
    assert "Sofia" in table.output and "made by a newer coworkshop" in table.output
    assert "damaged" in table.output and "not a coworkshop session file" in table.output
    listing = run("sessions", "--json")
    assert listing.exit_code == 0, listing.output
    files = {Path(f["file"]).name: f for f in json.loads(listing.output)}
    assert files["good.cws"]["file_id"] == probe.read_info(good).file_id != ""
    assert files["good.cws"]["sessions"][0]["title"] == "Sofia"
    assert files["good.cws"]["pending_side_file"] is False
    assert "newer coworkshop" in files["future.cws"]["error"]
    assert {p.name: _digest(p) for p in sessions_dir.iterdir()} == before
    assert _side_files(sessions_dir) == []


def test_sessions_marks_a_file_whose_changes_are_in_a_side_file(sessions_dir: Path) -> None:
    path = _closed(sessions_dir / "running.cws")
    store = Store.open(path)  # the workshop is running in the app
    try:
        with store.db() as db:
            db.add(models.Meta(key="a change", value="x"))
            db.commit()
        listing = run("sessions")
        assert "open and quit it, or send both files" in listing.output
        assert "running.cws *" in listing.output and "[yellow]" not in listing.output
        assert json.loads(run("sessions", "--json").output)[0]["pending_side_file"] is True
    finally:
        store.close()
    assert "send both files" not in run("sessions").output


def test_pack_writes_one_file_and_refuses_to_overwrite(tmp_path: Path) -> None:
    path = _closed(tmp_path / "w.cws")
    store = Store.open(path)
    try:
        session = store.only_session()
        commit(store, sessions.add_participant, session, "policy")  # in the -wal only
        out = tmp_path / "out" / "w-sent.cws"
        out.parent.mkdir()
        result = run("pack", str(path), "-o", str(out))
        assert result.exit_code == 0, result.output
        assert result.output.strip() == str(out)
        assert list(out.parent.iterdir()) == [out]
        assert probe.read_info(out).sessions[0].participants == 1
        again = run("pack", str(path), "-o", str(out))
        assert again.exit_code == 1
        assert again.output.strip() == f"error: {out}: already exists; choose another name"
    finally:
        store.close()


@pytest.mark.parametrize("value", ["0", "two", "99"])
def test_every_command_refuses_an_unknown_or_newer_schema_in_one_line(
        tmp_path: Path, value: str) -> None:
    path = _with_schema(tmp_path / "odd.cws", value)
    before = _digest(path)
    commands = [
        ("open", str(path)),
        ("serve", str(path), "--port", "0"),
        ("template", "save", str(path), "-o", str(tmp_path / "t.toml")),
        ("pack", str(path), "-o", str(tmp_path / "copy.cws")),
    ]
    for args in commands:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"error: {path}: "), (args, lines)
        assert ("newer coworkshop" if value == "99" else "unknown file schema") in lines[0]
    listing = run("sessions", str(tmp_path))
    assert listing.exit_code == 0 and "odd.cws" in listing.output
    assert ("newer coworkshop" if value == "99" else "unknown file schema") in listing.output
    assert _digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.cws", "sessions"]


def test_open_session_refuses_an_id_the_file_does_not_hold(tmp_path: Path) -> None:
    path = tmp_path / "two.cws"
    store, _ = make_session(path)
    commit(store, sessions.create_session, templates.load(BLANK),
           sessions.SessionDetails(title="Leeuwarden"))
    store.close()
    result = run("open", str(path), "--session", "nope")
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {path}: no session 'nope' in it")
    assert len(result.output.strip().splitlines()) == 1
    saved = run("template", "save", str(path), "-o", str(tmp_path / "t.toml"))
    assert saved.exit_code == 1 and "holds 2 sessions; choose one with --session" in saved.output


def test_serve_refuses_a_read_only_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from coworkshop.core import store as store_mod

    path = _closed(tmp_path / "ro.cws")
    monkeypatch.setattr(store_mod, "writable", lambda _p: False)
    result = run("serve", str(path), "--port", "0")
    assert result.exit_code == 1
    assert result.output.strip() == (
        f"error: {path}: read-only: changes are not possible, so phones cannot vote"
    )


def test_open_says_a_locked_file_is_in_use_not_damaged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe, "OPEN_TIMEOUT", 0.2)
    path = _closed(tmp_path / "busy.cws")
    other = sqlite3.connect(path, isolation_level=None)  # e.g. a database browser
    other.execute("BEGIN EXCLUSIVE")
    try:
        result = run("open", str(path))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith(f"error: {path}: in use by another program") and "\n" not in line
    assert "damaged" not in line
