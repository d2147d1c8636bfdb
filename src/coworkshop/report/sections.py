"""The report's non-voting sections as plain data: canvases, maps, checklists."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from . import reader as rd


def _card(c: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": c["text"],
        "group": c["group"],
        "revisions": c["revisions"],
        "feedback": c["feedback"],
        **({"stakeholders": c["stakeholders"]} if c.get("stakeholders") else {}),
    }


def _pathways(cards: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """CHANGE -> HOW -> WHAT chains of one canvas, and the cards not linked into one."""
    by_col: dict[str, list[dict[str, Any]]] = {"change": [], "how": [], "what": []}
    for c in cards:
        by_col.setdefault(c["column"], []).append(c)
    changes = {c["id"]: {**_card(c), "steps": []} for c in by_col["change"]}
    hows = {c["id"]: {**_card(c), "whats": []} for c in by_col["how"]}
    loose: list[dict[str, Any]] = []
    for w in by_col["what"]:
        if w["link_id"] in hows:
            hows[w["link_id"]]["whats"].append(_card(w))
        else:
            loose.append({"column": "what", **_card(w)})
    for h in by_col["how"]:
        if h["link_id"] in changes:
            changes[h["link_id"]]["steps"].append(hows[h["id"]])
        else:
            loose.append({"column": "how", **_card(h), "whats": hows[h["id"]]["whats"]})
    return list(changes.values()), loose


def canvases(rows: list[dict[str, Any]], sessions: Sequence[rd.SessionRow],
             text: Callable[[str, str, str], str] | None = None) -> dict[str, Any]:
    """Pathways per cross-point across sessions, and the grids (CREDEX).

    ``text(key, field, default)`` gives a cross-point's title, vision or need
    in the report's language."""
    title_of = {s.id: s.title for s in sessions}
    say = text or (lambda _key, _field, default: default)
    points: dict[str, dict[str, Any]] = {}
    for s in sessions:
        for cp in s.plan.get("crosspoints", []):
            points.setdefault(
                cp["key"],
                {
                    "crosspoint": cp["key"],
                    "title": say(cp["key"], "title", cp.get("title") or "")
                    or say(cp["key"], "vision", cp.get("vision", cp["key"])),
                    "vision": say(cp["key"], "vision", cp.get("vision", "")),
                    "need": say(cp["key"], "need", cp.get("need", "")),
                    "sessions": [],
                },
            )
    grids = []
    for row in rows:
        if row["shape"] == "grid":
            cells: dict[str, list[dict[str, Any]]] = {}
            for c in row["cards"]:
                cells.setdefault(c["column"], []).append(_card(c))
            grids.append(
                {
                    "session_id": row["session_id"],
                    "session": title_of.get(row["session_id"], ""),
                    "activity_key": row["activity_key"],
                    "title": row["title"],
                    "levels": [{"key": x["key"], "label": x["label"]} for x in row["levels"]],
                    "timeframes": [
                        {"key": x["key"], "label": x["label"]} for x in row["timeframes"]
                    ],
                    "cells": cells,
                    "revisions": sum(c["revisions"] for c in row["cards"]),
                    "feedback": sum(len(c["feedback"]) for c in row["cards"]),
                }
            )
            continue
        if not row["cards"]:
            continue
        key = row["crosspoint"] or row["activity_key"]
        entry = points.setdefault(
            key,
            {"crosspoint": key, "title": row["title"], "vision": "", "need": "", "sessions": []},
        )
        paths, loose = _pathways(row["cards"])
        entry["sessions"].append(
            {
                "session_id": row["session_id"],
                "session": title_of.get(row["session_id"], ""),
                "activity_key": row["activity_key"],
                "group": row["group"],
                "pathways": paths,
                "unlinked": loose,
                "revisions": sum(c["revisions"] for c in row["cards"]),
                "feedback": sum(len(c["feedback"]) for c in row["cards"]),
            }
        )
    return {
        "pathways": [p for p in points.values() if p["sessions"]],
        "grids": [g for g in grids if g["cells"]],
    }


def _activities(r: rd.Reader, db: Any, kind: str) -> Iterator[tuple[Any, Any]]:
    """(session, activity) ORM rows of the chosen sessions' activities of ``kind``."""
    from sqlmodel import col, select

    from ..core.models import Activity, Session

    for s in r.sessions:
        session = db.get(Session, s.id)
        if session is None:
            continue
        stmt = (
            select(Activity)
            .where(Activity.session_id == s.id, Activity.kind == kind,
                   col(Activity.deleted_at).is_(None))
            .order_by(col(Activity.position))
        )
        for act in db.exec(stmt):
            yield session, act


def maps(r: rd.Reader) -> list[dict[str, Any]]:
    """Each stakeholder map of the sessions (latest round), with who moved and its SVG.

    Empty when no session mapped stakeholders.
    """
    from ..core import map_svg, stakeholders

    if not (r.hub.has("stakeholder") and r.hub.has("mappinground")):
        return []
    out = []
    with r.hub.orm() as db:
        for session, act in _activities(r, db, "stakeholder_map"):
            data = stakeholders.map_data(db, session, act)
            if data.round_number is None and not data.entries:
                continue
            plain = data.as_dict()
            moved = [m["text"] for m in plain["movements"]]
            summary = (
                f"{len(data.entries)} stakeholders, round {data.round_number or '-'}"
                + (f" ({data.round_date})" if data.round_date else "")
                + (f"; moved since round {data.previous_round}: " + "; ".join(moved)
                   if moved else "; nobody changed quadrant" if data.previous_round else "")
            )
            out.append({
                "session_id": session.id,
                "session": session.title,
                "activity_key": act.key,
                "title": act.title,
                "summary": summary,
                "moved": moved,
                "map": plain,
                "svg": map_svg.map_svg(data),
            })
    return out


def checklists(r: rd.Reader) -> list[dict[str, Any]]:
    """The checklist status of each session. Empty when none was filled."""
    from ..core import checklist

    if not r.hub.has("checklistentry"):
        return []
    out = []
    with r.hub.orm() as db:
        for session, act in _activities(r, db, "checklist"):
            states = checklist.state(db, session, act, with_evidence=False)
            plain = checklist.as_dict(states)
            if not any(i["status"] for i in plain["items"]):
                continue
            out.append({
                "session_id": session.id,
                "session": session.title,
                "activity_key": act.key,
                "title": act.title,
                "summary": plain["progress_text"],
                **plain,
            })
    return out
