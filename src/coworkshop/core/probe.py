"""Look inside a session file without opening it for writing.

Uses only the standard ``sqlite3`` module in read-only mode so that the home
screen can list many files quickly (SQLModel costs more start-up time than
Textual itself) and so that a foreign, corrupt or newer file is refused before
anything could modify it.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .errors import SessionFileError

#: Bumped whenever the tables change; see ``store.MIGRATIONS``.
SCHEMA_VERSION = 2
APP_ID = "coworkshop"
SESSION_SUFFIX = ".cws"
SQLITE_MAGIC = b"SQLite format 3\x00"


@dataclass
class SessionSummary:
    id: str
    title: str
    date: str
    place: str
    country: str
    template_name: str
    participants: int
    activities: int


@dataclass
class FileInfo:
    path: Path
    schema_version: int
    sessions: list[SessionSummary] = field(default_factory=list)


def _ro_connect(path: Path) -> sqlite3.Connection:
    # mode=ro never creates or changes the database file itself.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5)


def check_file(path: Path) -> int:
    """Check that ``path`` is a coworkshop session file this version can open.

    Returns its schema version. Raises :class:`SessionFileError` with a one-line
    message otherwise. Never writes to the file.
    """
    if not path.exists():
        raise SessionFileError(f"{path}: no such session file")
    if path.is_dir():
        raise SessionFileError(f"{path}: is a folder, not a session file")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise SessionFileError(f"{path}: cannot be read ({exc.strerror})") from exc
    if head != SQLITE_MAGIC:
        raise SessionFileError(f"{path}: not a coworkshop session file (not an SQLite database)")
    try:
        con = _ro_connect(path)
        try:
            ok = con.execute("PRAGMA quick_check(1)").fetchone()
            if not ok or ok[0] != "ok":
                raise SessionFileError(
                    f"{path}: the session file is damaged ({ok[0] if ok else '?'})"
                )
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "meta" not in tables:
                raise SessionFileError(
                    f"{path}: an SQLite database, but not a coworkshop session file"
                )
            meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise SessionFileError(
            f"{path}: the session file is damaged or unreadable ({exc})"
        ) from exc
    if meta.get("app") != APP_ID:
        raise SessionFileError(f"{path}: an SQLite database, but not a coworkshop session file")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError as exc:
        raise SessionFileError(f"{path}: the session file has no valid schema version") from exc
    if version > SCHEMA_VERSION:
        raise SessionFileError(
            f"{path}: made by a newer coworkshop (file schema {version}, this version reads "
            f"up to {SCHEMA_VERSION}); update coworkshop to open it"
        )
    return version


def read_info(path: Path) -> FileInfo:
    """Summaries of the sessions a file holds, read without SQLModel."""
    version = check_file(path)
    con = _ro_connect(path)
    try:
        rows = con.execute(
            """
            SELECT s.id, s.title, s.date, s.place, s.country, s.template_name,
              (SELECT count(*) FROM participant p
                 WHERE p.session_id = s.id AND p.deleted_at IS NULL),
              (SELECT count(*) FROM activity a
                 WHERE a.session_id = s.id AND a.deleted_at IS NULL)
            FROM session s WHERE s.deleted_at IS NULL ORDER BY s.date, s.title
            """
        ).fetchall()
    except sqlite3.DatabaseError as exc:
        raise SessionFileError(
            f"{path}: the session file is damaged or unreadable ({exc})"
        ) from exc
    finally:
        con.close()
    return FileInfo(path, version, [SessionSummary(*r) for r in rows])


def list_session_files(folder: Path) -> list[Path]:
    """The session files in ``folder``, newest first."""
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.suffix == SESSION_SUFFIX and p.is_file()]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)
