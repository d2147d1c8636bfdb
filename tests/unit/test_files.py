"""Session files: reading never writes, a closed file is complete on its own,
read-only files, migration only for work (after a backup), pack, file ids,
files holding several sessions."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from coworkshop.core import models, probe, sessions, templates
from coworkshop.core import store as store_mod
from coworkshop.core.errors import SessionFileError
from coworkshop.core.store import ReadOnlyError, Store, pack
from helpers.db import commit

from .helpers import TEMPLATE, make_session

SIDE = ("-wal", "-shm", "-journal")


def _note(store: Store, key: str, value: str = "x") -> None:
    """One committed change (a meta row: independent of the domain's API)."""
    with store.db() as db:
        db.add(models.Meta(key=key, value=value))
        db.commit()


def _meta(path: Path, key: str) -> str | None:
    con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        row = con.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
    finally:
        con.close()
    return row[0] if row else None


def _set_meta(path: Path, key: str, value: str) -> None:
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value=? WHERE key=?", (value, key))
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _side_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(SIDE))


def _closed_file(path: Path) -> Path:
    store, _ = make_session(path)
    store.close()
    return path


@pytest.fixture
def here(tmp_path: Path) -> Path:
    """A folder holding only what a test makes (the autouse fixture adds sessions/)."""
    folder = tmp_path / "here"
    folder.mkdir()
    return folder


# ------------------------------------------------------------------ kinds of file

def _valid(path: Path) -> Path:
    return _closed_file(path)


def _old_wal_file(path: Path) -> Path:
    """As today's release leaves a file: marked WAL in its header, no side files."""
    _closed_file(path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.close()
    assert open(path, "rb").read(20)[18:20] == b"\x02\x02"
    return path


def _corrupt(path: Path) -> Path:
    path.write_bytes(b"SQLite format 3\x00" + b"\x13" * 2000)
    return path


def _foreign(path: Path) -> Path:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE photos (id INTEGER)")
    con.commit()
    con.close()
    return path


def _schema(value: str) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        _closed_file(path)
        _set_meta(path, "schema_version", value)
        return path

    return make


KINDS = {
    "valid": _valid,
    "old-wal-header": _old_wal_file,
    "corrupt": _corrupt,
    "foreign": _foreign,
    "newer": _schema("99"),
    "schema-0": _schema("0"),
    "schema-text": _schema("two"),
}


def _read_store(path: Path) -> None:
    store = Store.open(path, mode="read")
    try:
        assert store.read_only
        store.only_session()
    finally:
        store.close()


READERS: dict[str, Callable[[Path], object]] = {
    "check_file": probe.check_file,
    "read_info": probe.read_info,
    "Store.open(read)": _read_store,
}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("reader", list(READERS))
def test_reading_never_writes_nor_leaves_side_files(here: Path, kind: str,
                                                    reader: str) -> None:
    path = KINDS[kind](here / "f.cws")
    before = _digest(path)
    try:
        READERS[reader](path)
    except SessionFileError as exc:
        assert kind not in ("valid", "old-wal-header"), exc
        assert str(exc).startswith(str(path)) and "\n" not in str(exc)
    else:
        assert kind in ("valid", "old-wal-header")
    assert _digest(path) == before
    assert _side_files(here) == []


@pytest.mark.parametrize(("value", "message"), [
    ("0", "unknown file schema '0'"),
    ("two", "unknown file schema 'two'"),
    ("99", "made by a newer coworkshop"),
])
def test_unknown_and_newer_schemas_are_refused_for_work_too(here: Path, value: str,
                                                            message: str) -> None:
    path = _schema(value)(here / "f.cws")
    before = _digest(path)
    with pytest.raises(SessionFileError, match=message):
        Store.open(path)
    assert _digest(path) == before
    assert sorted(p.name for p in here.iterdir()) == ["f.cws"]


def test_a_closed_file_is_complete_on_its_own(here: Path) -> None:
    path = here / "s.cws"
    store, _ = make_session(path)
    _note(store, "last change")
    with store.engine.connect() as con:  # at work: WAL with full sync
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert probe.has_pending_changes(path)
    store.close()
    assert _side_files(here) == []
    assert open(path, "rb").read(20)[18:20] == b"\x01\x01"  # rollback-journal mode
    assert _meta(path, "last change") == "x"


def test_a_reader_while_the_app_works_sees_every_commit_and_adds_no_file(
        here: Path) -> None:
    path = here / "s.cws"
    store, _ = make_session(path)
    _note(store, "in the wal")
    sides = _side_files(here)
    assert sides == ["s.cws-shm", "s.cws-wal"]
    reader = Store.open(path, mode="read")
    try:
        assert reader.file_id() == store.file_id()
        with reader.db() as db:
            assert db.get(models.Meta, "in the wal") is not None
    finally:
        reader.close()
    assert _side_files(here) == sides  # the reader did not fold anything in
    store.close()
    assert _side_files(here) == []


def test_after_a_crash_the_next_open_folds_the_wal_in(here: Path) -> None:
    path = _closed_file(here / "s.cws")
    code = (
        "import os, signal, sys\n"
        "from coworkshop.core import models\n"
        "from coworkshop.core.store import Store\n"
        "s = Store.open(sys.argv[1])\n"
        "with s.db() as db:\n"
        "    db.add(models.Meta(key='before the crash', value='kept'))\n"
        "    db.commit()\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(path)], check=False)
    assert proc.returncode == -signal.SIGKILL
    assert probe.has_pending_changes(path)  # the commit is in the -wal only
    info = probe.read_info(path)  # a listing reads it through the -wal
    assert info.pending_side_file
    store = Store.open(path)
    try:
        with store.db() as db:
            assert db.get(models.Meta, "before the crash") is not None
    finally:
        store.close()
    assert _side_files(here) == []
    assert _meta(path, "before the crash") == "kept"


def test_a_wal_sent_without_its_shm_is_read_without_leaving_one(here: Path) -> None:
    path = _closed_file(here / "s.cws")
    store = Store.open(path)
    _note(store, "in the wal")
    sent = here / "sent"
    sent.mkdir()
    for suffix in ("", "-wal"):  # what a facilitator attaches: the file and its -wal
        (sent / f"s.cws{suffix}").write_bytes(Path(f"{path}{suffix}").read_bytes())
    store.close()
    copy = sent / "s.cws"
    before = (_digest(copy), _digest(probe.side_file(copy, "-wal")))
    assert probe.read_info(copy).pending_side_file
    reader = Store.open(copy, mode="read")
    try:
        with reader.db() as db:
            assert db.get(models.Meta, "in the wal") is not None
    finally:
        reader.close()
    assert sorted(p.name for p in sent.iterdir()) == ["s.cws", "s.cws-wal"]
    assert (_digest(copy), _digest(probe.side_file(copy, "-wal"))) == before


# ------------------------------------------------------------------ read-only

def test_a_file_opened_for_reading_refuses_changes_in_one_line(here: Path) -> None:
    path = _closed_file(here / "s.cws")
    before = _digest(path)
    store = Store.open(path, mode="read")
    try:
        session = store.only_session()
        with pytest.raises(ReadOnlyError) as caught:
            commit(store, sessions.add_participant, session, "policy")
        assert str(caught.value) == f"{path}: read-only: changes are not possible"
        assert commit(store, sessions.participants, session.id) == []
    finally:
        store.close()
    assert _digest(path) == before
    assert _side_files(here) == []


def test_without_write_permission_work_falls_back_to_reading(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _closed_file(here / "s.cws")
    folder = here.resolve()
    real_access = os.access

    def no_write_in_folder(p: object, mode: int, *args: object, **kw: object) -> bool:
        if mode & os.W_OK and Path(str(p)).resolve() == folder:
            return False  # a read-only folder (root would bypass a chmod)
        return real_access(p, mode, *args, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(store_mod.os, "access", no_write_in_folder)
    before = _digest(path)
    store = Store.open(path)
    try:
        assert store.read_only
        assert store.notice == "s.cws: read-only: changes are not possible"
        with pytest.raises(ReadOnlyError, match="read-only: changes are not possible"):
            _note(store, "nope")
    finally:
        store.close()
    assert _digest(path) == before
    assert _side_files(here) == []


def test_writable_reads_the_real_permissions(here: Path) -> None:
    path = _closed_file(here / "s.cws")
    assert store_mod.writable(path)
    if os.geteuid() != 0:  # root writes anywhere; the mocked test above covers it
        path.chmod(0o444)
        assert not store_mod.writable(path)


def test_a_locked_file_is_in_use_not_damaged(here: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe, "OPEN_TIMEOUT", 0.2)
    path = _closed_file(here / "s.cws")
    other = sqlite3.connect(path, isolation_level=None)  # e.g. a database browser
    other.execute("BEGIN EXCLUSIVE")
    try:
        for attempt in (probe.read_info, lambda p: Store.open(p, mode="read")):
            with pytest.raises(SessionFileError) as caught:
                attempt(path)
            message = str(caught.value)
            assert "in use by another program" in message and "damaged" not in message
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _side_files(here) == []


# ------------------------------------------------------------------ migration

NOW = probe.SCHEMA_VERSION


def _older_file(here: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file of today's schema for a coworkshop one schema ahead (whose
    migration adds a meta row), made before files had ids."""
    path = _closed_file(here / "old.cws")
    con = sqlite3.connect(path)
    con.execute("DELETE FROM meta WHERE key='file_id'")
    con.commit()
    con.close()

    def to_next(con: sqlite3.Connection) -> None:
        con.execute("INSERT INTO meta (key, value) VALUES ('migrated', 'yes')")

    monkeypatch.setattr(probe, "SCHEMA_VERSION", NOW + 1)
    monkeypatch.setattr(store_mod, "MIGRATIONS", {**store_mod.MIGRATIONS, NOW + 1: to_next})
    return path


def test_an_older_file_is_read_as_migrated_without_being_modified(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _older_file(here, monkeypatch)
    before = _digest(path)
    assert probe.read_info(path).schema_version == NOW
    store = Store.open(path, mode="read")
    try:
        with store.db() as db:
            migrated = db.get(models.Meta, "migrated")
            assert migrated is not None and migrated.value == "yes"
        assert store.only_session().title == "Sofia"
        assert store.file_id() == ""  # ids are given only to files opened for work
        with pytest.raises(ReadOnlyError):  # the copy in memory refuses changes too
            _note(store, "nope")
    finally:
        store.close()
    assert _digest(path) == before
    assert sorted(p.name for p in here.iterdir()) == ["old.cws"]


def test_opening_an_older_file_for_work_migrates_it_after_a_backup(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _older_file(here, monkeypatch)
    store = Store.open(path)
    try:
        assert store.backup == here / f"old.schema{NOW}-backup.cws"
        file_id = store.file_id()
        assert uuid.UUID(file_id).version == 7
    finally:
        store.close()
    backup = here / f"old.schema{NOW}-backup.cws"
    assert sorted(p.name for p in here.iterdir()) == ["old.cws", backup.name]
    assert (_meta(path, "schema_version"), _meta(path, "migrated")) == (str(NOW + 1), "yes")
    assert _meta(path, "file_id") == file_id
    assert (_meta(backup, "schema_version"), _meta(backup, "migrated")) == (str(NOW), None)
    assert probe.read_info(backup).sessions[0].title == "Sofia"
    assert probe.list_session_files(here) == [path]  # the backup is not listed
    # a second migration (e.g. of a restored backup) never overwrites the first backup
    assert store_mod.backup_path(path, NOW).name == f"old.schema{NOW}-backup-2.cws"


SCHEMA1 = Path(__file__).resolve().parents[1] / "fixtures" / "schema1.cws"


def test_the_released_schema1_file_is_read_without_change_and_migrated_only_for_work(
        here: Path) -> None:
    from coworkshop.core import polls

    path = here / "released.cws"
    path.write_bytes(SCHEMA1.read_bytes())
    before = _digest(path)
    reader = Store.open(path, mode="read")
    try:
        session = reader.only_session()
        read = {p.ref: polls.results(reader, p.id).respondents
                for p in polls.polls(reader, session.id)}
    finally:
        reader.close()
    assert _digest(path) == before and sorted(p.name for p in here.iterdir()) == [path.name]
    store = Store.open(path)
    try:
        worked = {p.ref: polls.results(store, p.id).respondents
                  for p in polls.polls(store, store.only_session().id)}
    finally:
        store.close()
    assert read == worked and any(worked.values())
    assert sorted(p.name for p in here.iterdir()) == [path.name, "released.schema1-backup.cws"]
    assert probe.check_file(here / "released.schema1-backup.cws") == 1
    assert probe.check_file(path) == NOW


def test_a_schema_without_a_way_to_migrate_is_refused(
        here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _older_file(here, monkeypatch)
    monkeypatch.setattr(store_mod, "MIGRATIONS", {})
    for mode in ("read", "work"):
        with pytest.raises(SessionFileError, match=f"unknown file schema {NOW}"):
            Store.open(path, mode=mode)  # type: ignore[arg-type]
    assert sorted(p.name for p in here.iterdir()) == ["old.cws"]


# ------------------------------------------------------------------ pack

def test_pack_copies_a_file_in_use_with_what_its_wal_holds(here: Path) -> None:
    path = _closed_file(here / "live.cws")
    store = Store.open(path)  # the workshop is running
    _note(store, "only in the wal")
    assert probe.has_pending_changes(path)
    assert _meta(path, "only in the wal") == "x"  # committed...
    con = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    assert con.execute("SELECT 1 FROM meta WHERE key='only in the wal'").fetchone() is None
    con.close()  # ...but not yet in the .cws itself
    live = (_digest(path), _digest(probe.side_file(path, "-wal")))
    out = here / "sent" / "copy.cws"
    out.parent.mkdir()
    pack(path, out)
    assert sorted(p.name for p in out.parent.iterdir()) == ["copy.cws"]
    assert open(out, "rb").read(20)[18:20] == b"\x01\x01"
    assert _meta(out, "only in the wal") == "x"
    assert _meta(out, "file_id") == store.file_id()  # the same file, sent
    assert (_digest(path), _digest(probe.side_file(path, "-wal"))) == live
    with pytest.raises(SessionFileError, match="already exists"):
        pack(path, out)
    store.close()


def test_pack_refuses_what_it_cannot_copy(here: Path) -> None:
    bad = _corrupt(here / "bad.cws")
    with pytest.raises(SessionFileError, match="damaged"):
        pack(bad, here / "out.cws")
    assert sorted(p.name for p in here.iterdir()) == ["bad.cws"]


# ------------------------------------------------------------------ ids and sessions

def test_every_file_gets_its_own_uuid7(here: Path) -> None:
    a = _closed_file(here / "a.cws")
    b = _closed_file(here / "b.cws")
    ids = [probe.read_info(a).file_id, probe.read_info(b).file_id]
    assert ids[0] != ids[1]
    assert [uuid.UUID(i).version for i in ids] == [7, 7]


def two_sessions(path: Path) -> tuple[str, str]:
    store, first = make_session(path)
    try:
        second = commit(
            store, sessions.create_session, templates.parse_text(TEMPLATE, "t.toml"),
            sessions.SessionDetails(title="Leeuwarden", date="2025-07-01"),
        )
    finally:
        store.close()
    return first.id, second.id


def test_a_file_holding_two_sessions_never_opens_the_first_silently(here: Path) -> None:
    path = here / "two.cws"
    first, second = two_sessions(path)
    store = Store.open(path, mode="read")
    try:
        with pytest.raises(SessionFileError, match="holds 2 sessions; choose one with --session"):
            store.only_session()
        assert store.session(second).title == "Leeuwarden"
        short = probe.short_ids([first, second])
        assert store.session(short[first]).title == "Sofia"
        assert len(short[first]) >= 8
        with pytest.raises(SessionFileError, match="starts 2 session ids"):
            store.session(first[:4])
        with pytest.raises(SessionFileError, match="no session 'nope'"):
            store.session("nope")
    finally:
        store.close()


READ_ONLY_USER = """
import sys
from pathlib import Path
from coworkshop.core import models
from coworkshop.core.store import ReadOnlyError, Store
store = Store.open(Path(sys.argv[1]))
print(store.read_only, store.notice)
print(store.only_session().title)
try:
    with store.db() as db:
        db.add(models.Meta(key="nope", value="x"))
        db.commit()
except ReadOnlyError as exc:
    print(exc)
store.close()
"""


def test_a_user_without_write_permission_reads_the_file(tmp_path: Path) -> None:
    """Real permissions: as root, the check runs as the user nobody."""
    import shutil
    import tempfile

    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: no other user to be")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    else:
        prefix = []
    shared = Path(tempfile.mkdtemp(prefix="coworkshop-ro-"))  # pytest's tmp is private
    try:
        shared.chmod(0o755)
        path = _closed_file(shared / "s.cws")
        path.chmod(0o444)
        shared.chmod(0o555)  # a read-only folder, e.g. a shared drive
        before = _digest(path)
        env = {**os.environ, "HOME": str(shared)}
        run = subprocess.run([*prefix, sys.executable, "-c", READ_ONLY_USER, str(path)],
                             capture_output=True, text=True, env=env, timeout=60, check=False)
        assert run.returncode == 0, run.stderr
        assert run.stdout.splitlines() == [
            "True s.cws: read-only: changes are not possible",
            "Sofia",
            f"{path}: read-only: changes are not possible",
        ]
        assert _digest(path) == before
        assert sorted(p.name for p in shared.iterdir()) == ["s.cws"]
    finally:
        shared.chmod(0o755)
        shutil.rmtree(shared)
