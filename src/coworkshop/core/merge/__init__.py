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

import os
import sqlite3
import tempfile
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from ..errors import SessionFileError, UserError
from ..probe import SCHEMA_VERSION, describe_error
from .inputs import _Input, _prepare, _uri
from .report import COUNTED, SINGULAR, Conflict, MergeReport, Progress, SourceReport, count
from .rows import NAMESPACE, PROVENANCE, _Merger, _Table, _tables
from .strip import STRIP, STRIP_EVERYWHERE, STRIP_TABLES, _strip

__all__ = [
    "COUNTED",
    "NAMESPACE",
    "PROVENANCE",
    "SINGULAR",
    "STRIP",
    "STRIP_EVERYWHERE",
    "STRIP_TABLES",
    "Conflict",
    "MergeReport",
    "Progress",
    "SourceReport",
    "count",
    "merge_files",
]


def _new_output(path: Path) -> None:
    """An empty session file: the models' tables, ``meta`` with a new ``file_id``."""
    from ..models import new_id
    from ..probe import APP_ID
    from ..store import schema_sql

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
            from ..models import new_id

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
        raise UserError("{output}: is a folder; name the merged file, e.g. "
                        "{output}/merged.cws", output=output)
    if not output.parent.is_dir():
        raise UserError("{parent}: no such folder", parent=output.parent)
    exists = output.exists()
    if exists and not into:
        raise UserError("{output}: already exists; add --into to merge into it", output=output)
    for p in paths:
        if p.exists() and exists and p.resolve() == output.resolve():
            raise UserError("{p}: is the output too; it is already in it", p=p)
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
