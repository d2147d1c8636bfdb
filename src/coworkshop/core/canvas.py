"""Rules of the Theory-of-Change canvas and of the CREDEX grid.

A ``toc`` canvas has three columns worked backwards from the cross-point:
CHANGE (who must do what differently; at most ``max_changes``, 2 by default),
HOW (activities, each linked to the CHANGE it serves) and WHAT (tangible
results, each linked to the HOW that produces it). A ``grid`` canvas has one
cell per level x timeframe, each holding objectives with their stakeholders.

Every edit appends a :class:`CardRevision`; deletes are soft and restorable.
Every function takes the database session it works in and never commits: the
caller commits once (``with store.unit() as db: ...``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session as DBSession
from sqlmodel import col, select

from . import rules
from .errors import RuleError, UserError
from .models import Activity, Card, CardRevision, Comment, utcnow
from .templates import activity_config

COLUMNS = ("change", "how", "what")
COLUMN_TITLES = {"change": "CHANGE", "how": "HOW", "what": "WHAT"}
LABEL_PREFIX = {"change": "C", "how": "H", "what": "W"}
GRID_PREFIX = "O"  # an objective of the CREDEX grid
PARENT = {"how": "change", "what": "how"}
DEFAULT_PROMPTS = {
    "change": "Who must do what differently for this vision to come true?",
    "how": "What can we do, or must we do, to bring that change about?",
    "what": "Which tangible result will show the change is happening?",
}
DEFAULT_MAX_CHANGES = rules.DEFAULT_MAX_CHANGES
MAX_CARD_TEXT = rules.MAX_CARD_TEXT
MAX_COMMENT_TEXT = rules.MAX_COMMENT_TEXT


def max_changes(act: Activity) -> int:
    return activity_config(act).max_changes


def prompts(act: Activity) -> dict[str, str]:
    return {**DEFAULT_PROMPTS, **activity_config(act).prompts}


def is_grid(act: Activity) -> bool:
    return activity_config(act).shape == "grid"


def grid_cells(act: Activity) -> list[str]:
    """Cell keys ``level/timeframe`` of a grid canvas, row by row."""
    cfg = activity_config(act)
    return [f"{lv.key}/{tf.key}" for lv in cfg.levels for tf in cfg.timeframes]


def _valid_columns(act: Activity) -> tuple[str, ...]:
    return tuple(grid_cells(act)) if is_grid(act) else COLUMNS


def _clean(text: str, limit: int = MAX_CARD_TEXT, what: str = "card") -> str:
    text = text.strip()
    if not text:
        raise UserError("a {what} needs some text", what=what)
    if len(text) > limit:
        raise UserError("a {what} holds at most {limit} characters (this one has {n})",
                        what=what, limit=limit, n=len(text))
    return text


def _activity(db: DBSession, activity_id: str) -> Activity:
    act = db.get(Activity, activity_id)
    if act is None or act.kind != "canvas":
        raise UserError("no such canvas")
    return act


def _live_cards(db: DBSession, activity_id: str, column: str | None = None) -> list[Card]:
    stmt = select(Card).where(Card.activity_id == activity_id, col(Card.deleted_at).is_(None))
    if column is not None:
        stmt = stmt.where(Card.column == column)
    return list(db.exec(stmt.order_by(col(Card.position), col(Card.created_at))))


def _check_change_limit(db: DBSession, act: Activity) -> None:
    limit = max_changes(act)
    if len(_live_cards(db, act.id, "change")) >= limit:
        raise RuleError(
            "this canvas already has {limit} CHANGE cards, the most a cross-point takes; edit or "
            "delete one first", limit=limit
        )


def add_refusal(db: DBSession, activity_id: str, column: str) -> str:
    """Why :func:`add_card` would refuse any card in ``column`` now ("" if it
    would not), so a form can say it when it opens rather than after typing."""
    act = _activity(db, activity_id)
    if column == "change":
        try:
            _check_change_limit(db, act)
        except RuleError as exc:
            return str(exc)
    return ""


def _check_link(db: DBSession, act: Activity, column: str, link_id: str | None) -> None:
    if link_id is None:
        return
    parent = PARENT.get(column)
    if parent is None:
        raise RuleError("{get} cards do not link to another card",
                        get=COLUMN_TITLES.get(column, column))
    target = db.get(Card, link_id)
    if target is None or target.activity_id != act.id or target.deleted_at is not None:
        raise RuleError("the card to link to is not on this canvas")
    if target.column != parent:
        raise RuleError(
            "a {value} card links to a {value2} card, not to a {get} card",
            value=COLUMN_TITLES[column], value2=COLUMN_TITLES[parent],
            get=COLUMN_TITLES.get(target.column, target.column)
        )


def cards(db: DBSession, activity_id: str, deleted: bool = False) -> list[Card]:
    """The cards of a canvas in column order (or the deleted ones)."""
    if not deleted:
        return _live_cards(db, activity_id)
    stmt = select(Card).where(
        Card.activity_id == activity_id, col(Card.deleted_at).is_not(None)
    )
    return list(db.exec(stmt.order_by(col(Card.deleted_at).desc())))


def labels(db: DBSession, activity_id: str) -> dict[str, str]:
    """Every card's label on a canvas, by card id: C1, H2, W3 (O1, O2 on a grid).

    A label is the card's rank in its column (the whole grid counts as one)
    in the order the cards were created, deleted cards included. So a label
    never changes: deleting W2 leaves W3 as W3, a restored card gets its own
    label back, moving a card does not renumber the column, and a new card
    never takes a label an earlier card had ("link W3 to H1" stays true).
    Derived rather than stored: no column to migrate, and the cards of two
    copies of one canvas brought together by a merge still get one label each.
    """
    act = _activity(db, activity_id)
    grid = is_grid(act)
    stmt = select(Card.id, Card.column).where(Card.activity_id == activity_id)
    counts: dict[str, int] = {}
    out: dict[str, str] = {}
    for card_id, column in db.exec(stmt.order_by(col(Card.created_at), col(Card.id))):
        prefix = GRID_PREFIX if grid else LABEL_PREFIX.get(column, column[:1].upper() or "?")
        counts[prefix] = counts.get(prefix, 0) + 1
        out[card_id] = f"{prefix}{counts[prefix]}"
    return out


def add_card(
    db: DBSession,
    activity_id: str,
    column: str,
    text: str,
    link_id: str | None = None,
    group: str = "",
    stakeholders: str = "",
) -> Card:
    """Add a card; refuses a CHANGE beyond the canvas's limit and wrong links."""
    text = _clean(text)
    stakeholders = stakeholders.strip()[:MAX_CARD_TEXT]
    act = _activity(db, activity_id)
    if column not in _valid_columns(act):
        raise UserError("{column!r} is not a column of this canvas", column=column)
    if column == "change":
        _check_change_limit(db, act)
    _check_link(db, act, column, link_id)
    existing = _live_cards(db, act.id, column)
    position = (max(c.position for c in existing) + 1.0) if existing else 1.0
    card = Card(
        session_id=act.session_id,
        activity_id=act.id,
        column=column,
        position=position,
        text=text,
        stakeholders=stakeholders,
        link_id=link_id,
        group_name=rules.group_name(group) or act.group_name,
    )
    db.add(card)
    db.add(_revision(card, "created"))
    return card


def _revision(card: Card, reason: str) -> CardRevision:
    return CardRevision(
        session_id=card.session_id,
        card_id=card.id,
        text=card.text,
        stakeholders=card.stakeholders,
        group_name=card.group_name,
        reason=reason,
    )


def edit_card(
    db: DBSession,
    card_id: str,
    text: str,
    stakeholders: str | None = None,
    reason: str = "edited",
    group: str | None = None,
) -> Card:
    """Change a card's text; the previous text stays in its history."""
    text = _clean(text)
    card = db.get(Card, card_id)
    if card is None:
        raise UserError("no such card")
    if card.deleted_at is not None:
        raise RuleError("that card is deleted; restore it before editing")
    unchanged = card.text == text and (
        stakeholders is None or stakeholders == card.stakeholders
    )
    if unchanged:
        return card
    card.text = text
    if stakeholders is not None:
        card.stakeholders = stakeholders.strip()[:MAX_CARD_TEXT]
    if group is not None:
        card.group_name = rules.group_name(group)
    db.add(card)
    db.add(_revision(card, reason))
    return card


def revise_card(db: DBSession, card_id: str, text: str, group: str = "") -> Card:
    """The owning group's revision after the feedback round."""
    return edit_card(db, card_id, text, reason="revised after feedback", group=group or None)


def move_card(db: DBSession, card_id: str, delta: int) -> Card:
    """Move a card up (-1) or down (+1) within its column."""
    card = db.get(Card, card_id)
    if card is None or card.deleted_at is not None:
        raise UserError("no such card")
    column = _live_cards(db, card.activity_id, card.column)
    idx = next(i for i, c in enumerate(column) if c.id == card.id)
    other_idx = idx + delta
    if not 0 <= other_idx < len(column):
        return card
    other = column[other_idx]
    if card.position == other.position:
        # equal positions (e.g. after a merge): renumber the column first
        for i, c in enumerate(column):
            c.position = float(i + 1)
            db.add(c)
    card.position, other.position = other.position, card.position
    db.add(card)
    db.add(other)
    return card


def delete_card(db: DBSession, card_id: str) -> Card:
    """Soft-delete a card. Cards linked to it keep their link, shown as broken
    until it is restored."""
    card = db.get(Card, card_id)
    if card is None:
        raise UserError("no such card")
    if card.deleted_at is not None:
        return card
    card.deleted_at = utcnow()
    db.add(card)
    db.add(_revision(card, "deleted"))
    return card


def restore_card(db: DBSession, card_id: str) -> Card:
    """Bring a deleted card back (the CHANGE limit still applies)."""
    card = db.get(Card, card_id)
    if card is None:
        raise UserError("no such card")
    if card.deleted_at is None:
        return card
    act = _activity(db, card.activity_id)
    if card.column == "change":
        _check_change_limit(db, act)
    existing = _live_cards(db, act.id, card.column)
    card.position = (max(c.position for c in existing) + 1.0) if existing else 1.0
    card.deleted_at = None
    db.add(card)
    db.add(_revision(card, "restored"))
    return card


def link_card(db: DBSession, card_id: str, target_id: str | None) -> Card:
    """Link a HOW card to its CHANGE, or a WHAT card to its HOW (None unlinks)."""
    card = db.get(Card, card_id)
    if card is None or card.deleted_at is not None:
        raise UserError("no such card")
    act = _activity(db, card.activity_id)
    _check_link(db, act, card.column, target_id)
    card.link_id = target_id
    db.add(card)
    return card


def history(db: DBSession, card_id: str) -> list[CardRevision]:
    """Every version of a card, oldest first."""
    stmt = select(CardRevision).where(CardRevision.card_id == card_id)
    return list(db.exec(stmt.order_by(col(CardRevision.created_at), col(CardRevision.id))))


# ---------------------------------------------------------------- feedback


def add_comment(db: DBSession, card_id: str, text: str, from_group: str = "") -> Comment:
    """Feedback from another group, attached to a card."""
    text = _clean(text, MAX_COMMENT_TEXT, "comment")
    card = db.get(Card, card_id)
    if card is None or card.deleted_at is not None:
        raise UserError("no such card")
    comment = Comment(
        session_id=card.session_id,
        card_id=card.id,
        activity_id=card.activity_id,
        from_group=rules.group_name(from_group),
        text=text,
    )
    db.add(comment)
    return comment


def set_comment_resolved(db: DBSession, comment_id: str, resolved: bool = True) -> Comment:
    comment = db.get(Comment, comment_id)
    if comment is None:
        raise UserError("no such comment")
    comment.resolved = resolved
    db.add(comment)
    return comment


def comments(db: DBSession, activity_id: str) -> dict[str, list[Comment]]:
    """Live comments of a canvas, by card id, oldest first."""
    stmt = select(Comment).where(
        Comment.activity_id == activity_id, col(Comment.deleted_at).is_(None)
    )
    out: dict[str, list[Comment]] = {}
    for c in db.exec(stmt.order_by(col(Comment.created_at))):
        out.setdefault(c.card_id, []).append(c)
    return out


# ---------------------------------------------------------------- pathways


@dataclass
class Step:
    how: Card
    whats: list[Card] = field(default_factory=list)


@dataclass
class Pathway:
    change: Card
    steps: list[Step] = field(default_factory=list)


@dataclass
class Pathways:
    """The chains change -> how -> what of a canvas, and what is not linked."""

    pathways: list[Pathway]
    unlinked_how: list[Card]
    unlinked_what: list[Card]
    changes_without_how: list[Card]

    @property
    def complete(self) -> bool:
        return not (self.unlinked_how or self.unlinked_what or self.changes_without_how)


def pathways(db: DBSession, activity_id: str) -> Pathways:
    live = cards(db, activity_id)
    by_col: dict[str, list[Card]] = {c: [] for c in COLUMNS}
    for card in live:
        by_col.setdefault(card.column, []).append(card)
    change_ids = {c.id for c in by_col["change"]}
    how_ids = {c.id for c in by_col["how"]}
    steps = {h.id: Step(h) for h in by_col["how"]}
    unlinked_what = []
    for w in by_col["what"]:
        if w.link_id in how_ids:
            steps[w.link_id].whats.append(w)
        else:
            unlinked_what.append(w)
    paths = {c.id: Pathway(c) for c in by_col["change"]}
    unlinked_how = []
    for h in by_col["how"]:
        if h.link_id in change_ids:
            paths[h.link_id].steps.append(steps[h.id])
        else:
            unlinked_how.append(h)
    result = list(paths.values())
    return Pathways(
        pathways=result,
        unlinked_how=unlinked_how,
        unlinked_what=unlinked_what,
        changes_without_how=[p.change for p in result if not p.steps],
    )
