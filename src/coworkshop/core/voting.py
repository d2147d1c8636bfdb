"""Rules of live voting: polls, ballots, tallies, Q&A and their results.

A *poll* is one question of a poll activity (``ACTIVITY_KEY/QUESTION_KEY``).
It is a draft until the facilitator opens it; while it is open every
participant has at most one live ballot per poll (per statement for a
``scale_statements`` question) and may change it; a changed ballot is a new row
and the old one is kept with ``replaced_by``. Once the poll is closed, ballots
are refused. Show-of-hands and paper counts are stored as :class:`Tally` rows
and counted together with phone ballots.

Ballot values, as sent by phones and stored in the file (JSON):

=================  ==========================================================
single             option index, e.g. ``2``
multiple           sorted list of option indexes, at most ``max_choices``
scale              index of the scale point (0 = first point)
scale_statements   ``{statement_index: point_index}``; one ballot per statement
ranking            every option index once, most preferred first
open, wordcloud    the text as typed (at most ``max_length`` characters)
qa                 not a ballot: :class:`QAItem` rows and :class:`QAVote` rows
=================  ==========================================================

Ballots and Q&A posts run in one short ``BEGIN IMMEDIATE`` transaction that
also reads the poll's state, so a ballot racing the close is either counted
or refused, never half-written, and a ballot is acknowledged only after its
commit reached the disk (``synchronous=FULL``). Ballots that arrive together
may share one transaction and its sync (:func:`cast_ballots`), each still
checked and counted or refused on its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import sqlite3
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar, cast

from pydantic import ValidationError
from sqlalchemy import Connection, func, insert, update
from sqlmodel import col, select

from . import rules, sessions, templates
from .errors import RuleError, UserError
from .models import (
    Activity,
    Ballot,
    Device,
    Participant,
    Poll,
    QAItem,
    QAVote,
    Session,
    Tally,
    id_stream,
    new_id,
    utcnow,
)
from .polls.polls import freeze, question_of
from .polls.scales import STANDARD_SCALES, resolve_scale
from .store import Store

__all__ = ["STANDARD_SCALES", "resolve_scale"]

T = TypeVar("T")
POLL_STATES = ("draft", "open", "closed")
TALLY_SOURCES = ("hands", "paper")
#: Question types that can be counted by show of hands or on paper.
TALLY_TYPES = ("single", "multiple", "scale", "scale_statements")
MAX_NAME = rules.MAX_NAME
MAX_QA_ITEMS_PER_PARTICIPANT = 10
MAX_TALLY = 100_000
JOIN_CODE_DIGITS = 6
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


# ---------------------------------------------------------------- text people type
# One place decides what typed text may hold, for the server's edge and the core.

#: Bidirectional embeddings, overrides and isolates: they can make a name or an
#: answer read backwards on the projector.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def text_problem(text: str, *, one_line: bool, controls: bool = True) -> str:
    """Why ``text`` cannot be stored as typed, or "" if it can.

    Lone surrogates (``"\\udfff"`` in JSON) are not text: SQLite stores them,
    and then every page that shows them fails. ``one_line`` also refuses
    line breaks, tabs and bidirectional overrides (names, word-cloud words).
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "the text contains invalid characters"
    if controls and _CONTROL.search(text):
        return "the text contains control characters"
    if one_line and ("\n" in text or "\r" in text or "\t" in text or _BIDI.search(text)):
        return "the text must be one line, without direction overrides"
    return ""


def readable(text: str) -> str:
    """``text`` from a file, with any invalid character replaced by U+FFFD.

    Files written before the server refused such text may hold lone
    surrogates; results built from them must still show.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


# ---------------------------------------------------------------- polls


@dataclass(frozen=True)
class PollInfo:
    """A poll with everything needed to show it and check a ballot."""

    id: str
    session_id: str
    activity_id: str
    activity_key: str
    activity_title: str
    activity_position: int
    index: int  # the question's place in its activity
    question: templates.Question
    choices: tuple[str, ...]  # the options, or the scale's points
    statements: tuple[str, ...]
    scale_label: str
    state: str
    results_visible: bool
    opened_at: datetime | None
    closed_at: datetime | None
    definition: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    choice_keys: tuple[str, ...] = ()  # keys of ``choices``, in the same order
    statement_keys: tuple[str, ...] = ()  # keys of ``statements``

    @property
    def scale(self) -> dict[str, Any] | None:
        """The frozen scale (points, agree, disagree), or None."""
        return self.definition.get("scale")

    def choice_key(self, index: int) -> str:
        return self.choice_keys[index]

    def statement_key(self, index: int) -> str:
        """The key stored for statement ``index`` ("" for a poll without statements)."""
        return self.statement_keys[index] if self.statement_keys else ""

    @property
    def ref(self) -> str:
        """``ACTIVITY_KEY/QUESTION_KEY``: how people and the CLI name a poll."""
        return f"{self.activity_key}/{self.question.key}"

    @property
    def type(self) -> str:
        return self.question.type

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    def public(self) -> dict[str, Any]:
        """What a participant's phone is shown (no ids of people)."""
        q = self.question
        return {
            "id": self.id,
            "ref": self.ref,
            "activity": self.activity_title,
            "type": q.type,
            "text": q.text,
            "choices": list(self.choices),
            "statements": list(self.statements),
            "max_choices": q.max_choices or len(self.choices),
            "max_length": q.max_length,
            "state": self.state,
            "results_visible": self.results_visible,
        }


def _plan(db: Any, session_id: str) -> dict[str, Any]:
    session = db.get(Session, session_id)
    if session is None:
        raise UserError("no such session")
    return dict(session.plan or {})


def _questions(act: Activity) -> list[templates.Question]:
    if not act.config.get("questions"):  # an ad-hoc poll before its first question
        return []
    return templates.activity_config(act).questions


def _info(poll: Poll, act: Activity, index: int) -> PollInfo:
    d = poll.definition
    q = question_of(d)
    scale = d.get("scale")
    choices = scale["points"] if scale else d.get("options", [])
    statements = d.get("statements", [])
    return PollInfo(
        id=poll.id,
        session_id=poll.session_id,
        activity_id=act.id,
        activity_key=act.key,
        activity_title=act.title,
        activity_position=act.position,
        index=index,
        question=q,
        choices=tuple(c["label"] for c in choices),
        statements=tuple(s["text"] for s in statements),
        scale_label=str(scale.get("label", scale["key"])) if scale else "",
        state=poll.state,
        results_visible=poll.results_visible,
        opened_at=poll.opened_at,
        closed_at=poll.closed_at,
        definition=d,
        choice_keys=tuple(c["key"] for c in choices),
        statement_keys=tuple(s["key"] for s in statements),
    )


def _order(act: Activity, question_key: str) -> int:
    keys = [q.get("key") for q in act.config.get("questions", [])]
    return keys.index(question_key) if question_key in keys else len(keys)


def polls(store: Store, session_id: str) -> list[PollInfo]:
    """Every question of the session's poll activities, in agenda order.

    Reads only: a poll row is made when its question is made.
    """
    with store.db() as db:
        rows = db.exec(
            select(Poll, Activity)
            .join(Activity, col(Activity.id) == col(Poll.activity_id))
            .where(
                Poll.session_id == session_id,
                col(Poll.deleted_at).is_(None),
                Activity.kind == "poll",
                col(Activity.deleted_at).is_(None),
            )
        ).all()
    out = [_info(poll, act, _order(act, poll.question_key)) for poll, act in rows]
    out.sort(key=lambda p: (p.activity_position, p.index, p.id))
    return out


def get_poll(store: Store, poll_id: str) -> PollInfo:
    """One poll by id. Raises :class:`UserError` if there is none."""
    with store.db() as db:
        poll = db.get(Poll, poll_id)
        if poll is None or poll.deleted_at is not None:
            raise UserError("no such poll")
        act = db.get(Activity, poll.activity_id)
        if act is None:
            raise UserError("no such poll")
    return _info(poll, act, _order(act, poll.question_key))


def find_polls(store: Store, session_id: str, ref: str) -> list[PollInfo]:
    """Polls named ``ACTIVITY/QUESTION``, or every question of ``ACTIVITY``."""
    everything = polls(store, session_id)
    found = [p for p in everything if ref in (p.ref, p.activity_key, p.id)]
    if not found:
        known = ", ".join(p.ref for p in everything) or "none"
        raise UserError(f"no poll {ref!r} in this session (polls: {known})")
    return found


def open_polls(store: Store, session_id: str) -> list[PollInfo]:
    return [p for p in polls(store, session_id) if p.is_open]


def _set_state(store: Store, poll_id: str, **changes: Any) -> PollInfo:
    with store.db() as db:
        poll = db.get(Poll, poll_id)
        if poll is None:
            raise UserError("no such poll")
        for k, v in changes.items():
            setattr(poll, k, v)
        poll.touch()
        db.add(poll)
        db.commit()
    return get_poll(store, poll_id)


def open_poll(store: Store, poll_id: str, close_others: bool = False) -> PollInfo:
    """Open a draft or closed poll (reopening keeps its ballots).

    With ``close_others`` every other open poll of the session is closed first,
    for a facilitator who moves through the questions one by one.
    """
    current = get_poll(store, poll_id)
    if close_others:
        for other in open_polls(store, current.session_id):
            if other.id != poll_id:
                close_poll(store, other.id)
    if current.is_open:
        return current
    with store.db() as db:
        poll = db.get(Poll, poll_id)
        assert poll is not None
        times = poll.times_opened + 1
    return _set_state(
        store, poll_id, state="open", opened_at=utcnow(), closed_at=None, times_opened=times
    )


def close_poll(store: Store, poll_id: str) -> PollInfo:
    """Close an open poll: from now on its ballots are refused."""
    current = get_poll(store, poll_id)
    if not current.is_open:
        raise RuleError(f"poll {current.ref} is not open")
    return _set_state(store, poll_id, state="closed", closed_at=utcnow())


def set_results_visible(store: Store, poll_id: str, visible: bool) -> PollInfo:
    """Show or hide the results (hidden by default so early votes don't herd the room)."""
    return _set_state(store, poll_id, results_visible=bool(visible))


# ---------------------------------------------------------------- creating polls


def _question(data: Mapping[str, Any]) -> templates.Question:
    try:
        return templates.Question.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise UserError(f"{where}: {msg}" if where else msg) from exc


def _add_question(db: Any, act: Activity, q: templates.Question) -> Poll:
    """Append ``q`` to ``act`` and make its poll, in the caller's transaction."""
    if act.kind != "poll":
        raise RuleError(f"activity {act.key} is a {act.kind}, not a poll")
    session = db.get(Session, act.session_id)
    assert session is not None
    if any(x.key == q.key for x in _questions(act)):
        raise RuleError(f"activity {act.key} already has a question {q.key!r}")
    plan = dict(session.plan or {})
    if q.scale:
        scales = dict(plan.get("scales", {}))
        if q.scale not in scales:
            if q.scale not in STANDARD_SCALES:
                names = ", ".join([*scales, *STANDARD_SCALES])
                raise UserError(f"scale: unknown scale {q.scale!r} (have: {names})")
            scales[q.scale] = dict(STANDARD_SCALES[q.scale])
            plan["scales"] = scales
            session.plan = plan
            session.touch()
            db.add(session)
    if q.statements_from == "crosspoints" and not plan.get("crosspoints"):
        raise RuleError("this session has no cross-points to rate")
    config = dict(act.config)
    config["questions"] = [
        *config.get("questions", []),
        q.model_dump(mode="json", exclude_defaults=True)
        | {"key": q.key, "type": q.type, "text": q.text},
    ]
    act.config = config
    act.touch()
    db.add(act)
    poll = Poll(
        session_id=act.session_id,
        activity_id=act.id,
        question_key=q.key,
        definition=freeze(act.key, q, plan),
    )
    db.add(poll)
    return poll


def add_question(store: Store, activity_id: str, data: Mapping[str, Any]) -> PollInfo:
    """Append a new question to a poll activity and return its (draft) poll.

    ``data`` has the fields of a template question (key, type, text, options,
    scale, statements, statements_from, max_choices, max_length). A standard
    scale (:data:`STANDARD_SCALES`) is copied into the session's plan. The
    poll is made, its definition frozen, in the same transaction.
    """
    q = _question(data)
    with store.db() as db:
        act = db.get(Activity, activity_id)
        if act is None or act.deleted_at is not None:
            raise UserError("no such activity")
        poll = _add_question(db, act, q)
        db.commit()
    return get_poll(store, poll.id)


def add_poll_activity(
    store: Store, session_id: str, title: str, question: Mapping[str, Any], key: str = ""
) -> PollInfo:
    """Add an ad-hoc poll activity at the end of the agenda with its first
    question, in one transaction (nothing is added if the question is refused)."""
    title = title.strip()
    if not title or len(title) > 200:
        raise UserError("title: a poll needs a title of at most 200 characters")
    try:
        q = templates.Question.model_validate(dict(question))
    except ValidationError as exc:
        raise UserError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from exc
    existing = sessions.activities(store, session_id)
    taken = {a.key for a in existing}
    base = key or ("poll-" + sessions.slug(title))[:50]
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    act = Activity(
        session_id=session_id,
        position=max((a.position for a in existing), default=-1) + 1,
        key=key,
        kind="poll",
        title=title,
        config={"kind": "poll", "key": key, "title": title, "questions": []},
    )
    with store.db() as db:
        db.add(act)
        poll = _add_question(db, act, q)
        db.commit()
    return get_poll(store, poll.id)


# ---------------------------------------------------------------- joining


@dataclass(frozen=True)
class Voter:
    """Who casts a ballot: a participant, through a device."""

    participant_id: str
    stakeholder_group: str
    device_id: str = ""


@dataclass(frozen=True)
class Joined:
    token: str  # give this to the phone; only its hash is stored
    voter: Voter
    participant: Participant


def new_join_code() -> str:
    """A short numeric code, easy to type on a phone."""
    return "".join(secrets.choice("0123456789") for _ in range(JOIN_CODE_DIGITS))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def join(
    store: Store, session: Session, stakeholder_group: str, name: str = "", user_agent: str = ""
) -> Joined:
    """A phone joins: create its participant and its device, return its token."""
    if not isinstance(stakeholder_group, str) or not isinstance(name, str):
        raise UserError("group and name must be text")
    name = name.strip()
    if len(name) > MAX_NAME:
        raise UserError(f"name: at most {MAX_NAME} characters")
    problem = text_problem(name, one_line=True) or text_problem(stakeholder_group, one_line=True)
    if problem:
        raise UserError(f"name: {problem}")
    participant = sessions.add_participant(store, session, stakeholder_group, name=name)
    token = secrets.token_urlsafe(24)
    device = Device(
        session_id=session.id,
        token_hash=hash_token(token),
        participant_id=participant.id,
        stakeholder_group=participant.stakeholder_group,
        user_agent=str(user_agent)[:200],
    )
    with store.db() as db:
        db.add(device)
        db.commit()
    voter = Voter(participant.id, participant.stakeholder_group, device.id)
    return Joined(token, voter, participant)


def voter_for_token(store: Store, session_id: str, token: str) -> Voter | None:
    """The voter holding ``token`` in this session, or None."""
    if not token or len(token) > 200:
        return None
    with store.db() as db:
        device = db.exec(
            select(Device).where(
                Device.token_hash == hash_token(token),
                Device.session_id == session_id,
                col(Device.deleted_at).is_(None),
            )
        ).first()
        if device is None:
            return None
        return Voter(device.participant_id, device.stakeholder_group, device.id)


def joined_count(store: Store, session_id: str) -> int:
    """Participants who joined from a phone (one per device)."""
    with store.db() as db:
        n = db.exec(
            select(func.count(func.distinct(Device.participant_id))).where(
                Device.session_id == session_id, col(Device.deleted_at).is_(None)
            )
        ).one()
        return int(n)


# ---------------------------------------------------------------- values


def _text(value: Any, limit: int, one_line: bool) -> str:
    if not isinstance(value, str):
        raise UserError("the answer must be text")
    if not value.strip():
        raise UserError("the answer is empty")
    if len(value) > limit:
        raise UserError(f"the answer is too long: at most {limit} characters")
    if text_problem(value, one_line=one_line):
        raise UserError("the answer contains characters that are not allowed")
    return value


def _index(value: Any, size: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError("the answer must be the number of a choice")
    if not 0 <= value < size:
        raise UserError(f"there is no choice {value}")
    return value


def check_value(poll: PollInfo, value: Any) -> Any:
    """The normalised value of a ballot, or :class:`UserError` saying what is wrong.

    For ``scale_statements`` ``value`` maps statement indexes (int or digit
    strings) to point indexes and the result is a ``{int: int}`` dict.
    """
    q = poll.question
    n = len(poll.choices)
    if q.type in ("single", "scale"):
        return _index(value, n)
    if q.type == "multiple":
        if not isinstance(value, list) or not value:
            raise UserError("choose at least one option")
        picked = sorted({_index(v, n) for v in value})
        if len(picked) != len(value):
            raise UserError("an option is chosen twice")
        limit = q.max_choices or n
        if len(picked) > limit:
            raise UserError(f"choose at most {limit} options")
        return picked
    if q.type == "ranking":
        if not isinstance(value, list):
            raise UserError("a ranking is a list of options")
        order = [_index(v, n) for v in value]
        if sorted(order) != list(range(n)):
            raise UserError("rank every option exactly once")
        return order
    if q.type == "scale_statements":
        if not isinstance(value, Mapping) or not value:
            raise UserError("rate at least one statement")
        out: dict[int, int] = {}
        for k, v in value.items():
            if isinstance(k, str) and k.isascii() and k.isdigit() and len(k) < 4:  # not "²"
                k = int(k)
            if isinstance(k, bool) or not isinstance(k, int) or not 0 <= k < len(poll.statements):
                raise UserError(f"there is no statement {k!r}")
            out[k] = _index(v, n)
        return out
    if q.type in ("open", "wordcloud"):
        return _text(value, q.max_length, one_line=q.type == "wordcloud")
    raise UserError("this poll takes questions and upvotes, not ballots")


def to_keys(poll: PollInfo, clean: Any) -> Any:
    """A checked value (positions, as :func:`check_value` returns it) by keys, as
    stored. For ``scale_statements``: ``{statement_key: point_key}``."""
    keys = poll.choice_keys
    if poll.type in ("single", "scale"):
        return keys[clean]
    if poll.type in ("multiple", "ranking"):
        return [keys[i] for i in clean]
    if poll.type == "scale_statements":
        return {poll.statement_keys[s]: keys[p] for s, p in clean.items()}
    return clean


def ballot_positions(poll: PollInfo, ballot: Ballot) -> tuple[int | None, Any]:
    """A stored ballot row as the phones would send it: (statement position, or 0
    for a poll without statements; value by positions)."""
    if poll.type == "scale_statements":
        statement = {k: i for i, k in enumerate(poll.statement_keys)}.get(ballot.statement_key)
        where = {k: i for i, k in enumerate(poll.choice_keys)}
        return statement, where.get(ballot.value)
    return 0, to_positions(poll, ballot.value)


def to_positions(poll: PollInfo, stored: Any) -> Any:
    """A stored value (by keys) as the phones see it (positions). Keys that are no
    longer in the definition (a hand-edited file) are left out."""
    where = {k: i for i, k in enumerate(poll.choice_keys)}
    if poll.type in ("single", "scale"):
        return where.get(stored)
    if poll.type in ("multiple", "ranking"):
        return [where[k] for k in stored if k in where]
    if poll.type == "scale_statements":
        statement = {k: i for i, k in enumerate(poll.statement_keys)}
        return {
            statement[s]: where[p] for s, p in stored.items() if s in statement and p in where
        }
    return stored


# ---------------------------------------------------------------- ballots


@dataclass(frozen=True)
class CastResult:
    """What a phone is told once its ballot is committed."""

    poll_id: str
    value: Any  # the participant's live answer after this ballot
    ballot_ids: tuple[str, ...]  # the live rows (one per statement)
    changed: bool  # False: same answer as before, nothing new written


@contextmanager
def _immediate(store: Store) -> Iterator[Connection]:
    """One write transaction that takes SQLite's write lock at once.

    Taking the lock before reading the poll's state orders a ballot strictly
    before or after a concurrent close.
    """
    with store.engine.connect() as conn:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        conn.commit()


def _require_open(conn: Connection, poll: PollInfo) -> None:
    state = conn.execute(select(Poll.state).where(Poll.id == poll.id)).scalar_one_or_none()
    if state is None:
        raise UserError("no such poll")
    if state != "open":
        raise RuleError("this poll is closed: your answer was not counted")


def _db_time(moment: datetime) -> str:
    # How SQLAlchemy stores a DateTime in SQLite (naive UTC); the ORM reads it back.
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


@contextmanager
def _raw_immediate(store: Store) -> Iterator[sqlite3.Cursor]:
    """Like :func:`_immediate` on the bare sqlite3 connection: the hot path of a
    ballot, where building SQLAlchemy expressions cost more than the commit."""
    raw = store.engine.raw_connection()
    try:
        cur = cast(sqlite3.Cursor, raw.cursor())  # the store's engine is pysqlite
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
        except BaseException:
            raw.rollback()
            raise
        raw.commit()
    finally:
        raw.close()


class BallotRequest(NamedTuple):
    """One ballot to cast (see :func:`cast_ballots`)."""

    poll: PollInfo
    voter: Voter
    value: Any


def cast_ballot(store: Store, poll: PollInfo, voter: Voter, value: Any) -> CastResult:
    """Record a participant's ballot, or change it while the poll is open.

    Validates ``value`` (see :func:`check_value`); refuses a closed poll. The
    ballot is committed to disk before this returns. Sending the same answer
    again writes nothing (a phone retrying after a lost reply is harmless).
    """
    [result] = cast_ballots(store, [BallotRequest(poll, voter, value)])
    if isinstance(result, Exception):
        raise result
    return result


def cast_ballots(store: Store, requests: Sequence[BallotRequest]) -> list[CastResult | Exception]:
    """Cast many ballots with one transaction and one synced commit.

    This is how the participants' server keeps up when a whole room votes at
    once: the commit's sync and the per-statement overhead cost more than the
    rows, so ballots arriving together share them ("group commit"). Each
    ballot is judged as by :func:`cast_ballot`, in the order given (a
    participant's later ballot replaces their earlier one). The result at
    each position is the ballot's :class:`CastResult` or the exception
    refusing it (:class:`UserError`, :class:`RuleError` for a closed poll);
    a refused ballot does not affect the others. Every :class:`CastResult`
    is on disk when this returns.
    """
    try:
        return _cast_together(store, requests)
    except sqlite3.OperationalError as exc:
        # Locked, full or failing disk: no ballot could be written, one by
        # one would fail the same way (after the busy timeout each).
        return [exc] * len(requests)
    except Exception as exc:
        # Something the checks did not foresee (a constraint, a bug) failed
        # the batch and its transaction was rolled back: cast the ballots one
        # at a time so that only the faulty one is refused.
        if len(requests) == 1:
            return [exc]
        return [result for request in requests for result in cast_ballots(store, [request])]


def _cast_together(store: Store, requests: Sequence[BallotRequest]) -> list[CastResult | Exception]:
    with _raw_immediate(store) as cur:
        batch = _Batch(cur, requests)
        results = [batch.cast(*request) for request in requests]
        batch.write()
    return results


# Bind parameters per statement: SQLite before 3.32 allows no more than 999.
_MAX_PARAMS = 999
_BALLOT_COLUMNS = (
    "id, session_id, created_at, updated_at, poll_id, activity_id, question_key, "
    "statement_key, value, participant_id, stakeholder_group, device_id, replaced_by"
)
_UPDATED_AT, _REPLACED_BY = 3, 12  # in a row of _BALLOT_COLUMNS


class _Batch:
    """Ballots judged one by one inside a write transaction, then written together.

    Everything that can refuse a single ballot (its value, its poll's state)
    is checked before anything is written, so the writes can only fail all
    together. The write lock is held from ``BEGIN IMMEDIATE`` to the commit:
    the polls' states and the participants' live ballots, read at the start,
    cannot change except by this batch.

    A batch makes a handful of SQLite calls whatever its size (one query per
    poll, multi-row statements, ids drawn together): every call into SQLite or
    the system releases Python's GIL, and while the server's event loop is
    busy with a room's requests, getting it back can take up to the
    interpreter's switch interval (5 ms).
    """

    def __init__(self, cur: sqlite3.Cursor, requests: Sequence[BallotRequest]) -> None:
        self.cur = cur
        self.ids = id_stream()
        self.new_rows: dict[str, list[Any]] = {}  # ballot id -> row, in casting order
        self.replaced: list[tuple[str, str, str]] = []  # (old id, new id, when) of rows on disk
        voters: dict[str, tuple[PollInfo, set[str]]] = {}
        for poll, voter, _value in requests:
            voters.setdefault(poll.id, (poll, set()))[1].add(voter.participant_id)
        self.states: dict[str, str] = {}
        for ids in _chunks(list(voters), _MAX_PARAMS):
            self.states.update(
                cur.execute(f"SELECT id, state FROM poll WHERE id IN ({_marks(len(ids))})", ids)
            )
        # (poll id, participant id) -> statement key -> (live ballot id, value by keys)
        self.live: dict[tuple[str, str], dict[str, tuple[str, Any]]] = defaultdict(dict)
        for poll, people in voters.values():
            # Naming every statement lets SQLite seek the live-ballot index
            # (poll, statement, participant) instead of reading every ballot
            # ever cast in the poll.
            statements = list(poll.statement_keys or ("",))
            for chunk in _chunks(sorted(people), _MAX_PARAMS - 1 - len(statements)):
                rows = cur.execute(
                    "SELECT participant_id, statement_key, id, value FROM ballot WHERE poll_id = ? "
                    f"AND statement_key IN ({_marks(len(statements))}) "
                    f"AND participant_id IN ({_marks(len(chunk))}) "
                    "AND replaced_by IS NULL AND deleted_at IS NULL",
                    (poll.id, *statements, *chunk),
                )
                for participant_id, statement, bid, raw in rows:
                    self.live[poll.id, participant_id][statement] = (bid, _json_value(raw))

    def cast(self, poll: PollInfo, voter: Voter, value: Any) -> CastResult | Exception:
        try:
            clean = check_value(poll, value)
        except UserError as exc:
            return exc
        stored = to_keys(poll, clean)
        state = self.states.get(poll.id)
        if state is None:
            return UserError("no such poll")
        if state != "open":
            return RuleError("this poll is closed: your answer was not counted")
        current = self.live[poll.id, voter.participant_id]
        now = _db_time(utcnow())
        per_statement = stored.items() if poll.type == "scale_statements" else [("", stored)]
        ids: list[str] = []
        changed = False
        for statement, val in per_statement:
            old = current.get(statement)
            if old is not None and old[1] == val:
                ids.append(old[0])
                continue
            bid = next(self.ids)
            if old is not None and old[0] in self.new_rows:  # cast earlier in this batch
                self.new_rows[old[0]][_UPDATED_AT] = now
                self.new_rows[old[0]][_REPLACED_BY] = bid
            elif old is not None:
                self.replaced.append((old[0], bid, now))
            self.new_rows[bid] = [
                bid, poll.session_id, now, now, poll.id, poll.activity_id, poll.question.key,
                statement, json.dumps(val), voter.participant_id, voter.stakeholder_group,
                voter.device_id, None,
            ]
            current[statement] = (bid, val)
            ids.append(bid)
            changed = True
        mine: Any = clean
        if poll.type == "scale_statements":  # earlier ratings of other statements count too
            mine = dict(
                sorted(to_positions(poll, {s: val for s, (_bid, val) in current.items()}).items())
            )
        return CastResult(poll.id, mine, tuple(ids), changed)

    def write(self) -> None:
        # Old rows leave the live index before their successors enter it.
        for replaced in _chunks(self.replaced, _MAX_PARAMS // 3):
            self.cur.execute(
                f"WITH replaced(old, new, at) AS (VALUES {_marks(len(replaced), 3)}) "
                "UPDATE ballot SET "
                "replaced_by = (SELECT new FROM replaced WHERE old = ballot.id), "
                "updated_at = (SELECT at FROM replaced WHERE old = ballot.id) "
                "WHERE id IN (SELECT old FROM replaced)",
                [x for row in replaced for x in row],
            )
        width = len(_BALLOT_COLUMNS.split(","))
        for rows in _chunks(list(self.new_rows.values()), _MAX_PARAMS // width):
            self.cur.execute(
                f"INSERT INTO ballot ({_BALLOT_COLUMNS}) VALUES {_marks(len(rows), width)}",
                [x for row in rows for x in row],
            )


def _marks(n: int, width: int = 0) -> str:
    """``?, ?, ?`` for n values, or ``(?, ?), (?, ?)`` for n rows of ``width`` values."""
    if not width:
        return ", ".join("?" * n)
    return ", ".join([f"({_marks(width)})"] * n)


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _json_value(raw: Any) -> Any:
    """A ballot's value as read with plain SQL."""
    # the column has NUMERIC affinity: SQLite stores the JSON "2" as the integer 2
    return json.loads(raw) if isinstance(raw, str) else raw


def _live_ballots_stmt(poll_ids: Iterable[str]) -> Any:
    return select(Ballot).where(
        col(Ballot.poll_id).in_(list(poll_ids)),
        col(Ballot.replaced_by).is_(None),
        col(Ballot.deleted_at).is_(None),
    )


def live_ballots(store: Store, poll_id: str) -> list[Ballot]:
    """The ballots that count: one per participant (and statement)."""
    with store.db() as db:
        return list(db.exec(_live_ballots_stmt([poll_id]).order_by(col(Ballot.created_at))))


def ballot_history(store: Store, poll_id: str) -> list[Ballot]:
    """Every ballot ever cast in a poll, changed ones included, oldest first."""
    with store.db() as db:
        return list(
            db.exec(
                select(Ballot)
                .where(Ballot.poll_id == poll_id)
                .order_by(col(Ballot.created_at), col(Ballot.id))
            )
        )


def _stored_answers(
    store: Store, participant_id: str, wanted: set[str] | None
) -> dict[str, dict[str, Any]]:
    """poll id -> statement key -> the live stored value (by keys)."""
    # Plain SQL: the participants' server asks this for every phone that
    # connects, and a room connects at once when the server restarts.
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    with store.engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT poll_id, statement_key, value FROM ballot WHERE participant_id = ? "
            "AND replaced_by IS NULL AND deleted_at IS NULL",
            (participant_id,),
        )
        for poll_id, statement_key, raw in rows:
            if wanted is None or poll_id in wanted:
                out[poll_id][statement_key] = _json_value(raw)
    return out


def _as_answer(poll: PollInfo, by_statement: dict[str, Any]) -> Any:
    if poll.type == "scale_statements":
        return dict(sorted(to_positions(poll, by_statement).items()))
    return to_positions(poll, by_statement.get(""))


def answers_of(
    store: Store, participant_id: str, poll_ids: Iterable[str] | None = None
) -> dict[str, Any]:
    """A participant's live answers, by poll id, as the phones see them
    (positions; ``{statement: point}`` for statements)."""
    stored = _stored_answers(store, participant_id, None if poll_ids is None else set(poll_ids))
    return {pid: _as_answer(get_poll(store, pid), v) for pid, v in stored.items()}


def answers_for(store: Store, participant_id: str, polls_: Iterable[PollInfo]) -> dict[str, Any]:
    """Like :func:`answers_of`, for polls already loaded (no query per poll)."""
    by_id = {p.id: p for p in polls_}
    stored = _stored_answers(store, participant_id, set(by_id))
    return {pid: _as_answer(by_id[pid], v) for pid, v in stored.items()}


@dataclass(frozen=True)
class Progress:
    voted: int  # participants with a live ballot (or a post, for Q&A)
    joined: int  # participants who joined from a phone


def progress(store: Store, poll: PollInfo) -> Progress:
    """The live count the facilitator watches: ballots against joined phones."""
    with store.db() as db:
        if poll.type == "qa":
            voted = db.exec(
                select(func.count(func.distinct(QAItem.participant_id))).where(
                    QAItem.poll_id == poll.id, col(QAItem.deleted_at).is_(None)
                )
            ).one()
        else:
            voted = db.exec(
                select(func.count(func.distinct(Ballot.participant_id))).where(
                    Ballot.poll_id == poll.id,
                    col(Ballot.replaced_by).is_(None),
                    col(Ballot.deleted_at).is_(None),
                )
            ).one()
    return Progress(int(voted), joined_count(store, poll.session_id))


# ---------------------------------------------------------------- tallies


def set_tally(
    store: Store,
    poll: PollInfo,
    choice: int | str,
    count: int,
    *,
    stakeholder_group: str = "",
    statement: int | str = 0,
    source: str = "hands",
) -> Tally:
    """Enter how many people chose ``choice`` by show of hands or on paper.

    ``choice`` and ``statement`` are positions (0 = first) or keys. A new count
    for the same (statement, choice, group, source) replaces the previous
    entry, which is kept. A count of 0 withdraws it.
    """
    if poll.type not in TALLY_TYPES:
        raise RuleError(f"a {poll.type} poll cannot be counted by hand")
    if source not in TALLY_SOURCES:
        raise UserError(f"source must be one of {', '.join(TALLY_SOURCES)}")
    if isinstance(choice, str) and choice in poll.choice_keys:
        choice_key = choice
    else:
        choice_key = poll.choice_keys[_index(choice, len(poll.choices))]
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_TALLY:
        raise UserError(f"count must be a whole number from 0 to {MAX_TALLY}")
    if poll.type == "scale_statements":
        if isinstance(statement, str) and statement in poll.statement_keys:
            statement_key = statement
        elif isinstance(statement, int) and 0 <= statement < len(poll.statements):
            statement_key = poll.statement_keys[statement]
        else:
            raise UserError(f"there is no statement {statement}")
    elif statement not in (0, ""):
        raise UserError("this poll has no statements")
    else:
        statement_key = ""
    if stakeholder_group:
        with store.db() as db:
            session = db.get(Session, poll.session_id)
            assert session is not None
        keys = [g["key"] for g in sessions.stakeholder_groups(session)]
        if stakeholder_group not in keys:
            raise UserError(
                f"stakeholder group {stakeholder_group!r} is not one of: {', '.join(keys)}"
            )
    tally = Tally(
        session_id=poll.session_id,
        poll_id=poll.id,
        activity_id=poll.activity_id,
        question_key=poll.question.key,
        statement_key=statement_key,
        choice_key=choice_key,
        stakeholder_group=stakeholder_group,
        count=count,
        source=source,
    )
    with store.db() as db:
        old = db.exec(
            select(Tally).where(
                Tally.poll_id == poll.id,
                Tally.statement_key == statement_key,
                Tally.choice_key == choice_key,
                Tally.stakeholder_group == stakeholder_group,
                Tally.source == source,
                col(Tally.replaced_by).is_(None),
                col(Tally.deleted_at).is_(None),
            )
        ).all()
        for row in old:
            row.replaced_by = tally.id
            row.touch()
            db.add(row)
        db.add(tally)
        db.commit()
    return tally


def tallies(store: Store, poll_id: str) -> list[Tally]:
    """The tallies that count (latest entry per choice, group and source)."""
    with store.db() as db:
        return list(
            db.exec(
                select(Tally)
                .where(
                    Tally.poll_id == poll_id,
                    col(Tally.replaced_by).is_(None),
                    col(Tally.deleted_at).is_(None),
                    Tally.count > 0,
                )
                .order_by(col(Tally.statement_key), col(Tally.choice_key))
            )
        )


# ---------------------------------------------------------------- Q&A


@dataclass(frozen=True)
class QAView:
    id: str
    text: str
    stakeholder_group: str
    upvotes: int
    highlighted: bool
    answered: bool
    hidden: bool
    created_at: datetime
    participant_id: str = field(default="", repr=False)

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "group": self.stakeholder_group,
            "upvotes": self.upvotes,
            "highlighted": self.highlighted,
            "answered": self.answered,
        }


def qa_submit(store: Store, poll: PollInfo, voter: Voter, text: str) -> QAItem:
    """Post a question or idea to an open Q&A poll (stored exactly as typed)."""
    if poll.type != "qa":
        raise UserError("this poll does not take questions")
    text = _text(text, poll.question.max_length, one_line=False)
    item = QAItem(
        session_id=poll.session_id,
        poll_id=poll.id,
        activity_id=poll.activity_id,
        question_key=poll.question.key,
        text=text,
        participant_id=voter.participant_id,
        stakeholder_group=voter.stakeholder_group,
        device_id=voter.device_id,
    )
    with _immediate(store) as conn:
        _require_open(conn, poll)
        mine = conn.execute(
            select(func.count())
            .select_from(QAItem)
            .where(
                QAItem.poll_id == poll.id,
                QAItem.participant_id == voter.participant_id,
                col(QAItem.deleted_at).is_(None),
            )
        ).scalar_one()
        if mine >= MAX_QA_ITEMS_PER_PARTICIPANT:
            raise RuleError(f"you have posted {MAX_QA_ITEMS_PER_PARTICIPANT} items already")
        conn.execute(insert(QAItem).values(**item.model_dump()))
    return item


def qa_upvote(store: Store, item_id: str, voter: Voter, up: bool = True) -> int:
    """Upvote an item (or withdraw the upvote); returns its number of upvotes."""
    with _immediate(store) as conn:
        item = conn.execute(
            select(QAItem.poll_id, QAItem.hidden, QAItem.session_id).where(  # type: ignore[call-overload]
                QAItem.id == item_id, col(QAItem.deleted_at).is_(None)
            )
        ).first()
        if item is None or item.hidden:
            raise UserError("no such item")
        state = conn.execute(select(Poll.state).where(Poll.id == item.poll_id)).scalar_one()
        if state != "open":
            raise RuleError("this poll is closed: your upvote was not counted")
        existing = conn.execute(
            select(QAVote.id).where(
                QAVote.item_id == item_id,
                QAVote.participant_id == voter.participant_id,
                col(QAVote.deleted_at).is_(None),
            )
        ).first()
        now = utcnow()
        if up and existing is None:
            conn.execute(
                insert(QAVote).values(
                    id=new_id(),
                    session_id=item.session_id,
                    created_at=now,
                    updated_at=now,
                    item_id=item_id,
                    poll_id=item.poll_id,
                    participant_id=voter.participant_id,
                    device_id=voter.device_id,
                )
            )
        elif not up and existing is not None:
            conn.execute(
                update(QAVote)
                .where(col(QAVote.id) == existing.id)
                .values(deleted_at=now, updated_at=now)
            )
        n = conn.execute(
            select(func.count())
            .select_from(QAVote)
            .where(QAVote.item_id == item_id, col(QAVote.deleted_at).is_(None))
        ).scalar_one()
    return int(n)


def qa_set(
    store: Store,
    item_id: str,
    *,
    highlighted: bool | None = None,
    answered: bool | None = None,
    hidden: bool | None = None,
) -> QAItem:
    """The facilitator highlights (one item at a time), marks answered or hides an item."""
    with store.db() as db:
        item = db.get(QAItem, item_id)
        if item is None:
            raise UserError("no such item")
        if highlighted:
            others = db.exec(
                select(QAItem).where(
                    QAItem.poll_id == item.poll_id,
                    col(QAItem.highlighted).is_(True),
                    QAItem.id != item_id,
                )
            )
            for other in others:
                other.highlighted = False
                other.touch()
                db.add(other)
        if highlighted is not None:
            item.highlighted = highlighted
        if answered is not None:
            item.answered = answered
            if answered:
                item.highlighted = False
        if hidden is not None:
            item.hidden = hidden
            if hidden:
                item.highlighted = False
        item.touch()
        db.add(item)
        db.commit()
        return item


def qa_items(store: Store, poll_id: str, include_hidden: bool = False) -> list[QAView]:
    """Items ranked for the projector: the highlighted one first, then open
    items by upvotes (older first on a tie), answered items last."""
    with store.db() as db:
        votes = dict(
            db.exec(
                select(QAVote.item_id, func.count())  # type: ignore[call-overload]
                .where(QAVote.poll_id == poll_id, col(QAVote.deleted_at).is_(None))
                .group_by(QAVote.item_id)
            ).all()
        )
        rows = db.exec(
            select(QAItem).where(QAItem.poll_id == poll_id, col(QAItem.deleted_at).is_(None))
        ).all()
    views = [
        QAView(
            r.id,
            readable(r.text),
            r.stakeholder_group,
            int(votes.get(r.id, 0)),
            r.highlighted,
            r.answered,
            r.hidden,
            r.created_at,
            r.participant_id,
        )
        for r in rows
        if include_hidden or not r.hidden
    ]
    views.sort(key=lambda v: (not v.highlighted, v.answered, -v.upvotes, v.created_at, v.id))
    return views


def upvoted_by(store: Store, participant_id: str, poll_ids: Iterable[str]) -> set[str]:
    """The Q&A items a participant upvoted (and has not withdrawn) in these polls."""
    wanted = list(poll_ids)
    if not wanted:
        return set()
    with store.engine.connect() as conn:  # plain SQL, as in answers_of
        rows = conn.exec_driver_sql(
            f"SELECT item_id FROM qavote WHERE poll_id IN ({_marks(len(wanted))}) "
            "AND participant_id = ? AND deleted_at IS NULL",
            (*wanted, participant_id),
        )
        return {item_id for (item_id,) in rows}


# ---------------------------------------------------------------- results


UNSPLIT = ""  # the "group" of tallies entered without a stakeholder group


@dataclass
class Row:
    """One bar: a choice (or a word) with its count and share."""

    label: str
    count: int
    percent: float  # of respondents (0-100, one decimal)
    by_group: dict[str, int] = field(default_factory=dict)
    group_percent: dict[str, float] = field(default_factory=dict)
    mean_rank: float | None = None  # ranking only: 1 = always first


@dataclass
class StatementResult:
    statement: str
    respondents: int
    rows: list[Row]
    group_respondents: dict[str, int] = field(default_factory=dict)


@dataclass
class TextAnswer:
    text: str
    stakeholder_group: str
    created_at: datetime


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
    labels: Iterable[str],
    keys: Iterable[str],
    counts: Mapping[str, Counter[str]],
    respondents: int,
    group_resp: Mapping[str, int],
    groups: list[str],
) -> list[Row]:
    rows = []
    for label, key in zip(labels, keys, strict=True):
        by = counts.get(key, Counter())
        total = sum(by.values())
        rows.append(
            Row(
                label,
                total,
                _pct(total, respondents),
                {g: by.get(g, 0) for g in groups},
                {g: _pct(by.get(g, 0), group_resp.get(g, 0)) for g in groups},
            )
        )
    return rows


class _Counted(NamedTuple):
    statement: str
    value: Any
    participant_id: str
    stakeholder_group: str
    created_at: datetime


def _counted_ballots(store: Store, poll_id: str) -> list[_Counted]:
    # Plain rows, not ORM objects: a poll rated by 300 people on 8 statements
    # has 2,400 of them and results are recomputed while people vote.
    stmt = (
        select(
            Ballot.statement_key,
            Ballot.value,
            Ballot.participant_id,  # type: ignore[call-overload]
            Ballot.stakeholder_group,
            Ballot.created_at,
        )
        .where(
            Ballot.poll_id == poll_id,
            col(Ballot.replaced_by).is_(None),
            col(Ballot.deleted_at).is_(None),
        )
        .order_by(col(Ballot.created_at))
    )
    with store.engine.connect() as conn:
        return [_Counted(*row) for row in conn.execute(stmt)]


def results(store: Store, poll_id: str) -> Results:
    """Counts and percentages overall and per stakeholder group.

    Percentages are of respondents: people who answered from a phone plus
    people counted by hand. For a multiple-choice poll counted by hand the
    number of people is not known; the largest count of any option is taken
    as a lower bound for each group and source.
    """
    poll = get_poll(store, poll_id)
    with store.db() as db:
        session = db.get(Session, poll.session_id)
        assert session is not None
    group_defs = sessions.stakeholder_groups(session)
    labels = {g["key"]: g["label"] for g in group_defs}
    groups = [g["key"] for g in group_defs]
    ballots = _counted_ballots(store, poll_id)
    tally_rows = tallies(store, poll_id)
    extra = {b.stakeholder_group for b in ballots} | {t.stakeholder_group for t in tally_rows}
    for g in sorted(extra - set(groups)):
        groups.append(g)
        labels[g] = labels.get(g, "Not split by group" if g == UNSPLIT else g)

    res = Results(poll, 0, 0, 0, groups, labels, {})
    if poll.type == "qa":
        res.items = qa_items(store, poll_id)
        posters = {i.participant_id for i in res.items}
        res.ballots = res.respondents = len(posters)
        return res

    # people per statement and group: phones + tallies
    def people(statement: str) -> tuple[int, Counter[str], int]:
        phone = Counter(b.stakeholder_group for b in ballots if b.statement == statement)
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
        for b in ballots:
            if b.statement != statement:
                continue
            picks = b.value if poll.type == "multiple" else [b.value]
            for choice in picks:
                out[choice][b.stakeholder_group] += 1
        for t in tally_rows:
            if t.statement_key == statement:
                out[t.choice_key][t.stakeholder_group] += t.count
        return out

    if poll.type == "scale_statements":
        participants = {b.participant_id for b in ballots}
        hand_total = 0
        for s, text in zip(poll.statement_keys, poll.statements, strict=True):
            phone_n, group_resp, hand_n = people(s)
            hand_total = max(hand_total, hand_n)
            total = sum(group_resp.values())
            res.statements.append(
                StatementResult(
                    text,
                    total,
                    _count_rows(
                        poll.choices, poll.choice_keys, counts(s), total, group_resp, groups
                    ),
                    {g: group_resp.get(g, 0) for g in groups},
                )
            )
        res.ballots = len(participants)
        res.tallied = hand_total
        res.respondents = res.ballots + hand_total
        resp: Counter[str] = Counter()
        for _pid, group in {(b.participant_id, b.stakeholder_group) for b in ballots}:
            resp[group] += 1
        res.group_respondents = {g: resp.get(g, 0) for g in groups}
        return res

    phone_n, group_resp, hand_n = people("")
    res.ballots, res.tallied = phone_n, hand_n
    res.respondents = phone_n + hand_n
    res.group_respondents = {g: group_resp.get(g, 0) for g in groups}
    if poll.type in ("single", "multiple", "scale"):
        res.rows = _count_rows(
            poll.choices, poll.choice_keys, counts(""), res.respondents, group_resp, groups
        )
    elif poll.type == "ranking":
        firsts: dict[str, Counter[str]] = defaultdict(Counter)
        rank_sum: Counter[str] = Counter()
        for b in ballots:
            for pos, choice in enumerate(b.value):
                rank_sum[choice] += pos + 1
            firsts[b.value[0]][b.stakeholder_group] += 1
        rows = _count_rows(
            poll.choices, poll.choice_keys, firsts, res.respondents, group_resp, groups
        )
        for key, row in zip(poll.choice_keys, rows, strict=True):
            row.mean_rank = round(rank_sum[key] / phone_n, 2) if phone_n else None
        rows.sort(key=lambda r: (r.mean_rank is None, r.mean_rank or 0, r.label))
        res.rows = rows
    elif poll.type == "open":
        res.texts = [TextAnswer(readable(str(b.value)), b.stakeholder_group, b.created_at)
                     for b in ballots]
    elif poll.type == "wordcloud":
        words: dict[str, Counter[str]] = defaultdict(Counter)
        spelling: dict[str, Counter[str]] = defaultdict(Counter)
        for b in ballots:
            word = readable(str(b.value))
            key = normalise_word(word)
            words[key][b.stakeholder_group] += 1
            spelling[key][_SPACES.sub(" ", word.strip())] += 1
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
                    {g: by.get(g, 0) for g in groups},
                    {g: _pct(by.get(g, 0), group_resp.get(g, 0)) for g in groups},
                )
            )
        rows.sort(key=lambda r: (-r.count, r.label.casefold()))
        res.rows = rows
    return res


def public_results(res: Results) -> dict[str, Any]:
    """Results as shown on phones when the facilitator shows them (no texts of
    other people except word-cloud words and visible Q&A items)."""

    def rows(rs: list[Row]) -> list[dict[str, Any]]:
        return [
            {"label": r.label, "count": r.count, "percent": r.percent, "mean_rank": r.mean_rank}
            for r in rs
        ]

    out: dict[str, Any] = {"respondents": res.respondents, "rows": rows(res.rows[:30])}
    if res.statements:
        out["statements"] = [
            {"statement": s.statement, "respondents": s.respondents, "rows": rows(s.rows)}
            for s in res.statements
        ]
    return out
