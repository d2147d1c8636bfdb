"""Session files attached read-only into one in-memory database (the hub).

Every input is attached read-only and its rows are copied in by id, the newer
``updated_at`` winning, exactly as a merge combines files: several files at
once give the figures of their merged file, and a session found in two inputs
is counted once. Names of people and device data are never copied.

A file without side files is attached ``immutable`` (SQLite then creates no
``-wal``/``-shm``); a file whose ``-wal`` exists (its app is running, or it
crashed) is attached ``mode=ro`` so its latest answers are read too.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..core.errors import SessionFileError, UserError
from ..core.probe import APP_ID, SCHEMA_VERSION, check_head

# table -> columns copied (None: every column). Participants keep their group and
# pseudonymous id only; devices are not read at all.
_TABLES: dict[str, tuple[str, ...] | None] = {
    "session": None,
    "activity": None,
    "participant": (
        "id", "session_id", "created_at", "updated_at", "deleted_at", "stakeholder_group",
        "country",
    ),
    # a phone matched with a registered participant is one person (no names here)
    "phone_match": (
        "id", "session_id", "created_at", "updated_at", "deleted_at", "phone_participant_id",
        "unmatched_at",
    ),
    "poll": None,
    "ballot": (
        "id", "session_id", "created_at", "updated_at", "deleted_at", "poll_id", "activity_id",
        "question_key", "statement", "statement_key", "value", "participant_id",
        "stakeholder_group", "replaced_by",
    ),
    "tally": None,
    "qaitem": (
        "id", "session_id", "created_at", "updated_at", "deleted_at", "poll_id", "activity_id",
        "question_key", "text", "participant_id", "stakeholder_group", "highlighted",
        "answered", "hidden",
    ),
    "qavote": (
        "id", "session_id", "created_at", "updated_at", "deleted_at", "item_id", "poll_id",
        "participant_id",
    ),
    "card": None,
    "cardrevision": None,
    "comment": None,
    # stakeholder register, mapping rounds and checklist (the maps are named
    # actors, not participants: the report shows them)
    "stakeholder": None,
    "mappinground": None,
    "stakeholderrating": None,
    "mappinganswer": None,
    "checklistentry": None,
}


# Columns that exist in one schema only: schema 1 stored positions, schema 2 keys.
_BOTH_SCHEMAS = {
    "poll": ("definition",),
    "ballot": ("statement", "statement_key"),
    "tally": ("statement", "choice", "statement_key", "choice_key"),
}


_INDEXES = (
    ("ballot", "poll_id"), ("tally", "poll_id"), ("qaitem", "poll_id"), ("qavote", "item_id"),
    ("card", "activity_id"), ("cardrevision", "card_id"), ("comment", "card_id"),
    ("participant", "session_id"), ("poll", "session_id"),
)


def _ro_uri(path: Path) -> str:
    uri = path.resolve().as_uri()
    wal = path.with_name(path.name + "-wal")
    return f"{uri}?mode=ro" if wal.exists() else f"{uri}?mode=ro&immutable=1"


def _check_meta(path: Path, meta: dict[str, str]) -> None:
    # The rules of probe.check_file, applied to the attached copy (check_file
    # itself opens the file in a way that leaves -wal/-shm beside it).
    if meta.get("app") != APP_ID:
        raise SessionFileError("{path}: an SQLite database, but not a coworkshop session "
                               "file", path=path)
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError as exc:
        raise SessionFileError("{path}: the session file has no valid schema version",
                               path=path) from exc
    if not 1 <= version <= SCHEMA_VERSION:
        raise SessionFileError(
            f"{path}: made by a newer coworkshop (file schema {version}, this version reads "
            f"up to {SCHEMA_VERSION}); update coworkshop to open it"
            if version > SCHEMA_VERSION
            else f"{path}: the session file has no valid schema version"
        )


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Hub:
    """The rows of one or more session files, in memory, deduplicated by id."""

    def __init__(self) -> None:
        self.con = sqlite3.connect(":memory:", uri=True, isolation_level=None)
        self.files: list[Path] = []
        self.columns: dict[str, set[str]] = {}

    def close(self) -> None:
        self.con.close()

    def add(self, path: Path) -> None:
        """Copy the rows of one file in. Refuses foreign, damaged and newer files."""
        check_head(path)
        try:
            self.con.execute("ATTACH DATABASE ? AS src", (_ro_uri(path),))
        except sqlite3.DatabaseError as exc:
            raise SessionFileError("{path}: cannot be read ({exc})", path=path, exc=exc) from exc
        try:
            src_tables = {
                r[0]
                for r in self.con.execute("SELECT name FROM src.sqlite_master WHERE type='table'")
            }
            if "meta" not in src_tables:
                raise SessionFileError(
                    "{path}: an SQLite database, but not a coworkshop session file", path=path
                )
            meta = dict(self.con.execute("SELECT key, value FROM src.meta").fetchall())
            _check_meta(path, meta)
            for table, wanted in _TABLES.items():
                if table in src_tables:
                    self._copy(table, wanted)
        except sqlite3.DatabaseError as exc:
            raise SessionFileError(
                "{path}: the session file is damaged or unreadable ({exc})", path=path, exc=exc
            ) from exc
        finally:
            self.con.execute("DETACH DATABASE src")
        self.files.append(path)

    def _copy(self, table: str, wanted: tuple[str, ...] | None) -> None:
        src_cols = [r[1] for r in self.con.execute(f"PRAGMA src.table_info({_q(table)})")]
        cols = [c for c in src_cols if wanted is None or c in wanted]
        if "id" not in cols:
            return
        have = self.columns.get(table)
        if have is None:
            self.con.execute(
                f"CREATE TABLE main.{_q(table)} AS SELECT "
                + ", ".join(_q(c) for c in cols)
                + f" FROM src.{_q(table)} WHERE 0"
            )
            self.con.execute(f"CREATE UNIQUE INDEX main.{_q('ux_' + table)} ON {_q(table)}(id)")
            have = self.columns[table] = set(cols)
        for c in cols:
            if c not in have:
                self.con.execute(f"ALTER TABLE main.{_q(table)} ADD COLUMN {_q(c)}")
                have.add(c)
        names = ", ".join(_q(c) for c in cols)
        updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in cols if c != "id")
        newer = (
            f" WHERE excluded.updated_at > {_q(table)}.updated_at" if "updated_at" in cols else ""
        )
        self.con.execute(
            f"INSERT INTO main.{_q(table)} ({names}) SELECT {names} FROM src.{_q(table)} WHERE 1 "
            f"ON CONFLICT(id) DO UPDATE SET {updates}{newer}"
        )

    def finish(self) -> None:
        """Index the hub for the report's queries, and give every table the
        columns of both schemas, so one query reads schema-1 rows (positions)
        and schema-2 rows (keys) together."""
        for table, column in _INDEXES:
            if self.has(table, column):
                self.con.execute(
                    f"CREATE INDEX main.{_q(f'ix_{table}_{column}')} ON {_q(table)}({_q(column)})"
                )
        for table, cols in _BOTH_SCHEMAS.items():
            have = self.columns.get(table)
            if have is None:
                continue
            for c in cols:
                if c not in have:
                    self.con.execute(f"ALTER TABLE main.{_q(table)} ADD COLUMN {_q(c)}")
                    have.add(c)

    @contextmanager
    def orm(self) -> Iterator[Any]:
        """A read-only SQLModel session over the hub, for core functions that
        take one (stakeholder maps, checklists). Participants' names and
        devices are not in the hub: their columns read as empty."""
        from sqlalchemy import create_engine
        from sqlalchemy.pool import StaticPool
        from sqlmodel import Session as DBSession

        from ..core import models

        for table in ("participant",):
            have = self.columns.get(table)
            if have is None:
                continue
            for column in models.Participant.__table__.columns:  # type: ignore[attr-defined]
                if column.name not in have:
                    self.con.execute(
                        f"ALTER TABLE main.{_q(table)} ADD COLUMN {_q(column.name)} DEFAULT ''"
                    )
                    have.add(column.name)
        engine = create_engine("sqlite://", creator=lambda: self.con, poolclass=StaticPool)
        try:
            with DBSession(engine) as db:
                yield db
                db.rollback()
        finally:
            engine.dispose(close=False)

    def has(self, table: str, column: str | None = None) -> bool:
        cols = self.columns.get(table)
        return cols is not None and (column is None or column in cols)

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params).fetchall()


def open_files(paths: Iterable[Path | str]) -> Hub:
    """A hub holding every input. One bad input refuses the whole report."""
    hub = Hub()
    try:
        seen: set[Path] = set()
        for p in paths:
            path = Path(p)
            if path.resolve() in seen:
                continue
            seen.add(path.resolve())
            hub.add(path)
        if not hub.has("session"):
            raise UserError("no session found in the given files")
        hub.finish()
    except BaseException:
        hub.close()
        raise
    return hub
