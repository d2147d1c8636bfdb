"""Open, create and migrate session files.

A session file is one SQLite database in WAL mode with ``synchronous=FULL``:
every change is committed at once, and a commit that returned has reached the
disk, so ``kill -9`` or a closed lid loses nothing that was acknowledged.
The PRAGMAs are set on every connection through SQLAlchemy's ``connect`` event.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session as DBSession
from sqlmodel import SQLModel, create_engine, select

from . import models
from .errors import SessionFileError
from .probe import APP_ID, SCHEMA_VERSION, check_file


def _to_schema_2(con: sqlite3.Connection) -> None:
    from .migrations import to_schema_2  # imports the voting core, which imports the store

    to_schema_2(con)


# version -> function that brings a file from version-1 to version (see migrations.py).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {2: _to_schema_2}


def _set_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    # FULL: a commit returns only after the WAL is synced (about 0.2 ms here).
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.close()


def _engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False})
    event.listen(engine, "connect", _set_pragmas)
    return engine


class Store:
    """An open session file. Create with :meth:`open` or :meth:`create`."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine

    @classmethod
    def open(cls, path: Path | str) -> Store:
        """Open an existing session file, migrating an older schema.

        Foreign, corrupt and newer files are refused before anything is written.
        """
        path = Path(path)
        version = check_file(path)
        if version < SCHEMA_VERSION:
            _migrate(path, version)
        return cls(path, _engine(path))

    @classmethod
    def create(cls, path: Path | str) -> Store:
        """Create a new, empty session file. Refuses to overwrite a file."""
        path = Path(path)
        if path.exists():
            raise SessionFileError(f"{path}: already exists; choose another name")
        if not path.parent.is_dir():
            raise SessionFileError(f"{path.parent}: no such folder")
        engine = _engine(path)
        SQLModel.metadata.create_all(engine)
        with DBSession(engine) as db:
            db.add(models.Meta(key="app", value=APP_ID))
            db.add(models.Meta(key="schema_version", value=str(SCHEMA_VERSION)))
            db.commit()
        return cls(path, engine)

    @classmethod
    def memory(cls) -> Store:
        """An in-memory store, for tests and previews."""
        from sqlalchemy.pool import StaticPool

        engine = create_engine(
            "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
        SQLModel.metadata.create_all(engine)
        with DBSession(engine) as db:
            db.add(models.Meta(key="app", value=APP_ID))
            db.add(models.Meta(key="schema_version", value=str(SCHEMA_VERSION)))
            db.commit()
        return cls(Path(":memory:"), engine)

    @contextmanager
    def db(self) -> Iterator[DBSession]:
        """A database session; objects stay usable after commit."""
        with DBSession(self.engine, expire_on_commit=False) as db:
            yield db

    def sessions(self) -> list[models.Session]:
        with self.db() as db:
            stmt = select(models.Session).where(models.Session.deleted_at.is_(None))  # type: ignore[union-attr]
            return list(db.exec(stmt.order_by(models.Session.date, models.Session.title)))

    def only_session(self) -> models.Session:
        """The session of a facilitator's file (the first, for merged files)."""
        found = self.sessions()
        if not found:
            raise SessionFileError(f"{self.path}: holds no session")
        return found[0]

    def backup_to(self, target: Path) -> None:
        """Copy the live database safely (a plain file copy would lose the WAL)."""
        src = sqlite3.connect(str(self.path))
        dst = sqlite3.connect(str(target))
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()

    def close(self) -> None:
        self.engine.dispose()


def _migrate(path: Path, version: int) -> None:
    # isolation_level=None: this code opens and ends the transaction itself, so
    # that a step's table changes (DDL) are undone with the rest if it fails.
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        for target in range(version + 1, SCHEMA_VERSION + 1):
            con.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[target](con)
                con.execute("UPDATE meta SET value=? WHERE key='schema_version'", (str(target),))
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
    finally:
        con.close()
