"""The only raw SQL of the core: the hot paths where measurements justify it.

A burst of ballots (the group-commit writer in :mod:`.polls.ballots`), a phone
reconnecting (its answers and upvotes) and the write lock taken before a ballot
reads its poll's state run here on the bare ``sqlite3`` connection: building
SQLAlchemy expressions cost more than the commit (see ``benchmarks/RESULTS.md``).
Column lists come from the tables' metadata, so a column added to a model is
written here too; ``tests/unit/test_sql.py`` checks every statement against the
models. Everything else in the core goes through SQLAlchemy, except where a
SQLite file is handled as a file (``store``, ``probe``, ``migrations``, and
``merge`` and ``overview``, which copy and read whole files).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar, cast

from sqlalchemy import Connection

from .models import Ballot, Poll, QAVote

if TYPE_CHECKING:
    from .store import Store

T = TypeVar("T")

#: Bind parameters per statement: SQLite before 3.32 allows no more than 999.
MAX_PARAMS = 999


def _columns(model: Any) -> tuple[str, ...]:
    return tuple(c.name for c in model.__table__.columns)


BALLOT_TABLE: str = Ballot.__tablename__  # type: ignore[assignment]
#: Every column of the ballot table, in the order of :func:`ballot_row`.
BALLOT_COLUMNS = _columns(Ballot)
BALLOT_WIDTH = len(BALLOT_COLUMNS)
#: Positions in a row of :data:`BALLOT_COLUMNS` that a batch updates in place.
UPDATED_AT = BALLOT_COLUMNS.index("updated_at")
REPLACED_BY = BALLOT_COLUMNS.index("replaced_by")
_LIVE = "replaced_by IS NULL AND deleted_at IS NULL"


_BALLOT_POSITION = {c: i for i, c in enumerate(BALLOT_COLUMNS)}


def ballot_row(**values: Any) -> list[Any]:
    """A ballot as a row of :data:`BALLOT_COLUMNS`; a column not given is NULL."""
    row: list[Any] = [None] * BALLOT_WIDTH
    try:
        for name, value in values.items():
            row[_BALLOT_POSITION[name]] = value
    except KeyError:
        unknown = sorted(set(values) - set(BALLOT_COLUMNS))
        raise TypeError(f"not ballot columns: {unknown}") from None
    return row


def marks(n: int, width: int = 0) -> str:
    """``?, ?, ?`` for n values, or ``(?, ?), (?, ?)`` for n rows of ``width`` values."""
    if not width:
        return ", ".join("?" * n)
    return ", ".join([f"({marks(width)})"] * n)


def chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def db_time(moment: datetime) -> str:
    """How SQLAlchemy stores a DateTime in SQLite (naive UTC); the ORM reads it back."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def json_value(raw: Any) -> Any:
    """A JSON column's value as read with plain SQL."""
    # the column has NUMERIC affinity: SQLite stores the JSON "2" as the integer 2
    return json.loads(raw) if isinstance(raw, str) else raw


# ---------------------------------------------------------------- transactions


@contextmanager
def immediate(store: Store) -> Iterator[Connection]:
    """One write transaction that takes SQLite's write lock at once.

    Taking the lock before reading a poll's state orders a ballot strictly
    before or after a concurrent close.
    """
    with store.engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


@contextmanager
def raw_immediate(store: Store) -> Iterator[sqlite3.Cursor]:
    """Like :func:`immediate` on the bare sqlite3 connection: the hot path of a
    ballot, where building SQLAlchemy expressions cost more than the commit."""
    raw = store.engine.raw_connection()
    try:
        cur = cast(sqlite3.Cursor, raw.cursor())  # the store's engine is pysqlite
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            raw.rollback()
            raise
        raw.commit()
    finally:
        raw.close()


# ---------------------------------------------------------------- ballots


def poll_states(n: int) -> str:
    """``(id, state)`` of n polls."""
    return f"SELECT id, state FROM {Poll.__tablename__} WHERE id IN ({marks(n)})"


def live_ballots(n_statements: int, n_people: int) -> str:
    """``(participant_id, statement_key, id, value)`` of the live ballots of one
    poll (first parameter), n statements and n participants. Naming every
    statement lets SQLite seek the live-ballot index (poll, statement,
    participant) instead of reading every ballot ever cast in the poll."""
    return (
        f"SELECT participant_id, statement_key, id, value FROM {BALLOT_TABLE} "
        f"WHERE poll_id = ? AND statement_key IN ({marks(n_statements)}) "
        f"AND participant_id IN ({marks(n_people)}) AND {_LIVE}"
    )


def replace_ballots(n: int) -> str:
    """Mark n ballots replaced: parameters are (old id, new id, when) triples."""
    return (
        f"WITH replaced(old, new, at) AS (VALUES {marks(n, 3)}) "
        f"UPDATE {BALLOT_TABLE} SET "
        f"replaced_by = (SELECT new FROM replaced WHERE old = {BALLOT_TABLE}.id), "
        f"updated_at = (SELECT at FROM replaced WHERE old = {BALLOT_TABLE}.id) "
        "WHERE id IN (SELECT old FROM replaced)"
    )


def insert_ballots(n: int) -> str:
    """Insert n rows of :data:`BALLOT_COLUMNS`."""
    return (
        f"INSERT INTO {BALLOT_TABLE} ({', '.join(BALLOT_COLUMNS)}) "
        f"VALUES {marks(n, BALLOT_WIDTH)}"
    )


def answers_of(conn: Connection, participant_id: str) -> list[tuple[str, str, Any]]:
    """``(poll_id, statement_key, value)`` of a participant's live ballots."""
    # The participants' server asks this for every phone that connects, and a
    # room connects at once when the server restarts.
    rows = conn.exec_driver_sql(
        f"SELECT poll_id, statement_key, value FROM {BALLOT_TABLE} "
        f"WHERE participant_id = ? AND {_LIVE}",
        (participant_id,),
    )
    return [(p, s, json_value(v)) for p, s, v in rows]


def upvoted_by(conn: Connection, participant_id: str, poll_ids: list[str]) -> set[str]:
    """The Q&A items a participant upvoted (and has not withdrawn) in these polls."""
    rows = conn.exec_driver_sql(
        f"SELECT item_id FROM {QAVote.__tablename__} WHERE poll_id IN ({marks(len(poll_ids))}) "
        "AND participant_id = ? AND deleted_at IS NULL",
        (*poll_ids, participant_id),
    )
    return {item_id for (item_id,) in rows}


# ---------------------------------------------------------------- records


def insert_records(cur: sqlite3.Cursor, model: Any, records: list[dict[str, Any]]) -> None:
    """Insert rows of ``model``'s table, as many per statement as SQLite allows.

    A column a record does not give is NULL; :func:`db_time` turns datetimes
    into what the ORM reads back.
    """
    if not records:
        return
    columns = _columns(model)
    unknown = set().union(*records) - set(columns)
    if unknown:
        raise TypeError(f"not columns of {model.__tablename__}: {sorted(unknown)}")
    rows = [[db_time(v) if isinstance(v, datetime) else v for v in
             (r.get(c) for c in columns)] for r in records]
    per = max(1, MAX_PARAMS // len(columns))
    for part in chunks(rows, per):
        cur.execute(f"INSERT INTO {model.__tablename__} ({', '.join(columns)}) "
                    f"VALUES {marks(len(part), len(columns))}",
                    [v for row in part for v in row])
