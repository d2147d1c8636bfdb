"""Stakeholder register and maps: power/interest (MASTERY) and knowledge and
power (SACCORD).

The rules, in one place (the README and the map's help repeat them):

* Direct ratings are whole numbers from 1 to 5 on two axes: power/influence
  (vertical) and interest/support (horizontal). **4 and 5 are high, 1 and 2
  are low, 3 is the middle**: a 3 counts as *low* for the quadrant (high has
  to be earned) and the stakeholder is shown *on the line*, a candidate to
  watch or discuss.
* SACCORD's yes/no questionnaires: a strict majority of "yes" is high, a
  strict majority of "no" is low, a tie (2 of 4 influence questions) is *on
  the line* and, like a 3, counts as low. The answers also place the
  stakeholder on the 1-5 axes: every answer yes -> 5, a majority of yes -> 4,
  a tie -> 3, a minority of yes -> 2, no yes at all -> 1.
* Knowledge: each answer counts as high (the best answer of its scale), medium
  (the one below it) or low (anything lower); a yes/no knowledge question is
  high for yes, low for no. The understanding is the average of those levels
  (low 1, medium 2, high 3): up to 1.5 is low, from 2.5 is high, in between is
  medium. With SACCORD's four questions that is a total of 4-6 low, 7-9
  medium, 10-12 high.
* Quadrants and strategies: high power and high interest: promoters, manage
  closely (SACCORD scenario 2); high power, low interest: keep satisfied
  (scenario 1); low power, high interest: keep informed (scenario 4); low
  power, low interest: monitor (scenario 3).
* A round is a dated mapping. A new round starts from the previous ratings
  (a stakeholder keeps its place until rated again); round 0 holds the places
  carried from the group's previous session. Movement is a change of quadrant
  from one round to the next.

Functions that change the file take the database session ``db`` and do not
commit: the caller commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session as DB
from sqlmodel import col, select

from .errors import RuleError, UserError
from .models import (
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
from .templates import activity_config

LOW, HIGH = 1, 5
MIDDLE = 3
AXES = ("power", "interest")
MAX_NAME = 200
MAX_NOTES = 2000
UNDERSTANDING = {1: "low", 2: "medium", 3: "high"}
UNDERSTANDING_VALUE = {v: k for k, v in UNDERSTANDING.items()}
SHAPES = {"low": "▲", "medium": "■", "high": "●"}  # SACCORD: triangle, rectangle, round
SHAPE_TEXT = {"low": "L", "medium": "M", "high": "H"}
PARTS = ("knowledge", "influence", "support")


@dataclass(frozen=True)
class Quadrant:
    key: str
    power_high: bool
    interest_high: bool
    name: str  # power/interest grid
    scenario: int  # SACCORD
    scenario_name: str
    strategy: str


QUADRANTS: dict[str, Quadrant] = {
    q.key: q
    for q in (
        Quadrant("manage", True, True, "promoters", 2, "high influence, high support",
                 "manage closely"),
        Quadrant("satisfy", True, False, "keep satisfied", 1, "high influence, low support",
                 "keep satisfied"),
        Quadrant("inform", False, True, "keep informed", 4, "low influence, high support",
                 "keep informed"),
        Quadrant("monitor", False, False, "monitor", 3, "low influence, low support",
                 "monitor"),
    )
}

AXIS_NAMES = {
    "power_interest": {"power": "power", "interest": "interest"},
    "saccord": {"power": "influence", "interest": "support"},
}

RULES_TEXT = (
    "Ratings go from 1 to 5: 4 and 5 are high, 1 and 2 low; 3 is the middle, drawn on the "
    "line and counted as low (high has to be earned). Yes/no questions: a majority of yes is "
    "high, a majority of no is low, and 2 yes of 4 is a tie: on the line, counted as low. The "
    "answers also place the stakeholder: all yes 5, a majority 4, a tie 3, a minority 2, "
    "none 1. Knowledge: the best answer of a question counts high, the next one medium, "
    "lower ones low (yes high, no low); the average decides: up to 1.5 low, 2.5 or more "
    "high, medium in between (with four questions: 4-6 low, 7-9 medium, 10-12 high; low ▲, "
    "medium ■, high ●). Quadrants: high power and interest: promoters, manage closely; high "
    "power, low interest: keep satisfied; low power, high interest: keep informed; both "
    "low: monitor."
)


# ---------------------------------------------------------------- pure rules


def check_rating(value: Any, axis: str = "rating") -> int:
    """A direct rating: a whole number from 1 to 5, or a UserError saying so."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value).strip())
        except ValueError:
            raise UserError(
                f"{axis}: a rating is a whole number from 1 to 5, not {value!r}") from None
    if not LOW <= value <= HIGH:
        raise UserError(f"{axis}: a rating is from 1 to 5, not {value}")
    return value


def level(value: int) -> str:
    """``high`` (4-5), ``line`` (3) or ``low`` (1-2)."""
    value = check_rating(value)
    if value > MIDDLE:
        return "high"
    if value == MIDDLE:
        return "line"
    return "low"


def is_high(value: int) -> bool:
    return level(value) == "high"


def quadrant(power: int, interest: int) -> Quadrant:
    """The quadrant of a place on the grid; 3 (the line) counts as low."""
    p, i = is_high(power), is_high(interest)
    return next(q for q in QUADRANTS.values() if q.power_high == p and q.interest_high == i)


def majority(yes: int, total: int) -> str:
    """``high`` for a strict majority of yes, ``low`` for a strict majority of
    no, ``line`` for a tie."""
    if total <= 0 or not 0 <= yes <= total:
        raise ValueError(f"{yes} yes of {total}")
    if 2 * yes > total:
        return "high"
    if 2 * yes == total:
        return "line"
    return "low"


def value_from_yes(yes: int, total: int) -> int:
    """The 1-5 place that a questionnaire's yes count gives."""
    found = majority(yes, total)
    if found == "line":
        return MIDDLE
    if found == "high":
        return HIGH if yes == total else 4
    return LOW if yes == 0 else 2


def answer_level(point: int, n_points: int) -> int:
    """Level (1 low, 2 medium, 3 high) of one knowledge answer.

    ``point`` counts from 0 (the lowest answer); ``n_points`` is 0 for a
    yes/no question (1 yes, 0 no).
    """
    if n_points == 0:
        if point not in (0, 1):
            raise ValueError(point)
        return 3 if point == 1 else 1
    if not 0 <= point < n_points:
        raise ValueError(point)
    if point == n_points - 1:
        return 3
    if point == n_points - 2:
        return 2
    return 1


def understanding(levels: list[int]) -> str:
    """low / medium / high from the answers' levels (average: <= 1.5 low,
    >= 2.5 high)."""
    if not levels:
        raise ValueError("no answers")
    # Compare sums, not a float average, so the boundaries are exact.
    total, n = sum(levels), len(levels)
    if 2 * total <= 3 * n:
        return "low"
    if 2 * total >= 5 * n:
        return "high"
    return "medium"


# ---------------------------------------------------------------- questions


@dataclass(frozen=True)
class MapQuestion:
    part: str  # knowledge | influence | support
    key: str
    text: str
    points: tuple[str, ...] = ()  # empty: yes/no
    point_keys: tuple[str, ...] = ()  # the scale points' stable keys (labels if none)

    def answer_key(self, value: int) -> str:
        """The stable key of an answer: the point's key, or yes/no."""
        if not self.points:
            return "yes" if value else "no"
        return self.point_keys[value] if value < len(self.point_keys) else self.points[value]

    @property
    def n_points(self) -> int:
        return len(self.points)

    def choices(self) -> tuple[str, ...]:
        return self.points or ("no", "yes")


def _points(scale: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Labels and keys of a scale's points (plain strings, or {key, label})."""
    labels, keys = [], []
    for p in (scale or {}).get("points", []):
        if isinstance(p, dict):
            label = str(p.get("label", p.get("text", "")))
            labels.append(label)
            keys.append(str(p.get("key") or label))
        else:
            labels.append(str(p))
            keys.append(str(p))
    return tuple(labels), tuple(keys)


def questions(session: Session, activity: Activity) -> list[MapQuestion]:
    """The questionnaire of a map: influence, support, then knowledge."""
    cfg = activity_config(activity)
    scales = (session.plan or {}).get("scales", {})
    out: list[MapQuestion] = []
    for part in ("influence", "support", "knowledge"):
        for q in getattr(cfg, f"{part}_questions"):
            labels, keys = _points(scales.get(q.scale) if q.scale else None)
            out.append(MapQuestion(part, q.key, q.text, labels, keys))
    return out


@dataclass
class Score:
    """What a (partly) filled questionnaire says so far."""

    answered: int = 0
    total: int = 0
    missing: dict[str, int] = field(default_factory=dict)  # part -> unanswered
    yes: dict[str, int] = field(default_factory=dict)  # influence/support -> yes count
    counts: dict[str, int] = field(default_factory=dict)  # part -> number of questions
    levels: dict[str, str] = field(default_factory=dict)  # influence/support: high|line|low
    understanding: str = ""  # once every knowledge question is answered

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.answered == self.total

    def summary(self, axis_names: dict[str, str] | None = None) -> str:
        names = {"influence": "influence", "support": "support"}
        parts = []
        for part in ("influence", "support"):
            if part in self.levels:
                lv = self.levels[part]
                word = "on the line" if lv == "line" else lv
                parts.append(f"{names[part]} {word} ({self.yes[part]} of {self.counts[part]} yes)")
        if self.understanding:
            parts.append(f"understanding {self.understanding}")
        return " · ".join(parts)


def score(qs: list[MapQuestion], answers: dict[str, int | None]) -> Score:
    """Score the answers given so far (``answers``: question key -> value)."""
    s = Score(total=len(qs))
    know: list[int] = []
    for q in qs:
        s.counts[q.part] = s.counts.get(q.part, 0) + 1
        value = answers.get(q.key)
        if value is None:
            s.missing[q.part] = s.missing.get(q.part, 0) + 1
            continue
        s.answered += 1
        if q.part == "knowledge":
            know.append(answer_level(value, q.n_points))
        else:
            s.yes[q.part] = s.yes.get(q.part, 0) + (1 if value else 0)
    for part in ("influence", "support"):
        n = s.counts.get(part, 0)
        if n and not s.missing.get(part):
            s.levels[part] = majority(s.yes.get(part, 0), n)
    if s.counts.get("knowledge") and not s.missing.get("knowledge"):
        s.understanding = understanding(know)
    return s


def _check_answers(qs: list[MapQuestion], answers: dict[str, int | None]) -> None:
    known = {q.key for q in qs}
    unknown = sorted(set(answers) - known)
    if unknown:
        raise UserError(f"questionnaire: no question {unknown[0]!r} on this map")
    for q in qs:
        value = answers.get(q.key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not (
            0 <= value < len(q.choices())
        ):
            raise UserError(f"questionnaire: {value!r} is not an answer to {q.key!r}")


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
            raise UserError(f"name: at most {MAX_NAME} characters")
        taken = {s.name.casefold(): s.id for s in register(db, session.id)}
        other = taken.get(out["name"].casefold())
        if other is not None and other != current:
            raise UserError(f"name: {out['name']!r} is already in the register")
    for k in ("organisation",):
        if len(out.get(k) or "") > MAX_NAME:
            raise UserError(f"{k}: at most {MAX_NAME} characters")
    if len(out.get("notes") or "") > MAX_NOTES:
        raise UserError(f"notes: at most {MAX_NOTES} characters")
    group = out.get("stakeholder_group")
    if group:
        keys = _group_keys(session)
        if group not in keys:
            raise UserError(f"stakeholder group {group!r} is not one of: {', '.join(keys)}")
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
        raise UserError(f"cannot change {sorted(bad)[0]}")
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
            raise UserError(f"date: {on!r} is not a date like 2025-06-12") from None
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
        raise UserError(f"understanding: low, medium or high, not {value!r}")
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
            f"questionnaire: {s.total - s.answered} of {s.total} questions unanswered "
            f"({missing}); nothing was saved"
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
            raise UserError(f"no round {number} on this map")
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
