from __future__ import annotations

import pytest

from coworkshop.core import canvas
from coworkshop.core.errors import RuleError, UserError

from .helpers import activity, commit, make_session


@pytest.fixture
def board():  # type: ignore[no-untyped-def]
    store, session = make_session()
    return store, activity(store, session, "canvas-1")


def test_at_most_two_changes_per_canvas(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    commit(store, canvas.add_card, act.id, "change", "Firms use micro-credentials")
    commit(store, canvas.add_card, act.id, "change", "Ministry recognises them")
    with pytest.raises(RuleError, match="already has 2 CHANGE cards"):
        commit(store, canvas.add_card, act.id, "change", "A third change")
    assert [c.column for c in commit(store, canvas.cards, act.id)].count("change") == 2


def test_deleting_a_change_makes_room_and_restore_respects_the_limit(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    first = commit(store, canvas.add_card, act.id, "change", "one")
    commit(store, canvas.add_card, act.id, "change", "two")
    commit(store, canvas.delete_card, first.id)
    commit(store, canvas.add_card, act.id, "change", "three")
    with pytest.raises(RuleError):
        commit(store, canvas.restore_card, first.id)
    assert [c.text for c in commit(store, canvas.cards, act.id, deleted=True)] == ["one"]


def test_links_must_point_to_the_parent_column(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    change = commit(store, canvas.add_card, act.id, "change", "c")
    how = commit(store, canvas.add_card, act.id, "how", "h", link_id=change.id)
    with pytest.raises(RuleError, match="links to a CHANGE card"):
        commit(store, canvas.add_card, act.id, "how", "h2", link_id=how.id)
    with pytest.raises(RuleError, match="links to a HOW card"):
        commit(store, canvas.add_card, act.id, "what", "w", link_id=change.id)
    with pytest.raises(RuleError, match="do not link"):
        commit(store, canvas.add_card, act.id, "change", "c2", link_id=change.id)
    what = commit(store, canvas.add_card, act.id, "what", "w", link_id=how.id)
    assert what.link_id == how.id


def test_pathways_chain_and_flag_unlinked(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    change = commit(store, canvas.add_card, act.id, "change", "c")
    lonely_change = commit(store, canvas.add_card, act.id, "change", "c-alone")
    how = commit(store, canvas.add_card, act.id, "how", "h", link_id=change.id)
    what = commit(store, canvas.add_card, act.id, "what", "w", link_id=how.id)
    stray_how = commit(store, canvas.add_card, act.id, "how", "stray")
    stray_what = commit(store, canvas.add_card, act.id, "what", "stray-w")
    p = commit(store, canvas.pathways, act.id)
    assert [x.change.id for x in p.pathways] == [change.id, lonely_change.id]
    assert [s.how.id for s in p.pathways[0].steps] == [how.id]
    assert [w.id for w in p.pathways[0].steps[0].whats] == [what.id]
    assert [c.id for c in p.unlinked_how] == [stray_how.id]
    assert [c.id for c in p.unlinked_what] == [stray_what.id]
    assert [c.id for c in p.changes_without_how] == [lonely_change.id]
    assert not p.complete
    # a deleted parent breaks the chain until restored
    commit(store, canvas.delete_card, how.id)
    unlinked = commit(store, canvas.pathways, act.id).unlinked_what
    assert [c.id for c in unlinked] == [what.id, stray_what.id]
    commit(store, canvas.restore_card, how.id)
    assert what.id in [
        w.id for s in commit(store, canvas.pathways, act.id).pathways[0].steps for w in s.whats
    ]


def test_edits_keep_every_revision(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    card = commit(store, canvas.add_card, act.id, "change", "first", group="Group A")
    commit(store, canvas.edit_card, card.id, "second")
    commit(store, canvas.edit_card, card.id, "second")  # no change, no revision
    commit(store, canvas.revise_card, card.id, "third", group="Group A")
    commit(store, canvas.delete_card, card.id)
    commit(store, canvas.restore_card, card.id)
    revs = commit(store, canvas.history, card.id)
    assert [r.text for r in revs] == ["first", "second", "third", "third", "third"]
    assert [r.reason for r in revs] == [
        "created",
        "edited",
        "revised after feedback",
        "deleted",
        "restored",
    ]


def test_editing_a_deleted_card_is_refused(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    card = commit(store, canvas.add_card, act.id, "how", "h")
    commit(store, canvas.delete_card, card.id)
    with pytest.raises(RuleError, match="restore it"):
        commit(store, canvas.edit_card, card.id, "new")


def test_text_is_required_and_limited(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    with pytest.raises(UserError, match="needs some text"):
        commit(store, canvas.add_card, act.id, "how", "   ")
    with pytest.raises(UserError, match="at most 500"):
        commit(store, canvas.add_card, act.id, "how", "x" * 501)
    assert commit(store, canvas.cards, act.id) == []


def test_reorder_within_a_column(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    a = commit(store, canvas.add_card, act.id, "how", "a")
    b = commit(store, canvas.add_card, act.id, "how", "b")
    c = commit(store, canvas.add_card, act.id, "how", "c")
    commit(store, canvas.move_card, c.id, -1)
    assert [x.text for x in commit(store, canvas.cards, act.id)] == ["a", "c", "b"]
    commit(store, canvas.move_card, a.id, -1)  # already first: no change
    commit(store, canvas.move_card, a.id, +1)
    assert [x.text for x in commit(store, canvas.cards, act.id)] == ["c", "a", "b"]
    assert b.id


def test_comments_attach_to_cards(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    card = commit(store, canvas.add_card, act.id, "change", "c", group="Group A")
    commit(store, canvas.add_comment, card.id, "Who pays?", from_group="Group B")
    comment = commit(store, canvas.add_comment, card.id, "Name the ministry", from_group="Group C")
    commit(store, canvas.set_comment_resolved, comment.id)
    found = commit(store, canvas.comments, act.id)[card.id]
    assert [(c.from_group, c.text, c.resolved) for c in found] == [
        ("Group B", "Who pays?", False),
        ("Group C", "Name the ministry", True),
    ]


def test_grid_cells_hold_objectives_with_stakeholders() -> None:
    store, session = make_session()
    grid = activity(store, session, "grid")
    assert canvas.grid_cells(grid) == [
        "systemic/short",
        "systemic/long",
        "learners/short",
        "learners/long",
    ]
    card = commit(
        store, canvas.add_card, grid.id, "learners/long", "Stackable pathways", stakeholders="VET"
    )
    assert (card.column, card.stakeholders) == ("learners/long", "VET")
    with pytest.raises(UserError, match="not a column"):
        commit(store, canvas.add_card, grid.id, "change", "no such cell on a grid")


def test_one_unit_of_work_is_saved_whole_or_not_at_all(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    with pytest.raises(RuleError), store.unit() as db:
        for text in ("one", "two", "a third is refused"):
            canvas.add_card(db, act.id, "change", text)
    assert commit(store, canvas.cards, act.id) == []
    with store.unit() as db:
        change = canvas.add_card(db, act.id, "change", "one")
        canvas.add_card(db, act.id, "how", "linked in the same unit", link_id=change.id)
    assert [c.text for c in commit(store, canvas.cards, act.id)] == [
        "one",
        "linked in the same unit",
    ]


def test_updated_at_follows_every_change_by_itself(board) -> None:  # type: ignore[no-untyped-def]
    from sqlmodel import col, update

    from coworkshop.core.models import Card

    store, act = board
    card = commit(store, canvas.add_card, act.id, "how", "h")
    edited = commit(store, canvas.edit_card, card.id, "h, edited")
    assert edited.updated_at > card.updated_at and edited.created_at == card.created_at
    deleted = commit(store, canvas.delete_card, card.id)
    assert deleted.updated_at > edited.updated_at
    with store.unit() as db:  # a bulk statement is stamped too
        db.exec(update(Card).where(col(Card.id) == card.id).values(text="bulk"))
    again = commit(store, canvas.cards, act.id, deleted=True)[0]
    assert again.text == "bulk" and again.updated_at > deleted.updated_at


def test_labels_stay_with_their_cards(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    c1 = commit(store, canvas.add_card, act.id, "change", "firms hire on them")
    h1 = commit(store, canvas.add_card, act.id, "how", "pilot", link_id=c1.id)
    w1, w2, w3 = (commit(store, canvas.add_card, act.id, "what", t, link_id=h1.id)
                  for t in ("guide", "register", "badge"))

    def label(card: canvas.Card) -> str:
        return commit(store, canvas.labels, act.id)[card.id]

    assert [label(c) for c in (c1, h1, w1, w2, w3)] == ["C1", "H1", "W1", "W2", "W3"]
    commit(store, canvas.delete_card, w2.id)
    assert label(w3) == "W3", "deleting W2 does not renumber W3"
    w4 = commit(store, canvas.add_card, act.id, "what", "a fourth result")
    assert label(w4) == "W4", "a new card never takes a deleted card's label"
    commit(store, canvas.restore_card, w2.id)
    assert label(w2) == "W2", "a restored card gets its own label back"
    commit(store, canvas.move_card, w3.id, -1)
    commit(store, canvas.move_card, w3.id, -1)
    assert [c.text for c in commit(store, canvas.cards, act.id) if c.column == "what"][0] == "badge"
    assert label(w3) == "W3", "moving a card does not renumber its column"


def test_grid_objectives_are_numbered_across_the_grid() -> None:
    store, session = make_session()
    act = activity(store, session, "grid")
    cells = canvas.grid_cells(act)
    first = commit(store, canvas.add_card, act.id, cells[-1], "last cell first")
    second = commit(store, canvas.add_card, act.id, cells[0], "first cell second")
    labels = commit(store, canvas.labels, act.id)
    assert (labels[first.id], labels[second.id]) == ("O1", "O2")
