"""Phones joining a room: participants, devices and their tokens.

A phone joins with the room's code and a stakeholder group; it becomes a
participant with a device, and gets a token of which only a hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import col, func, select

from .. import rules, sessions
from ..errors import UserError
from ..models import Device, Participant, Session
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
    problem = rules.text_problem(name, one_line=True) or rules.text_problem(
        stakeholder_group, one_line=True
    )
    if problem:
        raise UserError(f"name: {problem}")
    token = secrets.token_urlsafe(24)
    with store.unit() as db:  # the participant and its device: one transaction
        participant = sessions.add_participant(db, session, stakeholder_group, name=name)
        device = Device(
            session_id=session.id,
            token_hash=hash_token(token),
            participant_id=participant.id,
            stakeholder_group=participant.stakeholder_group,
            user_agent=str(user_agent)[:200],
        )
        db.add(device)
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
