"""Careless or hostile command lines: one line naming the file, exit 1, nothing changed.

Tests run as root, for whom every file is readable and writable; "read-only"
and "unreadable" are made by denying the permission in ``os.access``, which is
what the commands ask.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from coworkshop.cli import app

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree(folder: Path) -> list[str]:
    """Every file under ``folder`` with its checksum: what a command may not change."""
    return sorted(f"{p.relative_to(folder)} {sha(p) if p.is_file() else 'dir'}"
                  for p in folder.rglob("*"))


def refused(result, *names: object) -> str:  # type: ignore[no-untyped-def]
    """The result is one error line naming every name, exit 1, no traceback."""
    assert result.exit_code == 1, (result.exit_code, result.output)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert "Usage" not in result.output and "Traceback" not in result.output
    for name in names:
        assert str(name) in lines[0], (name, lines[0])
    return str(lines[0])


def deny(monkeypatch: pytest.MonkeyPatch, path: Path, mode: int) -> None:
    """Make ``path`` read-only (mode W_OK) or unreadable (R_OK) for the commands."""
    real = os.access

    def access(p: object, m: int, *args: object, **kwargs: object) -> bool:
        if Path(str(p)).resolve() == path.resolve() and m & mode:
            return False
        return real(p, m, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    result = run("new", "mastery-policy-cocreation", "--title", "Sofia", "-o",
                 tmp_path / "s.cws")
    assert result.exit_code == 0, result.output
    return tmp_path / "s.cws"


# ---------------------------------------------------------------- --sessions-dir


def test_sessions_dir_that_is_a_file_is_refused(tmp_path: Path) -> None:
    afile = tmp_path / "notes.txt"
    afile.write_text("x")
    before = tree(tmp_path)
    refused(run("--sessions-dir", afile), afile, "not a folder")
    refused(run("new", "blank", "--title", "T", "--sessions-dir", afile), afile)
    refused(run("--sessions-dir", afile, "new", "blank", "--title", "T"), afile)
    refused(run("demo", "--sessions-dir", afile), afile)
    refused(run("--sessions-dir", afile / "sub"), afile)  # a folder inside a file
    assert tree(tmp_path) == before


def test_read_only_sessions_dir_is_refused(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    deny(monkeypatch, folder, os.W_OK)
    before = tree(tmp_path)
    refused(run("--sessions-dir", folder), folder, "read-only")
    refused(run("new", "blank", "--title", "T", "--sessions-dir", folder), folder, "read-only")
    refused(run("demo", "--sessions-dir", folder), folder, "read-only")
    refused(run("new", "blank", "--title", "T", "--sessions-dir", folder / "new"), "read-only")
    assert tree(tmp_path) == before


# ---------------------------------------------------------------- new / demo -o


def test_new_and_demo_into_a_read_only_folder(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    deny(monkeypatch, folder, os.W_OK)
    before = tree(tmp_path)
    refused(run("new", "blank", "--title", "T", "-o", folder / "a.cws"), folder / "a.cws",
            "read-only")
    refused(run("demo", "-o", folder / "d.cws"), folder / "d.cws", "read-only")
    refused(run("new", "blank", "--title", "T", "-o", folder / "no" / "a.cws"), "no such folder")
    assert tree(tmp_path) == before


def test_new_with_a_template_that_is_a_folder_or_not_utf8(tmp_path: Path,
                                                          sessions_dir: Path) -> None:
    folder = tmp_path / "fake.toml"
    folder.mkdir()
    latin = tmp_path / "latin.toml"
    latin.write_bytes('[template]\nname = "caf\xe9"\n'.encode("latin-1"))
    before = tree(tmp_path)
    refused(run("new", folder, "--title", "T"), folder)
    refused(run("new", latin, "--title", "T"), latin)
    assert tree(tmp_path) == before
    assert list(sessions_dir.iterdir()) == []


# ---------------------------------------------------------------- demo


def test_demo_says_when_its_file_is_a_folder_or_not_a_session(sessions_dir: Path) -> None:
    demo = sessions_dir / "demo.cws"
    demo.mkdir()
    refused(run("demo"), demo, "folder")
    demo.rmdir()
    demo.write_text("my notes")
    before = sha(demo)
    refused(run("demo"), demo, "not a coworkshop session file")
    assert sha(demo) == before
    demo.unlink()
    first = run("demo")
    assert first.exit_code == 0 and Path(first.output.strip()) == demo
    again = run("demo")
    assert again.exit_code == 0 and "already there" in again.output


# ---------------------------------------------------------------- template save


def test_template_save_to_a_folder_or_read_only_path(session_file: Path, tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "out.toml"
    folder.mkdir()
    plain = tmp_path / "plain"
    plain.mkdir()
    before = tree(tmp_path)
    refused(run("template", "save", session_file, "-o", folder), folder, "folder")
    refused(run("template", "save", session_file, "-o", folder, "--force"), folder, "folder")
    refused(run("template", "save", session_file, "-o", plain), plain)
    ro = tmp_path / "ro"
    ro.mkdir()
    before = tree(tmp_path)
    deny(monkeypatch, ro, os.W_OK)
    refused(run("template", "save", session_file, "-o", ro / "t.toml"), ro / "t.toml",
            "read-only")
    refused(run("template", "save", session_file, "-o", ro / "sub" / "t.toml"), "read-only")
    existing = tmp_path / "mine.toml"
    existing.write_text("# mine\n")
    before = tree(tmp_path)
    deny(monkeypatch, existing, os.W_OK)
    refused(run("template", "save", session_file, "-o", existing, "--force"), existing,
            "read-only")
    assert tree(tmp_path) == before


# ---------------------------------------------------------------- serve


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--port", "70000"], ["--port 70000", "65535"]),
        (["--port", "-1"], ["--port -1"]),
        (["--joins-per-minute", "-5"], ["--joins-per-minute -5"]),
        (["--joins-per-minute", "nan"], ["--joins-per-minute"]),
        (["--code", "12a4"], ["--code"]),
        (["--host", "203.0.113.7"], ["--host 203.0.113.7"]),
        (["--open", "poll/nope"], ["--open poll/nope", "no such poll"]),
    ],
)
def test_serve_refuses_bad_options_before_writing(session_file: Path, args: list[str],
                                                  words: list[str]) -> None:
    before = tree(session_file.parent)
    # --open of a real poll too: today it was opened before the port was refused
    result = run("serve", session_file, "--open", "welcome", *args)
    refused(result, *words)
    assert tree(session_file.parent) == before


def test_serve_log_that_is_a_folder_or_in_a_missing_folder(session_file: Path,
                                                           tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    before = tree(tmp_path)
    refused(run("serve", session_file, "--log", logs), logs, "folder")
    refused(run("serve", session_file, "--log", tmp_path / "missing" / "s.log"),
            tmp_path / "missing", "no such folder")
    assert tree(tmp_path) == before


# ---------------------------------------------------------------- unreadable, corrupt


def test_an_unreadable_file_is_one_line_not_a_usage_box(session_file: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    before = sha(session_file)
    deny(monkeypatch, session_file, os.R_OK)
    for args in (["open", session_file], ["serve", session_file],
                 ["template", "save", session_file, "-o", session_file.parent / "t.toml"]):
        refused(run(*args), session_file, "cannot be read")
    assert sha(session_file) == before
    assert not (session_file.parent / "t.toml").exists()


def test_a_corrupt_file_is_named_on_one_line(session_file: Path) -> None:
    con = sqlite3.connect(session_file)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name='session'").fetchone()[0]
    con.close()
    with session_file.open("r+b") as fh:  # a b-tree page whose first cell points nowhere
        fh.seek(4096 * (root - 1))
        fh.write(b"\x0d\x00\x00\x00\x05\x0f\xff" + b"\x00" * 20)
    before = sha(session_file)
    for args in (["open", session_file], ["serve", session_file],
                 ["template", "save", session_file, "-o", session_file.parent / "t.toml"]):
        line = refused(run(*args), session_file, "damaged")
        assert "***" in line  # SQLite's report, on the same line
    assert sha(session_file) == before
