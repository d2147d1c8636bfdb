"""Polls: their live state, how they are made, and their frozen definitions.

A *poll* is one question of a poll activity (``ACTIVITY_KEY/QUESTION_KEY``).
It is made, with its definition frozen (see the package docstring), when its
question is made: with the session, or by :func:`add_question` and
:func:`add_poll_activity`. It is a draft until the facilitator opens it; once
it is closed, ballots are refused. Listing polls only reads.

The facilitator's changes (open, close, results visibility, new questions)
take the database session they work in and never commit: the caller commits
once (``with store.unit() as db: open_poll(db, ...)``), so opening one poll
while closing the others is one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlmodel import Session as DBSession
from sqlmodel import col, select

from .. import rules, sessions, templates
from ..errors import RuleError, UserError
from ..models import Activity, Poll, Session, utcnow
from ..store import Store
from .scales import STANDARD_SCALES, resolve_scale

POLL_STATES = ("draft", "open", "closed")


def freeze(activity_key: str, q: templates.Question, plan: dict[str, Any]) -> dict[str, Any]:
    """The full definition of a question, as frozen on its poll when it is made.

    Statements from cross-points take the cross-point's key and title (or vision);
    a scale is resolved (:func:`resolve_scale`) and copied whole. See the package
    docstring for the shape.
    """
    scale = resolve_scale(q.scale, plan) if q.type in ("scale", "scale_statements") else None
    if q.type != "scale_statements":
        statements: list[dict[str, str]] = []
    elif q.statements_from == "crosspoints":
        statements = templates.crosspoint_statements(plan)
    else:
        statements = [s.model_dump(mode="json") for s in q.statements]
    return {
        "activity_key": activity_key,
        "key": q.key,
        "type": q.type,
        "text": q.text,
        "options": [o.model_dump(mode="json") for o in q.options],
        "scale": scale,
        "statements": statements,
        "statements_from": q.statements_from,
        "max_choices": q.max_choices,
        "max_length": q.max_length,
        "anonymous": q.anonymous,
    }


def question_of(definition: dict[str, Any]) -> templates.Question:
    """The frozen definition as a template question (statements given explicitly)."""
    scale = definition.get("scale") or {}
    return templates.Question.model_validate(
        {
            "key": definition["key"],
            "type": definition["type"],
            "text": definition["text"],
            "options": definition.get("options", []),
            "scale": scale.get("key", ""),
            "statements": definition.get("statements", []),
            "statements_from": definition.get("statements_from", ""),
            "max_choices": definition.get("max_choices", 0),
            "max_length": definition.get("max_length", 280),
            "anonymous": definition.get("anonymous", True),
        }
    )


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


def _polls(db: DBSession, session_id: str) -> list[PollInfo]:
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


def _get(db: DBSession, poll_id: str) -> PollInfo:
    poll = db.get(Poll, poll_id)
    if poll is None or poll.deleted_at is not None:
        raise UserError("no such poll")
    act = db.get(Activity, poll.activity_id)
    if act is None:
        raise UserError("no such poll")
    return _info(poll, act, _order(act, poll.question_key))


def polls(source: Store | DBSession, session_id: str) -> list[PollInfo]:
    """Every question of the session's poll activities, in agenda order.

    Reads only: a poll row is made when its question is made. ``source`` is the
    store, or the database session of a unit of work (which sees its own changes).
    """
    if isinstance(source, DBSession):
        return _polls(source, session_id)
    with source.db() as db:
        return _polls(db, session_id)


def get_poll(source: Store | DBSession, poll_id: str) -> PollInfo:
    """One poll by id. Raises :class:`UserError` if there is none."""
    if isinstance(source, DBSession):
        return _get(source, poll_id)
    with source.db() as db:
        return _get(db, poll_id)


def find_polls(store: Store, session_id: str, ref: str) -> list[PollInfo]:
    """Polls named ``ACTIVITY/QUESTION``, or every question of ``ACTIVITY``."""
    everything = polls(store, session_id)
    found = [p for p in everything if ref in (p.ref, p.activity_key, p.id)]
    if not found:
        known = ", ".join(p.ref for p in everything) or "none"
        raise UserError("no poll {ref!r} in this session (polls: {known})", ref=ref, known=known)
    return found


def open_polls(source: Store | DBSession, session_id: str) -> list[PollInfo]:
    return [p for p in polls(source, session_id) if p.is_open]


def _set_state(db: DBSession, poll_id: str, **changes: Any) -> PollInfo:
    poll = db.get(Poll, poll_id)
    if poll is None:
        raise UserError("no such poll")
    for k, v in changes.items():
        setattr(poll, k, v)
    db.add(poll)
    db.flush()
    return _get(db, poll_id)


def open_poll(db: DBSession, poll_id: str, close_others: bool = False) -> PollInfo:
    """Open a draft or closed poll (reopening keeps its ballots), in the caller's
    transaction.

    With ``close_others`` every other open poll of the session is closed first,
    for a facilitator who moves through the questions one by one: the closes and
    the open are one change (the caller commits once).

    The room answers the activity being run: a poll's activity moves to running
    when it opens (finishing the one running before it, whose open questions
    close, see :func:`~coworkshop.core.sessions.change_activity_status`).
    """
    current = _get(db, poll_id)
    if close_others:
        for other in _polls(db, current.session_id):
            if other.is_open and other.id != poll_id:
                close_poll(db, other.id)
    act = db.get(Activity, current.activity_id)
    if act is not None and act.status != "running":
        sessions.change_activity_status(db, act.id, "running")
    if current.is_open:
        return current
    poll = db.get(Poll, poll_id)
    assert poll is not None
    times = poll.times_opened + 1
    return _set_state(
        db, poll_id, state="open", opened_at=utcnow(), closed_at=None, times_opened=times
    )


def close_poll(db: DBSession, poll_id: str) -> PollInfo:
    """Close an open poll: from now on its ballots are refused (caller commits)."""
    current = _get(db, poll_id)
    if not current.is_open:
        raise RuleError("poll {ref} is not open", ref=current.ref)
    return _set_state(db, poll_id, state="closed", closed_at=utcnow())


def close_question(db: DBSession, poll_id: str) -> PollInfo:
    """The facilitator's close: close the poll and show its results to the room
    (a Q&A keeps its own moderation), in the caller's transaction."""
    closed = close_poll(db, poll_id)
    if closed.type != "qa" and not closed.results_visible:
        closed = set_results_visible(db, poll_id, True)
    return closed


def set_results_visible(db: DBSession, poll_id: str, visible: bool) -> PollInfo:
    """Show or hide the results (hidden by default so early votes don't herd the
    room). The caller commits."""
    return _set_state(db, poll_id, results_visible=bool(visible))


# ---------------------------------------------------------------- creating polls


def _question(data: Mapping[str, Any]) -> templates.Question:
    try:
        return templates.Question.model_validate(dict(data))
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise UserError(f"{where}: {msg}" if where else msg) from exc


def _add_question(db: DBSession, act: Activity, q: templates.Question) -> Poll:
    """Append ``q`` to ``act`` and make its poll, in the caller's transaction."""
    if act.kind != "poll":
        raise RuleError("activity {key} is a {kind}, not a poll", key=act.key, kind=act.kind)
    session = db.get(Session, act.session_id)
    assert session is not None
    if any(x.key == q.key for x in _questions(act)):
        raise RuleError("activity {key} already has a question {key2!r}", key=act.key, key2=q.key)
    plan = dict(session.plan or {})
    if q.scale:
        scales = dict(plan.get("scales", {}))
        if q.scale not in scales:
            if q.scale not in STANDARD_SCALES:
                names = ", ".join([*scales, *STANDARD_SCALES])
                raise UserError("scale: unknown scale {scale!r} (have: {names})", scale=q.scale,
                                names=names)
            scales[q.scale] = dict(STANDARD_SCALES[q.scale])
            plan["scales"] = scales
            session.plan = plan
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
    db.add(act)
    poll = Poll(
        session_id=act.session_id,
        activity_id=act.id,
        question_key=q.key,
        definition=freeze(act.key, q, plan),
    )
    db.add(poll)
    return poll


def add_question(db: DBSession, activity_id: str, data: Mapping[str, Any]) -> PollInfo:
    """Append a new question to a poll activity and return its (draft) poll.

    ``data`` has the fields of a template question (key, type, text, options,
    scale, statements, statements_from, max_choices, max_length); without a
    key, one is made from the text, unique within the activity
    (:func:`~coworkshop.core.templates.question_key`). A standard
    scale (:data:`STANDARD_SCALES`) is copied into the session's plan. The
    poll is made, its definition frozen, in the caller's transaction (the
    caller commits).
    """
    act = db.get(Activity, activity_id)
    if act is None or act.deleted_at is not None:
        raise UserError("no such activity")
    data = dict(data)
    if not data.get("key"):  # read here, in the unit of work: no other form took it
        taken = {str(x.get("key")) for x in act.config.get("questions", [])}
        data["key"] = templates.question_key(str(data.get("text", "")), taken)
    q = _question(data)
    poll = _add_question(db, act, q)
    db.flush()
    return _get(db, poll.id)


def add_poll_activity(
    db: DBSession, session_id: str, title: str, question: Mapping[str, Any], key: str = ""
) -> PollInfo:
    """Add an ad-hoc poll activity at the end of the agenda with its first
    question, in the caller's transaction (nothing is added if the question is
    refused; the caller commits)."""
    title = title.strip()
    if not title or len(title) > rules.MAX_FIELD:
        raise UserError("title: a poll needs a title of at most {MAX_FIELD} characters",
                        MAX_FIELD=rules.MAX_FIELD)
    question = dict(question)
    if not question.get("key"):
        question["key"] = templates.question_key(str(question.get("text", "")), set())
    try:
        q = templates.Question.model_validate(dict(question))
    except ValidationError as exc:
        raise UserError(str(exc.errors()[0]["msg"]).removeprefix("Value error, ")) from exc
    existing = sessions.activities(db, session_id)
    taken = {a.key for a in existing}
    # keys are ASCII whatever the title's script (file names keep their letters)
    key = templates.unique_key(key or ("poll-" + templates.slug(title)).strip("-")[:50], taken)
    act = Activity(
        session_id=session_id,
        position=max((a.position for a in existing), default=-1) + 1,
        key=key,
        kind="poll",
        title=title,
        config={"kind": "poll", "key": key, "title": title, "questions": []},
    )
    db.add(act)
    poll = _add_question(db, act, q)
    db.flush()
    return _get(db, poll.id)
