"""Results: counts and percentages of a poll, overall and per stakeholder group.

:func:`compute` is a pure function over counted rows (:class:`BallotCount`,
:class:`TallyCount`), keyed by statement and option/point keys, so the reports
can run it over the rows of many sessions (add up the counts of the same keys,
see the identity rule in the package docstring). :func:`results` counts one
poll's rows in SQL (``GROUP BY`` statement key, value and group over the live
ballots) and calls it.

Percentages are of respondents: people who answered from a phone plus people
counted by hand. For a multiple-choice poll counted by hand the number of
people is not known; the largest count of any option is taken as a lower bound
for each group and source.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func
from sqlmodel import col, select

from .. import sessions
from ..models import Ballot, Session, Tally
from ..rules import readable
from ..store import Store
from .polls import PollInfo, get_poll
from .qa import QAView, qa_items

UNSPLIT = ""  # the "group" of tallies entered without a stakeholder group
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class BallotCount:
    """Live ballots with the same statement, value (by keys) and group."""

    statement_key: str
    value: Any
    stakeholder_group: str
    count: int
    first_at: datetime | None = None  # when the first of them was cast


@dataclass(frozen=True)
class TallyCount:
    """A live count entered by hand (count > 0)."""

    statement_key: str
    choice_key: str
    stakeholder_group: str
    source: str
    count: int


@dataclass
class Row:
    """One bar: a choice (or a word) with its count and share."""

    label: str
    count: int
    percent: float  # of respondents (0-100, one decimal)
    by_group: dict[str, int] = field(default_factory=dict)
    group_percent: dict[str, float] = field(default_factory=dict)
    mean_rank: float | None = None  # ranking only: 1 = always first
    key: str = ""  # the option's or point's key ("" for words)


@dataclass
class StatementResult:
    statement: str
    respondents: int
    rows: list[Row]
    group_respondents: dict[str, int] = field(default_factory=dict)
    key: str = ""


@dataclass
class TextAnswer:
    text: str
    stakeholder_group: str
    created_at: datetime | None


@dataclass
class Results:
    """Everything the projector shows for a poll, phone ballots and tallies together."""

    poll: PollInfo
    respondents: int  # people counted (phones + tallied)
    ballots: int  # participants who answered from a phone
    tallied: int  # people counted by hand or on paper
    groups: list[str]  # stakeholder group keys, in the session's order (+ UNSPLIT)
    group_labels: dict[str, str]
    group_respondents: dict[str, int]
    rows: list[Row] = field(default_factory=list)
    statements: list[StatementResult] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)
    items: list[QAView] = field(default_factory=list)


def _pct(n: int, total: int) -> float:
    return round(100.0 * n / total, 1) if total else 0.0


def normalise_word(text: str) -> str:
    """How word-cloud entries are grouped: case, accents' composition and spacing ignored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def _count_rows(
    poll: PollInfo,
    counts: Mapping[str, Counter[str]],
    respondents: int,
    group_resp: Mapping[str, int],
    groups: list[str],
) -> list[Row]:
    rows = []
    for label, key in zip(poll.choices, poll.choice_keys, strict=True):
        by = counts.get(key, Counter())
        total = sum(by.values())
        rows.append(
            Row(
                label,
                total,
                _pct(total, respondents),
                {g: by.get(g, 0) for g in groups},
                {g: _pct(by.get(g, 0), group_resp.get(g, 0)) for g in groups},
                key=key,
            )
        )
    return rows


def compute(
    poll: PollInfo,
    groups: Sequence[tuple[str, str]],
    ballots: Iterable[BallotCount],
    tallies: Iterable[TallyCount] = (),
    people: Mapping[str, int] | None = None,
    items: Sequence[QAView] = (),
) -> Results:
    """A poll's results from counted rows; reads nothing, writes nothing.

    ``groups`` are the stakeholder groups ``(key, label)`` in the order to
    show them. ``people`` (scale_statements only) is the number of distinct
    participants per group who rated at least one statement. ``items`` are
    the Q&A items of a ``qa`` poll.
    """
    counted = sorted(ballots, key=lambda b: (b.first_at is None, b.first_at or 0))
    tally_rows = list(tallies)
    labels = {k: label for k, label in groups}
    keys = [k for k, _label in groups]
    extra = {b.stakeholder_group for b in counted} | {t.stakeholder_group for t in tally_rows}
    for g in sorted(extra - set(keys)):
        keys.append(g)
        labels[g] = labels.get(g, "Not split by group" if g == UNSPLIT else g)

    res = Results(poll, 0, 0, 0, keys, labels, {})
    if poll.type == "qa":
        res.items = list(items)
        posters = {i.participant_id for i in res.items}
        res.ballots = res.respondents = len(posters)
        return res

    def people_at(statement: str) -> tuple[int, Counter[str], int]:
        phone: Counter[str] = Counter()
        for b in counted:
            if b.statement_key == statement:
                phone[b.stakeholder_group] += b.count
        by_hand: Counter[str] = Counter()
        rows = [t for t in tally_rows if t.statement_key == statement]
        if poll.type == "multiple":
            best: dict[tuple[str, str], int] = {}
            for t in rows:
                key = (t.stakeholder_group, t.source)
                best[key] = max(best.get(key, 0), t.count)
            for (g, _src), n in best.items():
                by_hand[g] += n
        else:
            for t in rows:
                by_hand[t.stakeholder_group] += t.count
        return sum(phone.values()), phone + by_hand, sum(by_hand.values())

    def counts(statement: str) -> dict[str, Counter[str]]:
        out: dict[str, Counter[str]] = defaultdict(Counter)
        for b in counted:
            if b.statement_key != statement:
                continue
            picks = b.value if poll.type == "multiple" else [b.value]
            for choice in picks:
                out[choice][b.stakeholder_group] += b.count
        for t in tally_rows:
            if t.statement_key == statement:
                out[t.choice_key][t.stakeholder_group] += t.count
        return out

    if poll.type == "scale_statements":
        hand_total = 0
        for s, text in zip(poll.statement_keys, poll.statements, strict=True):
            _phone_n, group_resp, hand_n = people_at(s)
            hand_total = max(hand_total, hand_n)
            total = sum(group_resp.values())
            res.statements.append(
                StatementResult(
                    text,
                    total,
                    _count_rows(poll, counts(s), total, group_resp, keys),
                    {g: group_resp.get(g, 0) for g in keys},
                    key=s,
                )
            )
        resp = Counter(people or {})
        res.ballots = sum(resp.values())
        res.tallied = hand_total
        res.respondents = res.ballots + hand_total
        res.group_respondents = {g: resp.get(g, 0) for g in keys}
        return res

    phone_n, group_resp, hand_n = people_at("")
    res.ballots, res.tallied = phone_n, hand_n
    res.respondents = phone_n + hand_n
    res.group_respondents = {g: group_resp.get(g, 0) for g in keys}
    if poll.type in ("single", "multiple", "scale"):
        res.rows = _count_rows(poll, counts(""), res.respondents, group_resp, keys)
    elif poll.type == "ranking":
        firsts: dict[str, Counter[str]] = defaultdict(Counter)
        rank_sum: Counter[str] = Counter()
        for b in counted:
            for pos, choice in enumerate(b.value):
                rank_sum[choice] += (pos + 1) * b.count
            firsts[b.value[0]][b.stakeholder_group] += b.count
        rows = _count_rows(poll, firsts, res.respondents, group_resp, keys)
        for row in rows:
            row.mean_rank = round(rank_sum[row.key] / phone_n, 2) if phone_n else None
        rows.sort(key=lambda r: (r.mean_rank is None, r.mean_rank or 0, r.label))
        res.rows = rows
    elif poll.type == "open":
        res.texts = [
            TextAnswer(readable(str(b.value)), b.stakeholder_group, b.first_at)
            for b in counted
            for _ in range(b.count)
        ]
    elif poll.type == "wordcloud":
        words: dict[str, Counter[str]] = defaultdict(Counter)
        spelling: dict[str, Counter[str]] = defaultdict(Counter)
        for b in counted:
            word = readable(str(b.value))
            key = normalise_word(word)
            words[key][b.stakeholder_group] += b.count
            spelling[key][_SPACES.sub(" ", word.strip())] += b.count
        rows = []
        for key, by in words.items():
            total = sum(by.values())
            # the most used spelling; on a tie the one typed first (dicts keep order)
            shown = max(spelling[key].items(), key=lambda kv: kv[1])[0]
            rows.append(
                Row(
                    shown,
                    total,
                    _pct(total, res.respondents),
                    {g: by.get(g, 0) for g in keys},
                    {g: _pct(by.get(g, 0), group_resp.get(g, 0)) for g in keys},
                )
            )
        rows.sort(key=lambda r: (-r.count, r.label.casefold()))
        res.rows = rows
    return res


# ---------------------------------------------------------------- loading


def _live(model: Any) -> tuple[Any, ...]:
    return (col(model.replaced_by).is_(None), col(model.deleted_at).is_(None))


def ballot_counts(store: Store, poll: PollInfo) -> list[BallotCount]:
    """The poll's live ballots counted by statement key, value and group (open
    answers one by one: each keeps its time)."""
    grouped: list[Any] = [Ballot.statement_key, Ballot.value, Ballot.stakeholder_group]
    if poll.type == "open":
        grouped.append(Ballot.id)
    stmt = (
        select(*grouped[:3], func.count(), func.min(Ballot.created_at))  # type: ignore[call-overload]
        .where(Ballot.poll_id == poll.id, *_live(Ballot))
        .group_by(*grouped)
    )
    with store.engine.connect() as conn:
        return [BallotCount(*row) for row in conn.execute(stmt)]


def tally_counts(store: Store, poll_id: str) -> list[TallyCount]:
    stmt = select(
        Tally.statement_key,
        Tally.choice_key,
        Tally.stakeholder_group,  # type: ignore[call-overload]
        Tally.source,
        Tally.count,
    ).where(Tally.poll_id == poll_id, Tally.count > 0, *_live(Tally))
    with store.engine.connect() as conn:
        return [TallyCount(*row) for row in conn.execute(stmt)]


def statement_people(store: Store, poll_id: str) -> dict[str, int]:
    """Distinct participants per stakeholder group with a live ballot in the poll."""
    stmt = (
        select(Ballot.stakeholder_group, func.count(func.distinct(Ballot.participant_id)))  # type: ignore[call-overload]
        .where(Ballot.poll_id == poll_id, *_live(Ballot))
        .group_by(Ballot.stakeholder_group)
    )
    with store.engine.connect() as conn:
        return {g: int(n) for g, n in conn.execute(stmt)}


def results(store: Store, poll_id: str) -> Results:
    """Counts and percentages of one poll, overall and per stakeholder group."""
    poll = get_poll(store, poll_id)
    with store.db() as db:
        session = db.get(Session, poll.session_id)
        assert session is not None
    groups = [(g["key"], g["label"]) for g in sessions.stakeholder_groups(session)]
    if poll.type == "qa":
        return compute(poll, groups, (), items=qa_items(store, poll_id))
    people = statement_people(store, poll_id) if poll.type == "scale_statements" else None
    return compute(
        poll, groups, ballot_counts(store, poll), tally_counts(store, poll_id), people=people
    )


# ---------------------------------------------------------------- across sessions


def question_polls(store: Store, activity_key: str, question_key: str) -> list[PollInfo]:
    """Every session's poll of one question (the identity rule: same activity key
    and question key), oldest session first."""
    from ..models import Activity, Poll
    from .polls import _info, _order

    with store.db() as db:
        rows = db.exec(
            select(Poll, Activity)
            .join(Activity, col(Activity.id) == col(Poll.activity_id))
            .where(Activity.key == activity_key, Poll.question_key == question_key,
                   col(Poll.deleted_at).is_(None), col(Activity.deleted_at).is_(None))
            .order_by(col(Poll.created_at))
        ).all()
    return [_info(poll, act, _order(act, poll.question_key)) for poll, act in rows]


def _hashable(value: Any) -> Any:
    """A ballot's value as a dictionary key (a list of keys becomes a tuple)."""
    return tuple(value) if isinstance(value, list) else value


def results_across(store: Store, activity_key: str, question_key: str) -> Results | None:
    """One question's results over every session of the file (a merged file),
    counted by one SQL ``GROUP BY`` per table over the stable keys, not one
    results per session. None if no session has the question.

    The question's definition is the first session's (the identity rule:
    the same keys mean the same statement, option and point everywhere);
    stakeholder groups are every session's, in order of first appearance.
    """
    found = question_polls(store, activity_key, question_key)
    if not found:
        return None
    poll = found[0]
    ids = [p.id for p in found]
    with store.db() as db:
        session_rows = db.exec(select(Session).where(
            col(Session.id).in_({p.session_id for p in found}))).all()
    groups: dict[str, str] = {}
    for session in sorted(session_rows, key=lambda s: (s.date, s.created_at)):
        for g in sessions.stakeholder_groups(session):
            groups.setdefault(g["key"], g["label"])
    grouped: list[Any] = [Ballot.statement_key, Ballot.value, Ballot.stakeholder_group]
    if poll.type == "open":
        grouped.append(Ballot.id)
    count_one = (select(*grouped[:3], func.count(), func.min(Ballot.created_at))  # type: ignore[call-overload]
                 .where(Ballot.poll_id == bindparam("poll"), *_live(Ballot)).group_by(*grouped))
    people_one = (select(Ballot.stakeholder_group,  # type: ignore[call-overload]
                         func.count(func.distinct(Ballot.participant_id)))
                  .where(Ballot.poll_id == bindparam("poll"), *_live(Ballot))
                  .group_by(Ballot.stakeholder_group))
    # One GROUP BY per session's poll, each a range of the covering index
    # (ix_ballot_count, ix_ballot_people), merged here: a single GROUP BY over
    # ``poll_id IN (...)`` needs a temporary B-tree and took 5x longer.
    merged: dict[tuple[Any, ...], list[Any]] = {}
    texts: list[BallotCount] = []
    people: dict[str, int] = defaultdict(int)
    with store.engine.connect() as conn:
        for poll_id in ids:
            for statement, value, group, n, first in conn.execute(count_one, {"poll": poll_id}):
                if poll.type == "open":
                    texts.append(BallotCount(statement, value, group, n, first))
                    continue
                key = (statement, _hashable(value), group)
                seen = merged.get(key)
                if seen is None:
                    merged[key] = [statement, value, group, n, first]
                else:
                    seen[3] += n
                    if first is not None and (seen[4] is None or first < seen[4]):
                        seen[4] = first
            if poll.type == "scale_statements":
                for group, n in conn.execute(people_one, {"poll": poll_id}):
                    people[group] += int(n)
        tallied = [TallyCount(*row) for part in (ids[i:i + 500] for i in range(0, len(ids), 500))
                   for row in conn.execute(
                       select(Tally.statement_key, Tally.choice_key,  # type: ignore[call-overload]
                              Tally.stakeholder_group, Tally.source, Tally.count)
                       .where(col(Tally.poll_id).in_(part), Tally.count > 0, *_live(Tally)))]
    counts = texts + [BallotCount(*row) for row in merged.values()]
    if poll.type == "qa":
        return compute(poll, list(groups.items()), ())
    return compute(poll, list(groups.items()), counts, tallied,
                   people=people if poll.type == "scale_statements" else None)
