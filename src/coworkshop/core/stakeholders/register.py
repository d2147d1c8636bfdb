"""The stakeholder register and mapping rounds as stored: rate, questionnaires, carry-over."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlmodel import Session as DB
from sqlmodel import col, select

from ..errors import RuleError, UserError
from ..models import (
    Activity,
    MappingAnswer,
    MappingRound,
    Participant,
    Session,
    Stakeholder,
    StakeholderRating,
    new_id,
    utcnow,
)
from ..templates import activity_config
from .rules import (
    AXIS_NAMES,
    HIGH,
    LOW,
    MAX_NAME,
    MAX_NOTES,
    MIDDLE,
    UNDERSTANDING_VALUE,
    Score,
    _check_answers,
    check_rating,
    questions,
    score,
    value_from_yes,
)

# ---------------------------------------------------------------- register


def register(db: DB, session_id: str, deleted: bool = False) -> list[Stakeholder]:
    """The session's stakeholders in the order they were added."""
    cond = col(Stakeholder.deleted_at).is_not(None) if deleted else col(
        Stakeholder.deleted_at).is_(None)
    stmt = (
        select(Stakeholder)
        .where(Stakeholder.session_id == session_id, cond)
        .order_by(col(Stakeholder.created_at), col(Stakeholder.id))
    )
    return list(db.exec(stmt))


def _group_keys(session: Session) -> list[str]:
    return [g["key"] for g in (session.plan or {}).get("stakeholder_groups", [])]


def _clean(db: DB, session: Session, fields: dict[str, Any], current: str | None = None
           ) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in fields.items():
        out[k] = v.strip() if isinstance(v, str) else v
    if "name" in out:
        if not out["name"]:
            raise UserError("name: a stakeholder needs a name")
        if len(out["name"]) > MAX_NAME:
            raise UserError("name: at most {MAX_NAME} characters", MAX_NAME=MAX_NAME)
        taken = {s.name.casefold(): s.id for s in register(db, session.id)}
        other = taken.get(out["name"].casefold())
        if other is not None and other != current:
            raise UserError("name: {name!r} is already in the register", name=out['name'])
    for k in ("organisation",):
        if len(out.get(k) or "") > MAX_NAME:
            raise UserError("{k}: at most {MAX_NAME} characters", k=k, MAX_NAME=MAX_NAME)
    if len(out.get("notes") or "") > MAX_NOTES:
        raise UserError("notes: at most {MAX_NOTES} characters", MAX_NOTES=MAX_NOTES)
    group = out.get("stakeholder_group")
    if group:
        keys = _group_keys(session)
        if group not in keys:
            raise UserError("stakeholder group {group!r} is not one of: {join}", group=group,
                            join=', '.join(keys))
    pid = out.get("participant_id")
    if pid:
        p = db.get(Participant, pid)
        if p is None or p.session_id != session.id or p.deleted_at is not None:
            raise UserError("participant: no such participant in this session")
    elif "participant_id" in out:
        out["participant_id"] = None
    return out


def add_stakeholder(
    db: DB,
    session: Session,
    name: str,
    stakeholder_group: str = "",
    organisation: str = "",
    notes: str = "",
    participant_id: str | None = None,
    key: str = "",
    carried_from: str = "",
) -> Stakeholder:
    """Add a stakeholder to the session's register. A name is required."""
    fields = _clean(db, session, {
        "name": name, "stakeholder_group": stakeholder_group, "organisation": organisation,
        "notes": notes, "participant_id": participant_id,
    })
    s = Stakeholder(session_id=session.id, carried_from=carried_from, **fields)
    s.key = key or s.id
    db.add(s)
    db.flush()
    return s


def update_stakeholder(db: DB, session: Session, stakeholder_id: str, **fields: Any
                       ) -> Stakeholder:
    s = db.get(Stakeholder, stakeholder_id)
    if s is None or s.session_id != session.id:
        raise UserError("no such stakeholder")
    allowed = {"name", "stakeholder_group", "organisation", "notes", "participant_id"}
    bad = set(fields) - allowed
    if bad:
        raise UserError("cannot change {sorted}", sorted=sorted(bad)[0])
    for k, v in _clean(db, session, fields, current=s.id).items():
        setattr(s, k, v)
    db.add(s)
    db.flush()
    return s


def delete_stakeholder(db: DB, stakeholder_id: str, restore: bool = False) -> Stakeholder:
    """Soft-delete (or restore) a stakeholder; its ratings stay in the file."""
    s = db.get(Stakeholder, stakeholder_id)
    if s is None:
        raise UserError("no such stakeholder")
    if restore and s.deleted_at is None:
        raise RuleError("that stakeholder is not deleted")
    s.deleted_at = None if restore else utcnow()
    db.add(s)
    db.flush()
    return s


def template_register(activity: Activity) -> list[dict[str, str]]:
    """The starting register a template offers for this map (may be empty)."""
    return [e.model_dump() for e in activity_config(activity).stakeholders]


def add_template_register(db: DB, session: Session, activity: Activity) -> list[Stakeholder]:
    """Add the template's starting register; names already present are skipped."""
    present = {s.name.casefold() for s in register(db, session.id)}
    added = []
    for e in template_register(activity):
        if e["name"].strip().casefold() in present:
            continue
        added.append(add_stakeholder(
            db, session, e["name"], e.get("group", ""), e.get("organisation", ""),
            e.get("notes", ""), carried_from="template",
        ))
    if not added and not template_register(activity):
        raise UserError("this map's template offers no starting register")
    return added


# ---------------------------------------------------------------- rounds


def rounds(db: DB, activity_id: str) -> list[MappingRound]:
    stmt = (
        select(MappingRound)
        .where(MappingRound.activity_id == activity_id, col(MappingRound.deleted_at).is_(None))
        .order_by(col(MappingRound.number))
    )
    return list(db.exec(stmt))


def current_round(db: DB, activity_id: str) -> MappingRound | None:
    found = rounds(db, activity_id)
    return found[-1] if found else None


def new_round(db: DB, activity: Activity, on: str = "", note: str = "") -> MappingRound:
    """Start the next round (dated today unless ``on`` is given). It starts from
    the previous round's places."""
    if activity.kind != "stakeholder_map":
        raise UserError("rounds belong to a stakeholder map")
    if on:
        try:
            date.fromisoformat(on)
        except ValueError:
            raise UserError("date: {on!r} is not a date like 2025-06-12", on=on) from None
    last = current_round(db, activity.id)
    r = MappingRound(
        session_id=activity.session_id, activity_id=activity.id,
        number=(last.number + 1) if last is not None else 1,
        date=on or date.today().isoformat(), note=note.strip(),
    )
    db.add(r)
    db.flush()
    return r


def _working_round(db: DB, activity: Activity) -> MappingRound:
    """The round a rating goes into: the latest one, except the carried round 0
    which stays as it was; round 1 starts with the first rating."""
    r = current_round(db, activity.id)
    if r is None or r.number == 0:
        return new_round(db, activity)
    return r


Rating = tuple[int, Any, str, str, str, int]  # round, created_at, id, stakeholder, axis, value


def _ratings(db: DB, activity_id: str, stakeholder_id: str | None = None) -> list[Rating]:
    """Every rating of a map in the order it was given (rounds first).

    Plain columns, not ORM objects: a map read after every arrow key reads
    them all, and building objects would cost most of the time.
    """
    numbers = {rnd.id: rnd.number for rnd in rounds(db, activity_id)}
    r = StakeholderRating
    # six columns: more than sqlmodel's typed select() overloads know
    stmt = select(  # type: ignore[call-overload]
        r.round_id, r.created_at, r.id, r.stakeholder_id, r.axis, r.value
    ).where(r.activity_id == activity_id, col(r.deleted_at).is_(None))
    if stakeholder_id is not None:
        stmt = stmt.where(r.stakeholder_id == stakeholder_id)
    rows = [(numbers[row[0]], *row[1:]) for row in db.exec(stmt) if row[0] in numbers]
    rows.sort(key=lambda t: (t[0], t[1], t[2]))
    return rows  # type: ignore[return-value]


@dataclass
class Place:
    power: int | None = None
    interest: int | None = None
    understanding: int | None = None
    rated_in: int | None = None  # the last round any of these was set in

    @property
    def placed(self) -> bool:
        return self.power is not None and self.interest is not None


def _fold(rows: list[Rating], number: int | None) -> dict[str, Place]:
    out: dict[str, Place] = {}
    for n, _at, _id, sid, axis, value in rows:
        if number is not None and n > number:
            break
        p = out.setdefault(sid, Place())
        setattr(p, axis, value)
        p.rated_in = n
    return out


def places(db: DB, activity_id: str, number: int | None = None,
           stakeholder_id: str | None = None) -> dict[str, Place]:
    """Each stakeholder's place as of round ``number`` (default: the latest),
    or only the one of ``stakeholder_id``."""
    return _fold(_ratings(db, activity_id, stakeholder_id), number)


def _write(db: DB, activity: Activity, rnd: MappingRound, stakeholder_id: str, axis: str,
           value: int, source: str) -> None:
    db.add(StakeholderRating(
        session_id=activity.session_id, activity_id=activity.id, round_id=rnd.id,
        stakeholder_id=stakeholder_id, axis=axis, value=value, source=source,
    ))


def _stakeholder(db: DB, activity: Activity, stakeholder_id: str) -> Stakeholder:
    s = db.get(Stakeholder, stakeholder_id)
    if s is None or s.session_id != activity.session_id or s.deleted_at is not None:
        raise UserError("no such stakeholder")
    return s


def rate(db: DB, activity: Activity, stakeholder_id: str, power: Any = None,
         interest: Any = None) -> Place:
    """Direct ratings (1-5) in the current round; both are checked before
    anything is written."""
    _stakeholder(db, activity, stakeholder_id)
    names = AXIS_NAMES.get(activity_config(activity).method, AXIS_NAMES["power_interest"])
    values = {}
    if power is not None:
        values["power"] = check_rating(power, names["power"])
    if interest is not None:
        values["interest"] = check_rating(interest, names["interest"])
    if not values:
        raise UserError("give a power or an interest rating")
    rnd = _working_round(db, activity)
    for axis, v in values.items():
        _write(db, activity, rnd, stakeholder_id, axis, v, "direct")
    db.flush()
    return places(db, activity.id, stakeholder_id=stakeholder_id)[stakeholder_id]


def nudge(db: DB, activity: Activity, stakeholder_id: str, d_power: int = 0,
          d_interest: int = 0) -> Place:
    """Move a stakeholder one step (arrow keys). An unplaced stakeholder starts
    in the middle (3, 3); a step past the edge of the grid changes nothing."""
    current = places(db, activity.id, stakeholder_id=stakeholder_id).get(stakeholder_id, Place())
    if not current.placed:
        power = min(HIGH, max(LOW, MIDDLE + d_power))
        interest = min(HIGH, max(LOW, MIDDLE + d_interest))
        return rate(db, activity, stakeholder_id, power, interest)
    assert current.power is not None and current.interest is not None
    power = min(HIGH, max(LOW, current.power + d_power))
    interest = min(HIGH, max(LOW, current.interest + d_interest))
    changes = {}
    if power != current.power:
        changes["power"] = power
    if interest != current.interest:
        changes["interest"] = interest
    if not changes:
        _stakeholder(db, activity, stakeholder_id)
        return current
    return rate(db, activity, stakeholder_id, **changes)


def set_understanding(db: DB, activity: Activity, stakeholder_id: str, value: str) -> Place:
    """Set the understanding level directly (low, medium, high)."""
    _stakeholder(db, activity, stakeholder_id)
    if value not in UNDERSTANDING_VALUE:
        raise UserError("understanding: low, medium or high, not {value!r}", value=value)
    rnd = _working_round(db, activity)
    _write(db, activity, rnd, stakeholder_id, "understanding", UNDERSTANDING_VALUE[value],
           "direct")
    db.flush()
    return places(db, activity.id, stakeholder_id=stakeholder_id)[stakeholder_id]


def submit_questionnaire(db: DB, session: Session, activity: Activity, stakeholder_id: str,
                         answers: dict[str, int | None]) -> Score:
    """Store a filled questionnaire and the places it gives.

    Every question must be answered: a half-filled questionnaire is refused
    and nothing is written.
    """
    _stakeholder(db, activity, stakeholder_id)
    qs = questions(session, activity)
    if not qs:
        raise UserError("this map has no questionnaire; rate with the arrow keys")
    _check_answers(qs, answers)
    s = score(qs, answers)
    if not s.complete:
        missing = ", ".join(f"{part} {n}" for part, n in s.missing.items())
        raise UserError(
            "questionnaire: {value} of {total} questions unanswered ({missing}); nothing was "
            "saved", value=s.total - s.answered, total=s.total, missing=missing
        )
    rnd = _working_round(db, activity)
    submission = new_id()
    for q in qs:
        value = answers[q.key]
        assert value is not None
        db.add(MappingAnswer(
            session_id=activity.session_id, activity_id=activity.id, round_id=rnd.id,
            stakeholder_id=stakeholder_id, submission_id=submission, part=q.part,
            question_key=q.key, value=value, answer_key=q.answer_key(value),
        ))
    for part, axis in (("influence", "power"), ("support", "interest")):
        if s.counts.get(part):
            _write(db, activity, rnd, stakeholder_id, axis,
                   value_from_yes(s.yes.get(part, 0), s.counts[part]), "questionnaire")
    if s.understanding:
        _write(db, activity, rnd, stakeholder_id, "understanding",
               UNDERSTANDING_VALUE[s.understanding], "questionnaire")
    db.flush()
    return s


def last_answers(db: DB, activity_id: str, stakeholder_id: str) -> dict[str, int]:
    """The answers of the latest questionnaire filled for a stakeholder."""
    stmt = (
        select(MappingAnswer)
        .where(MappingAnswer.activity_id == activity_id,
               MappingAnswer.stakeholder_id == stakeholder_id,
               col(MappingAnswer.deleted_at).is_(None))
        .order_by(col(MappingAnswer.created_at), col(MappingAnswer.id))
    )
    rows = list(db.exec(stmt))
    if not rows:
        return {}
    last = rows[-1].submission_id
    return {r.question_key: r.value for r in rows if r.submission_id == last}



# ---------------------------------------------------------------- carry-over


def carry_register(db: DB, session: Session, previous: list[dict[str, Any]], label: str
                   ) -> dict[str, str]:
    """Add the stakeholders of a previous session (dicts with key, name,
    organisation, stakeholder_group, notes); returns old key -> new id.
    Names already in the register are matched, not duplicated."""
    present = {s.name.casefold(): s for s in register(db, session.id)}
    groups = set(_group_keys(session))
    out = {}
    for p in previous:
        found = present.get(str(p["name"]).casefold())
        if found is None:
            group = p.get("stakeholder_group", "")
            found = add_stakeholder(
                db, session, p["name"], group if group in groups else "",
                p.get("organisation", ""), p.get("notes", ""), key=p.get("key", ""),
                carried_from=label,
            )
            present[found.name.casefold()] = found
        out[str(p.get("key") or p["name"])] = found.id
    return out


def carry_places(db: DB, activity: Activity, carried: dict[str, dict[str, int]],
                 label: str, on: str = "") -> MappingRound | None:
    """Round 0 of a map: the places a previous session ended with
    (stakeholder id -> {axis: value})."""
    if not carried:
        return None
    if rounds(db, activity.id):
        raise RuleError("this map already has rounds; carry the places into a new map")
    r = MappingRound(session_id=activity.session_id, activity_id=activity.id, number=0,
                     date=on or date.today().isoformat(), note=f"carried from {label}")
    db.add(r)
    for sid, values in carried.items():
        for axis, v in values.items():
            if v is not None:
                _write(db, activity, r, sid, axis, int(v), "carried")
    db.flush()
    return r
