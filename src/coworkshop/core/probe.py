"""Look inside a session file without writing to it.

Uses only the standard ``sqlite3`` module, read-only, so that the home screen
can list many files quickly (SQLModel costs more start-up time than Textual
itself) and so that a foreign, corrupt or newer file is refused before
anything could modify it.

Reading never writes and never leaves side files: a file closed by coworkshop
is in rollback-journal mode, which a ``mode=ro`` reader opens without any; an
older file still marked as WAL is read ``immutable`` when no ``-wal`` is
beside it (nobody is working in it then); a file that has a ``-wal`` (open in
the app right now, or left by a crash) is read through the side files that
are already there; a ``-wal`` without its ``-shm`` (both files were sent) is
read from a copy of the pair.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from .errors import SessionFileError

#: Bumped whenever the tables change; see ``store.MIGRATIONS``.
SCHEMA_VERSION = 2
APP_ID = "coworkshop"
SESSION_SUFFIX = ".cws"
SQLITE_MAGIC = b"SQLite format 3\x00"
#: What a reader says of a file it may not change.
READ_ONLY_NOTICE = "read-only: changes are not possible"
#: What ``sessions`` says of a file whose recent changes are in a side file.
SIDE_FILE_NOTICE = "recent changes are still in a side file: open and quit it, or send both files"
#: How long opening waits for a file another program holds locked.
OPEN_TIMEOUT = 2.0
#: How long a listing waits for a file another program holds locked.
LIST_TIMEOUT = 0.5
_BACKUP = re.compile(r"\.schema\d+-backup(-\d+)?$")


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
    language: str = ""  # its texts are stored in it; the TUI speaks it (issue 13)


@dataclass
class FileInfo:
    path: Path
    schema_version: int
    sessions: list[SessionSummary] = field(default_factory=list)
    file_id: str = ""
    #: Changes not yet folded into the file itself (a non-empty ``-wal``).
    pending_side_file: bool = False


class FileBusyError(SessionFileError):
    """Another program holds the file locked."""


def side_file(path: Path, suffix: str) -> Path:
    """``path`` with SQLite's side-file suffix (``-wal``, ``-shm``, ``-journal``)."""
    return path.with_name(path.name + suffix)


def has_pending_changes(path: Path) -> bool:
    """True when committed changes sit in ``path``'s ``-wal``, not in the file."""
    wal = side_file(path, "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def _wal_header(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(20)
    except OSError:
        return False
    return len(head) == 20 and head[18:20] == b"\x02\x02"


def ro_connect(
    path: Path, timeout: float = 5.0, check_same_thread: bool = True
) -> sqlite3.Connection:
    """A connection that cannot write and creates no side file (see module doc)."""
    uri = path.resolve().as_uri()
    wal = side_file(path, "-wal")
    if wal.exists() and not side_file(path, "-shm").exists():
        # A -wal without its -shm: nobody has the file open (a connection keeps
        # the -shm), e.g. both files were sent. Reading it in place would leave
        # a -shm behind, so read a copy of the pair instead.
        return _read_copy(path, wal, check_same_thread)
    if not wal.exists() and _wal_header(path):
        uri += "?immutable=1"
    else:
        uri += "?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=check_same_thread)


def _read_copy(path: Path, wal: Path, check_same_thread: bool) -> sqlite3.Connection:
    """The database ``path`` with its ``wal`` applied, in memory (read-only)."""
    with tempfile.TemporaryDirectory(prefix="coworkshop-") as tmp:
        copy = Path(tmp) / path.name
        shutil.copyfile(path, copy)
        shutil.copyfile(wal, side_file(copy, "-wal"))
        src = sqlite3.connect(copy)
        mem = sqlite3.connect(":memory:", check_same_thread=check_same_thread)
        try:
            src.backup(mem)
        finally:
            src.close()
    mem.execute("PRAGMA query_only=ON")
    return mem


def describe_error(path: Path, exc: sqlite3.Error) -> SessionFileError:
    """One line for an SQLite error met while reading ``path``.

    "Damaged" is said only of damaged files; a lock is another program's.
    """
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
        return FileBusyError(
            f"{path}: in use by another program (the file is locked); "
            "close it there and try again"
        )
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return SessionFileError("{path}: the session file is damaged ({exc})", path=path, exc=exc)
    return SessionFileError("{path}: cannot be read ({exc})", path=path, exc=exc)


def check_head(path: Path) -> None:
    """Refuse, in one line, a path that is missing, a folder, unreadable or not
    an SQLite database. Reads the first 16 bytes only."""
    if not path.exists():
        raise SessionFileError("{path}: no such session file", path=path)
    if path.is_dir():
        raise SessionFileError("{path}: is a folder, not a session file", path=path)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise SessionFileError("{path}: cannot be read ({strerror})", path=path,
                               strerror=exc.strerror) from exc
    if head != SQLITE_MAGIC:
        raise SessionFileError("{path}: not a coworkshop session file (not an SQLite "
                               "database)", path=path)


def check_file(path: Path, *, full: bool = True, timeout: float = 5.0) -> int:
    """Check that ``path`` is a coworkshop session file this version can open.

    Returns its schema version. Raises :class:`SessionFileError` with a one-line
    message otherwise. Never writes to the file. ``full`` adds SQLite's
    ``quick_check`` of every page (once per open; a listing reads the header).
    """
    version, _meta = _check(path, full=full, timeout=timeout)
    return version


#: Files whose full check passed in this process, by their state on disk: the
#: CLI, the app and the store each check the file they open, and SQLite's
#: check reads every page (about 95 ms for 100 MB), so it runs once per open;
#: a file changed since is checked again (benchmarks/open_list.py).
_CHECKED: dict[Path, tuple[int, ...]] = {}


def _state(path: Path) -> tuple[int, ...] | None:
    """The file's size and time of change, with its ``-wal``'s (None: unreadable)."""
    try:
        st = path.stat()
        wal = side_file(path, "-wal")
        ws = wal.stat() if wal.exists() else None
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino,
            ws.st_size if ws else -1, ws.st_mtime_ns if ws else -1)


def _check(path: Path, *, full: bool, timeout: float,
           summaries: list[tuple[object, ...]] | None = None) -> tuple[int, dict[str, str]]:
    key = path.resolve()
    state = _state(path)
    if full and state is not None and _CHECKED.get(key) == state:
        full = False  # checked in full, unchanged since
    version, meta = _check_now(path, full=full, timeout=timeout, summaries=summaries)
    if full and state is not None:
        _CHECKED[key] = state
    return version, meta


#: A participant row that is a phone matched with a registered participant: the
#: same human as that participant's row, not counted again (``core/matching.py``).
#: For plain SQL over a ``participant`` aliased ``p``.
MATCHED_PHONE = ("EXISTS (SELECT 1 FROM phone_match m WHERE m.phone_participant_id = p.id "
                 "AND m.unmatched_at IS NULL AND m.deleted_at IS NULL)")


def people_only(con: sqlite3.Connection, schema: str = "main") -> str:
    """`` AND NOT <matched phone>`` when the file can hold matches, else ""."""
    found = con.execute(f"SELECT 1 FROM {schema}.sqlite_master "
                        "WHERE type = 'table' AND name = 'phone_match'").fetchone()
    return f" AND NOT {MATCHED_PHONE}" if found else ""


_SUMMARIES = """
    SELECT s.id, s.title, s.date, s.place, s.country, s.template_name,
      (SELECT count(*) FROM participant p
         WHERE p.session_id = s.id AND p.deleted_at IS NULL{people}),
      (SELECT count(*) FROM activity a
         WHERE a.session_id = s.id AND a.deleted_at IS NULL),
      s.language
    FROM session s WHERE s.deleted_at IS NULL ORDER BY s.date, s.title
"""


def _check_now(path: Path, *, full: bool, timeout: float,
               summaries: list[tuple[object, ...]] | None = None
               ) -> tuple[int, dict[str, str]]:
    """The checks; with ``summaries`` (a list), the sessions' summaries are read
    into it on the same connection (a listing opens each file once)."""
    failed: sqlite3.Error | None = None
    check_head(path)
    try:
        con = ro_connect(path, timeout)
        try:
            if full:
                ok = con.execute("PRAGMA quick_check(1)").fetchone()
                if not ok or ok[0] != "ok":
                    raise SessionFileError(
                        "{path}: the session file is damaged ({value})", path=path,
                        value=ok[0] if ok else '?'
                    )
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "meta" not in tables:
                raise SessionFileError(
                    "{path}: an SQLite database, but not a coworkshop session file", path=path
                )
            meta = {str(k): str(v) for k, v in con.execute("SELECT key, value FROM meta")}
            if summaries is not None:
                try:
                    summaries += con.execute(
                        _SUMMARIES.format(people=people_only(con))).fetchall()
                except sqlite3.Error as exc:  # said after the checks below, if they pass
                    failed = exc
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise describe_error(path, exc) from exc
    if meta.get("app") != APP_ID:
        raise SessionFileError("{path}: an SQLite database, but not a coworkshop session "
                               "file", path=path)
    raw = meta.get("schema_version", "")
    try:
        version = int(raw)
    except ValueError:
        version = 0
    if version > SCHEMA_VERSION:
        raise SessionFileError(
            "{path}: made by a newer coworkshop (file schema {version}, this version reads up to "
            "{SCHEMA_VERSION}); update coworkshop to open it", path=path, version=version,
            SCHEMA_VERSION=SCHEMA_VERSION
        )
    if version < 1:
        raise SessionFileError(
            "{path}: unknown file schema {raw!r} (this version reads schemas 1 to "
            "{SCHEMA_VERSION}); it cannot be opened", path=path, raw=raw,
            SCHEMA_VERSION=SCHEMA_VERSION
        )
    if failed is not None:
        raise describe_error(path, failed) from failed
    return version, meta


def read_info(path: Path, *, timeout: float = LIST_TIMEOUT, full: bool = False) -> FileInfo:
    """Summaries of the sessions a file holds, read without SQLModel.

    A listing checks the header and metadata only (no page-by-page check), so
    that it stays fast; ``full`` checks every page first (before opening).
    """
    rows: list[tuple[object, ...]] = []
    version, meta = _check(path, full=full, timeout=timeout, summaries=rows)
    return FileInfo(
        path,
        version,
        [SessionSummary(*r) for r in rows],  # type: ignore[arg-type]
        file_id=meta.get("file_id", ""),
        pending_side_file=has_pending_changes(path),
    )


class _HasId(Protocol):
    id: str
    title: str


T = TypeVar("T", bound=_HasId)


def pick_session(path: Path, found: Sequence[T], ref: str | None) -> T:
    """The session ``ref`` names among ``found`` (its id or a unique start of it).

    Without ``ref`` there must be exactly one: a file holding several sessions
    never silently opens on the first.
    """
    if not found:
        raise SessionFileError("{path}: holds no session", path=path)
    choices = ", ".join(f"{s.id} {s.title!r}" for s in found)
    if ref:
        matches = [s for s in found if s.id == ref] or [s for s in found if s.id.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            raise SessionFileError("{path}: no session {ref!r} in it ({choices})", path=path,
                                   ref=ref, choices=choices)
        raise SessionFileError(
            "{path}: {ref!r} starts {n} session ids; give more of it ({choices})", path=path,
            ref=ref, n=len(matches), choices=choices
        )
    if len(found) > 1:
        raise SessionFileError(
            "{path}: holds {n} sessions; choose one with --session ID ({choices})", path=path,
            n=len(found), choices=choices
        )
    return found[0]


def short_ids(ids: Sequence[str], least: int = 8) -> dict[str, str]:
    """The shortest start of each id (at least ``least`` characters) that no
    other id in ``ids`` shares; UUIDv7s made the same minute share a long start."""
    out: dict[str, str] = {}
    for i in ids:
        n = least
        while n < len(i) and any(o != i and o.startswith(i[:n]) for o in ids):
            n += 1
        out[i] = i[:n]
    return out


def is_backup(path: Path) -> bool:
    """A copy made before migrating (``name.schema1-backup.cws``)."""
    return _BACKUP.search(path.stem) is not None


def list_session_files(folder: Path) -> list[Path]:
    """The session files in ``folder``, newest first (backups made before a
    migration are left out; they can still be opened by name)."""
    if not folder.is_dir():
        return []
    files = [
        p for p in folder.iterdir()
        if p.suffix == SESSION_SUFFIX and p.is_file() and not is_backup(p)
    ]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)
