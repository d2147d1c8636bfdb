"""Carry a standing group's register, map places and checklist from the
previous session file into a new session.

The previous file is opened read-only (never migrated, no side files). What is
carried: every stakeholder of its register (with its stable key), for each map
with the same activity key the places its latest round ended with (round 0 of
the new map), and for each checklist with the same activity key the state of
every item (shown as "last time" beside the current status).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.exc import OperationalError
from sqlmodel import Session as DB
from sqlmodel import col, select

from . import checklist as cl
from . import stakeholders as sh
from .errors import SessionFileError, UserError
from .models import Activity, ChecklistEntry, Session


@dataclass
class Previous:
    """What a previous session file holds for the next session."""

    path: Path
    label: str
    stakeholders: list[dict[str, Any]] = field(default_factory=list)
    # map activity key -> {"date": last round's date, "places": stakeholder key -> axes}
    maps: dict[str, dict[str, Any]] = field(default_factory=dict)
    # checklist activity key -> item key -> status, note, owner, due
    checklists: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)


@dataclass
class Carried:
    stakeholders: int = 0
    placed: int = 0
    checklist_items: int = 0
    label: str = ""

    def text(self) -> str:
        parts = [f"{self.stakeholders} stakeholders"]
        if self.placed:
            parts.append(f"{self.placed} places on the map")
        if self.checklist_items:
            parts.append(f"{self.checklist_items} checklist answers")
        return f"carried from {self.label}: " + ", ".join(parts)


def read_previous(path: Path | str) -> Previous:
    """Read a previous session file without writing to it (nor leaving side files)."""
    from .store import Store

    path = Path(path)
    store = Store.open(path, mode="read")
    try:
        with store.db() as db:
            return _read(db, path)
    except OperationalError as exc:
        raise SessionFileError("{path}: cannot be read ({orig})", path=path, orig=exc.orig) from exc
    finally:
        store.close()


def _read(db: DB, path: Path) -> Previous:
    row = db.exec(
        select(Session.id, Session.title, Session.date)
        .where(col(Session.deleted_at).is_(None))
        .order_by(col(Session.date), col(Session.title))
    ).first()
    if row is None:
        raise SessionFileError("{path}: holds no session", path=path)
    sid, title, on = row
    prev = Previous(path, f"'{title}'" + (f" ({on})" if on else ""))
    acts = list(db.exec(
        select(Activity.id, Activity.key, Activity.kind)
        .where(Activity.session_id == sid, col(Activity.deleted_at).is_(None))
    ))
    try:
        reg = sh.register(db, sid)
    except OperationalError:  # a file from before stakeholder maps existed
        return prev
    keys = {s.id: s.key or s.id for s in reg}
    prev.stakeholders = [
        {"key": s.key or s.id, "name": s.name, "organisation": s.organisation,
         "stakeholder_group": s.stakeholder_group, "notes": s.notes}
        for s in reg
    ]
    for act_id, key, kind in acts:
        if kind == "stakeholder_map":
            last = sh.current_round(db, act_id)
            if last is None:
                continue
            places = {
                keys[s]: {"power": p.power, "interest": p.interest,
                          "understanding": p.understanding}
                for s, p in sh.places(db, act_id).items() if s in keys and p.placed
            }
            prev.maps[key] = {"date": last.date, "places": places}
        elif kind == "checklist":
            latest: dict[str, ChecklistEntry] = {}
            for entry in cl._rows(db, act_id):
                latest[entry.item_key] = entry
            if latest:
                prev.checklists[key] = {
                    k: {"status": e.status, "note": e.note, "owner": e.owner, "due": e.due}
                    for k, e in latest.items()
                }
    return prev


def carry_into(db: DB, session: Session, previous: Previous) -> Carried:
    """Add what ``previous`` holds to ``session`` (the caller commits)."""
    out = Carried(label=previous.label)
    if not (previous.stakeholders or previous.checklists):
        raise UserError("{path}: has no stakeholders or checklist to carry", path=previous.path)
    ids = sh.carry_register(db, session, previous.stakeholders, previous.label)
    out.stakeholders = len(previous.stakeholders)
    acts = list(db.exec(select(Activity).where(Activity.session_id == session.id,
                                               col(Activity.deleted_at).is_(None))))
    for act in acts:
        if act.kind == "stakeholder_map" and act.key in previous.maps:
            got = previous.maps[act.key]
            carried = {ids[k]: v for k, v in got["places"].items() if k in ids}
            if carried and not sh.rounds(db, act.id):
                sh.carry_places(db, act, carried, previous.label, got["date"])
                out.placed += len(carried)
        elif act.kind == "checklist" and act.key in previous.checklists:
            if not cl._rows(db, act.id):
                out.checklist_items += cl.carry(
                    db, act, previous.checklists[act.key], previous.label)
    return out
