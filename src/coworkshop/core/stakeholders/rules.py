"""The rules of the stakeholder map: ratings, quadrants, questionnaires and their scoring."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import N_, UserError
from ..models import Activity, Session
from ..templates import activity_config

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
        # N_: the words are translated where shown
        Quadrant("manage", True, True, N_("promoters"), 2, N_("high influence, high support"),
                 N_("manage closely")),
        Quadrant("satisfy", True, False, N_("keep satisfied"), 1,
                 N_("high influence, low support"), N_("keep satisfied")),
        Quadrant("inform", False, True, N_("keep informed"), 4,
                 N_("low influence, high support"), N_("keep informed")),
        Quadrant("monitor", False, False, N_("monitor"), 3, N_("low influence, low support"),
                 N_("monitor")),
    )
}

AXIS_NAMES = {
    "power_interest": {"power": N_("power"), "interest": N_("interest")},
    "saccord": {"power": N_("influence"), "interest": N_("support")},
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
                "{axis}: a rating is a whole number from 1 to 5, not {value!r}", axis=axis,
                value=value) from None
    if not LOW <= value <= HIGH:
        raise UserError("{axis}: a rating is from 1 to 5, not {value}", axis=axis, value=value)
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
        raise UserError("questionnaire: no question {unknown!r} on this map", unknown=unknown[0])
    for q in qs:
        value = answers.get(q.key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not (
            0 <= value < len(q.choices())
        ):
            raise UserError("questionnaire: {value!r} is not an answer to {key!r}", value=value,
                            key=q.key)


