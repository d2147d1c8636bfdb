"""Reading and checking inputs without touching them: read-only, or a private copy."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import SessionFileError
from ..probe import SCHEMA_VERSION, check_file, describe_error
from .rows import NAMESPACE, PROVENANCE, _columns, _q


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
    from ..store import _migrate

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
                "{path}: could not be brought to schema {SCHEMA_VERSION} ({exc})", path=path,
                SCHEMA_VERSION=SCHEMA_VERSION, exc=exc
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

