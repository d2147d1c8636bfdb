"""Phones joining a room: participants, devices and their tokens.

A phone joins with the room's code and a stakeholder group; it becomes a
participant with a device, and gets a token of which only a hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session as DBSession
from sqlmodel import col, func, select

from .. import matching, rules, sessions, sql
from ..errors import UserError
from ..models import Device, Participant, Session, id_stream, utcnow
from ..store import Store

MAX_NAME = rules.MAX_NAME
JOIN_CODE_DIGITS = 6


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
    name: str  # as stored (trimmed)


def new_join_code() -> str:
    """A short numeric code, easy to type on a phone."""
    return "".join(secrets.choice("0123456789") for _ in range(JOIN_CODE_DIGITS))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def join(
    store: Store, session: Session, stakeholder_group: str, name: str = "", user_agent: str = ""
) -> Joined:
    """A phone joins: create its participant and its device, return its token."""
    result = join_many(store, session, [(stakeholder_group, name)], user_agent)[0]
    if isinstance(result, UserError):
        raise result
    return result


def _checked(session: Session, stakeholder_group: str, name: str) -> dict[str, str]:
    if not isinstance(stakeholder_group, str) or not isinstance(name, str):
        raise UserError("group and name must be text")
    name = name.strip()
    if len(name) > MAX_NAME:
        raise UserError("name: at most {limit} characters", limit=MAX_NAME)
    problem = rules.text_problem(name, one_line=True) or rules.text_problem(
        stakeholder_group, one_line=True
    )
    if problem:
        raise UserError("name: {problem}", problem=problem)
    return sessions.participant_fields(session, stakeholder_group, name)


def join_many(
    store: Store, session: Session, requests: list[tuple[str, str]], user_agent: str = ""
) -> list[Joined | UserError]:
    """Phones joining together ((group, name) each): one transaction, one sync.

    Each request is checked on its own; a refused one gets its
    :class:`UserError` in its place and the others join. Written with plain
    SQL (``sql.insert_records``): through the ORM a join cost about 1.5 ms
    of CPU, most of a room's joining time (``benchmarks/RESULTS.md``).
    """
    results: list[Joined | UserError] = []
    people: list[dict[str, object]] = []
    devices: list[dict[str, object]] = []
    ids = id_stream()
    now = utcnow()
    for group, name in requests:
        try:
            fields = _checked(session, group, name)
        except UserError as exc:
            results.append(exc)
            continue
        token = secrets.token_urlsafe(24)
        pid, did = next(ids), next(ids)
        base = {"session_id": session.id, "created_at": now, "updated_at": now}
        people.append({**base, "id": pid, "organisation": "", "country": "",
                       "breakout_group": "", **fields})
        devices.append({**base, "id": did, "token_hash": hash_token(token),
                        "participant_id": pid, "stakeholder_group": fields["stakeholder_group"],
                        "user_agent": str(user_agent)[:200]})
        results.append(Joined(token, Voter(pid, fields["stakeholder_group"], did),
                              fields["name"]))
    if people:
        with sql.raw_immediate(store) as cur:
            sql.insert_records(cur, Participant, people)
            sql.insert_records(cur, Device, devices)
    return results


def join_as(store: Store, session: Session, *, code: str = "", pick: str = "") -> Joined:
    """A phone joins as a registered participant, named by their personal
    ``code`` or picked from the list (``pick``: their id, when the facilitator
    allows it): its participant and device are made and matched with them, in
    one transaction. The phone takes the registered participant's group; its
    own participant stays unnamed (the name is the registered one's, returned
    in :attr:`Joined.name`), so an unmatched phone is not left named.

    Raises :class:`.matching.UnknownCode`, :class:`.matching.PickNotAllowed`
    or :class:`.matching.AlreadyMatched`; nothing is written then.
    """
    if not isinstance(code, str) or not isinstance(pick, str):
        raise UserError("personal code: must be text")
    if len(code) > 40:
        raise matching.UnknownCode("unknown personal code")
    try:
        with store.unit() as db:
            joined = _join_as(db, session, code, pick)
    except IntegrityError as exc:  # the facilitator matched them at the same moment
        raise matching.AlreadyMatched("already matched with a phone") from exc
    return joined


def _join_as(db: DBSession, session: Session, code: str, pick: str) -> Joined:
    """(One unit of work) the core of :func:`join_as`."""
    person = matching.claim(db, session.id, code=code, pick=pick)
    fields = _checked(session, person.stakeholder_group, "")
    token = secrets.token_urlsafe(24)
    phone = Participant(session_id=session.id, name=fields["name"],
                        stakeholder_group=fields["stakeholder_group"])
    db.add(phone)
    device = Device(session_id=session.id, token_hash=hash_token(token),
                    participant_id=phone.id, stakeholder_group=phone.stakeholder_group)
    db.add(device)
    db.flush()
    matching.match(db, session.id, person.id, phone.id, how="code" if code else "name")
    return Joined(token, Voter(phone.id, phone.stakeholder_group, device.id), person.name)


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
