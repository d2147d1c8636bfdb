"""Tallies: counts the facilitator enters from a show of hands or paper ballots,
counted together with the phones' ballots. Stored by statement and choice key."""

from __future__ import annotations

from sqlmodel import Session as DBSession
from sqlmodel import col, select

from .. import sessions
from ..errors import RuleError, UserError
from ..models import Session, Tally
from ..store import Store
from .polls import PollInfo
from .values import position

TALLY_SOURCES = ("hands", "paper")
#: Question types that can be counted by show of hands or on paper.
TALLY_TYPES = ("single", "multiple", "scale", "scale_statements")
MAX_TALLY = 100_000

def set_tally(
    db: DBSession,
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
    entry, which is kept. A count of 0 withdraws it. Written in the caller's
    transaction (the caller commits), so a form's counts are saved together.
    """
    if poll.type not in TALLY_TYPES:
        raise RuleError("a {type} poll cannot be counted by hand", type=poll.type)
    if source not in TALLY_SOURCES:
        raise UserError("source must be one of {join}", join=', '.join(TALLY_SOURCES))
    if isinstance(choice, str) and choice in poll.choice_keys:
        choice_key = choice
    else:
        choice_key = poll.choice_keys[position(choice, len(poll.choices))]
    if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_TALLY:
        raise UserError("count must be a whole number from 0 to {MAX_TALLY}", MAX_TALLY=MAX_TALLY)
    if poll.type == "scale_statements":
        if isinstance(statement, str) and statement in poll.statement_keys:
            statement_key = statement
        elif isinstance(statement, int) and 0 <= statement < len(poll.statements):
            statement_key = poll.statement_keys[statement]
        else:
            raise UserError("there is no statement {statement}", statement=statement)
    elif statement not in (0, ""):
        raise UserError("this poll has no statements")
    else:
        statement_key = ""
    if stakeholder_group:
        session = db.get(Session, poll.session_id)
        assert session is not None
        keys = [g["key"] for g in sessions.stakeholder_groups(session)]
        if stakeholder_group not in keys:
            raise UserError(
                "stakeholder group {stakeholder_group!r} is not one of: {join}",
                stakeholder_group=stakeholder_group, join=', '.join(keys)
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
        db.add(row)
    db.add(tally)
    db.flush()
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
