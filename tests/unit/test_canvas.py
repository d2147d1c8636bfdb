from __future__ import annotations

import pytest

from coworkshop.core import canvas
from coworkshop.core.errors import RuleError, UserError

from .helpers import activity, make_session


@pytest.fixture
def board():  # type: ignore[no-untyped-def]
    store, session = make_session()
    return store, activity(store, session, "canvas-1")


def test_at_most_two_changes_per_canvas(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    canvas.add_card(store, act.id, "change", "Firms use micro-credentials")
    canvas.add_card(store, act.id, "change", "Ministry recognises them")
    with pytest.raises(RuleError, match="already has 2 CHANGE cards"):
        canvas.add_card(store, act.id, "change", "A third change")
    assert [c.column for c in canvas.cards(store, act.id)].count("change") == 2


def test_deleting_a_change_makes_room_and_restore_respects_the_limit(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    first = canvas.add_card(store, act.id, "change", "one")
    canvas.add_card(store, act.id, "change", "two")
    canvas.delete_card(store, first.id)
    canvas.add_card(store, act.id, "change", "three")
    with pytest.raises(RuleError):
        canvas.restore_card(store, first.id)
    assert [c.text for c in canvas.cards(store, act.id, deleted=True)] == ["one"]


def test_links_must_point_to_the_parent_column(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    change = canvas.add_card(store, act.id, "change", "c")
    how = canvas.add_card(store, act.id, "how", "h", link_id=change.id)
    with pytest.raises(RuleError, match="links to a CHANGE card"):
        canvas.add_card(store, act.id, "how", "h2", link_id=how.id)
    with pytest.raises(RuleError, match="links to a HOW card"):
        canvas.add_card(store, act.id, "what", "w", link_id=change.id)
    with pytest.raises(RuleError, match="do not link"):
        canvas.add_card(store, act.id, "change", "c2", link_id=change.id)
    what = canvas.add_card(store, act.id, "what", "w", link_id=how.id)
    assert what.link_id == how.id


def test_pathways_chain_and_flag_unlinked(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    change = canvas.add_card(store, act.id, "change", "c")
    lonely_change = canvas.add_card(store, act.id, "change", "c-alone")
    how = canvas.add_card(store, act.id, "how", "h", link_id=change.id)
    what = canvas.add_card(store, act.id, "what", "w", link_id=how.id)
    stray_how = canvas.add_card(store, act.id, "how", "stray")
    stray_what = canvas.add_card(store, act.id, "what", "stray-w")
    p = canvas.pathways(store, act.id)
    assert [x.change.id for x in p.pathways] == [change.id, lonely_change.id]
    assert [s.how.id for s in p.pathways[0].steps] == [how.id]
    assert [w.id for w in p.pathways[0].steps[0].whats] == [what.id]
    assert [c.id for c in p.unlinked_how] == [stray_how.id]
    assert [c.id for c in p.unlinked_what] == [stray_what.id]
    assert [c.id for c in p.changes_without_how] == [lonely_change.id]
    assert not p.complete
    # a deleted parent breaks the chain until restored
    canvas.delete_card(store, how.id)
    assert [c.id for c in canvas.pathways(store, act.id).unlinked_what] == [what.id, stray_what.id]
    canvas.restore_card(store, how.id)
    assert what.id in [
        w.id for s in canvas.pathways(store, act.id).pathways[0].steps for w in s.whats
    ]


def test_edits_keep_every_revision(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    card = canvas.add_card(store, act.id, "change", "first", group="Group A")
    canvas.edit_card(store, card.id, "second")
    canvas.edit_card(store, card.id, "second")  # no change, no revision
    canvas.revise_card(store, card.id, "third", group="Group A")
    canvas.delete_card(store, card.id)
    canvas.restore_card(store, card.id)
    revs = canvas.history(store, card.id)
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
    card = canvas.add_card(store, act.id, "how", "h")
    canvas.delete_card(store, card.id)
    with pytest.raises(RuleError, match="restore it"):
        canvas.edit_card(store, card.id, "new")


def test_text_is_required_and_limited(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    with pytest.raises(UserError, match="needs some text"):
        canvas.add_card(store, act.id, "how", "   ")
    with pytest.raises(UserError, match="at most 500"):
        canvas.add_card(store, act.id, "how", "x" * 501)
    assert canvas.cards(store, act.id) == []


def test_reorder_within_a_column(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    a = canvas.add_card(store, act.id, "how", "a")
    b = canvas.add_card(store, act.id, "how", "b")
    c = canvas.add_card(store, act.id, "how", "c")
    canvas.move_card(store, c.id, -1)
    assert [x.text for x in canvas.cards(store, act.id)] == ["a", "c", "b"]
    canvas.move_card(store, a.id, -1)  # already first: no change
    canvas.move_card(store, a.id, +1)
    assert [x.text for x in canvas.cards(store, act.id)] == ["c", "a", "b"]
    assert b.id


def test_comments_attach_to_cards(board) -> None:  # type: ignore[no-untyped-def]
    store, act = board
    card = canvas.add_card(store, act.id, "change", "c", group="Group A")
    canvas.add_comment(store, card.id, "Who pays?", from_group="Group B")
    comment = canvas.add_comment(store, card.id, "Name the ministry", from_group="Group C")
    canvas.set_comment_resolved(store, comment.id)
    found = canvas.comments(store, act.id)[card.id]
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
    card = canvas.add_card(
        store, grid.id, "learners/long", "Stackable pathways", stakeholders="VET"
    )
    assert (card.column, card.stakeholders) == ("learners/long", "VET")
    with pytest.raises(UserError, match="not a column"):
        canvas.add_card(store, grid.id, "change", "no such cell on a grid")
