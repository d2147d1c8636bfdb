"""How a file of an older schema is brought up to date (see ``store.MIGRATIONS``).

Each step is a function on a bare ``sqlite3`` connection, run inside one
transaction with the schema version's update: a file is migrated whole or not
at all. When it runs (only when a file is opened for work, after a backup) is
the store's decision, not this module's.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import SQLModel

from . import models, templates
from .polls.polls import freeze
from .polls.scales import normalise_scale


def create_missing(con: sqlite3.Connection) -> None:
    """Create every table and index the models declare that the file lacks
    (what ``SQLModel.metadata.create_all`` does, inside the caller's transaction)."""
    dialect = sqlite_dialect.dialect()
    have = set(con.execute("SELECT type, name FROM sqlite_master"))
    for table in SQLModel.metadata.sorted_tables:
        if ("table", table.name) not in have:
            con.execute(str(CreateTable(table).compile(dialect=dialect)))
        for index in table.indexes:
            if ("index", index.name) not in have:
                con.execute(str(CreateIndex(index).compile(dialect=dialect)))


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


class _Row:
    """An activity row as :func:`templates.activity_config` reads it."""

    def __init__(self, key: str, kind: str, title: str, timebox: int, config: Any) -> None:
        self.key, self.kind, self.title, self.timebox_minutes = key, kind, title, timebox
        self.config = json.loads(config) if isinstance(config, str) else (config or {})


def _position_to_key(keys: list[str], value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < len(keys):
        return keys[value]
    return value  # not a position of this question (a hand-edited file): kept as it was


def _choice_keys(definition: dict[str, Any]) -> list[str]:
    scale = definition.get("scale")
    return [c["key"] for c in (scale["points"] if scale else definition.get("options", []))]


def _value_by_keys(definition: dict[str, Any], value: Any) -> Any:
    kind = definition["type"]
    keys = _choice_keys(definition)
    if kind in ("single", "scale", "scale_statements"):
        return _position_to_key(keys, value)
    if kind in ("multiple", "ranking") and isinstance(value, list):
        return [_position_to_key(keys, v) for v in value]
    return value


def _statement_key(definition: dict[str, Any], statement: Any) -> str:
    statements = definition.get("statements", [])
    if not statements:
        return ""
    if isinstance(statement, int) and 0 <= statement < len(statements):
        return str(statements[statement]["key"])
    return str(statement)


def _rebuild(con: sqlite3.Connection, table: str) -> list[dict[str, Any]]:
    """Set ``table`` aside with its rows, so the model's table can be created anew."""
    con.row_factory = sqlite3.Row
    rows = [dict(r) for r in con.execute(f"SELECT * FROM {table}")]  # noqa: S608
    con.row_factory = None
    for (name,) in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL",
        (table,),
    ).fetchall():
        con.execute(f'DROP INDEX "{name}"')
    con.execute(f"DROP TABLE {table}")
    return rows


def _insert(con: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    columns = [c.name for c in SQLModel.metadata.tables[table].columns]
    marks = ", ".join("?" * len(columns))
    con.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
        [[r.get(c) for c in columns] for r in rows],
    )


def to_schema_2(con: sqlite3.Connection) -> None:
    """Schema 1 -> 2: stable keys and frozen question definitions.

    - every scale in a session's plan gets point keys and agree/disagree (those
      of the standard scale whose labels it carries, else keys derived from
      the labels and no sides);
    - activity configurations are stored typed, with their defaults and the
      keys of their options and statements;
    - every question of a poll activity gets its poll row (schema 1 made them
      on first listing) with its definition frozen from the plan and config;
      a poll whose question is gone is marked deleted;
    - ballots and tallies store statement and option/point keys instead of
      positions (tables rebuilt: ``statement`` -> ``statement_key``, ``choice``
      -> ``choice_key``);
    - every table and index the models declare is created if missing.
    """
    now = _now()
    plans: dict[str, dict[str, Any]] = {}
    for sid, raw in con.execute("SELECT id, plan FROM session").fetchall():
        plan = json.loads(raw) if isinstance(raw, str) else (raw or {})
        plan["scales"] = {
            name: normalise_scale(name, scale) for name, scale in (plan.get("scales") or {}).items()
        }
        plans[sid] = plan
        con.execute("UPDATE session SET plan = ? WHERE id = ?", (json.dumps(plan), sid))

    con.execute("ALTER TABLE poll ADD COLUMN definition JSON")
    polls = {
        (a, q): pid for pid, a, q in con.execute("SELECT id, activity_id, question_key FROM poll")
    }
    definitions: dict[str, dict[str, Any]] = {}
    acts = con.execute(
        "SELECT id, session_id, key, kind, title, timebox_minutes, config FROM activity"
    ).fetchall()
    for aid, sid, key, kind, title, timebox, config in acts:
        row = _Row(key, kind, title, timebox, config)
        try:
            typed = templates.activity_config(row)
        except Exception:  # noqa: BLE001 - a hand-edited activity: leave it as it is
            continue
        con.execute(
            "UPDATE activity SET config = ? WHERE id = ?",
            (json.dumps(typed.model_dump(mode="json")), aid),
        )
        for q in typed.questions:
            definition = freeze(key, q, plans.get(sid, {}))
            pid = polls.get((aid, q.key))
            if pid is None:
                pid = models.new_id()
                con.execute(
                    "INSERT INTO poll (id, session_id, created_at, updated_at, activity_id, "
                    "question_key, state, results_visible, times_opened) "
                    "VALUES (?, ?, ?, ?, ?, ?, 'draft', 0, 0)",
                    (pid, sid, now, now, aid, q.key),
                )
            definitions[pid] = definition
            con.execute(
                "UPDATE poll SET definition = ? WHERE id = ?", (json.dumps(definition), pid)
            )
    con.execute(
        "UPDATE poll SET deleted_at = ?, updated_at = ? "
        "WHERE definition IS NULL AND deleted_at IS NULL",
        (now, now),
    )

    ballots = _rebuild(con, "ballot")
    tallies = _rebuild(con, "tally")
    create_missing(con)
    for b in ballots:
        d = definitions.get(b["poll_id"])
        value = json.loads(b["value"]) if isinstance(b["value"], str) else b["value"]
        if d is not None:
            b["statement_key"] = _statement_key(d, b.pop("statement"))
            value = _value_by_keys(d, value)
        else:  # a poll whose question is gone: keep what can be kept
            b["statement_key"] = str(b.pop("statement") or "")
        b["value"] = json.dumps(value)
    _insert(con, "ballot", ballots)
    for t in tallies:
        d = definitions.get(t["poll_id"])
        statement, choice = t.pop("statement"), t.pop("choice")
        t["statement_key"] = _statement_key(d, statement) if d else str(statement or "")
        t["choice_key"] = str(_position_to_key(_choice_keys(d), choice) if d else choice)
    _insert(con, "tally", tallies)
