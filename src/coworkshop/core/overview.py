"""The sessions a file holds, at a glance: what a coordinator checks after a merge.

Read with the standard ``sqlite3`` module through :func:`.probe.ro_connect`:
read-only, leaving no side files.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from .probe import check_file, describe_error, people_only, ro_connect


@dataclass
class SessionLine:
    """One session: the row of the overview table."""

    id: str
    title: str
    date: str
    place: str
    country: str
    sector: str
    participants: int
    by_group: list[tuple[str, int]] = field(default_factory=list)  # (group label, people)
    activities: int = 0
    activities_done: int = 0
    done_titles: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # file names it was merged from


@dataclass
class Overview:
    path: Path
    sessions: list[SessionLine]

    @property
    def participants(self) -> int:
        return sum(s.participants for s in self.sessions)

    def by_group(self) -> list[tuple[str, int]]:
        """People per stakeholder group over all sessions, in first-seen order."""
        total: dict[str, int] = {}
        for s in self.sessions:
            for label, n in s.by_group:
                total[label] = total.get(label, 0) + n
        return list(total.items())


def read_overview(path: Path) -> Overview:
    """Every live session of ``path`` with its people by group and activities done."""
    check_file(path, full=False)
    try:
        con = ro_connect(path)
        try:
            return Overview(path, _sessions(con))
        finally:
            con.close()
    except sqlite3.Error as exc:
        raise describe_error(path, exc) from exc


def _sessions(con: sqlite3.Connection) -> list[SessionLine]:
    has_source = bool(
        con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='source'").fetchone()
    )
    lines = []
    people = people_only(con)  # a phone matched with a registered person is counted once
    rows = con.execute(
        "SELECT id, title, date, place, country, sector, plan FROM session "
        "WHERE deleted_at IS NULL ORDER BY date, country, place, title"
    ).fetchall()
    for sid, title, date, place, country, sector, plan_raw in rows:
        try:
            plan = json.loads(plan_raw) if isinstance(plan_raw, str) else {}
        except ValueError:
            plan = {}
        labels = {
            str(g.get("key")): str(g.get("label") or g.get("key"))
            for g in plan.get("stakeholder_groups", []) if isinstance(g, dict)
        }
        counts = dict(
            con.execute(
                "SELECT stakeholder_group, count(*) FROM participant p "
                "WHERE session_id = ? AND deleted_at IS NULL" + people
                + " GROUP BY stakeholder_group",
                (sid,),
            ).fetchall()
        )
        order = [k for k in labels if k in counts] + sorted(k for k in counts if k not in labels)
        by_group = [(labels.get(k, k or "no group"), int(counts[k])) for k in order]
        acts = con.execute(
            "SELECT title, status FROM activity WHERE session_id = ? AND deleted_at IS NULL "
            "ORDER BY position",
            (sid,),
        ).fetchall()
        sources: list[str] = []
        if has_source:
            sources = [
                r[0] for r in con.execute(
                    "SELECT DISTINCT file_name FROM source WHERE session_id = ? ORDER BY 1",
                    (sid,),
                )
            ]
        lines.append(
            SessionLine(
                id=sid, title=title, date=date, place=place, country=country, sector=sector,
                participants=sum(counts.values()), by_group=by_group,
                activities=len(acts),
                activities_done=sum(1 for _t, status in acts if status == "done"),
                done_titles=[t for t, status in acts if status == "done"],
                sources=sources,
            )
        )
    return lines
