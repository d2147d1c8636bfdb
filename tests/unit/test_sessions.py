from __future__ import annotations

from datetime import timedelta

import pytest

from coworkshop.core import sessions, templates
from coworkshop.core.errors import UserError

from .helpers import TEMPLATE, activity, commit, make_session


def test_session_keeps_a_snapshot_of_its_template() -> None:
    store, session = make_session()
    again = store.only_session()
    assert again.template_name == "t"
    assert templates.parse_text(again.template_toml).template.title == "Test workshop"
    assert [c["key"] for c in again.plan["crosspoints"]] == ["cp1"]
    acts = commit(store, sessions.activities, session.id)
    assert [a.key for a in acts] == ["canvas-1", "grid", "poll"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "  ", "needs a title"),
        ("date", "12/06/2025", "not a date"),
        ("language", "English", "not a language code"),
        ("place", "x" * 201, "at most 200"),
    ],
)
def test_details_are_validated(field: str, value: str, message: str) -> None:
    details = sessions.SessionDetails(title="ok")
    setattr(details, field, value)
    with pytest.raises(UserError, match=message):
        details.cleaned()


def test_participants_are_soft_deleted_and_restored() -> None:
    store, session = make_session()
    anna = commit(store, sessions.add_participant, session, "policy", "Anna", "Ministry", "FI")
    commit(store, sessions.add_participant, session, "industry")  # name optional
    with pytest.raises(UserError, match="not one of: policy, industry"):
        commit(store, sessions.add_participant, session, "press")
    commit(store, sessions.delete_participant, anna.id)
    people = commit(store, sessions.participants, session.id)
    assert [p.stakeholder_group for p in people] == ["industry"]
    assert commit(store, sessions.participant_counts, session) == {"policy": 0, "industry": 1}
    commit(store, sessions.delete_participant, anna.id, restore=True)
    assert commit(store, sessions.participant_counts, session) == {"policy": 1, "industry": 1}
    commit(store, sessions.update_participant, session, anna.id, organisation="Regional council")
    assert commit(store, sessions.participants, session.id)[0].organisation == "Regional council"


def test_one_activity_runs_at_a_time_with_a_countdown() -> None:
    store, session = make_session()
    first = activity(store, session, "canvas-1")
    second = activity(store, session, "grid")
    started = commit(store, sessions.set_activity_status, first.id, "running")
    assert started.started_at is not None
    left = sessions.remaining_seconds(started, started.started_at + timedelta(minutes=10))
    assert left == 20 * 60
    assert sessions.remaining_seconds(started, started.started_at + timedelta(minutes=31)) == -60
    commit(store, sessions.set_activity_status, second.id, "running")
    statuses = {a.key: a.status for a in commit(store, sessions.activities, session.id)}
    assert statuses == {"canvas-1": "done", "grid": "running", "poll": "pending"}
    with pytest.raises(UserError):
        commit(store, sessions.set_activity_status, first.id, "paused")


def test_plan_saved_as_template_loads_and_starts_a_new_session() -> None:
    store, session = make_session()
    act = activity(store, session, "canvas-1")
    commit(store, sessions.set_activity_group, act.id, "Group A")
    tpl = commit(
        store, sessions.template_of_session, session.id, "sofia-kickstart", "Sofia kick-start"
    )
    text = templates.dump(tpl)
    again = templates.parse_text(text, "saved.toml")
    assert again.template.name == "sofia-kickstart"
    assert [a.key for a in again.agenda] == ["canvas-1", "grid", "poll"]
    assert again.agenda[0].crosspoint == "cp1" and again.agenda[0].timebox == 30
    original = templates.parse_text(TEMPLATE)
    assert again.agenda[1].levels == original.agenda[1].levels
    assert again.scales == original.scales
    # results are not part of a plan
    assert "Group A" not in text
    store2, s2 = make_session()
    fresh = commit(store2, sessions.create_session, again, sessions.SessionDetails(title="Oulu"))
    assert len(commit(store2, sessions.activities, fresh.id)) == 3
