"""The raw SQL of core/sql.py matches the models, and stays in that one module."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateIndex
from sqlmodel import SQLModel

from coworkshop.core import models, sql
from coworkshop.core.store import Store

CORE = Path(sql.__file__).parent


def test_ballot_columns_are_the_models_and_the_files(tmp_path: Path) -> None:
    assert sql.BALLOT_COLUMNS == tuple(c.name for c in models.Ballot.__table__.columns)  # type: ignore[attr-defined]
    Store.create(tmp_path / "s.cws").close()
    con = sqlite3.connect(tmp_path / "s.cws")
    on_disk = tuple(r[1] for r in con.execute("PRAGMA table_info(ballot)"))
    con.close()
    assert on_disk == sql.BALLOT_COLUMNS
    row = sql.ballot_row(id="x", value="1")
    assert len(row) == sql.BALLOT_WIDTH and row[sql.BALLOT_COLUMNS.index("value")] == "1"
    with pytest.raises(TypeError, match="statement"):
        sql.ballot_row(statement=0)


def test_every_statement_compiles_against_a_new_file(tmp_path: Path) -> None:
    store = Store.create(tmp_path / "s.cws")
    con = sqlite3.connect(tmp_path / "s.cws")
    try:
        for text, params in [
            (sql.poll_states(2), 2),
            (sql.live_ballots(3, 2), 6),
            (sql.replace_ballots(2), 6),
            (sql.insert_ballots(2), 2 * sql.BALLOT_WIDTH),
        ]:
            con.execute("EXPLAIN " + text, [None] * params)
    finally:
        con.close()
    with store.engine.connect() as conn:
        assert sql.answers_of(conn, "nobody") == []
        assert sql.upvoted_by(conn, "nobody", ["p1", "p2"]) == set()
    store.close()


def test_partial_indexes_hold_on_postgresql_too() -> None:
    partial = 0
    for table in SQLModel.metadata.tables.values():
        for index in table.indexes:
            lite = index.dialect_options["sqlite"]._non_defaults.get("where")
            pg = index.dialect_options["postgresql"]._non_defaults.get("where")
            assert (lite is None) == (pg is None), index.name
            if lite is not None:
                partial += 1
                assert str(lite) == str(pg), index.name
                ddl = str(CreateIndex(index).compile(dialect=postgresql.dialect()))
                assert " WHERE " in ddl, index.name
    assert partial >= 2


def test_no_other_core_module_runs_raw_sql() -> None:
    # the store, the probe and the migrations open, read and migrate SQLite files as files;
    # the merge copies files into files (ATTACH, INSERT ... SELECT over any table) and the
    # sessions overview reads a file read-only, as the probe does
    allowed = {"sql.py", "store.py", "probe.py", "migrations.py", "overview.py"}
    for path in CORE.rglob("*.py"):
        if path.name in allowed and path.parent == CORE:
            continue
        if path.parent == CORE / "merge":
            continue
        text = path.read_text(encoding="utf-8")
        for marker in ("exec_driver_sql", '"BEGIN', "raw_connection", 'execute("', 'execute(f"'):
            assert marker not in text, f"{path.relative_to(CORE)} uses {marker}"


def test_ids_are_uuid7_ascending_within_a_millisecond() -> None:
    ids = [models.new_id() for _ in range(5000)]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}
    stream = models.id_stream()
    more = [next(stream) for _ in range(200)]
    assert more == sorted(more) and uuid.UUID(more[0]).version == 7
    # the canonical text of an RFC 9562 UUID: what other tools read and write
    for i in ids[:50] + more:
        parsed = uuid.UUID(i)
        assert str(parsed) == i and parsed.variant == uuid.RFC_4122
