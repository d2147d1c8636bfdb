"""Sessions, their agenda and their participants.

Every function takes the database session it works in and never commits: the
caller (a CLI command, a TUI action, a test) runs one unit of work,
``with store.unit() as db: ...``, which commits once when it ends.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlmodel import Session as DBSession
from sqlmodel import col, select

from . import matching, rules, templates
from .errors import RuleError, UserError
from .models import Activity, Participant, Poll, Session, utcnow
from .polls.polls import PollInfo, close_question, freeze, open_polls
from .polls.scales import resolve_scale
from .probe import SESSION_SUFFIX
from .store import Store

ACTIVITY_STATUSES = ("pending", "running", "done")
MAX_FIELD = rules.MAX_FIELD


@dataclass
class SessionDetails:
    """What the facilitator types on the new-session form."""

    title: str
    date: str = ""
    place: str = ""
    country: str = ""
    sector: str = ""
    language: str = ""
    facilitator: str = ""

    def cleaned(self) -> SessionDetails:
        out = SessionDetails(**{k: str(v).strip() for k, v in vars(self).items()})
        if not out.title:
            raise UserError("title: a session needs a title")
        for name, value in vars(out).items():
            if len(value) > MAX_FIELD:
                raise UserError("{field}: at most {limit} characters", field=name, limit=MAX_FIELD)
        if out.date:
            try:
                datetime.strptime(out.date, "%Y-%m-%d")
            except ValueError as exc:
                raise UserError("date: {date!r} is not a date like 2025-06-12",
                                date=out.date) from exc
        if out.language and not re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", out.language):
            raise UserError("language: {language!r} is not a language code like en or fi",
                            language=out.language)
        return out


def slug(text: str) -> str:
    """A file name from a title that keeps its letters, in any script
    (``Семинар в София`` -> ``семинар-в-софия``); only what is not a letter or a
    digit (spaces, punctuation, path separators) becomes ``-``."""
    s = unicodedata.normalize("NFC", text).lower()
    s = re.sub(r"[^\w]+|_+", "-", s).strip("-")
    return s[:50].strip("-") or "session"


def default_path(folder: Path, details: SessionDetails) -> Path:
    """A new, unused file name in ``folder`` from the date and title."""
    base = slug(f"{details.date} {details.title}" if details.date else details.title)
    path = folder / f"{base}{SESSION_SUFFIX}"
    n = 2
    while path.exists():
        path = folder / f"{base}-{n}{SESSION_SUFFIX}"
        n += 1
    return path


def plan_of(template: templates.Template) -> dict[str, Any]:
    """The parts of a template every activity may refer to. Standard scales the
    template names are copied in, so the file stays self-contained."""
    data = template.model_dump(mode="json")
    scales = dict(data["scales"])
    for act in template.agenda:
        for q in act.questions:
            if q.scale and q.scale not in scales:
                scales[q.scale] = {
                    k: v for k, v in resolve_scale(q.scale, data).items() if k != "key"
                }
    return {
        "template": data["template"],
        "stakeholder_groups": data["stakeholder_groups"],
        "scales": scales,
        "crosspoints": data["crosspoints"],
        "translations": data.get("translations") or {},
    }


def create_session(
    db: DBSession,
    template: templates.Template,
    details: SessionDetails,
    template_toml: str = "",
) -> Session:
    """Create a session and its agenda from a validated template."""
    details = details.cleaned()
    # A session in one of the template's languages stores that language's texts
    # (the others stay in its plan, by key).
    template = templates.in_language(template, details.language)
    plan = plan_of(template)
    session = Session(
        session_id="",
        title=details.title,
        date=details.date,
        place=details.place,
        country=details.country,
        sector=details.sector,
        language=details.language or template.template.language,
        facilitator=details.facilitator,
        template_name=template.template.name,
        template_toml=template_toml or templates.dump(template),
        plan=plan,
    )
    session.session_id = session.id
    db.add(session)
    for i, act in enumerate(template.agenda):
        config = act.model_dump(mode="json")  # defaults stored: no reader restates them
        row = Activity(
            session_id=session.id,
            position=i,
            key=act.key,
            kind=act.kind,
            title=act.title,
            timebox_minutes=act.timebox,
            config=config,
        )
        db.add(row)
        for q in act.questions:  # a poll is made with its question
            db.add(
                Poll(
                    session_id=session.id,
                    activity_id=row.id,
                    question_key=q.key,
                    definition=freeze(act.key, q, plan),
                )
            )
    db.flush()
    return session


def create_session_file(
    path: Path, template_path: Path, details: SessionDetails
) -> tuple[Store, Session]:
    """Validate the template, then create ``path`` holding one new session.

    Nothing is written if the template or the details are invalid.
    """
    text = template_path.read_text(encoding="utf-8")
    template = templates.parse_text(text, str(template_path))
    details = details.cleaned()
    store = Store.create(path)
    try:
        with store.unit() as db:
            session = create_session(db, template, details, text)
    except Exception:
        store.close()
        path.unlink(missing_ok=True)
        raise
    return store, session


def update_session(db: DBSession, session_id: str, **fields: str) -> Session:
    session = db.get(Session, session_id)
    if session is None:
        raise UserError("no such session")
    current = SessionDetails(
        session.title,
        session.date,
        session.place,
        session.country,
        session.sector,
        session.language,
        session.facilitator,
    )
    merged = SessionDetails(**{**vars(current), **fields}).cleaned()
    for k, v in vars(merged).items():
        setattr(session, k, v)
    db.add(session)
    return session


def template_of_session(
    db: DBSession, session_id: str, name: str, title: str = ""
) -> templates.Template:
    """The plan of a session (agenda, prompts, cross-points, questions, scales;
    no results) as a template, ready to save for another workshop."""
    session = db.get(Session, session_id)
    if session is None:
        raise UserError("no such session")
    acts = activities(db, session_id)
    plan = dict(session.plan)
    meta = dict(plan["template"])
    meta["name"] = name
    meta["title"] = title or f"{meta.get('title', session.title)} ({session.title})"
    based = f"based on session {session.title!r}"
    if session.date:
        based += f" of {session.date}"
    meta["description"] = (meta.get("description", "") + f" [{based}]").strip()
    agenda = []
    for a in acts:
        cfg = {k: v for k, v in a.config.items()}
        cfg.update({"key": a.key, "kind": a.kind, "title": a.title, "timebox": a.timebox_minutes})
        agenda.append(cfg)
    data = {**plan, "template": meta, "agenda": agenda}
    return templates.validate(data, source=f"session {session.title!r}")


def save_plan(
    db: DBSession,
    session_id: str,
    path: Path,
    *,
    name: str = "",
    title: str = "",
    overwrite: bool = False,
) -> templates.Template:
    """Save the plan of a session as a template file at ``path`` (see
    :func:`template_of_session`); its name is ``name``, or the file's name.

    The one way the CLI and the app save a plan: the file is refused (one
    :class:`UserError` naming it) if it is not a new ``.toml`` file (unless
    ``overwrite``) or if what would be written does not load back.
    """
    templates.check_target(path, overwrite=overwrite)
    tpl = template_of_session(db, session_id, templates.template_name(name or path.stem), title)
    templates.save(tpl, path, overwrite=overwrite)
    return tpl


# ---------------------------------------------------------------- agenda


def activities(db: DBSession, session_id: str) -> list[Activity]:
    """The agenda of a session, in order."""
    stmt = (
        select(Activity)
        .where(Activity.session_id == session_id, col(Activity.deleted_at).is_(None))
        .order_by(col(Activity.position))
    )
    return list(db.exec(stmt))


@dataclass
class StatusChange:
    """What moving an activity changed, for the facilitator's notice."""

    activity: Activity
    #: other activities finished because this one started (one runs at a time)
    finished: list[Activity] = field(default_factory=list)
    #: questions closed because their activity finished, results shown
    closed: list[PollInfo] = field(default_factory=list)


def change_activity_status(db: DBSession, activity_id: str, status: str) -> StatusChange:
    """Move an activity to pending, running or done, in the caller's unit of work.

    Starting one records the time its timebox counts down from; only one
    activity runs at a time, so the one running before is finished. A finished
    activity takes no more answers: its open questions are closed and their
    results shown (as closing a question by hand does).
    """
    if status not in ACTIVITY_STATUSES:
        raise UserError("status must be one of {join}", join=', '.join(ACTIVITY_STATUSES))
    act = db.get(Activity, activity_id)
    if act is None:
        raise UserError("no such activity")
    now = utcnow()
    change = StatusChange(act)
    if status == "running":
        others = db.exec(
            select(Activity).where(
                Activity.session_id == act.session_id,
                Activity.status == "running",
                Activity.id != act.id,
            )
        )
        for other in others:
            other.status = "done"
            other.finished_at = now
            db.add(other)
            change.finished.append(other)
        if act.status != "running":
            act.started_at = now
            act.finished_at = None
    elif status == "done":
        act.finished_at = now
    elif status == "pending":
        act.started_at = None
        act.finished_at = None
    act.status = status
    db.add(act)
    done = {a.id for a in change.finished} | ({act.id} if status == "done" else set())
    if done:
        change.closed = [
            close_question(db, p.id) for p in open_polls(db, act.session_id)
            if p.activity_id in done
        ]
    return change


def set_activity_status(db: DBSession, activity_id: str, status: str) -> Activity:
    """:func:`change_activity_status`, for callers that need only the activity."""
    return change_activity_status(db, activity_id, status).activity


def remaining_seconds(act: Activity, now: datetime | None = None) -> int | None:
    """Seconds left in a running activity's timebox (negative when over time)."""
    if not act.timebox_minutes or act.started_at is None:
        return None
    now = now or datetime.now(UTC)
    started = act.started_at if act.started_at.tzinfo else act.started_at.replace(tzinfo=UTC)
    end = act.finished_at or now
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    return int(act.timebox_minutes * 60 - (end - started).total_seconds())


def set_activity_group(db: DBSession, activity_id: str, group: str) -> Activity:
    """Assign the breakout group that owns a canvas."""
    group = rules.group_name(group)
    act = db.get(Activity, activity_id)
    if act is None:
        raise UserError("no such activity")
    act.group_name = group
    db.add(act)
    return act


def breakout_groups(db: DBSession, session_id: str) -> list[str]:
    """The breakout groups in use in a session, in order of first use."""
    seen: dict[str, None] = {}
    for act in activities(db, session_id):
        if act.group_name:
            seen.setdefault(act.group_name)
    for p in participants(db, session_id):
        if p.breakout_group:
            seen.setdefault(p.breakout_group)
    return list(seen)


# ---------------------------------------------------------------- participants


def stakeholder_groups(session: Session) -> list[dict[str, str]]:
    return list(session.plan.get("stakeholder_groups", []))


def group_label(session: Session, key: str) -> str:
    for g in stakeholder_groups(session):
        if g["key"] == key:
            return g["label"]
    return key


def _check_participant(session: Session, fields: dict[str, str]) -> dict[str, str]:
    out = {k: (v or "").strip() for k, v in fields.items()}
    keys = [g["key"] for g in stakeholder_groups(session)]
    if out.get("stakeholder_group", None) is not None and out["stakeholder_group"] not in keys:
        raise UserError(
            "stakeholder group {stakeholder_group!r} is not one of: {join}",
            stakeholder_group=out['stakeholder_group'], join=', '.join(keys)
        )
    for name, value in out.items():
        if len(value) > MAX_FIELD:
            raise UserError("{field}: at most {limit} characters", field=name, limit=MAX_FIELD)
    if "breakout_group" in out:
        out["breakout_group"] = rules.group_name(out["breakout_group"])
    return out


def participant_fields(session: Session, stakeholder_group: str, name: str = "") -> dict[str, str]:
    """A new participant's fields, checked like :func:`add_participant` (raises UserError)."""
    return _check_participant(session, {"stakeholder_group": stakeholder_group, "name": name})


def add_participant(
    db: DBSession,
    session: Session,
    stakeholder_group: str,
    name: str = "",
    organisation: str = "",
    country: str = "",
    breakout_group: str = "",
) -> Participant:
    fields = _check_participant(
        session,
        {
            "stakeholder_group": stakeholder_group,
            "name": name,
            "organisation": organisation,
            "country": country,
            "breakout_group": breakout_group,
        },
    )
    p = Participant.model_validate({"session_id": session.id, **fields})
    db.add(p)
    matching.give_code(db, p)  # to hand out: their phone joins as them with it
    return p


def update_participant(
    db: DBSession, session: Session, participant_id: str, **fields: str
) -> Participant:
    checked = _check_participant(session, fields)
    p = db.get(Participant, participant_id)
    if p is None:
        raise UserError("no such participant")
    for k, v in checked.items():
        setattr(p, k, v)
    db.add(p)
    return p


def delete_participant(db: DBSession, participant_id: str, restore: bool = False) -> Participant:
    """Soft-delete (or restore) a participant; nothing is destroyed."""
    p = db.get(Participant, participant_id)
    if p is None:
        raise UserError("no such participant")
    if restore and p.deleted_at is None:
        raise RuleError("that participant is not deleted")
    p.deleted_at = None if restore else utcnow()
    db.add(p)
    if not restore and matching.is_matched(db, p.session_id, p.id):
        # a deleted person has no phone: the match ends (kept, marked ended);
        # restoring them does not bring it back (m matches again)
        matching.unmatch(db, p.session_id, p.id)
    return p


def participants(db: DBSession, session_id: str, deleted: bool = False) -> list[Participant]:
    """The participants of a session in order of registration (or the deleted ones)."""
    cond = (
        col(Participant.deleted_at).is_not(None)
        if deleted
        else col(Participant.deleted_at).is_(None)
    )
    stmt = (
        select(Participant)
        .where(Participant.session_id == session_id, cond)
        .order_by(col(Participant.created_at))
    )
    return list(db.exec(stmt))


def participant_counts(db: DBSession, session: Session) -> dict[str, int]:
    """Participants per stakeholder group key, every group present."""
    counts = {g["key"]: 0 for g in stakeholder_groups(session)}
    for p in participants(db, session.id):
        counts[p.stakeholder_group] = counts.get(p.stakeholder_group, 0) + 1
    return counts
