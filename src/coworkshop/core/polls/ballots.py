"""Ballots: cast, changed, and read back.

While a poll is open every participant has at most one live ballot per poll
(per statement for a ``scale_statements`` question) and may change it; a
changed ballot is a new row and the old one is kept with ``replaced_by``.
Ballots run in one short ``BEGIN IMMEDIATE`` transaction that also reads the
poll's state, so a ballot racing the close is either counted or refused, never
half-written, and a ballot is acknowledged only after its commit reached the
disk (``synchronous=FULL``). Ballots that arrive together share one
transaction and its sync (:func:`cast_ballots`, the group-commit writer), each
still checked and counted or refused on its own.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlmodel import col, func, select

from .. import sql
from ..errors import RuleError, UserError
from ..models import Ballot, QAItem, id_stream, utcnow
from ..store import Store
from .devices import Voter, joined_count
from .polls import PollInfo, get_poll
from .values import check_value, to_keys, to_positions


@dataclass(frozen=True)
class CastResult:
    """What a phone is told once its ballot is committed."""

    poll_id: str
    value: Any  # the participant's live answer after this ballot
    ballot_ids: tuple[str, ...]  # the live rows (one per statement)
    changed: bool  # False: same answer as before, nothing new written


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
    with sql.raw_immediate(store) as cur:
        batch = _Batch(cur, requests)
        results = [batch.cast(*request) for request in requests]
        batch.write()
    return results


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
        for ids in sql.chunks(list(voters), sql.MAX_PARAMS):
            self.states.update(cur.execute(sql.poll_states(len(ids)), ids))
        # (poll id, participant id) -> statement key -> (live ballot id, value by keys)
        self.live: dict[tuple[str, str], dict[str, tuple[str, Any]]] = defaultdict(dict)
        for poll, people in voters.values():
            statements = list(poll.statement_keys or ("",))
            for chunk in sql.chunks(sorted(people), sql.MAX_PARAMS - 1 - len(statements)):
                rows = cur.execute(
                    sql.live_ballots(len(statements), len(chunk)),
                    (poll.id, *statements, *chunk),
                )
                for participant_id, statement, bid, raw in rows:
                    self.live[poll.id, participant_id][statement] = (bid, sql.json_value(raw))

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
        now = sql.db_time(utcnow())
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
                self.new_rows[old[0]][sql.UPDATED_AT] = now
                self.new_rows[old[0]][sql.REPLACED_BY] = bid
            elif old is not None:
                self.replaced.append((old[0], bid, now))
            self.new_rows[bid] = sql.ballot_row(
                id=bid,
                session_id=poll.session_id,
                created_at=now,
                updated_at=now,
                poll_id=poll.id,
                activity_id=poll.activity_id,
                question_key=poll.question.key,
                statement_key=statement,
                value=str(val) if type(val) is int else json.dumps(val),  # the same text
                participant_id=voter.participant_id,
                stakeholder_group=voter.stakeholder_group,
                device_id=voter.device_id,
            )
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
        for replaced in sql.chunks(self.replaced, sql.MAX_PARAMS // 3):
            self.cur.execute(
                sql.replace_ballots(len(replaced)), [x for row in replaced for x in row]
            )
        for rows in sql.chunks(list(self.new_rows.values()), sql.MAX_PARAMS // sql.BALLOT_WIDTH):
            self.cur.execute(sql.insert_ballots(len(rows)), [x for row in rows for x in row])


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
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    with store.engine.connect() as conn:
        for poll_id, statement_key, value in sql.answers_of(conn, participant_id):
            if wanted is None or poll_id in wanted:
                out[poll_id][statement_key] = value
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
