"""Q&A: participants post questions or ideas to an open Q&A poll and upvote
each other's; the facilitator highlights, answers or hides them.

The phones' writes (:func:`qa_submit`, :func:`qa_upvote`) are each their own
short transaction; the facilitator's :func:`qa_set` takes the caller's database
session and does not commit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Connection, func, insert, update
from sqlmodel import Session as DBSession
from sqlmodel import col, select

from .. import sql
from ..errors import RuleError, UserError
from ..models import Poll, QAItem, QAVote, new_id, utcnow
from ..rules import readable
from ..store import Store
from .devices import Voter
from .polls import PollInfo
from .values import text_value

MAX_QA_ITEMS_PER_PARTICIPANT = 10


def _require_open(conn: Connection, poll: PollInfo) -> None:
    state = conn.execute(select(Poll.state).where(Poll.id == poll.id)).scalar_one_or_none()
    if state is None:
        raise UserError("no such poll")
    if state != "open":
        raise RuleError("this poll is closed: your answer was not counted")

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


def qa_submit(store: Store, poll: PollInfo, voter: Voter, text: str) -> QAItem:
    """Post a question or idea to an open Q&A poll (stored exactly as typed)."""
    if poll.type != "qa":
        raise UserError("this poll does not take questions")
    text = text_value(text, poll.question.max_length, one_line=False)
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
    with sql.immediate(store) as conn:
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
            raise RuleError("you have posted {n} items already", n=MAX_QA_ITEMS_PER_PARTICIPANT)
        conn.execute(insert(QAItem).values(**item.model_dump()))
    return item


def qa_upvote(store: Store, item_id: str, voter: Voter, up: bool = True) -> int:
    """Upvote an item (or withdraw the upvote); returns its number of upvotes."""
    with sql.immediate(store) as conn:
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
    db: DBSession,
    item_id: str,
    *,
    highlighted: bool | None = None,
    answered: bool | None = None,
    hidden: bool | None = None,
) -> QAItem:
    """The facilitator highlights (one item at a time), marks answered or hides an
    item, in the caller's transaction (the caller commits)."""
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
    db.add(item)
    db.flush()
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
    with store.engine.connect() as conn:
        return sql.upvoted_by(conn, participant_id, wanted)
