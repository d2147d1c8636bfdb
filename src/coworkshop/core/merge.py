"""Merge the session files of many workshops into one file, losslessly.

``merge_files(inputs, output)`` is what ``coworkshop merge`` and the TUI's
"sessions: merge" run. The output holds every session of every input, and for
each session where it came from (a :class:`~.models.Source` row).

How it works
============
The merge is generic over the tables the models declare
(``SQLModel.metadata``): every table with an ``id`` primary key is merged by
``id``, so tables and columns added later merge without changes here. ``meta``
is the output's own (application, schema version, its own ``file_id``). A
table without an ``id`` key would be merged as a set of whole rows.

For each input and table, plain SQL over an ``ATTACH``-ed input does the work
(``INSERT ... SELECT`` of the rows whose id is new), so 150,000 ballots merge
in about the time SQLite takes to copy them. Rows whose id is already in the
output are compared column by column:

* **same content**: nothing is written; counted as a duplicate.
* **different content** (two copies of a session both hold the record, and it
  changed in at least one): the *current* version, in the record's own table,
  is the one with the latest ``updated_at``; on equal ``updated_at`` the one
  with the larger SHA-256 of its canonical JSON (so the choice never depends
  on the order of the inputs). The other version is kept whole, as JSON, in
  ``merge_conflict`` with the table name, the row id, the file it came from
  and a ``kind``:

  - ``superseded``: one copy of the session holds every record of the other
    and is newer wherever they differ (the facilitator sent an updated file):
    the record was simply updated; the summary counts it as *updated*.
  - ``conflict``: anything else (two copies changed the same record
    differently); the summary lists it.

  A unique index can also refuse a row whose id is new (two copies each gave
  one participant a live ballot in the same poll): the same rule picks the
  row that stays current, and the other goes to ``merge_conflict`` as a
  ``conflict``. Nothing is ever dropped.

Idempotence and order
=====================
The *content* of a merged file is: every row of every data table, and the set
of (table, row id, version) held in ``merge_conflict``. It is the same whether
files are merged one by one or together, in any order, once or many times,
and whether a merged file is merged again with its own sources: the current
version of a record is a function of the set of its versions, and the ids of
the provenance rows are derived from what they describe (UUIDv5), so a second
merge finds them already there:

* ``merge_conflict`` row id = UUIDv5(table, row id, SHA-256 of the version).
* ``source`` row id = UUIDv5(source file_id, session id, session revision).

The other columns of those two tables (when merged, which file, ``kind``,
coworkshop version) are provenance, not content: the first merge that writes
such a row keeps it. (``kind`` can differ with the order only when three or
more copies of one session disagree.)

Provenance
==========
One ``source`` row per (session, source copy): the source's file name (no
folder), its ``file_id`` (from its ``meta``; a file without one gets an id
derived from its sessions' ids, flagged ``file_id_derived``), its schema
version, the session's *revision* (a fingerprint of the row counts and
latest ``updated_at`` per table of that session in that copy, so an updated
copy is recorded as a second source), when it was merged and by which
coworkshop version. A merged file given as input carries its ``source`` rows
over and adds none of its own for sessions that already have them.

Inputs are never modified
=========================
Inputs are opened read-only (``mode=ro``, plus ``immutable=1`` when no
``-wal`` file exists, so no ``-shm`` appears either). An input with a
non-empty ``-wal`` (an app still has it open, or it crashed) is first copied
consistently into a private temporary folder: when its ``-shm`` exists (the
app is running) with SQLite's backup API through a ``mode=ro`` connection,
which leaves the file and its ``-wal`` unchanged but, like every reader of a
live file, uses the ``-shm`` index the app keeps; else (nobody has it open)
the file and its ``-wal`` are copied and the log replayed in the copy. So is
an input of an older schema, which is migrated there with the
store's migrations. A newer, corrupt or foreign input is refused with one
line naming it: by default nothing is written; with ``skip_bad`` the others
are merged and the skipped files are listed.

The output is built in a temporary file beside it and moved into place
(``os.replace``) only when complete. An existing output is refused unless
``into`` is given; then a copy of it is built upon and replaces it.

Stripping names
===============
``strip_names`` makes a file that may leave the organisation. It keeps
sessions (title, date, place, country, sector, template), stakeholder groups,
participants as pseudonymous ids with their stakeholder group, country and
breakout group, every card, comment, poll, ballot, tally, Q&A item and vote
(free text stays as typed), and the provenance tables. It blanks participants'
``name`` and ``organisation``, the session's ``facilitator``, a stakeholder
register entry's ``name`` (its organisation and group stay) and a checklist
action's ``owner``, deletes every
``device`` row (token hashes, browsers' user agents) and blanks ``device_id``
wherever it appears, in the tables and in the versions kept in
``merge_conflict``; the file is then rebuilt (``VACUUM``) so that no deleted
text lingers in free pages. See :data:`STRIP`.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import SessionFileError, UserError
from .probe import SCHEMA_VERSION, check_file, describe_error

#: Namespace of the ids merge derives (source and merge_conflict rows, derived file ids).
NAMESPACE = uuid.UUID("6f1c3f0e-5b0a-4d7e-9a55-0c0ffee0cc11")

#: Tables of provenance: merged by id only, first writer wins (see the module doc).
PROVENANCE = ("source", "merge_conflict")

#: What ``strip_names`` blanks: table -> column -> value. Tables in
#: :data:`STRIP_TABLES` lose all rows; a ``device_id`` column anywhere is blanked.
STRIP: dict[str, dict[str, str]] = {
    "participant": {"name": "", "organisation": ""},
    "session": {"facilitator": ""},
    # The stakeholder register and checklist (when the file has them): a
    # register entry may name a person; an action's owner is one.
    "stakeholder": {"name": ""},
    "checklistentry": {"owner": ""},
}
STRIP_TABLES = ("device",)
STRIP_EVERYWHERE = {"device_id": ""}

#: The records the summary counts by name; the rest are "other".
COUNTED = {
    "session": "sessions",
    "participant": "participants",
    "ballot": "ballots",
    "tally": "tallies",
    "card": "cards",
}

#: Singular forms, for "1 session" rather than "1 sessions".
SINGULAR = {
    "sessions": "session",
    "participants": "participant",
    "ballots": "ballot",
    "tallies": "tally",
    "cards": "card",
    "other records": "other record",
    "duplicates": "duplicate",
    "conflicts": "conflict",
    "files": "file",
}


def count(n: int, plural: str) -> str:
    """``3 ballots``, ``1 ballot``."""
    return f"{n} {SINGULAR.get(plural, plural) if n == 1 else plural}"


Progress = Callable[[int, int, str], None]


# ---------------------------------------------------------------- report


@dataclass
class Conflict:
    """A record two copies changed differently; both versions are kept."""

    table: str
    row_id: str
    session_id: str
    file: str  # the input that brought the version found different
    current: str  # "this file" or "already merged": whose version is current now

    def to_dict(self) -> dict[str, str]:
        return {
            "table": self.table,
            "id": self.row_id,
            "session_id": self.session_id,
            "file": self.file,
            "current": self.current,
        }


@dataclass
class SourceReport:
    """What one input brought."""

    file: str
    file_id: str = ""
    schema_version: int = 0
    migrated: bool = False
    sessions: list[dict[str, Any]] = field(default_factory=list)
    added: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    updated: int = 0
    older: int = 0
    conflicts: int = 0

    def to_dict(self) -> dict[str, Any]:
        added = {name: self.added.get(name, 0) for name in COUNTED.values()}
        added["other"] = self.added.get("other", 0)
        return {
            "file": self.file,
            "file_id": self.file_id,
            "schema_version": self.schema_version,
            "migrated": self.migrated,
            "sessions": self.sessions,
            "added": added,
            "duplicates": self.duplicates,
            "updated": self.updated,
            "older": self.older,
            "conflicts": self.conflicts,
        }


@dataclass
class MergeReport:
    """The summary printed after a merge (and its ``--json`` form)."""

    output: Path
    into: bool = False
    strip_names: bool = False
    sources: list[SourceReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    conflicts: list[Conflict] = field(default_factory=list)
    sessions_in_output: int = 0
    seconds: float = 0.0

    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for s in self.sources:
            total.update(s.added)
        out = {name: total.get(name, 0) for name in COUNTED.values()}
        out["other"] = total.get("other", 0)
        out["duplicates"] = sum(s.duplicates for s in self.sources)
        out["updated"] = sum(s.updated for s in self.sources)
        out["older"] = sum(s.older for s in self.sources)
        out["conflicts"] = len(self.conflicts)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "into": self.into,
            "strip_names": self.strip_names,
            "sessions_in_output": self.sessions_in_output,
            "sources": [s.to_dict() for s in self.sources],
            "totals": self.totals(),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "skipped": [{"file": f, "error": why} for f, why in self.skipped],
            "seconds": round(self.seconds, 3),
        }


# ---------------------------------------------------------------- tables


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

    from . import models  # noqa: F401  (registers the tables)

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


def _version() -> str:
    from .. import __version__

    return __version__


# ---------------------------------------------------------------- inputs


def _uri(path: Path) -> str:
    return path.resolve().as_uri()


@dataclass
class _Input:
    path: Path
    uri: str  # what to ATTACH (read-only)
    version: int
    file_id: str
    file_id_derived: bool
    migrated: bool
    sessions: list[tuple[str, str]]  # (id, title)
    revisions: dict[str, str]  # session id -> fingerprint of its rows in this copy


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


def _revisions(con: sqlite3.Connection, sessions: int) -> dict[str, str]:
    """A fingerprint per session: row count and latest change of each table.

    In a file of one session (the usual case) the whole tables are counted,
    which SQLite does in one sequential pass instead of through the index.
    """
    parts: dict[str, list[str]] = {}
    for name, cols in sorted(_columns(con).items()):
        if name in PROVENANCE or not {"session_id", "updated_at"} <= cols:
            continue
        if sessions == 1:
            n, latest = con.execute(
                f"SELECT count(*), max(updated_at) FROM {_q(name)}"
            ).fetchone()
            rows = [("*", n, latest)] if n else []
        else:
            rows = con.execute(
                f"SELECT session_id, count(*), max(updated_at) FROM {_q(name)} "
                "GROUP BY session_id"
            ).fetchall()
        for sid, n, latest in rows:
            parts.setdefault(str(sid), []).append(f"{name}:{n}:{latest}")
    return {
        sid: hashlib.sha256("|".join(p).encode()).hexdigest()[:16] for sid, p in parts.items()
    }


def _migrate_copy(path: Path, version: int) -> None:
    from .store import _migrate

    _migrate(path, version)


def _private_copy(path: Path, target: Path) -> None:
    """A consistent copy of ``path`` and its write-ahead log, in ``target``."""
    wal = Path(f"{path}-wal")
    shm = Path(f"{path}-shm")
    if shm.exists():
        # Another connection may be writing: the backup API copies a consistent state.
        src = sqlite3.connect(f"{_uri(path)}?mode=ro", uri=True, timeout=5)
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    else:
        # Nobody has it open (no -shm): copy the bytes, then let SQLite replay
        # the log into our copy.
        shutil.copyfile(path, target)
        shutil.copyfile(wal, Path(f"{target}-wal"))
        con = sqlite3.connect(target)
        try:
            con.execute("PRAGMA journal_mode=DELETE")
        finally:
            con.close()


def _prepare(path: Path, tmp: Path, n: int) -> _Input:
    """Check one input and make it readable without touching it."""
    # Foreign, newer and unknown files are refused here, in one line. No
    # quick_check of every page: the merge reads every row anyway, SQLite
    # reports a damaged page it meets, and that input is refused, named.
    version = check_file(path, full=False)
    wal = Path(f"{path}-wal")
    copy: Path | None = None
    try:
        if wal.exists() and wal.stat().st_size > 0:
            copy = tmp / f"input-{n}.cws"
            _private_copy(path, copy)
            con = sqlite3.connect(copy)
        else:
            con = sqlite3.connect(f"{_uri(path)}?mode=ro&immutable=1", uri=True)
        try:
            meta = {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta")}
            rows = con.execute("SELECT id, title FROM session ORDER BY id")
            sessions = [(str(i), str(t)) for i, t in rows]
            revisions = _revisions(con, len(sessions))
            if len(sessions) == 1 and "*" in revisions:
                revisions = {sessions[0][0]: revisions.pop("*")}
            if version < SCHEMA_VERSION and copy is None:
                copy = tmp / f"input-{n}.cws"
                dst = sqlite3.connect(copy)
                try:
                    con.backup(dst)
                finally:
                    dst.close()
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise describe_error(path, exc) from exc
    migrated = False
    if version < SCHEMA_VERSION:
        assert copy is not None
        try:
            _migrate_copy(copy, version)
        except sqlite3.DatabaseError as exc:
            raise SessionFileError(
                f"{path}: could not be brought to schema {SCHEMA_VERSION} ({exc})"
            ) from exc
        migrated = True
    file_id = meta.get("file_id", "")
    derived = not file_id
    if derived:
        seed = "file:" + ",".join(sorted(sid for sid, _ in sessions))
        file_id = str(uuid.uuid5(NAMESPACE, seed))
    uri = f"{_uri(copy)}?mode=ro" if copy is not None else f"{_uri(path)}?mode=ro&immutable=1"
    return _Input(path, uri, version, file_id, derived, migrated, sessions, revisions)


# ---------------------------------------------------------------- merging one input


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
        raise SessionFileError(f"{src.file}: could not place {t.name} {row.get('id')}")

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
                f"{inp.path}: holds records this coworkshop does not know "
                f"({', '.join(unknown)}); update coworkshop to merge it"
            )
        extra = sorted(
            f"{t.name}.{c}" for t in self.tables if t.name in src_tables
            for c in src_tables[t.name] - set(t.columns)
        )
        if extra:
            raise SessionFileError(
                f"{inp.path}: holds fields this coworkshop does not know "
                f"({', '.join(extra)}); update coworkshop to merge it"
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


def _strip(con: sqlite3.Connection, tables: list[_Table]) -> None:
    """Blank names and device data (see :data:`STRIP`), also in kept versions."""
    for t in tables:
        if t.name in STRIP_TABLES:
            con.execute(f"DELETE FROM main.{_q(t.name)}")
            continue
        blank = {**STRIP.get(t.name, {}), **{c: v for c, v in STRIP_EVERYWHERE.items()}}
        blank = {c: v for c, v in blank.items() if c in t.columns}
        if blank:
            sets = ", ".join(f"{_q(c)} = ?" for c in blank)
            differs = " OR ".join(f"{_q(c)} IS NOT ?" for c in blank)
            con.execute(
                f"UPDATE main.{_q(t.name)} SET {sets} WHERE {differs}",
                list(blank.values()) * 2,
            )
    con.execute(
        f"DELETE FROM main.merge_conflict WHERE table_name IN "
        f"({', '.join('?' * len(STRIP_TABLES))})",
        STRIP_TABLES,
    )
    rows = con.execute("SELECT id, table_name, version FROM main.merge_conflict").fetchall()
    for vid, table, raw in rows:
        version = json.loads(raw) if isinstance(raw, str) else {}
        blank = {**STRIP.get(table, {}), **STRIP_EVERYWHERE}
        changed = {c: v for c, v in blank.items() if c in version and version[c] != v}
        if changed:
            version.update(changed)
            con.execute(
                "UPDATE main.merge_conflict SET version = ? WHERE id = ?",
                (_canonical(version), vid),
            )


# ---------------------------------------------------------------- the command


def _new_output(path: Path) -> None:
    """An empty session file: the models' tables, ``meta`` with a new ``file_id``."""
    from .models import new_id
    from .probe import APP_ID
    from .store import schema_sql

    con = sqlite3.connect(path)
    try:
        # A work file: it is synced once, whole, before it is moved into place.
        con.execute("PRAGMA journal_mode=MEMORY")
        con.execute("PRAGMA synchronous=OFF")
        with con:
            for sql in schema_sql():
                con.execute(sql)
            con.executemany(
                "INSERT INTO meta (key, value) VALUES (?, ?)",
                [("app", APP_ID), ("schema_version", str(SCHEMA_VERSION)), ("file_id", new_id())],
            )
    finally:
        con.close()


def _existing_output(path: Path, target: Path, tmp: Path) -> None:
    """A working copy of the output to merge into (``into``), migrated if older."""
    inp = _prepare(path, tmp, -1)
    src = sqlite3.connect(inp.uri, uri=True)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()
    con = sqlite3.connect(target)
    try:
        with con:
            from .models import new_id

            con.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('file_id', ?)", (new_id(),)
            )
    finally:
        con.close()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def merge_files(
    inputs: Sequence[Path | str],
    output: Path | str,
    *,
    into: bool = False,
    skip_bad: bool = False,
    strip_names: bool = False,
    progress: Progress | None = None,
) -> MergeReport:
    """Merge session files into ``output``; see the module documentation.

    Raises :class:`UserError` (nothing written) when ``output`` exists without
    ``into``, or when an input is refused and ``skip_bad`` is not given.
    ``progress(done, total, name)`` is called before each input and at the end.
    """
    import time

    started = time.perf_counter()
    paths = [Path(p) for p in inputs]
    output = Path(output)
    if not paths:
        raise UserError("merge: name at least one session file to merge")
    if output.is_dir():
        raise UserError(f"{output}: is a folder; name the merged file, e.g. {output}/merged.cws")
    if not output.parent.is_dir():
        raise UserError(f"{output.parent}: no such folder")
    exists = output.exists()
    if exists and not into:
        raise UserError(f"{output}: already exists; add --into to merge into it")
    for p in paths:
        if p.exists() and exists and p.resolve() == output.resolve():
            raise UserError(f"{p}: is the output too; it is already in it")
    report = MergeReport(output=output, into=exists, strip_names=strip_names)
    # The models (SQLModel, pydantic) take a third of a second to import: let
    # that run while SQLite reads the inputs, which it does without the GIL.
    with ThreadPoolExecutor(max_workers=1) as pool:
        models = pool.submit(_tables)
        return _merge(paths, output, exists, skip_bad, strip_names, progress, report, models,
                      started)


def _merge(
    paths: list[Path],
    output: Path,
    exists: bool,
    skip_bad: bool,
    strip_names: bool,
    progress: Progress | None,
    report: MergeReport,
    models: Future[list[_Table]],
    started: float,
) -> MergeReport:
    import time

    total = len(paths)

    def tell(done: int, name: str) -> None:
        if progress is not None:
            progress(done, total, name)

    with tempfile.TemporaryDirectory(prefix="coworkshop-merge-") as tmpdir:
        tmp = Path(tmpdir)
        prepared: list[_Input] = []
        for i, p in enumerate(paths):
            try:
                prepared.append(_prepare(p, tmp, i))
            except SessionFileError as exc:
                if not skip_bad:
                    raise
                report.skipped.append((str(p), str(exc)))
        if not prepared:
            raise UserError("nothing to merge: every input was refused")
        tables = models.result()
        fd, name = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".merging", dir=output.parent)
        os.close(fd)
        work = Path(name)
        work.unlink()
        try:
            if exists:
                _existing_output(output, work, tmp)
            else:
                _new_output(work)
            # uri=True: ATTACH then reads the inputs' "file:...?mode=ro" URIs.
            con = sqlite3.connect(_uri(work), uri=True, isolation_level=None)
            try:
                con.execute("PRAGMA journal_mode=MEMORY")
                con.execute("PRAGMA synchronous=OFF")
                con.execute("PRAGMA foreign_keys=OFF")
                merger = _Merger(con, tables, report)
                for i, inp in enumerate(prepared):
                    tell(i, inp.path.name)
                    con.execute("ATTACH DATABASE ? AS src", (inp.uri,))
                    try:
                        con.execute("BEGIN")
                        try:
                            report.sources.append(merger.merge(inp))
                            con.execute("COMMIT")
                        except BaseException:
                            con.execute("ROLLBACK")
                            raise
                    except (sqlite3.DatabaseError, SessionFileError) as exc:
                        message = str(exc)
                        if isinstance(exc, sqlite3.DatabaseError):
                            message = str(describe_error(inp.path, exc))
                        if not skip_bad:
                            raise SessionFileError(message) from exc
                        report.skipped.append((str(inp.path), message))
                        # Conflicts noted for the rolled-back input did not happen.
                        report.conflicts = [c for c in report.conflicts
                                            if c.file != inp.path.name]
                    finally:
                        con.execute("DETACH DATABASE src")
                if not report.sources:
                    raise UserError("nothing to merge: every input was refused")
                tell(total, "finishing")
                if strip_names:
                    con.execute("BEGIN")
                    _strip(con, tables)
                    con.execute("COMMIT")
                report.sessions_in_output = con.execute(
                    "SELECT count(*) FROM session"
                ).fetchone()[0]
                # A file at rest is in rollback-journal mode (no side files).
                con.execute("PRAGMA journal_mode=DELETE")
                if strip_names:
                    con.execute("VACUUM")  # no stripped text left in free pages
            finally:
                con.close()
            _fsync(work)
            os.replace(work, output)
            try:
                dfd = os.open(output.parent, os.O_RDONLY)
                try:
                    os.fsync(dfd)
                finally:
                    os.close(dfd)
            except OSError:  # pragma: no cover - some filesystems refuse
                pass
        finally:
            for leftover in (work, Path(f"{work}-journal"), Path(f"{work}-wal"),
                             Path(f"{work}-shm")):
                leftover.unlink(missing_ok=True)
    report.seconds = time.perf_counter() - started
    return report
