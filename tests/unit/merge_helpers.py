"""Reading merged files back for the merge tests, without writing to them."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from coworkshop.core.store import Store

PROVENANCE = ("source", "merge_conflict")


def ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)


def tables(con: sqlite3.Connection) -> list[str]:
    return sorted(
        r[0]
        for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
        if r[0] != "meta" and not r[0].startswith("sqlite_")
    )


def content(path: Path) -> dict[str, Any]:
    """What a merge promises to keep equal (see core/merge/): every row of
    every data table, the versions kept aside, and the provenance rows' ids."""
    con = ro(path)
    try:
        out: dict[str, Any] = {}
        for name in tables(con):
            if name == "merge_conflict":
                sql = "SELECT table_name, row_id, version FROM merge_conflict"
                out[name] = set(con.execute(sql))
            elif name == "source":
                out[name] = {r[0] for r in con.execute("SELECT id FROM source")}
            else:
                out[name] = set(con.execute(f'SELECT * FROM "{name}"'))
        return out
    finally:
        con.close()


def data_rows(path: Path) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of the data tables (no provenance)."""
    return {k: v for k, v in content(path).items() if k not in PROVENANCE}


def ids(path: Path, table: str) -> set[str]:
    con = ro(path)
    try:
        return {r[0] for r in con.execute(f'SELECT id FROM "{table}"')}
    finally:
        con.close()


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in ``folder`` with its SHA-256: shows changes and new side files."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def copy_of(store: Store, target: Path) -> Path:
    """A facilitator's copy of an open session file, as it is now."""
    store.backup_to(target)
    con = sqlite3.connect(target)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    return target


@contextmanager
def unit(store: Store) -> Iterator[Any]:
    """What the core's session and canvas functions take: the store's unit of
    work (``Store.unit()``, committed when the block ends) where the store has
    one, else the store itself (functions that commit on their own)."""
    opener = getattr(store, "unit", None)
    if opener is None:
        yield store
        return
    with opener() as db:
        yield db
