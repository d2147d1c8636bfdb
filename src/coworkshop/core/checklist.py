"""The multi-stakeholder group checklist (MASTERY): two stages of standards and
the eleven questions, each with a status, a note, an owner and a due date.

Every change is a new row (the current state is the latest); the state a
previous session of the same group ended with is carried in as rows marked
``carried``, so the checklist shows what changed since last time.

Where the session already holds evidence for an item (stakeholders registered,
a completed mapping round, a coordinator among the participants, the vision
voted on), :func:`evidence` says so with its source. It is a hint: the
facilitator decides the status.

Functions that change the file take ``db`` and do not commit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session as DB
from sqlmodel import col, func, select

from .errors import UserError
from .models import (
    Activity,
    Ballot,
    ChecklistEntry,
    Participant,
    Session,
    Tally,
)
from .templates import activity_config

STATUSES = ("yes", "partly", "no", "na")
LABELS = {"": "open", "yes": "yes", "partly": "partly", "no": "no", "na": "not applicable"}
MARKS = {"": "☐", "yes": "✔", "partly": "◐", "no": "✘", "na": "–"}
MAX_NOTE = 2000
MAX_OWNER = 200


@dataclass(frozen=True)
class Item:
    key: str  # questions: the item's key; standards: "stage/item"
    text: str
    help: str
    stage: str  # the stage's title; "" for the questions

    @property
    def is_question(self) -> bool:
        return not self.stage


def items(activity: Activity) -> list[Item]:
    """The standards of each stage, then the questions, in the template's order."""
    cfg = activity_config(activity)
    out = []
    for st in cfg.stages:
        for it in st.items:
            out.append(Item(f"{st.key}/{it.key}", it.text, it.help, st.title))
    for it in cfg.items:
        out.append(Item(it.key, it.text, it.help, ""))
    return out


@dataclass
class Evidence:
    text: str
    source: str


@dataclass
class ItemState:
    item: Item
    status: str = ""
    note: str = ""
    owner: str = ""
    due: str = ""
    previous: str | None = None  # status carried from last session; None: nothing carried
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.previous is not None and self.previous != self.status


@dataclass
class Progress:
    total: int
    yes: int = 0
    partly: int = 0
    no: int = 0
    na: int = 0
    open: int = 0

    def text(self) -> str:
        out = f"{self.yes} of {self.total} yes"
        extra = [f"{n} {LABELS[k]}" for k, n in (("partly", self.partly), ("no", self.no),
                                                 ("na", self.na), ("", self.open)) if n]
        return out + (" · " + " · ".join(extra) if extra else "")


def progress(states: list[ItemState], questions_only: bool = True) -> Progress:
    """Counts over the questions (or every item, also when there are no
    questions): "7 of 11 yes"."""
    if not any(s.item.is_question for s in states):
        questions_only = False
    chosen = [s for s in states if s.item.is_question or not questions_only]
    p = Progress(total=len(chosen))
    for s in chosen:
        name = s.status or "open"
        setattr(p, name, getattr(p, name) + 1)
    return p


def _rows(db: DB, activity_id: str) -> list[ChecklistEntry]:
    stmt = (
        select(ChecklistEntry)
        .where(ChecklistEntry.activity_id == activity_id,
               col(ChecklistEntry.deleted_at).is_(None))
        .order_by(col(ChecklistEntry.created_at), col(ChecklistEntry.id))
    )
    return list(db.exec(stmt))


def state(db: DB, session: Session, activity: Activity, with_evidence: bool = True
          ) -> list[ItemState]:
    """Every item with its current status, note, owner, due date, what it was
    last session and the session's evidence."""
    if activity.kind != "checklist":
        raise UserError("not a checklist")
    current: dict[str, ChecklistEntry] = {}
    carried: dict[str, ChecklistEntry] = {}
    for row in _rows(db, activity.id):
        current[row.item_key] = row
        if row.carried:
            carried[row.item_key] = row
    hints = evidence(db, session, activity) if with_evidence else {}
    out = []
    for it in items(activity):
        latest = current.get(it.key)
        st = ItemState(it)
        if latest is not None:
            st.status, st.note, st.owner, st.due = (latest.status, latest.note, latest.owner,
                                                    latest.due)
        if it.key in carried:
            st.previous = carried[it.key].status
        st.evidence = hints.get(it.key, [])
        out.append(st)
    return out


def set_entry(db: DB, activity: Activity, item_key: str, *, status: str | None = None,
              note: str | None = None, owner: str | None = None, due: str | None = None
              ) -> ChecklistEntry:
    """Change an item's status, note, owner or due date (a new row; the other
    fields keep their current values). Everything is checked before writing."""
    keys = {it.key for it in items(activity)}
    if item_key not in keys:
        raise UserError("no checklist item {item_key!r}", item_key=item_key)
    if status is not None:
        status = status.strip().lower()
        status = {"n/a": "na", "not applicable": "na", "open": ""}.get(status, status)
        if status and status not in STATUSES:
            raise UserError("status: yes, partly, no or not applicable, not {status!r}",
                            status=status)
    if note is not None:
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise UserError("note: at most {MAX_NOTE} characters", MAX_NOTE=MAX_NOTE)
    if owner is not None:
        owner = owner.strip()
        if len(owner) > MAX_OWNER:
            raise UserError("owner: at most {MAX_OWNER} characters", MAX_OWNER=MAX_OWNER)
    if due is not None:
        due = due.strip()
        if due:
            try:
                date.fromisoformat(due)
            except ValueError:
                raise UserError("due date: {due!r} is not a date like 2026-03-31",
                                due=due) from None
    last = None
    for row in _rows(db, activity.id):
        if row.item_key == item_key:
            last = row
    entry = ChecklistEntry(
        session_id=activity.session_id, activity_id=activity.id, item_key=item_key,
        status=status if status is not None else (last.status if last else ""),
        note=note if note is not None else (last.note if last else ""),
        owner=owner if owner is not None else (last.owner if last else ""),
        due=due if due is not None else (last.due if last else ""),
    )
    if last is not None and not last.carried and (
        last.status, last.note, last.owner, last.due
    ) == (entry.status, entry.note, entry.owner, entry.due):
        return last  # nothing changed: no new row
    db.add(entry)
    db.flush()
    return entry


def carry(db: DB, activity: Activity, previous: dict[str, dict[str, str]], label: str) -> int:
    """Start this checklist from the state a previous session ended with
    (item key -> status, note, owner, due). Returns the number of items carried."""
    keys = {it.key for it in items(activity)}
    n = 0
    for key, values in previous.items():
        if key not in keys:
            continue
        db.add(ChecklistEntry(
            session_id=activity.session_id, activity_id=activity.id, item_key=key,
            status=values.get("status", ""), note=values.get("note", ""),
            owner=values.get("owner", ""), due=values.get("due", ""),
            carried=True, carried_from=label,
        ))
        n += 1
    db.flush()
    return n


# ---------------------------------------------------------------- evidence

# Which evidence applies to an item is decided by words in its key, so that a
# template's own checklist gets the hints when it uses the same words.
_RULES = (
    ("identified", "stakeholders"), ("map-engage", "stakeholders"),
    ("interested", "supportive"),
    ("analysed", "mapped"), ("map-engage", "mapped"),
    ("commitment", "repeated"),
    ("coordinator", "coordinator"),
    ("vision", "vision"), ("shared", "vision"),
)


def _facts(db: DB, session: Session) -> dict[str, list[Evidence]]:
    from . import stakeholders as sh

    out: dict[str, list[Evidence]] = {}
    reg = sh.register(db, session.id)
    if reg:
        out["stakeholders"] = [Evidence(f"{len(reg)} stakeholders in the register",
                                        "stakeholder register")]
    acts = list(db.exec(select(Activity).where(Activity.session_id == session.id,
                                               col(Activity.deleted_at).is_(None))))
    for act in acts:
        if act.kind == "stakeholder_map":
            data = sh.map_data(db, session, act)
            rated = [r for r in data.rounds if r["number"] > 0]
            placed = [e for e in data.entries if e.placed]
            if rated and placed and len(placed) == len(data.entries):
                out.setdefault("mapped", []).append(Evidence(
                    f"round {data.round_number} ({data.round_date}) places all "
                    f"{len(placed)} stakeholders", f"map '{act.title}'"))
            if len(data.rounds) >= 2:
                out.setdefault("repeated", []).append(Evidence(
                    f"mapped {len(data.rounds)} times; {len(data.movements)} moved quadrant "
                    "since the previous round", f"map '{act.title}'"))
            high = [e for e in placed if e.interest is not None and sh.is_high(e.interest)]
            if placed:
                out.setdefault("supportive", []).append(Evidence(
                    f"{len(high)} of {len(placed)} mapped stakeholders have high "
                    f"{data.axis_names['interest']}", f"map '{act.title}'"))
        if act.kind == "poll":
            about_vision = [q for q in activity_config(act).questions
                            if q.statements_from == "crosspoints" or "vision" in q.text.lower()]
            if about_vision:
                keys = [q.key for q in about_vision]
                n = db.exec(select(func.count()).select_from(Ballot).where(
                    Ballot.activity_id == act.id, col(Ballot.question_key).in_(keys),
                    col(Ballot.deleted_at).is_(None))).one()
                t = db.exec(select(func.count()).select_from(Tally).where(
                    Tally.activity_id == act.id, col(Tally.question_key).in_(keys),
                    col(Tally.deleted_at).is_(None))).one()
                if n or t:
                    counted = f"{n} answers" + (" and counted hands" if t else "")
                    out.setdefault("vision", []).append(Evidence(
                        f"the visions were voted on: {counted}", f"poll '{act.title}'"))
    people = list(db.exec(select(Participant).where(
        Participant.session_id == session.id, col(Participant.deleted_at).is_(None))))
    for p in people:
        text = f"{p.name} {p.organisation}".lower()
        if "coordinat" in text:
            who = p.name or p.organisation or "a participant"
            out.setdefault("coordinator", []).append(
                Evidence(f"{who} is registered as coordinator", "participants"))
    for s in reg:
        if "coordinat" in f"{s.name} {s.organisation} {s.notes}".lower():
            out.setdefault("coordinator", []).append(
                Evidence(f"{s.name}: noted as coordinator", "stakeholder register"))
    return out


def evidence(db: DB, session: Session, activity: Activity) -> dict[str, list[Evidence]]:
    """Hints per item key from what the session already holds."""
    facts = _facts(db, session)
    out: dict[str, list[Evidence]] = {}
    for it in items(activity):
        own = it.key.rsplit("/", 1)[-1]
        found: list[Evidence] = []
        for word, fact in _RULES:
            if word in own:
                for ev in facts.get(fact, []):
                    if ev not in found:
                        found.append(ev)
        if found:
            out[it.key] = found
    return out


def as_dict(states: list[ItemState]) -> dict[str, Any]:
    """Plain data for reports."""
    return {
        "progress": asdict(progress(states)),
        "progress_text": progress(states).text(),
        "items": [
            {**asdict(s.item), "status": s.status, "note": s.note, "owner": s.owner,
             "due": s.due, "previous": s.previous, "changed": s.changed,
             "evidence": [asdict(e) for e in s.evidence]}
            for s in states
        ],
    }
