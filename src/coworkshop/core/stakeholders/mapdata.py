"""The map as data: entries, places and movements between rounds (TUI, report, SVG)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session as DB
from sqlmodel import col, select

from ..errors import UserError
from ..models import (
    Activity,
    Session,
    Stakeholder,
)
from ..templates import activity_config
from .register import Place, _fold, _ratings, register, rounds
from .rules import AXES, AXIS_NAMES, MIDDLE, QUADRANTS, UNDERSTANDING, quadrant

# ---------------------------------------------------------------- the map as data


@dataclass
class Movement:
    stakeholder_id: str
    name: str
    before: str  # quadrant key
    after: str
    power: tuple[int, int]
    interest: tuple[int, int]

    def text(self, method: str = "power_interest") -> str:
        names = AXIS_NAMES.get(method, AXIS_NAMES["power_interest"])
        arrows = []
        for axis, (a, b) in (("power", self.power), ("interest", self.interest)):
            if b != a:
                arrows.append(f"{names[axis]} {'↑' if b > a else '↓'}{a}→{b}")
        q0, q1 = QUADRANTS[self.before], QUADRANTS[self.after]
        return f"{self.name}: {q0.strategy} → {q1.strategy} ({', '.join(arrows)})"


@dataclass
class MapEntry:
    """One stakeholder as the map shows it."""

    number: int  # 1-based place in the register: the mark on the grid
    id: str
    key: str
    name: str
    organisation: str
    group: str
    group_label: str
    color: str  # the template's colour name
    notes: str
    power: int | None
    interest: int | None
    understanding: str  # "" when unknown
    quadrant: str  # "" when not placed
    on_the_line: list[str]  # axes rated 3
    rated_this_round: bool
    before: tuple[int, int] | None  # (power, interest) in the previous round
    participant_id: str | None = None

    @property
    def placed(self) -> bool:
        return self.power is not None and self.interest is not None


@dataclass
class MapData:
    activity_id: str
    title: str
    method: str
    axis_names: dict[str, str]
    max_actors: int
    round_number: int | None
    round_date: str
    previous_round: int | None
    rounds: list[dict[str, Any]]
    entries: list[MapEntry]
    movements: list[Movement]
    groups: list[dict[str, str]]
    guidance: list[str]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for reports (JSON-ready)."""
        from dataclasses import asdict

        out = asdict(self)
        out["movements"] = [
            {**asdict(m), "text": m.text(self.method)} for m in self.movements
        ]
        out["quadrants"] = {
            k: {"name": q.name, "strategy": q.strategy, "scenario": q.scenario,
                "scenario_name": q.scenario_name}
            for k, q in QUADRANTS.items()
        }
        return out


def movements(db: DB, activity_id: str, before: int, after: int,
              names: dict[str, str] | None = None) -> list[Movement]:
    """Who changed quadrant between round ``before`` and round ``after``."""
    rows = _ratings(db, activity_id)
    a, b = _fold(rows, before), _fold(rows, after)
    if names is None:
        stmt = select(Stakeholder).where(col(Stakeholder.id).in_(list(b)))
        names = {s.id: s.name for s in db.exec(stmt) if s.deleted_at is None}
    return _moves(a, b, names)


def _moves(a: dict[str, Place], b: dict[str, Place], names: dict[str, str]) -> list[Movement]:
    out = []
    for sid, p1 in b.items():
        p0 = a.get(sid)
        if sid not in names or p0 is None or not p0.placed or not p1.placed:
            continue
        assert p0.power is not None and p0.interest is not None
        assert p1.power is not None and p1.interest is not None
        q0, q1 = quadrant(p0.power, p0.interest), quadrant(p1.power, p1.interest)
        if q0.key != q1.key:
            out.append(Movement(sid, names[sid], q0.key, q1.key, (p0.power, p1.power),
                                (p0.interest, p1.interest)))
    return out


def map_data(db: DB, session: Session, activity: Activity, number: int | None = None
             ) -> MapData:
    """The map of a round (default: the latest) as plain data."""
    cfg = activity_config(activity)
    method = cfg.method or "power_interest"
    all_rounds = rounds(db, activity.id)
    rnd = None
    if number is None:
        rnd = all_rounds[-1] if all_rounds else None
    else:
        rnd = next((r for r in all_rounds if r.number == number), None)
        if rnd is None:
            raise UserError("no round {number} on this map", number=number)
    prev = None
    if rnd is not None:
        earlier = [r for r in all_rounds if r.number < rnd.number]
        prev = earlier[-1] if earlier else None
    rows = _ratings(db, activity.id) if rnd else []
    now = _fold(rows, rnd.number) if rnd else {}
    then = _fold(rows, prev.number) if prev else {}
    groups = list((session.plan or {}).get("stakeholder_groups", []))
    by_key = {g["key"]: g for g in groups}
    entries = []
    reg = register(db, session.id)
    for n, s in enumerate(reg, 1):
        p = now.get(s.id, Place())
        q = ""
        line = []
        if p.placed:
            assert p.power is not None and p.interest is not None
            q = quadrant(p.power, p.interest).key
            line = [a for a in AXES if getattr(p, a) == MIDDLE]
        b = then.get(s.id)
        before = (b.power, b.interest) if b is not None and b.placed else None
        g = by_key.get(s.stakeholder_group, {})
        entries.append(MapEntry(
            number=n, id=s.id, key=s.key, name=s.name, organisation=s.organisation,
            group=s.stakeholder_group, group_label=str(g.get("label", "no group")),
            color=str(g.get("color", "grey")), notes=s.notes,
            power=p.power, interest=p.interest,
            understanding=UNDERSTANDING.get(p.understanding or 0, ""),
            quadrant=q, on_the_line=line,
            rated_this_round=rnd is not None and p.rated_in == rnd.number,
            before=before,  # type: ignore[arg-type]
            participant_id=s.participant_id,
        ))
    moved = []
    if rnd is not None and prev is not None:
        moved = _moves(then, now, {s.id: s.name for s in reg})
    max_actors = cfg.max_actors
    guidance = []
    if len(reg) > max_actors:
        guidance.append(f"{len(reg)} stakeholders: the method advises to start with at most "
                        f"{max_actors} and extend the group later.")
    promoters = [e.name for e in entries if e.quadrant == "manage"]
    if promoters:
        guidance.append("Promoters (high power and high interest), manage closely: "
                        + ", ".join(promoters))
    if rnd is not None and all(e.placed for e in entries) and entries:
        guidance.append("Repeat the mapping at later meetings (n: new round) to see who moved.")
    return MapData(
        activity_id=activity.id, title=activity.title, method=method,
        axis_names=AXIS_NAMES.get(method, AXIS_NAMES["power_interest"]),
        max_actors=max_actors,
        round_number=rnd.number if rnd else None, round_date=rnd.date if rnd else "",
        previous_round=prev.number if prev else None,
        rounds=[{"number": r.number, "date": r.date, "note": r.note} for r in all_rounds],
        entries=entries, movements=moved, groups=groups, guidance=guidance,
    )


