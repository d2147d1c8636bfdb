"""``--strip-names``: what a file that leaves the organisation loses."""

from __future__ import annotations

import json
import sqlite3

from .rows import _canonical, _q, _Table

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
STRIP_TABLES = ("device", "personal_code")
STRIP_EVERYWHERE = {"device_id": ""}


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


