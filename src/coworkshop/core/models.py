"""The tables of a session file.

Every record carries a time-ordered UUID, the session it belongs to and UTC
timestamps, so that the files of many workshops can later be merged as a plain
union of rows: two files never invent the same id, and when the same record
appears twice the newer ``updated_at`` wins. Text a person edits is never
overwritten in place without a revision row; deletes only set ``deleted_at``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, text
from sqlmodel import Field, SQLModel

from .probe import APP_ID, SCHEMA_VERSION

__all__ = ["APP_ID", "SCHEMA_VERSION"]


_last = [0, 0]  # (millisecond, sequence) of the last id new_id made
_lock = threading.Lock()


def _uuid7(ms: int, seq: int, rand_b: int) -> str:
    # RFC 9562 UUIDv7: 48-bit Unix milliseconds, version 7, a 12-bit sequence
    # in rand_a (so ids of one millisecond sort in the order made), variant
    # 0b10 and 62 random bits.
    # (formatted here: as str(uuid.UUID(int=...)), in 40% of its time; a
    # room's batch of statement ratings makes thousands)
    h = f"{ms << 80 | 0x7 << 76 | seq << 64 | 0b10 << 62 | rand_b:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def new_id() -> str:
    """A UUIDv7 as text: sortable by creation time, unique across laptops.

    Ids made by one process ascend strictly, even within a millisecond.
    """
    with _lock:
        ms, seq = time.time_ns() // 1_000_000, 0
        if ms <= _last[0]:
            ms, seq = _last[0], _last[1] + 1
            if seq > 0xFFF:  # the 12-bit sequence is full: borrow the next millisecond
                ms, seq = ms + 1, 0
        _last[0], _last[1] = ms, seq
    return _uuid7(ms, seq, int.from_bytes(os.urandom(8)) >> 2)


def id_stream() -> Iterator[str]:
    """Ids of the form of :func:`new_id` (UUIDv7), ascending, for one bulk write.

    new_id asks the system for random bits for every id, and each of those
    calls hands the GIL over (see ``polls.ballots._Batch``): a batch of statement
    ballots needs hundreds. This asks once for 64 ids.
    """
    ms, seq = time.time_ns() // 1_000_000, 0
    while True:
        random_bits = os.urandom(8 * 64)
        for i in range(0, len(random_bits), 8):
            if seq > 0xFFF:  # the 12-bit sequence is full: borrow the next millisecond
                ms, seq = ms + 1, 0
            yield _uuid7(ms, seq, int.from_bytes(random_bits[i : i + 8]) >> 2)
            seq += 1


def utcnow() -> datetime:
    return datetime.now(UTC)


class Meta(SQLModel, table=True):
    """Key/value facts about the file itself (application, schema version)."""

    key: str = Field(primary_key=True)
    value: str


class Record(SQLModel):
    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow)
    # Set here and only here: SQLAlchemy stamps every UPDATE of a row, from an
    # ORM flush or a Core ``update()``, unless the statement sets it itself.
    # Nobody restates it (the live room watches max(updated_at) for changes).
    updated_at: datetime = Field(default_factory=utcnow, sa_column_kwargs={"onupdate": utcnow})
    deleted_at: datetime | None = Field(default=None)


class Session(Record, table=True):
    """One workshop event. ``session_id`` equals ``id``."""

    title: str
    date: str = ""  # ISO date of the event, as the facilitator typed it
    place: str = ""
    country: str = ""
    sector: str = ""
    language: str = "en"
    facilitator: str = ""
    template_name: str = ""
    # The template as it was when the session was created, verbatim, so the
    # session stays readable if canvases/ changes or disappears.
    template_toml: str = ""
    # The normalised plan: metadata, stakeholder groups, scales, cross-points.
    plan: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class Activity(Record, table=True):
    """One agenda step, instantiated from the template's agenda."""

    position: int = 0
    key: str
    kind: str  # canvas | poll | stakeholder_map | checklist
    title: str
    timebox_minutes: int = 0
    config: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    status: str = "pending"  # pending | running | done
    started_at: datetime | None = None
    finished_at: datetime | None = None
    # The breakout group that owns this activity (canvases).
    group_name: str = ""


class Participant(Record, table=True):
    name: str = ""  # optional: many participants prefer not to be named
    stakeholder_group: str  # key of one of the session's stakeholder groups
    organisation: str = ""
    country: str = ""
    breakout_group: str = ""


class Card(Record, table=True):
    """A card on a canvas: a CHANGE, a HOW, a WHAT, or a grid objective."""

    activity_id: str = Field(index=True)
    column: str  # change | how | what | grid cell "level/timeframe"
    position: float = 0.0
    text: str
    stakeholders: str = ""  # grid objectives name who carries them
    link_id: str | None = None  # HOW -> CHANGE, WHAT -> HOW
    group_name: str = ""


class CardRevision(Record, table=True):
    """Append-only history of a card's text, one row per version."""

    card_id: str = Field(index=True)
    text: str
    stakeholders: str = ""
    group_name: str = ""
    reason: str = "created"  # created | edited | revised after feedback | deleted | restored


class Comment(Record, table=True):
    """Feedback from another group on a card, given in the feedback round."""

    card_id: str = Field(index=True)
    activity_id: str = Field(index=True)
    from_group: str = ""
    text: str
    resolved: bool = False


# ---------------------------------------------------------------- live voting
# One poll is one question of a poll activity. Ballots, tallies, Q&A items and
# upvotes are append-only: a changed ballot keeps its old row, marked as
# replaced, so the file shows every vote as it was cast.


class Poll(Record, table=True):
    """The live state of one question of a poll activity."""

    __table_args__ = (Index("ux_poll_question", "activity_id", "question_key", unique=True),)

    activity_id: str = Field(index=True)
    question_key: str
    state: str = "draft"  # draft | open | closed
    results_visible: bool = False
    opened_at: datetime | None = None  # last time it was opened
    closed_at: datetime | None = None  # last time it was closed
    times_opened: int = 0
    # The question's full definition, frozen when the poll was made (see
    # coworkshop.core.polls for its shape).
    definition: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class Device(Record, table=True):
    """A phone that joined with the room's code. Only a hash of its token is kept."""

    token_hash: str = Field(index=True, unique=True)
    participant_id: str = Field(index=True)
    stakeholder_group: str
    user_agent: str = ""


_LIVE = "replaced_by IS NULL AND deleted_at IS NULL"


class Ballot(Record, table=True):
    """One answer of one participant to one poll (one statement of it).

    A changed answer is a new row; the old one gets ``replaced_by``. At most
    one live row (not replaced, not deleted) per participant, poll and statement.
    """

    __table_args__ = (
        Index(
            "ux_ballot_live",
            "poll_id",
            "statement_key",
            "participant_id",
            unique=True,
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ),
        # Results count live ballots by statement, value and group: this index
        # holds everything they read, in the order they group it. SQLite only:
        # PostgreSQL would index a jsonb expression instead of a json column.
        Index(
            "ix_ballot_count",
            "poll_id",
            "statement_key",
            "value",
            "stakeholder_group",
            "created_at",
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ).ddl_if(dialect="sqlite"),
        # People per group (scale_statements respondents).
        Index(
            "ix_ballot_people",
            "poll_id",
            "stakeholder_group",
            "participant_id",
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ),
    )

    poll_id: str = Field(index=True)
    activity_id: str
    question_key: str
    statement_key: str = ""  # the statement's key (scale_statements), else ""
    # by keys: see coworkshop.core.polls
    value: Any = Field(sa_column=Column(JSON, nullable=False))
    participant_id: str = Field(index=True)
    stakeholder_group: str = ""
    device_id: str = ""
    replaced_by: str | None = None


class Tally(Record, table=True):
    """A count entered by the facilitator: show of hands or paper ballots.

    Entering a new count for the same poll, statement, choice, group and source
    replaces the previous one (kept, with ``replaced_by``).
    """

    __table_args__ = (
        Index(
            "ix_tally_live",
            "poll_id",
            "statement_key",
            "choice_key",
            sqlite_where=text(_LIVE),
            postgresql_where=text(_LIVE),
        ),
    )

    poll_id: str = Field(index=True)
    activity_id: str
    question_key: str
    statement_key: str = ""
    choice_key: str  # key of the option or scale point
    stakeholder_group: str = ""  # empty: not split by group
    count: int = 0
    source: str = "hands"  # hands | paper
    replaced_by: str | None = None


class QAItem(Record, table=True):
    """A question or idea a participant posted to a Q&A poll."""

    poll_id: str = Field(index=True)
    activity_id: str
    question_key: str
    text: str
    participant_id: str = ""
    stakeholder_group: str = ""
    device_id: str = ""
    highlighted: bool = False
    answered: bool = False
    hidden: bool = False


class QAVote(Record, table=True):
    """One upvote; withdrawing it sets ``deleted_at``."""

    __table_args__ = (
        Index(
            "ux_qavote_live",
            "item_id",
            "participant_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    item_id: str = Field(index=True)
    poll_id: str = Field(index=True)
    participant_id: str
    device_id: str = ""


# ---- stakeholder register, mapping rounds, checklist
# A stakeholder's ratings, questionnaire answers and checklist answers are
# append-only: a change is a new row and the current value is the latest one,
# so a repeated mapping shows who moved and the checklist shows what changed.


class Stakeholder(Record, table=True):
    """One entry of a session's stakeholder register (shared by its maps)."""

    # Stable across sessions of the same group: a register carried into the
    # next session keeps each stakeholder's key (the first session's id).
    key: str = Field(default="", index=True)
    name: str
    organisation: str = ""
    stakeholder_group: str = ""  # key of one of the session's stakeholder groups
    notes: str = ""
    participant_id: str | None = None  # the stakeholder is one of the participants
    carried_from: str = ""  # "file title date" of the session it came from


class MappingRound(Record, table=True):
    """A dated mapping of one stakeholder_map activity. Round 0 holds the
    positions carried from the group's previous session."""

    activity_id: str = Field(index=True)
    number: int
    date: str  # ISO date
    note: str = ""


class StakeholderRating(Record, table=True):
    """One rating of one stakeholder on one axis in one round (append-only).

    axis: power (power/influence, 1-5), interest (interest/support, 1-5),
    understanding (1 low, 2 medium, 3 high). source: direct (arrow keys),
    questionnaire (derived from the yes/no answers), carried (previous session).
    """

    activity_id: str = Field(index=True)
    round_id: str = Field(index=True)
    stakeholder_id: str = Field(index=True)
    axis: str
    value: int
    source: str = "direct"


class MappingAnswer(Record, table=True):
    """One answer of a questionnaire filled for one stakeholder (append-only).

    All answers of one filled questionnaire share ``submission_id``.
    value: 1 yes / 0 no for yes/no questions, the point index for a scale.
    """

    activity_id: str = Field(index=True)
    round_id: str = Field(index=True)
    stakeholder_id: str = Field(index=True)
    submission_id: str
    part: str  # knowledge | influence | support
    question_key: str
    value: int
    answer_key: str = ""  # stable: the scale point's key, or yes / no


class ChecklistEntry(Record, table=True):
    """The state of one checklist item after one change (append-only): the
    current state is the latest row; carried rows hold last session's state."""

    activity_id: str = Field(index=True)
    item_key: str
    status: str = ""  # "" (open) | yes | partly | no | na
    note: str = ""
    owner: str = ""
    due: str = ""  # ISO date
    carried: bool = False
    carried_from: str = ""


# ---- merge provenance
# Written by ``coworkshop merge`` (core/merge/). Their ids are derived from
# what they describe, not drawn at random, so merging the same thing twice
# finds the row already there: these tables merge as a plain union too.


class Source(Record, table=True):
    """Where a session of a merged file came from: one row per session and source copy."""

    file_name: str  # the source file's name (no folder: paths hold people's names)
    file_id: str  # meta ``file_id`` of the source, or derived from its sessions' ids
    file_id_derived: bool = False  # True: the source had no ``file_id`` of its own
    schema_version: int = 0  # of the source file, before any migration
    session_revision: str = ""  # fingerprint of the session's rows in that copy
    merged_at: datetime = Field(default_factory=utcnow)
    coworkshop_version: str = ""


class MergeConflict(Record, table=True):
    """Another version of a record, kept when two copies disagreed about it.

    The record in its own table is the current version (the latest
    ``updated_at``); this row holds the other one, whole, as JSON.
    """

    __tablename__ = "merge_conflict"

    table_name: str = Field(index=True)
    row_id: str = Field(index=True)
    # superseded: an older copy's version of a record a later copy updated;
    # conflict: two copies changed the record differently (or two records
    # claim the same place, e.g. two live ballots of one person in one poll).
    kind: str = "conflict"
    version: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    version_updated_at: str = ""
    source_file: str = ""  # the file whose version this is ("" when not known)


# ---- phones matched with registered participants (issue 9: head counts)
# A phone that joins is a participant of its own (with a device); the people
# the facilitator registers are others. A match says that a phone and a
# registered person are the same human: nothing is rewritten (ballots keep the
# participant they were cast by) and ending a match keeps its row.


class PersonalCode(Record, table=True):
    """The short code a registered participant types on their phone when joining."""

    __tablename__ = "personal_code"
    __table_args__ = (
        Index(
            "ux_personal_code_live",
            "session_id",
            "code",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )

    participant_id: str = Field(index=True)
    code: str


_MATCHED = "unmatched_at IS NULL AND deleted_at IS NULL"


class PhoneMatch(Record, table=True):
    """A phone (the participant its device joined as) matched with a registered
    participant. Unmatching sets ``unmatched_at``; the row stays."""

    __tablename__ = "phone_match"
    __table_args__ = (
        Index("ux_phone_match_registered", "registered_id", unique=True,
              sqlite_where=text(_MATCHED), postgresql_where=text(_MATCHED)),
        Index("ux_phone_match_phone", "phone_participant_id", unique=True,
              sqlite_where=text(_MATCHED), postgresql_where=text(_MATCHED)),
    )

    registered_id: str = Field(index=True)  # registered by the facilitator
    phone_participant_id: str = Field(index=True)  # made when the phone joined
    how: str = "facilitator"  # facilitator | code | name (picked on the phone)
    unmatched_at: datetime | None = None
