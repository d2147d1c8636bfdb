"""The maths of agreement: how far a room, a stakeholder group, a country and
the ecosystems agree with a statement.

Pure functions over plain numbers and rows; no database, no rendering. The
reports, the live results view and the tests all call these, so a rule (what
counts as consensus) lives here and nowhere else. Every figure is defined in
:data:`DEFINITIONS`, which the reports print in their appendix.

Answers are counted per scale point: live phone ballots (a changed ballot
counts once, as its latest value) plus the facilitator's keypad tallies.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from .errors import N_

# The statuses, in the order they are tried: the first that applies is given.
STATUSES = ("too_few", "consensus", "consensus_against", "contested", "majority", "no_consensus")

#: How a status reads in a document.
STATUS_LABELS = {
    "consensus": N_("consensus"),
    "consensus_against": N_("consensus against"),
    "contested": N_("contested"),
    "majority": N_("majority"),
    "no_consensus": N_("no consensus"),
    "too_few": N_("too few answers"),
}

#: A share of answers both sides must at least reach for a statement to be contested.
CONTESTED_SHARE = Fraction(1, 4)
#: "majority" needs an agreeing share strictly above this.
MAJORITY_SHARE = Fraction(1, 2)
#: ``k`` of the ecosystems rule when not given: this share of the ecosystems
#: with answers, rounded up.
ECOSYSTEM_SHARE = Fraction(4, 5)

PHONE = "phone"
TALLY = "tally"
#: The stakeholder group of tallies counted without splitting by group.
UNSPLIT = ""


@dataclass(frozen=True)
class Rules:
    """The thresholds of a report: ``--threshold``, ``--min-answers``, ``--min-group``, ``--k``."""

    threshold: float = 0.75  # the median consensus threshold of Delphi studies
    min_answers: int = 5
    min_group: int = 3
    k: int | None = None  # None: ceil(0.8 x ecosystems with answers)

    def as_dict(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "min_answers": self.min_answers,
            "min_group": self.min_group,
            "k": self.k,
            "contested_share": float(CONTESTED_SHARE),
            "majority_share": float(MAJORITY_SHARE),
            "ecosystem_share": float(ECOSYSTEM_SHARE),
        }

    @property
    def _threshold(self) -> Fraction:
        # Fraction of the decimal text: 0.75 is exactly 3/4, so 3 of 4 reaches it.
        return Fraction(str(self.threshold))


@dataclass
class Figures:
    """The figures of one statement over some answers (a room, a group, a country)."""

    n: int
    counts: list[int]  # answers per scale point, in the scale's order
    agreeing: int  # answers on an agreement point
    disagreeing: int  # answers on a disagreement point
    agree: float  # agreeing / n (0 when n is 0)
    disagree: float
    median: int | None  # point index; None without answers
    q1: int | None
    q3: int | None
    status: str
    phone: int = 0  # answers from phones
    tally: int = 0  # answers counted by the facilitator


def quantile_point(counts: Sequence[int], q: float) -> int | None:
    """The first point (by index) at which the cumulative count reaches ``q`` x n.

    ``None`` when there are no answers. With counts ``[1, 1, 2]`` (n 4) the
    median (q 0.5, 2 answers) is point 1 and q3 (3 answers) is point 2.
    """
    n = sum(counts)
    if n == 0:
        return None
    need = Fraction(str(q)) * n
    running = 0
    for i, c in enumerate(counts):
        running += c
        if running >= need:
            return i
    return len(counts) - 1  # not reached: only for q > 1


def status_of(n: int, agreeing: int, disagreeing: int, rules: Rules) -> str:
    """The first status that applies, tried in the order of :data:`STATUSES`."""
    if n < rules.min_answers or n == 0:
        return "too_few"
    agree, disagree = Fraction(agreeing, n), Fraction(disagreeing, n)
    if agree >= rules._threshold:
        return "consensus"
    if disagree >= rules._threshold:
        return "consensus_against"
    if agree >= CONTESTED_SHARE and disagree >= CONTESTED_SHARE:
        return "contested"
    if agree > MAJORITY_SHARE:
        return "majority"
    return "no_consensus"


def figures(
    counts: Sequence[int],
    agree_points: Iterable[int],
    disagree_points: Iterable[int],
    rules: Rules,
    phone: int = 0,
    tally: int = 0,
) -> Figures:
    """All figures of one statement from its counts per scale point.

    ``agree_points`` and ``disagree_points`` are the indexes of the scale's
    agreement and disagreement points. ``phone`` and ``tally`` only say where
    the answers came from; they do not change the figures.
    """
    counts = [int(c) for c in counts]
    n = sum(counts)
    agreeing = sum(counts[i] for i in set(agree_points) if i < len(counts))
    disagreeing = sum(counts[i] for i in set(disagree_points) if i < len(counts))
    return Figures(
        n=n,
        counts=counts,
        agreeing=agreeing,
        disagreeing=disagreeing,
        agree=agreeing / n if n else 0.0,
        disagree=disagreeing / n if n else 0.0,
        median=quantile_point(counts, 0.5),
        q1=quantile_point(counts, 0.25),
        q3=quantile_point(counts, 0.75),
        status=status_of(n, agreeing, disagreeing, rules),
        phone=phone,
        tally=tally,
    )


def group_informed(by_group: Mapping[str, Figures]) -> float:
    """The product over groups with at least one answer of (agreeing + 1) / (n + 2).

    As pol.is ranks statements: high only when every group agrees; one group
    that disagrees pulls it down. 1.0 (the empty product) when no group answered.
    """
    score = 1.0
    for f in by_group.values():
        if f.n > 0:
            score *= (f.agreeing + 1) / (f.n + 2)
    return score


def broad_consensus(by_group: Mapping[str, Figures], rules: Rules) -> bool:
    """True when at least one group has ``min_group`` answers or more and every
    such group's agreeing share reaches the threshold."""
    eligible = [f for f in by_group.values() if f.n >= rules.min_group]
    return bool(eligible) and all(
        Fraction(f.agreeing, f.n) >= rules._threshold for f in eligible
    )


@dataclass
class Ecosystems:
    """How many ecosystems (country, sector) reached consensus on a statement."""

    reached: int
    of: int
    k: int
    passes: bool
    names: list[str] = field(default_factory=list)  # "country / sector" of those that reached it


def ecosystems(by_ecosystem: Mapping[tuple[str, str], Figures], rules: Rules) -> Ecosystems:
    """``reached``: ecosystems whose status is consensus; ``of``: ecosystems with
    answers; ``k``: ``rules.k`` or ceil(0.8 x of); ``passes``: reached >= k.

    MASTERY kept a cross-point relevant in at least 4 of 5 ecosystems.
    """
    with_answers = {e: f for e, f in by_ecosystem.items() if f.n > 0}
    reached = sorted(e for e, f in with_answers.items() if f.status == "consensus")
    of = len(with_answers)
    k = rules.k if rules.k is not None else math.ceil(ECOSYSTEM_SHARE * of)
    return Ecosystems(
        reached=len(reached),
        of=of,
        k=k,
        passes=of > 0 and len(reached) >= k,
        names=[" / ".join(p for p in e if p) or "(no country)" for e in reached],
    )


# ---------------------------------------------------------------- a statement over cells


@dataclass(frozen=True)
class Cell:
    """Answers of one session, stakeholder group and channel on one scale point."""

    session: str
    group: str  # UNSPLIT for tallies not split by group
    channel: str  # PHONE or TALLY
    point: int
    count: int


@dataclass
class StatementFigures:
    """Everything the reports print for one statement."""

    overall: Figures
    by_group: dict[str, Figures]
    by_country: dict[str, Figures]
    by_ecosystem: dict[tuple[str, str], Figures]
    group_informed: float
    broad_consensus: bool
    ecosystems: Ecosystems


def _pool(cells: Iterable[Cell], points: int) -> tuple[list[int], int, int]:
    counts = [0] * points
    phone = tally = 0
    for c in cells:
        if 0 <= c.point < points:
            counts[c.point] += c.count
            if c.channel == TALLY:
                tally += c.count
            else:
                phone += c.count
    return counts, phone, tally


def statement_figures(
    cells: Sequence[Cell],
    points: int,
    agree_points: Iterable[int],
    disagree_points: Iterable[int],
    groups: Sequence[str],
    ecosystem_of: Mapping[str, tuple[str, str]],
    rules: Rules,
) -> StatementFigures:
    """Figures overall, for every group in ``groups`` (those without answers
    get n 0 and ``too_few``), per country and per ecosystem of the sessions.

    Tallies without a group (``UNSPLIT``) count only overall (and in their
    session's country and ecosystem). ``ecosystem_of`` maps a session to its
    (country, sector).
    """
    agree_points, disagree_points = list(agree_points), list(disagree_points)

    def figs(selected: Iterable[Cell]) -> Figures:
        counts, phone, tally = _pool(selected, points)
        return figures(counts, agree_points, disagree_points, rules, phone, tally)

    overall = figs(cells)
    group_keys = list(groups) + sorted(
        {c.group for c in cells if c.group != UNSPLIT} - set(groups)
    )
    by_group = {g: figs(c for c in cells if c.group == g) for g in group_keys}
    eco: dict[tuple[str, str], list[Cell]] = {}
    countries: dict[str, list[Cell]] = {}
    for c in cells:
        country, sector = ecosystem_of.get(c.session, ("", ""))
        eco.setdefault((country, sector), []).append(c)
        countries.setdefault(country, []).append(c)
    by_ecosystem = {e: figs(cs) for e, cs in sorted(eco.items())}
    return StatementFigures(
        overall=overall,
        by_group=by_group,
        by_country={k: figs(cs) for k, cs in sorted(countries.items())},
        by_ecosystem=by_ecosystem,
        group_informed=group_informed(by_group),
        broad_consensus=broad_consensus(by_group, rules),
        ecosystems=ecosystems(by_ecosystem, rules),
    )


# ---------------------------------------------------------------- choices, ranking, texts


@dataclass
class OptionFigures:
    count: int  # participants who chose it
    share: float  # of those who answered the question (0 without answers)


def option_figures(counts: Sequence[int], respondents: int) -> list[OptionFigures]:
    """Per option (in option order) its count and its share of respondents.

    For multiple choice the shares add up to more than 1: a respondent may
    choose several options.
    """
    return [OptionFigures(int(c), c / respondents if respondents else 0.0) for c in counts]


@dataclass
class RankFigures:
    mean_rank: float | None  # 1 = always ranked first; None when nobody ranked it
    borda: int  # sum over rankings of (options - rank)
    rankings: int


def ranking_figures(
    rank_sums: Sequence[int], rankings: Sequence[int], options: int
) -> list[RankFigures]:
    """Mean rank and Borda score per option.

    ``rank_sums[i]`` is the sum of the ranks (1 = first) option ``i`` got over
    ``rankings[i]`` rankings. With m options a rank r earns m - r Borda
    points, so the Borda score is rankings x m - rank sum.
    """
    out = []
    for s, r in zip(rank_sums, rankings, strict=True):
        out.append(RankFigures(s / r if r else None, r * options - s, r))
    return out


def normalise_answer(text: str) -> str:
    """How identical answers are recognised: surrounding spaces and case ignored."""
    return text.strip().casefold()


@dataclass
class GroupedAnswer:
    """Identical answers counted together."""

    text: str  # the spelling used most often (the first seen on a tie)
    count: int
    sessions: list[str]  # in first-seen order
    groups: list[str]
    upvotes: int = 0
    sources: list[tuple[str, str]] = field(default_factory=list)  # (session, group), once each


def group_answers(
    rows: Iterable[tuple[str, Hashable, str] | tuple[str, Hashable, str, int]],
) -> list[GroupedAnswer]:
    """Group ``(text, session, group[, upvotes])`` rows by :func:`normalise_answer`.

    Most frequent first (then most upvoted, then alphabetically); empty texts are skipped.
    """
    found: dict[str, GroupedAnswer] = {}
    spellings: dict[str, dict[str, int]] = {}
    for row in rows:
        text, session, group = row[0], row[1], row[2]
        votes = int(row[3]) if len(row) > 3 else 0  # type: ignore[misc]
        key = normalise_answer(text)
        if not key:
            continue
        a = found.get(key)
        if a is None:
            a = found[key] = GroupedAnswer(text.strip(), 0, [], [])
        a.count += 1
        a.upvotes += votes
        seen = spellings.setdefault(key, {})
        seen[text.strip()] = seen.get(text.strip(), 0) + 1
        if str(session) not in a.sessions:
            a.sessions.append(str(session))
        if group and group not in a.groups:
            a.groups.append(group)
        if (str(session), group) not in a.sources:
            a.sources.append((str(session), group))
    for key, a in found.items():
        a.text = max(spellings[key].items(), key=lambda kv: kv[1])[0]  # max keeps the first
    return sorted(found.values(), key=lambda a: (-a.count, -a.upvotes, a.text.casefold()))


# ---------------------------------------------------------------- ordering for documents


def topic_order(status: str, score: float) -> tuple[int, float]:
    """Sort key of the documents: consensus first (by group-informed score,
    highest first), then contested, then the rest."""
    rank = {"consensus": 0, "contested": 1}.get(status, 2)
    return (rank, -score)


#: Every figure's definition, printed in each report's appendix.
DEFINITIONS: list[tuple[str, str]] = [
    ("answers", N_("Live phone ballots plus the facilitator's tallies (show of hands, paper). "
     "A changed ballot counts once, with its latest value; withdrawn ballots do not count.")),
    ("n", N_("The number of answers to the statement.")),
    ("counts", N_("Answers per scale point, in the scale's order.")),
    ("agree", N_("The share of n on the scale's agreement points.")),
    ("disagree", N_("The share of n on the scale's disagreement points.")),
    ("median, q1, q3", N_("For q = 0.5, 0.25, 0.75: the first scale point (in the scale's order) "
     "at which the cumulative count reaches q x n.")),
    ("status", N_("The first that applies: too_few when n < min-answers; consensus when "
     "agree >= threshold; consensus_against when disagree >= threshold; contested when "
     "agree >= 0.25 and disagree >= 0.25; majority when agree > 0.5; else no_consensus.")),
    ("by_group", N_("The same figures for every stakeholder group of the sessions' templates "
     "(a group without answers has n 0 and status too_few). Tallies counted without a group "
     "count only overall.")),
    ("group_informed", N_("The product over groups with at least one answer of "
     "(agreeing answers + 1) / (answers + 2), as pol.is ranks statements by how much every "
     "group agrees: it is high only when every group agrees.")),
    ("broad_consensus", N_("True when at least one group has min-group answers or more and every "
     "such group has agree >= threshold.")),
    ("by_country", N_("The same figures per country of the sessions.")),
    ("ecosystems", N_("An ecosystem is the (country, sector) of a session. reached: ecosystems "
     "where the statement's status is consensus; of: ecosystems with answers; k: --k, by default "
     "ceil(0.8 x of) (MASTERY kept a cross-point relevant in at least 4 of 5 ecosystems); "
     "passes: reached >= k.")),
    ("options", N_("Single and multiple choice: per option, count = participants who chose it, "
     "share = count / participants who answered the question.")),
    ("ranking", N_("Mean rank (1 = first) over the participants who ranked the option, and the "
     "Borda score: with m options a rank r earns m - r points, summed.")),
    ("answers (text)", N_("Open text, word cloud and Q&A: identical texts, ignoring case and "
     "surrounding spaces, are counted together, with the sessions and stakeholder groups they "
     "came from; Q&A items with their upvotes.")),
    ("phone, tally", N_("How many answers came from phones and how many from tallies.")),
    ("order", N_("Topics of consensus first, ranked by group-informed score (highest first); then "
     "contested topics; then the rest.")),
]
