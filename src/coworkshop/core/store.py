"""Open, create, migrate and pack session files.

A session file is one SQLite database. While a facilitator works in it, it is
in WAL mode with ``synchronous=FULL``: every change is committed at once, and a
commit that returned has reached the disk, so ``kill -9`` or a closed lid loses
nothing that was acknowledged (the next open folds the ``-wal`` back in). The
PRAGMAs are set on every connection through SQLAlchemy's ``connect`` event.

When the store closes, everything is checkpointed into the file and the file
is left in rollback-journal mode: the ``.cws`` is then complete on its own
(it can be emailed alone) and readers open it without side files.

Two ways to open (:meth:`Store.open`):

``mode="work"``
    A facilitator works in it: an older schema is migrated after a backup copy
    beside it; a file or folder without write permission falls back to reading.
``mode="read"``
    Listing, reports, merges: nothing is written, no side file is left; an
    older schema is migrated in memory, never on disk.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import Session as DBSession
from sqlmodel import SQLModel, create_engine, select

from . import models, probe
from .errors import SessionFileError, UserError
from .probe import APP_ID, READ_ONLY_NOTICE

Mode = Literal["work", "read"]


def _to_schema_2(con: sqlite3.Connection) -> None:
    from .migrations import to_schema_2  # imports the voting core, which imports the store

    to_schema_2(con)


# version -> function that brings a file from version-1 to version (see migrations.py).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _to_schema_2}


class ReadOnlyError(UserError):
    """A change was asked of a file opened for reading."""


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit returns only after the WAL is synced (about 0.2 ms here).
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _set_read_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA query_only=ON")  # also guards a copy migrated in memory
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def _refuse_writes(path: Path, engine: Engine) -> None:
    """Turn SQLite's "readonly database" into the one-line notice."""

    def handle(ctx: Any) -> None:
        exc = ctx.original_exception
        name = getattr(exc, "sqlite_errorname", "") or ""
        if name.startswith("SQLITE_READONLY") or "readonly database" in str(exc):
            raise ReadOnlyError(f"{path}: {READ_ONLY_NOTICE}") from None

    event.listen(engine, "handle_error", handle)


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    _refuse_writes(path, engine)
    return engine


def _read_engine(path: Path) -> Engine:
    def connect() -> sqlite3.Connection:
        return probe.ro_connect(path, check_same_thread=False)

    engine = create_engine(f"sqlite:///{path}", creator=connect)
    event.listen(engine, "connect", _set_read_pragmas)
    _refuse_writes(path, engine)
    return engine


def _memory_engine(con: sqlite3.Connection, path: Path) -> Engine:
    engine = create_engine("sqlite://", creator=lambda: con, poolclass=StaticPool)
    event.listen(engine, "connect", _set_read_pragmas)
    _refuse_writes(path, engine)
    return engine


def writable(path: Path) -> bool:
    """Whether a facilitator can work in ``path``: the file and its folder
    (where SQLite keeps its side files) must both be writable."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def backup_path(path: Path, version: int) -> Path:
    """Where the copy made before migrating from ``version`` goes (never overwritten)."""
    target = path.with_name(f"{path.stem}.schema{version}-backup{path.suffix}")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.stem}.schema{version}-backup-{n}{path.suffix}")
        n += 1
    return target


#: Stores open for work in this process, by file. SQLite must not close a
#: connection of this process while another of its connections to the same
#: file stays open: after another program has opened the file read-write,
#: such a close can fold and delete the ``-wal`` and ``-shm`` under the open
#: one (the app's session screen and its live-voting server both work in the
#: file; reopening the session then failed with "disk I/O error"). A store
#: closed while others of its file are open parks its engine; the last one
#: out closes them all and folds the file in.
_OPEN: dict[Path, list[Store]] = {}
_PARKED: dict[Path, list[Engine]] = {}
_OPEN_LOCK = threading.Lock()


def _register(store: Store) -> Store:
    with _OPEN_LOCK:
        key = store.path.resolve()
        _OPEN.setdefault(key, []).append(store)
        probe.WORKING.add(key)
    return store


class Store:
    """An open session file. Create with :meth:`open` or :meth:`create`.

    ``read_only`` is True when changes are refused (opened for reading, or no
    write permission); ``notice`` then says so in one line.
    """

    def __init__(
        self, path: Path, engine: Engine, *, read_only: bool = False, notice: str = ""
    ) -> None:
        self.path = path
        self.engine = engine
        self.read_only = read_only
        self.notice = notice
        #: Set when an older file was migrated on open: the copy made first.
        self.backup: Path | None = None

    @classmethod
    def open(cls, path: Path | str, mode: Mode = "work", *, full_check: bool = True) -> Store:
        """Open an existing session file to work in it or to read it.

        Foreign, corrupt, newer and unknown files are refused before anything
        is written. See the module docstring for the two modes. ``full_check``
        False skips SQLite's check of every page (the header and schema are
        still checked): for a process handed a file another one just checked
        in full (the app's participants' server).
        """
        path = Path(path)
        if mode == "read":
            return cls._open_read(path)
        if path.exists() and not path.is_dir() and not writable(path):
            store = cls._open_read(path)
            store.notice = f"{path.name}: {READ_ONLY_NOTICE}"
            return store
        version = probe.check_file(path, full=full_check, timeout=probe.OPEN_TIMEOUT)
        _check_migrations(path, version)
        backup = None
        if version < probe.SCHEMA_VERSION:
            backup = backup_path(path, version)
            try:
                _copy(path, backup)
            except (SessionFileError, OSError) as exc:
                backup.unlink(missing_ok=True)
                raise SessionFileError(
                    "{path}: made by an older coworkshop; could not keep a backup copy ({name}) "
                    "before updating it, so nothing was changed: {exc}", path=path,
                    name=backup.name, exc=exc
                ) from exc
            _migrate(path, version)
        engine = _engine(path)
        try:
            with engine.begin() as con:
                # After a crash the -wal holds the last commits: fold them into
                # the file now (PASSIVE: never waits for another program).
                con.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
                has_id = con.exec_driver_sql(
                    "SELECT 1 FROM meta WHERE key = 'file_id'"
                ).first()
                if has_id is None:  # a file made before files had ids
                    con.exec_driver_sql(
                        "INSERT INTO meta (key, value) VALUES ('file_id', ?)",
                        (models.new_id(),),
                    )
                # Tables added within schema 2 (phone matches, personal codes)
                # are missing from files made before them: made here, empty.
                have = {name for (name,) in con.exec_driver_sql(
                    "SELECT name FROM sqlite_master WHERE type = 'table'")}
                missing = [t for t in SQLModel.metadata.sorted_tables if t.name not in have]
                if missing:
                    SQLModel.metadata.create_all(con, tables=missing)
        except Exception as exc:
            engine.dispose()
            fold_in(path)
            original = getattr(exc, "orig", None)
            if isinstance(original, sqlite3.Error):
                raise probe.describe_error(path, original) from exc
            raise
        store = cls(path, engine)
        store.backup = backup
        return _register(store)

    @classmethod
    def _open_read(cls, path: Path) -> Store:
        version = probe.check_file(path, timeout=probe.OPEN_TIMEOUT)
        _check_migrations(path, version)
        if version == probe.SCHEMA_VERSION:
            engine = _read_engine(path)
        else:
            # An older file is read as it would be after migrating, without
            # touching it: the migrations run on a copy in memory.
            mem = sqlite3.connect(":memory:", check_same_thread=False)
            src = probe.ro_connect(path)
            try:
                src.backup(mem)
            finally:
                src.close()
            _run_migrations(mem, version)
            engine = _memory_engine(mem, path)
        return cls(path, engine, read_only=True)

    @classmethod
    def create(cls, path: Path | str) -> Store:
        """Create a new, empty session file. Refuses to overwrite a file."""
        path = Path(path)
        if path.exists():
            raise SessionFileError("{path}: already exists; choose another name", path=path)
        if not path.parent.is_dir():
            raise SessionFileError("{parent}: no such folder", parent=path.parent)
        engine = _engine(path)
        _fill_new(engine)
        return _register(cls(path, engine))

    @classmethod
    def memory(cls) -> Store:
        """An in-memory store, for tests and previews."""
        engine = create_engine(
            "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
        _fill_new(engine)
        return cls(Path(":memory:"), engine)

    @contextmanager
    def db(self) -> Iterator[DBSession]:
        """A database session; objects stay usable after commit."""
        with DBSession(self.engine, expire_on_commit=False) as db:
            yield db

    def file_id(self) -> str:
        """The file's own id (UUIDv7), "" for an older file opened for reading."""
        with self.db() as db:
            row = db.get(models.Meta, "file_id")
            return row.value if row is not None else ""

    def sessions(self) -> list[models.Session]:
        with self.db() as db:
            stmt = select(models.Session).where(models.Session.deleted_at.is_(None))  # type: ignore[union-attr]
            return list(db.exec(stmt.order_by(models.Session.date, models.Session.title)))

    def session(self, ref: str | None = None) -> models.Session:
        """The session ``ref`` names (its id or a unique start of it).

        Without ``ref`` the file must hold exactly one session: a file holding
        several never silently opens on the first.
        """
        return probe.pick_session(self.path, self.sessions(), ref)

    def only_session(self) -> models.Session:
        """The one session of a facilitator's file; refuses a file holding several."""
        return self.session(None)

    def backup_to(self, target: Path) -> None:
        """Copy the live database safely (a plain file copy would lose the WAL)."""
        _copy(self.path, target)

    def close(self) -> None:
        """Close; a file worked in is checkpointed and left complete on its own
        (by the last of this process's stores working in it)."""
        if self.read_only or str(self.path) == ":memory:":
            self.engine.dispose()
            return
        with _OPEN_LOCK:
            key = self.path.resolve()
            others = [s for s in _OPEN.get(key, []) if s is not self]
            if others:
                _OPEN[key] = others
                _PARKED.setdefault(key, []).append(self.engine)
                return
            _OPEN.pop(key, None)
            probe.WORKING.discard(key)
            engines = [*_PARKED.pop(key, []), self.engine]
        for engine in engines:
            engine.dispose()
        fold_in(self.path)

    @contextmanager
    def unit(self) -> Iterator[DBSession]:
        """One unit of work: commits once when the block ends, rolls back if it raises.

        Core functions take this session and never commit themselves, so a
        change of several steps is one transaction.
        """
        with DBSession(self.engine, expire_on_commit=False) as db:
            try:
                yield db
                db.commit()
            except BaseException:
                db.rollback()
                raise


def fold_in(path: Path) -> bool:
    """Checkpoint ``path``'s WAL into the file and leave it in rollback-journal
    mode, with no side files. Returns False when another program still has
    the file open (it is left as it is; the last one out folds it in)."""
    try:  # mode=rw: never creates a file that is gone
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=0.2)
    except sqlite3.Error:
        return False
    try:
        mode = con.execute("PRAGMA journal_mode=DELETE").fetchone()
        return bool(mode) and str(mode[0]).lower() == "delete"
    except sqlite3.Error:
        return False
    finally:
        con.close()


def _check_migrations(path: Path, version: int) -> None:
    missing = [v for v in range(version + 1, probe.SCHEMA_VERSION + 1) if v not in MIGRATIONS]
    if missing:
        raise SessionFileError(
            "{path}: unknown file schema {version} (this version cannot bring it to schema "
            "{SCHEMA_VERSION}); it cannot be opened", path=path, version=version,
            SCHEMA_VERSION=probe.SCHEMA_VERSION
        )


def _fill_new(engine: Engine) -> None:
    SQLModel.metadata.create_all(engine)
    with DBSession(engine) as db:
        db.add(models.Meta(key="app", value=APP_ID))
        db.add(models.Meta(key="schema_version", value=str(probe.SCHEMA_VERSION)))
        db.add(models.Meta(key="file_id", value=models.new_id()))
        db.commit()


def _copy(source: Path, target: Path) -> None:
    """A consistent copy of ``source`` (with what its -wal holds) in
    rollback-journal mode, with SQLite's backup API. Writes only ``target``."""
    src = probe.ro_connect(source)
    try:
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise probe.describe_error(source, exc) from exc
    finally:
        src.close()


def pack(source: Path, target: Path) -> None:
    """Write one consistent, self-contained copy of ``source`` to ``target``.

    Safe while the workshop is running: the copy holds every committed change,
    including those still in the ``-wal``. Refuses to overwrite ``target``;
    ``source`` is only read.
    """
    probe.check_file(source)
    if target.exists() or probe.side_file(target, "-wal").exists():
        raise SessionFileError("{target}: already exists; choose another name", target=target)
    if not target.parent.is_dir():
        raise SessionFileError("{parent}: no such folder", parent=target.parent)
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        _copy(source, partial)
        con = sqlite3.connect(f"{partial.resolve().as_uri()}?mode=ro", uri=True)
        try:
            ok = con.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            con.close()
        if not ok or ok[0] != "ok":
            raise SessionFileError("{source}: the copy did not check out ({ok}); nothing "
                                   "written", source=source, ok=ok)
        partial.rename(target)
    finally:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)


def _run_migrations(con: sqlite3.Connection, version: int) -> None:
    """Bring ``con``'s database from ``version`` up to date, one transaction per step."""
    # isolation_level=None: this code opens and ends the transaction itself, so
    # that a step's table changes (DDL) are undone with the rest if it fails.
    level, con.isolation_level = con.isolation_level, None
    try:
        for target in range(version + 1, probe.SCHEMA_VERSION + 1):
            con.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[target](con)
                con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(target),))
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
    finally:
        con.isolation_level = level


def _migrate(path: Path, version: int) -> None:
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        _run_migrations(con, version)
    finally:
        con.close()


def schema_sql() -> list[str]:
    """The SQLite ``CREATE`` statements of every table and index the models declare.

    What ``SQLModel.metadata.create_all`` runs, for bulk paths that build a file
    with the standard ``sqlite3`` module in one transaction (``create_all``
    through an engine costs a third of a second).
    """
    from sqlalchemy.dialects import sqlite
    from sqlalchemy.schema import CreateIndex, CreateTable

    dialect = sqlite.dialect()
    out: list[str] = []
    for table in SQLModel.metadata.sorted_tables:
        out.append(str(CreateTable(table).compile(dialect=dialect)).strip())
        for index in sorted(table.indexes, key=lambda i: str(i.name)):
            out.append(str(CreateIndex(index).compile(dialect=dialect)).strip())
    return out
