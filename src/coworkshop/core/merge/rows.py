"""The generic row merge: tables from the models, rows by id, conflicts kept whole."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..errors import SessionFileError
from .report import COUNTED, Conflict, MergeReport, SourceReport

if TYPE_CHECKING:
    from .inputs import _Input

#: Namespace of the ids merge derives (source and merge_conflict rows, derived file ids).
NAMESPACE = uuid.UUID("6f1c3f0e-5b0a-4d7e-9a55-0c0ffee0cc11")

#: Tables of provenance: merged by id only, first writer wins (see the module doc).
PROVENANCE = ("source", "merge_conflict")


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]
    keyed: bool  # a single ``id`` primary key
    uniques: tuple[tuple[tuple[str, ...], str], ...]  # (columns, partial WHERE or "")

    @property
    def provenance(self) -> bool:
        return self.name in PROVENANCE


def _tables() -> list[_Table]:
    """Every table the models declare except ``meta``; provenance tables last."""
    from sqlmodel import SQLModel

    from .. import models  # noqa: F401  (registers the tables)

    found = []
    for t in SQLModel.metadata.sorted_tables:
        if t.name == "meta":
            continue
        pk = [c.name for c in t.primary_key.columns]
        uniques: list[tuple[tuple[str, ...], str]] = []
        for idx in t.indexes:
            if idx.unique:
                where = idx.dialect_options["sqlite"].get("where")
                cols = tuple(c.name for c in idx.columns)
                uniques.append((cols, "" if where is None else str(where)))
        for col in t.columns:
            if col.unique:
                uniques.append(((col.name,), ""))
        found.append(_Table(t.name, tuple(c.name for c in t.columns), pk == ["id"], tuple(uniques)))
    found.sort(key=lambda t: t.provenance)
    return found


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _cols(cols: Iterable[str], prefix: str = "") -> str:
    return ", ".join(prefix + _q(c) for c in cols)


def _db_time(moment: datetime) -> str:
    # How SQLAlchemy stores a DateTime in SQLite (naive UTC).
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _canonical(row: dict[str, Any]) -> str:
    return json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _digest(row: dict[str, Any]) -> str:
    return hashlib.sha256(_canonical(row).encode()).hexdigest()


def _rank(row: dict[str, Any]) -> tuple[str, str]:
    """Which version of a record is current: the latest ``updated_at``, then content."""
    return (str(row.get("updated_at") or ""), _digest(row))


def _columns(con: sqlite3.Connection, schema: str = "main") -> dict[str, set[str]]:
    """Every table of ``schema`` (but SQLite's own) with its columns, in one query."""
    out: dict[str, set[str]] = {}
    rows = con.execute(
        f"SELECT m.name, p.name FROM {schema}.sqlite_master m "
        f"JOIN pragma_table_info(m.name, '{schema}') p WHERE m.type = 'table' "
        "AND m.name NOT LIKE 'sqlite_%'"
    )
    for table, column in rows:
        out.setdefault(str(table), set()).add(str(column))
    return out


def _version() -> str:
    from ... import __version__

    return __version__


# ---------------------------------------------------------------- inputs


@dataclass
class _Diff:
    table: _Table
    incoming: dict[str, Any]
    existing: dict[str, Any]

    @property
    def session_id(self) -> str:
        return str(self.incoming.get("session_id") or self.existing.get("session_id") or "")


class _Merger:
    """Merges inputs, one transaction each, into the open output connection."""

    def __init__(self, con: sqlite3.Connection, tables: list[_Table], report: MergeReport) -> None:
        self.con = con
        self.tables = tables
        self.by_name = {t.name: t for t in tables}
        self.report = report
        self.now = _db_time(datetime.now(UTC))
        self.version = _version()

    # -- versions kept aside

    def keep_version(
        self, table: str, row: dict[str, Any], kind: str, source_file: str
    ) -> bool:
        """Store another version of a record; False when it is there already."""
        digest = _digest(row)
        vid = str(uuid.uuid5(NAMESPACE, f"version/{table}/{row.get('id')}/{digest}"))
        cur = self.con.execute(
            "INSERT INTO main.merge_conflict (id, session_id, created_at, updated_at, "
            "table_name, row_id, kind, version, version_updated_at, source_file) "
            "SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
            "WHERE NOT EXISTS (SELECT 1 FROM main.merge_conflict WHERE id = ?)",
            (
                vid, str(row.get("session_id") or ""), self.now, self.now, table,
                str(row.get("id")), kind, _canonical(row), str(row.get("updated_at") or ""),
                source_file, vid,
            ),
        )
        return cur.rowcount == 1

    def sources_of(self, session_id: str) -> str:
        names = self.con.execute(
            "SELECT DISTINCT file_name FROM main.source WHERE session_id = ? ORDER BY file_name",
            (session_id,),
        ).fetchall()
        return ", ".join(n for (n,) in names)

    # -- unique indexes

    def clashers(self, t: _Table, row: dict[str, Any]) -> list[dict[str, Any]]:
        """Rows of the output that a unique index forbids ``row`` to sit beside."""
        found: dict[str, dict[str, Any]] = {}
        for cols, where in t.uniques:
            cond = " AND ".join(f"{_q(c)} IS ?" for c in cols)
            if where:
                cond += f" AND ({where})"
            rows = self.con.execute(
                f"SELECT {_cols(t.columns)} FROM main.{_q(t.name)} WHERE {cond} AND id IS NOT ?",
                [row.get(c) for c in cols] + [row.get("id")],
            ).fetchall()
            for r in rows:
                d = dict(zip(t.columns, r, strict=True))
                found[str(d["id"])] = d
        return list(found.values())

    def place(self, t: _Table, row: dict[str, Any], update: bool, src: SourceReport) -> bool:
        """Write ``row`` as current despite a unique index, or keep it aside.

        The row that stays current is the one :func:`_rank` puts first; the
        other is kept in ``merge_conflict``. True when ``row`` became current.
        """
        for _attempt in range(8):
            for other in self.clashers(t, row):
                if _rank(row) > _rank(other):
                    self.con.execute(f"DELETE FROM main.{_q(t.name)} WHERE id = ?", (other["id"],))
                    if self.keep_version(t.name, other, "conflict", self.sources_of(
                            str(other.get("session_id")))):
                        self.note_conflict(t, other, src, current="this file")
                else:
                    if self.keep_version(t.name, row, "conflict", src.file):
                        self.note_conflict(t, row, src, current="already merged")
                    else:
                        src.duplicates += 1
                    return False
            try:
                self.write(t, row, update)
                return True
            except sqlite3.IntegrityError:
                continue
        raise SessionFileError("{file}: could not place {name} {get}", file=src.file, name=t.name,
                               get=row.get('id'))

    def write(self, t: _Table, row: dict[str, Any], update: bool) -> None:
        cols = [c for c in t.columns if c in row]
        if update:
            sets = ", ".join(f"{_q(c)} = ?" for c in cols if c != "id")
            self.con.execute(
                f"UPDATE main.{_q(t.name)} SET {sets} WHERE id = ?",
                [row[c] for c in cols if c != "id"] + [row["id"]],
            )
        else:
            self.con.execute(
                f"INSERT INTO main.{_q(t.name)} ({_cols(cols)}) "
                f"VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols],
            )

    def note_conflict(
        self, t: _Table, row: dict[str, Any], src: SourceReport, current: str
    ) -> None:
        src.conflicts += 1
        self.report.conflicts.append(
            Conflict(t.name, str(row.get("id")), str(row.get("session_id") or ""), src.file,
                     current)
        )

    # -- one input

    def merge(self, inp: _Input) -> SourceReport:
        con = self.con
        src = SourceReport(
            file=inp.path.name,
            file_id=inp.file_id,
            schema_version=inp.version,
            migrated=inp.migrated,
        )
        src_tables = _columns(con, "src")
        unknown = sorted(
            n for n in src_tables
            if n not in self.by_name and n != "meta"
            and con.execute(f"SELECT 1 FROM src.{_q(n)} LIMIT 1").fetchone()
        )
        if unknown:
            raise SessionFileError(
                "{path}: holds records this coworkshop does not know ({join}); update coworkshop "
                "to merge it", path=inp.path, join=', '.join(unknown)
            )
        extra = sorted(
            f"{t.name}.{c}" for t in self.tables if t.name in src_tables
            for c in src_tables[t.name] - set(t.columns)
        )
        if extra:
            raise SessionFileError(
                "{path}: holds fields this coworkshop does not know ({join}); update coworkshop "
                "to merge it", path=inp.path, join=', '.join(extra)
            )
        data = [t for t in self.tables if t.name in src_tables and not t.provenance]
        new_sessions = {
            str(r[0]) for r in con.execute(
                "SELECT id FROM src.session s WHERE NOT EXISTS "
                "(SELECT 1 FROM main.session m WHERE m.id = s.id)"
            )
        }

        if not (len(new_sessions) == len(inp.sessions) and self.fast(src, data, src_tables)):
            self.careful(src, data, src_tables)

        # 5. provenance: carried over, and this file as the source of its sessions
        for t in self.tables:
            if t.provenance and t.name in src_tables:
                cols = [c for c in t.columns if c in src_tables[t.name]]
                con.execute(
                    f"INSERT INTO main.{_q(t.name)} ({_cols(cols)}) "
                    f"SELECT {_cols(cols, 's.')} FROM src.{_q(t.name)} s "
                    f"WHERE NOT EXISTS (SELECT 1 FROM main.{_q(t.name)} m WHERE m.id = s.id)"
                )
        carried: set[str] = set()
        if "source" in src_tables:
            carried = {str(r[0]) for r in con.execute("SELECT DISTINCT session_id FROM src.source")}
        for sid, title in inp.sessions:
            src.sessions.append({"id": sid, "title": title, "new": sid in new_sessions})
            if sid in carried:
                continue
            revision = inp.revisions.get(sid, "")
            rid = str(uuid.uuid5(NAMESPACE, f"source/{inp.file_id}/{sid}/{revision}"))
            con.execute(
                "INSERT INTO main.source (id, session_id, created_at, updated_at, file_name, "
                "file_id, file_id_derived, schema_version, session_revision, merged_at, "
                "coworkshop_version) SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? "
                "WHERE NOT EXISTS (SELECT 1 FROM main.source WHERE id = ?)",
                (rid, sid, self.now, self.now, inp.path.name, inp.file_id, inp.file_id_derived,
                 inp.version, revision, self.now, self.version, rid),
            )
        return src

    def fast(
        self, src: SourceReport, data: list[_Table], src_tables: dict[str, set[str]]
    ) -> bool:
        """Copy an input whose sessions are all new with plain ``INSERT ... SELECT``.

        Any clash (an id or a unique index) undoes it and returns False, and
        the input is merged the careful way; so this is only quicker, never
        different.
        """
        con = self.con
        con.execute("SAVEPOINT fast")
        try:
            for t in data:
                cols = [c for c in t.columns if c in src_tables[t.name]]
                new = ""
                if not t.keyed:
                    same = " AND ".join(f"s.{_q(c)} IS m.{_q(c)}" for c in cols)
                    new = f" WHERE NOT EXISTS (SELECT 1 FROM main.{_q(t.name)} m WHERE {same})"
                cur = con.execute(
                    f"INSERT INTO main.{_q(t.name)} ({_cols(cols)}) "
                    f"SELECT {_cols(cols, 's.')} FROM src.{_q(t.name)} s{new}"
                )
                src.added[COUNTED.get(t.name, "other")] += max(cur.rowcount, 0)
        except sqlite3.IntegrityError:
            con.execute("ROLLBACK TO fast")
            con.execute("RELEASE fast")
            src.added.clear()
            return False
        con.execute("RELEASE fast")
        return True

    def careful(
        self, src: SourceReport, data: list[_Table], src_tables: dict[str, set[str]]
    ) -> None:
        """Merge an input that may hold records the output holds already."""
        con = self.con
        # 1. records both hold, with different content
        diffs: list[_Diff] = []
        for t in data:
            if not t.keyed:
                continue
            cols = [c for c in t.columns if c in src_tables[t.name]]
            same = " AND ".join(f"s.{_q(c)} IS m.{_q(c)}" for c in cols)
            rows = con.execute(
                f"SELECT {_cols(cols, 's.')}, {_cols(cols, 'm.')} "
                f"FROM src.{_q(t.name)} s JOIN main.{_q(t.name)} m ON m.id = s.id "
                f"WHERE NOT ({same})"
            ).fetchall()
            n = len(cols)
            for r in rows:
                diffs.append(
                    _Diff(t, dict(zip(cols, r[:n], strict=True)),
                          dict(zip(cols, r[n : 2 * n], strict=True)))
                )
            joined = con.execute(
                f"SELECT count(*) FROM src.{_q(t.name)} s JOIN main.{_q(t.name)} m ON m.id = s.id"
            ).fetchone()[0]
            src.duplicates += joined - len(rows)

        # 2. was this copy simply newer (or older) than what the output holds?
        kinds = {sid: self.lineage(sid, [d for d in diffs if d.session_id == sid], data)
                 for sid in {d.session_id for d in diffs}}

        # 3. apply: the version ranked first is current, the other kept aside
        pending: list[_Diff] = []
        for d in diffs:
            kind = kinds[d.session_id]
            if _rank(d.incoming) > _rank(d.existing):
                pending.append(d)
            elif self.keep_version(d.table.name, d.incoming, kind, src.file):
                if kind == "conflict":
                    self.note_conflict(d.table, d.incoming, src, current="already merged")
                else:
                    src.older += 1
            else:
                src.duplicates += 1  # this version was merged before
        while pending:
            failed: list[_Diff] = []
            for d in pending:
                try:
                    self.write(d.table, d.incoming, update=True)
                except sqlite3.IntegrityError:
                    failed.append(d)
                    continue
                self.displaced(d, kinds[d.session_id], src)
            if len(failed) == len(pending):
                for d in failed:
                    if self.place(d.table, d.incoming, update=True, src=src):
                        self.displaced(d, kinds[d.session_id], src)
                break
            pending = failed

        # 4. records the output does not hold yet
        for t in data:
            cols = [c for c in t.columns if c in src_tables[t.name]]
            if t.keyed:
                new = f"NOT EXISTS (SELECT 1 FROM main.{_q(t.name)} m WHERE m.id = s.id)"
            else:
                same = " AND ".join(f"s.{_q(c)} IS m.{_q(c)}" for c in cols)
                new = f"NOT EXISTS (SELECT 1 FROM main.{_q(t.name)} m WHERE {same})"
            label = COUNTED.get(t.name, "other")
            before = src.added[label]
            try:
                cur = con.execute(
                    f"INSERT INTO main.{_q(t.name)} ({_cols(cols)}) "
                    f"SELECT {_cols(cols, 's.')} FROM src.{_q(t.name)} s WHERE {new}"
                )
                src.added[label] += max(cur.rowcount, 0)
            except sqlite3.IntegrityError:
                # A unique index refused a row: place them one by one.
                rows = con.execute(
                    f"SELECT {_cols(cols, 's.')} FROM src.{_q(t.name)} s WHERE {new}"
                ).fetchall()
                for r in rows:
                    row = dict(zip(cols, r, strict=True))
                    try:
                        self.write(t, row, update=False)
                        src.added[label] += 1
                    except sqlite3.IntegrityError:
                        if self.place(t, row, update=False, src=src):
                            src.added[label] += 1
            if not t.keyed:
                total = con.execute(f"SELECT count(*) FROM src.{_q(t.name)}").fetchone()[0]
                src.duplicates += total - (src.added[label] - before)

    def displaced(self, d: _Diff, kind: str, src: SourceReport) -> None:
        """The output's version of ``d`` gave way to the input's: keep it aside."""
        if self.keep_version(d.table.name, d.existing, kind, self.sources_of(d.session_id)):
            if kind == "conflict":
                self.note_conflict(d.table, d.existing, src, current="this file")
            else:
                src.updated += 1
        else:
            src.updated += 1

    def lineage(self, session_id: str, diffs: list[_Diff], data: list[_Table]) -> str:
        """``superseded`` when one copy of the session holds all of the other and
        is newer wherever they differ; else ``conflict``."""
        newer = all(_rank(d.incoming) > _rank(d.existing) for d in diffs)
        older = all(_rank(d.incoming) < _rank(d.existing) for d in diffs)
        if not (newer or older):
            return "conflict"
        keyed = [t for t in data if t.keyed and "session_id" in t.columns]
        # newer: the output must hold nothing of this session the input lacks;
        # older: the input must hold nothing the output lacks.
        a, b = ("main", "src") if newer else ("src", "main")
        for t in keyed:
            extra = self.con.execute(
                f"SELECT 1 FROM {a}.{_q(t.name)} x WHERE x.session_id = ? AND NOT EXISTS "
                f"(SELECT 1 FROM {b}.{_q(t.name)} y WHERE y.id = x.id) LIMIT 1",
                (session_id,),
            ).fetchone()
            if extra:
                return "conflict"
        return "superseded"


# ---------------------------------------------------------------- stripping


