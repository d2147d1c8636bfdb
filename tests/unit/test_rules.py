"""Every rule lives once: the typed activity configuration and the shared limits."""

from __future__ import annotations

import pytest

from coworkshop.core import canvas, rules, sessions, templates
from coworkshop.core.errors import UserError

from .helpers import activity, commit, make_session


def test_activity_defaults_are_stored_and_read_through_the_typed_accessor() -> None:
    store, session = make_session()
    act = activity(store, session, "canvas-1")
    assert act.config["max_changes"] == rules.DEFAULT_MAX_CHANGES  # stored, not implied
    cfg = templates.activity_config(act)
    assert isinstance(cfg, templates.Activity) and cfg.max_changes == canvas.max_changes(act)
    grid = activity(store, session, "grid")
    assert canvas.grid_cells(grid)[0] == "systemic/short"


def test_one_rule_for_breakout_group_names() -> None:
    store, session = make_session()
    act = activity(store, session, "canvas-1")
    long_name = "G" * (rules.MAX_GROUP_NAME + 1)
    for attempt in (
        lambda: commit(store, sessions.set_activity_group, act.id, long_name),
        lambda: commit(store, canvas.add_card, act.id, "change", "A change", group=long_name),
        lambda: commit(
            store, sessions.add_participant, session, "policy", breakout_group=long_name
        ),
    ):
        with pytest.raises(UserError, match=f"group: at most {rules.MAX_GROUP_NAME}"):
            attempt()
    card = commit(store, canvas.add_card, act.id, "change", "A change", group=" Group A ")
    assert card.group_name == "Group A"
    with pytest.raises(UserError, match="group: at most"):
        commit(store, canvas.add_comment, card.id, "Why?", from_group=long_name)


def test_template_lists_are_the_rules_lists() -> None:
    assert templates.ACTIVITY_KINDS == rules.ACTIVITY_KINDS
    assert templates.QUESTION_TYPES == rules.QUESTION_TYPES
