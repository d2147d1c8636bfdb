from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from coworkshop.core import canvas, probe, sessions
from coworkshop.core.errors import SessionFileError
from coworkshop.core.store import Store

from .helpers import activity, commit, make_session


def _digest(path: Path) -> bytes:
    return path.read_bytes()


def test_file_is_wal_with_full_sync_and_records_its_version(tmp_path: Path) -> None:
    store, _ = make_session(tmp_path / "s.cws")
    with store.engine.connect() as con:
        assert con.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert con.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    assert probe.check_file(tmp_path / "s.cws") == probe.SCHEMA_VERSION


def test_changes_are_visible_to_a_fresh_reader_without_closing(tmp_path: Path) -> None:
    path = tmp_path / "s.cws"
    store, session = make_session(path)
    act = activity(store, session, "canvas-1")
    commit(store, canvas.add_card, act.id, "change", "committed at once")
    # a second, independent connection sees it: there is no save step
    con = sqlite3.connect(path)
    assert con.execute("SELECT text FROM card").fetchall() == [("committed at once",)]
    con.close()


def test_newer_schema_is_refused_and_file_untouched(tmp_path: Path) -> None:
    path = tmp_path / "new.cws"
    store, _ = make_session(path)
    store.close()
    con = sqlite3.connect(path)
    con.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")  # fold the WAL in, so the file is all there is
    con.close()
    before = _digest(path)
    with pytest.raises(SessionFileError, match="newer coworkshop"):
        Store.open(path)
    assert _digest(path) == before
    assert not Path(str(path) + "-wal").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello, not a database", "not an SQLite database"),
        (b"SQLite format 3\x00" + b"\x13" * 2000, "damaged"),
        (b"", "not an SQLite database"),
    ],
)
def test_garbage_files_are_refused_and_untouched(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.cws"
    path.write_bytes(content)
    with pytest.raises(SessionFileError, match=message):
        Store.open(path)
    assert path.read_bytes() == content


def test_foreign_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE photos (id INTEGER)")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(SessionFileError, match="not a coworkshop session file"):
        Store.open(path)
    assert _digest(path) == before


def test_missing_file_and_existing_target(tmp_path: Path) -> None:
    with pytest.raises(SessionFileError, match="no such session file"):
        Store.open(tmp_path / "nope.cws")
    make_session(tmp_path / "s.cws")
    with pytest.raises(SessionFileError, match="already exists"):
        Store.create(tmp_path / "s.cws")


def test_read_info_lists_sessions_without_sqlmodel(tmp_path: Path) -> None:
    store, session = make_session(tmp_path / "s.cws")
    commit(store, sessions.add_participant, session, "policy")
    store.close()
    # in a fresh interpreter, so that it can see what listing imports
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from coworkshop.core import probe\n"
        "info = probe.read_info(Path(sys.argv[1]))\n"
        "print([(s.title, s.participants, s.activities) for s in info.sessions])\n"
        "print(','.join(m for m in ('sqlmodel', 'sqlalchemy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "s.cws")],
                          capture_output=True, text=True, check=True)
    listed, loaded = done.stdout.splitlines()
    assert listed == str([("Sofia", 1, 3)])
    assert loaded == "", f"listing loaded {loaded}"


def test_backup_copies_the_live_database(tmp_path: Path) -> None:
    store, session = make_session(tmp_path / "s.cws")
    act = activity(store, session, "canvas-1")
    commit(store, canvas.add_card, act.id, "how", "in the WAL only")
    store.backup_to(tmp_path / "copy.cws")
    copy = Store.open(tmp_path / "copy.cws")
    act = activity(copy, copy.only_session(), "canvas-1")
    assert [c.text for c in commit(copy, canvas.cards, act.id)] == ["in the WAL only"]


def _damage_table(path: Path, table: str) -> None:
    """A b-tree page of ``table`` whose first cell points nowhere."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name=?", (table,)).fetchone()[0]
    page = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with path.open("r+b") as fh:
        fh.seek(page * (root - 1))
        fh.write(b"\x0d\x00\x00\x00\x05\x0f\xff" + b"\x00" * 20)


def test_listing_reads_the_header_and_opening_checks_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "w.cws"
    store, session = make_session(path)
    store.close()
    Store.open(path).close()  # checked in full and fine
    _damage_table(path, "card")  # a table listing does not read
    info = probe.read_info(path)  # a folder lists fast: no full check
    assert [s.title for s in info.sessions] == [session.title]
    with pytest.raises(SessionFileError, match="damaged"):  # changed since: checked again
        Store.open(path)
    with pytest.raises(SessionFileError, match="damaged"):
        probe.check_file(path)


def test_two_stores_of_one_file_survive_another_program_opening_it(tmp_path: Path) -> None:
    """The app works in a file through two stores (the session screen's and the
    live-voting server's) while another program opens it read-write. Opening
    the second store used to read the file's header with Python, which dropped
    SQLite's locks: the other program then deleted the -wal and -shm under the
    open stores, and reopening the session failed with "disk I/O error"."""
    from coworkshop.core import models as m

    path = tmp_path / "w.cws"
    Store.create(path).close()
    outside = [sys.executable, "-c",
               f"import sqlite3; c = sqlite3.connect({str(path)!r}); "
               "c.execute('SELECT count(*) FROM meta').fetchone(); c.close()"]
    first = Store.open(path)
    with first.unit() as db:
        db.add(m.Meta(key="screen", value="1"))
    second = Store.open(path)
    with second.unit() as db:
        db.add(m.Meta(key="server", value="1"))
    subprocess.run(outside, check=True)
    assert (tmp_path / "w.cws-wal").exists() and (tmp_path / "w.cws-shm").exists()
    first.close()  # the facilitator goes home; voting goes on
    again = Store.open(path)  # and comes back
    with second.unit() as db:
        db.add(m.Meta(key="later", value="1"))
    again.close()
    second.close()
    assert sorted(p.name for p in tmp_path.glob("w.cws*")) == ["w.cws"]
    check = Store.open(path, mode="read")
    with check.db() as db:
        assert {k for k in ("screen", "server", "later") if db.get(m.Meta, k)} == {
            "screen", "server", "later"}
    check.close()
