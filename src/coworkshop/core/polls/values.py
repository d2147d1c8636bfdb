"""Ballot values: what a phone may send, and how it is stored by keys.

Phones send positions (0 = first option, point or statement), as the README
documents; :func:`check_value` checks them against the poll's frozen
definition and :func:`to_keys` turns them into the stored form:

=================  ==========================================================
single, scale      an option/point position, e.g. ``2``; stored: its key
multiple           positions, at most ``max_choices``; stored: keys in order
ranking            every option position once, most preferred first; keys
scale_statements   ``{statement_position: point_position}``; stored: one row
                   per statement with its ``statement_key`` and the point's key
open, wordcloud    the text as typed (at most ``max_length`` characters)
qa                 not a ballot: Q&A items and upvotes (:mod:`.qa`)
=================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import UserError
from ..models import Ballot
from ..rules import text_problem
from .polls import PollInfo


def text_value(value: Any, limit: int, one_line: bool) -> str:
    """A typed answer, refused when empty, too long or holding control characters
    (and, for ``one_line``, line breaks or tabs). Kept exactly as typed."""
    if not isinstance(value, str):
        raise UserError("the answer must be text")
    if not value.strip():
        raise UserError("the answer is empty")
    if len(value) > limit:
        raise UserError("the answer is too long: at most {limit} characters", limit=limit)
    if text_problem(value, one_line=one_line):
        raise UserError("the answer contains characters that are not allowed")
    return value


def position(value: Any, size: int) -> int:
    """A choice's position (0 = first of ``size``), refused when not one."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError("the answer must be the number of a choice")
    if not 0 <= value < size:
        raise UserError("there is no choice {value}", value=value)
    return value


def check_value(poll: PollInfo, value: Any) -> Any:
    """The normalised value of a ballot, or :class:`UserError` saying what is wrong.

    For ``scale_statements`` ``value`` maps statement indexes (int or digit
    strings) to point indexes and the result is a ``{int: int}`` dict.
    """
    q = poll.question
    n = len(poll.choices)
    if q.type in ("single", "scale"):
        return position(value, n)
    if q.type == "multiple":
        if not isinstance(value, list) or not value:
            raise UserError("choose at least one option")
        picked = sorted({position(v, n) for v in value})
        if len(picked) != len(value):
            raise UserError("an option is chosen twice")
        limit = q.max_choices or n
        if len(picked) > limit:
            raise UserError("choose at most {limit} options", limit=limit)
        return picked
    if q.type == "ranking":
        if not isinstance(value, list):
            raise UserError("a ranking is a list of options")
        order = [position(v, n) for v in value]
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
                raise UserError("there is no statement {key!r}", key=k)
            out[k] = position(v, n)
        return out
    if q.type in ("open", "wordcloud"):
        return text_value(value, q.max_length, one_line=q.type == "wordcloud")
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
