"""Phones matched with registered participants, personal codes and head counts.

A phone that joins becomes a participant of its own, with a device; the
people the facilitator registers are participants without one. A match says
a phone and a registered person are one human, so the room is counted once:
*registered* N, *by phone* M, *both* K (people in the room: N + M - K).

Matching rewrites nothing: ballots keep the participant (or the pseudonym)
they were cast by, and a named question's ballots are tied to the person
through the match. Unmatching sets ``unmatched_at`` and keeps the row.

A registered participant gets a personal code (five characters without
letters and digits that look alike) to type on their phone when joining; when
the facilitator allows it, a phone may instead pick a name from the list of
registered people not matched yet.

Every function takes the database session it works in and never commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect
from sqlmodel import Session as DBSession
from sqlmodel import col, func, select

from .errors import RuleError, UserError
from .models import Device, Meta, Participant, PersonalCode, PhoneMatch, utcnow

#: No 0/O/Q/D-like pairs, 1/I/L, 2/Z, 5/S, 8/B, 6/G, U/V: read aloud or from
#: paper, a code cannot be mistaken for another.
CODE_ALPHABET = "ACEFHJKMNPRTWXY34679"
CODE_LENGTH = 5
MATCH_WAYS = ("facilitator", "code", "name")
_PICK_KEY = "name_pick:"


class UnknownCode(UserError):
    """No registered participant of the session has this personal code."""


class AlreadyMatched(RuleError):
    """The registered participant (or the phone) is matched already."""


class PickNotAllowed(UserError):
    """The facilitator did not allow phones to pick their name."""


@dataclass(frozen=True)
class HeadCounts:
    """Who is in the room: registered by the facilitator, joined by phone, both."""

    registered: int
    by_phone: int
    both: int

    @property
    def people(self) -> int:
        """Humans in the room: a matched phone is the registered person."""
        return self.registered + self.by_phone - self.both

    def text(self) -> str:
        return f"registered {self.registered} · by phone {self.by_phone} · both {self.both}"


@dataclass(frozen=True)
class Phone:
    """A participant who joined from a phone, and whom it is matched with."""

    participant: Participant
    joined_at: datetime
    matched_to: str | None  # registered participant id


def _has(db: DBSession, table: str) -> bool:
    # A file made before matching existed and opened read-only lacks the tables.
    return inspect(db.connection()).has_table(table)


def normalise_code(text: str) -> str:
    """A personal code as typed (any case, spaces, dashes) in its stored form."""
    return "".join(ch for ch in str(text).upper() if ch not in " -\t")


def new_code(taken: set[str]) -> str:
    """A random personal code not in ``taken``."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if code not in taken:
            return code


# ---------------------------------------------------------------- who is who


def phone_participant_ids(db: DBSession, session_id: str) -> set[str]:
    """Participants that joined from a phone: they have a device, or (in a copy
    made with ``--strip-names``, which has no devices) a match as a phone."""
    rows = db.exec(select(Device.participant_id).where(
        Device.session_id == session_id, col(Device.deleted_at).is_(None)))
    return set(rows) | {m.phone_participant_id for m in live_matches(db, session_id)}


def _live_participants(db: DBSession, session_id: str) -> list[Participant]:
    return list(db.exec(select(Participant).where(
        Participant.session_id == session_id, col(Participant.deleted_at).is_(None)
    ).order_by(col(Participant.created_at))))


def registered(db: DBSession, session_id: str) -> list[Participant]:
    """Participants the facilitator registered (not made by a phone joining)."""
    phones = phone_participant_ids(db, session_id)
    return [p for p in _live_participants(db, session_id) if p.id not in phones]


def live_matches(db: DBSession, session_id: str) -> list[PhoneMatch]:
    """Matches in force (not ended), oldest first."""
    if not _has(db, "phone_match"):
        return []
    return list(db.exec(select(PhoneMatch).where(
        PhoneMatch.session_id == session_id, col(PhoneMatch.unmatched_at).is_(None),
        col(PhoneMatch.deleted_at).is_(None)).order_by(col(PhoneMatch.created_at))))


def phones(db: DBSession, session_id: str) -> list[Phone]:
    """Every participant that joined from a phone, in order of joining."""
    joined: dict[str, datetime] = {}
    for pid, at in db.exec(select(Device.participant_id, Device.created_at).where(
            Device.session_id == session_id, col(Device.deleted_at).is_(None))):
        joined[pid] = min(joined.get(pid, at), at)
    matched = {m.phone_participant_id: m.registered_id for m in live_matches(db, session_id)}
    out = [Phone(p, joined[p.id], matched.get(p.id))
           for p in _live_participants(db, session_id) if p.id in joined]
    return sorted(out, key=lambda ph: ph.joined_at)


def head_counts(db: DBSession, session_id: str) -> HeadCounts:
    """Registered N, joined by phone M, both K (phones matched with a registered person)."""
    people = _live_participants(db, session_id)
    phone_ids = phone_participant_ids(db, session_id)
    live = {p.id for p in people}
    both = sum(1 for m in live_matches(db, session_id)
               if m.registered_id in live and m.phone_participant_id in live)
    by_phone = sum(1 for p in people if p.id in phone_ids)
    return HeadCounts(len(people) - by_phone, by_phone, both)


def roster_version(db: DBSession, session_id: str) -> tuple[object, ...]:
    """A cheap value that changes whenever who is in the room may have changed
    (a phone joined, a match made or ended, a code given, a person edited),
    for screens that follow the room while phones join."""
    models: list[Any] = [Participant, Device] + [
        m for m in (PhoneMatch, PersonalCode) if _has(db, m.__tablename__)]
    out: list[object] = []
    for model in models:
        out += db.exec(select(func.count(), func.max(model.updated_at)).where(
            model.session_id == session_id)).one()
    return (*out, name_pick_allowed(db, session_id))


def people_by_group(db: DBSession, session_id: str) -> dict[str, int]:
    """People per stakeholder group key, a matched phone counted once (as the
    registered person)."""
    matched = {m.phone_participant_id for m in live_matches(db, session_id)}
    counts: dict[str, int] = {}
    for p in _live_participants(db, session_id):
        if p.id not in matched:
            counts[p.stakeholder_group] = counts.get(p.stakeholder_group, 0) + 1
    return counts


# ---------------------------------------------------------------- personal codes


def personal_codes(db: DBSession, session_id: str) -> dict[str, str]:
    """Participant id -> personal code."""
    if not _has(db, "personal_code"):
        return {}
    rows = db.exec(select(PersonalCode.participant_id, PersonalCode.code).where(
        PersonalCode.session_id == session_id, col(PersonalCode.deleted_at).is_(None)))
    return {pid: code for pid, code in rows}


def give_code(db: DBSession, participant: Participant) -> PersonalCode:
    """A new personal code for ``participant``, unique within its session."""
    taken = set(personal_codes(db, participant.session_id).values())
    row = PersonalCode(session_id=participant.session_id, participant_id=participant.id,
                       code=new_code(taken))
    db.add(row)
    db.flush()  # the next code of this unit sees it
    return row


def ensure_codes(db: DBSession, session_id: str) -> int:
    """Give a personal code to every registered participant without one
    (people registered before codes existed). Returns how many were given."""
    have = personal_codes(db, session_id)
    given = 0
    for p in registered(db, session_id):
        if p.id not in have:
            give_code(db, p)
            given += 1
    return given


def missing_codes(db: DBSession, session_id: str) -> bool:
    """Whether some registered participant has no personal code yet."""
    have = personal_codes(db, session_id)
    return any(p.id not in have for p in registered(db, session_id))


# ---------------------------------------------------------------- matching


def _participant(db: DBSession, session_id: str, pid: str, what: str) -> Participant:
    p = db.get(Participant, pid)
    if p is None or p.session_id != session_id or p.deleted_at is not None:
        raise UserError("no such {what}", what=what)
    return p


def _name(p: Participant) -> str:
    return p.name or "this participant"


def match(db: DBSession, session_id: str, registered_id: str, phone_id: str,
          how: str = "facilitator") -> PhoneMatch:
    """Match the phone that joined as ``phone_id`` with the registered
    participant ``registered_id``. Both must be free."""
    if how not in MATCH_WAYS:
        raise UserError("how must be one of {ways}", ways=", ".join(MATCH_WAYS))
    phone_ids = phone_participant_ids(db, session_id)
    person = _participant(db, session_id, registered_id, "registered participant")
    if person.id in phone_ids:
        raise RuleError("that participant joined from a phone: choose a registered one")
    phone = _participant(db, session_id, phone_id, "phone")
    if phone.id not in phone_ids:
        raise RuleError("that participant did not join from a phone")
    for m in live_matches(db, session_id):
        if m.registered_id == person.id:
            raise AlreadyMatched(f"{_name(person)} is already matched with a phone: "
                                 "unmatch first")
        if m.phone_participant_id == phone.id:
            raise AlreadyMatched("that phone is already matched with someone: unmatch first")
    row = PhoneMatch(session_id=session_id, registered_id=person.id,
                     phone_participant_id=phone.id, how=how)
    db.add(row)
    db.flush()
    return row


def is_matched(db: DBSession, session_id: str, participant_id: str) -> bool:
    """Whether a registered participant or a phone is matched now."""
    return any(participant_id in (m.registered_id, m.phone_participant_id)
               for m in live_matches(db, session_id))


def unmatch(db: DBSession, session_id: str, participant_id: str) -> PhoneMatch:
    """End the match of a registered participant or of a phone (the row stays)."""
    for m in live_matches(db, session_id):
        if participant_id in (m.registered_id, m.phone_participant_id):
            m.unmatched_at = utcnow()
            db.add(m)
            db.flush()
            return m
    raise RuleError("not matched with a phone")


# ---------------------------------------------------------------- at joining


def name_pick_allowed(db: DBSession, session_id: str) -> bool:
    """Whether phones may pick their name from the registered ones when joining."""
    row = db.get(Meta, _PICK_KEY + session_id)
    return row is not None and row.value == "on"


def allow_name_pick(db: DBSession, session_id: str, allowed: bool) -> bool:
    """Allow (or stop) phones picking their name when joining; stored in the file."""
    key = _PICK_KEY + session_id
    row = db.get(Meta, key)
    if row is None:
        row = Meta(key=key, value="off")
    row.value = "on" if allowed else "off"
    db.add(row)
    return allowed


def pickable(db: DBSession, session_id: str) -> list[Participant]:
    """Registered participants with a name and no phone yet, by name: the list
    a phone may pick from when the facilitator allows it."""
    taken = {m.registered_id for m in live_matches(db, session_id)}
    people = [p for p in registered(db, session_id) if p.name and p.id not in taken]
    return sorted(people, key=lambda p: p.name.casefold())


def claim(db: DBSession, session_id: str, *, code: str = "", pick: str = "") -> Participant:
    """The registered participant a joining phone says it is: by personal
    ``code``, or by ``pick`` (their id) when the facilitator allows picking.

    Raises :class:`UnknownCode`, :class:`PickNotAllowed`, :class:`AlreadyMatched`.
    """
    if code and pick:
        raise UserError("give a personal code or pick a name, not both")
    if code:
        wanted = normalise_code(code)
        owner = next((pid for pid, c in personal_codes(db, session_id).items() if c == wanted),
                     None)
        person = db.get(Participant, owner) if owner else None
        if person is None or person.deleted_at is not None or person.session_id != session_id:
            raise UnknownCode("unknown personal code")
    else:
        if not name_pick_allowed(db, session_id):
            raise PickNotAllowed("picking a name is not allowed")
        person = db.get(Participant, pick) if len(pick) <= 64 else None
        if (person is None or person.deleted_at is not None
                or person.session_id != session_id or not person.name
                or person.id in phone_participant_ids(db, session_id)):
            raise UnknownCode("no such name on the list")
    if any(m.registered_id == person.id for m in live_matches(db, session_id)):
        raise AlreadyMatched(f"{_name(person)} is already matched with a phone")
    return person
