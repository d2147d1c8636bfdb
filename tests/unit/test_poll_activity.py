"""Polls follow the agenda: opening a question runs its activity, finishing an
activity closes its open questions; question keys and a session's plan saved
as a template are made by the core, for the CLI and the app alike."""

from __future__ import annotations

from pathlib import Path

import pytest

from coworkshop.core import polls as voting
from coworkshop.core import sessions, templates
from coworkshop.core.errors import TemplateError, UserError
from coworkshop.core.models import Session
from coworkshop.core.store import Store

from .helpers import activity, commit, make_session


def status(store: Store, session: Session, key: str) -> str:
    return activity(store, session, key).status


def by_key(store: Store, session: Session) -> dict[str, voting.PollInfo]:
    return {p.question.key: p for p in voting.polls(store, session.id)}


def second_poll(store: Store, session: Session) -> voting.PollInfo:
    """A second poll activity, after the template's one."""
    return commit(store, voting.add_poll_activity, session.id, "Closing round",
                  {"type": "wordcloud", "text": "One word for today?"})


def test_opening_a_question_runs_its_activity() -> None:
    store, session = make_session()
    rate = by_key(store, session)["rate"]
    assert status(store, session, "poll") == "pending"
    commit(store, voting.open_poll, rate.id)
    act = activity(store, session, "poll")
    assert act.status == "running" and act.started_at is not None
    # reopening a question of a finished activity runs it again
    commit(store, sessions.set_activity_status, act.id, "done")
    commit(store, voting.open_poll, rate.id)
    assert status(store, session, "poll") == "running"


def test_opening_a_question_elsewhere_finishes_the_running_activity_and_its_questions(
) -> None:
    store, session = make_session()
    rate = by_key(store, session)["rate"]
    commit(store, voting.open_poll, rate.id)
    word = second_poll(store, session)
    commit(store, voting.open_poll, word.id)  # without close_others: the agenda decides
    polls = by_key(store, session)
    assert (polls["rate"].state, polls["rate"].results_visible) == ("closed", True)
    assert polls["one-word-for-today"].is_open
    assert status(store, session, "poll") == "done"
    assert status(store, session, word.activity_key) == "running"


def test_finishing_an_activity_closes_its_open_questions_and_says_which() -> None:
    store, session = make_session()
    act = activity(store, session, "poll")
    ask = commit(store, voting.add_question, act.id, {"type": "qa", "text": "Questions?"})
    pick = commit(store, voting.add_question, act.id,
                  {"type": "single", "text": "Pick one", "options": ["A", "B"]})
    commit(store, voting.open_poll, pick.id)
    commit(store, voting.open_poll, ask.id)  # two open at once (the CLI can)
    change = commit(store, sessions.change_activity_status, act.id, "done")
    assert change.activity.status == "done" and change.finished == []
    assert sorted(p.question.text for p in change.closed) == ["Pick one", "Questions?"]
    polls = by_key(store, session)
    assert not any(p.is_open for p in polls.values())
    # closing shows the results, as the facilitator's c does; a Q&A keeps its own
    assert polls["pick-one"].results_visible and not polls["questions"].results_visible
    assert polls["rate"].state == "draft"  # never opened: stays a draft
    # a closed question refuses answers
    voter = voting.join(store, session, "policy").voter
    with pytest.raises(UserError, match="closed"):
        voting.cast_ballot(store, polls["pick-one"], voter, 0)


def test_starting_another_activity_closes_the_questions_of_the_one_it_finishes() -> None:
    store, session = make_session()
    rate = by_key(store, session)["rate"]
    commit(store, voting.open_poll, rate.id)
    canvas = activity(store, session, "canvas-1")
    change = commit(store, sessions.change_activity_status, canvas.id, "running")
    assert [a.key for a in change.finished] == ["poll"]
    assert [p.id for p in change.closed] == [rate.id]
    assert by_key(store, session)["rate"].state == "closed"


def test_a_refused_change_moves_nothing() -> None:
    store, session = make_session()
    rate = by_key(store, session)["rate"]
    commit(store, voting.open_poll, rate.id)
    act = activity(store, session, "poll")
    with pytest.raises(UserError, match="status must be one of"):
        commit(store, sessions.change_activity_status, act.id, "paused")
    assert by_key(store, session)["rate"].is_open and status(store, session, "poll") == "running"


# ---------------------------------------------------------------- question keys


def test_question_keys_come_from_the_text_unique_within_the_activity() -> None:
    assert templates.question_key("Where do you stand?", set()) == "where-do-you-stand"
    assert templates.question_key("Where do you stand?", {"where-do-you-stand"}) == (
        "where-do-you-stand-2")
    assert templates.question_key("Qu'en pensez-vous, équipe ?", set()) == (
        "qu-en-pensez-vous-equipe")
    assert templates.question_key("???", {"question"}) == "question-2"
    long = templates.question_key("How far does each of the eight visions answer the need", set())
    assert len(long) <= templates.QUESTION_KEY_LENGTH and not long.endswith("-")


def test_add_question_without_a_key_makes_one_per_activity() -> None:
    store, session = make_session()
    act = activity(store, session, "poll")
    q = {"type": "single", "text": "Pick one", "options": ["A", "B"]}
    first = commit(store, voting.add_question, act.id, q)
    again = commit(store, voting.add_question, act.id, q)
    assert (first.ref, again.ref) == ("poll/pick-one", "poll/pick-one-2")
    # another activity may use the same key: keys are unique within an activity
    other = commit(store, voting.add_poll_activity, session.id, "Round two", q)
    assert other.question.key == "pick-one"


# ---------------------------------------------------------------- plan as template


def test_save_plan_writes_a_template_that_loads_and_names_it_after_the_file(
    tmp_path: Path,
) -> None:
    store, session = make_session()
    target = tmp_path / "new" / "sofia-kickstart.toml"
    with store.db() as db:
        tpl = sessions.save_plan(db, session.id, target, title="Sofia kick-start")
    loaded = templates.load(target)
    assert loaded.template.name == "sofia-kickstart" == tpl.template.name
    assert loaded.template.title == "Sofia kick-start"
    assert [a.key for a in loaded.agenda] == ["canvas-1", "grid", "poll"]
    before = target.read_text()
    with store.db() as db, pytest.raises(TemplateError, match="already exists"):
        sessions.save_plan(db, session.id, target)
    assert target.read_text() == before
    with store.db() as db:  # overwrite, under another name
        sessions.save_plan(db, session.id, target, name="Other name", overwrite=True)
    assert templates.load(target).template.name == "other-name"


@pytest.mark.parametrize(("name", "message"), [
    ("plan.txt", "ends in .toml"),
    ("folder.toml", "is a folder"),
])
def test_save_plan_refuses_a_wrong_target_without_writing(tmp_path: Path, name: str,
                                                          message: str) -> None:
    store, session = make_session()
    out = tmp_path / "out"
    (out / "folder.toml").mkdir(parents=True)
    with store.db() as db, pytest.raises(TemplateError, match=message):
        sessions.save_plan(db, session.id, out / name)
    assert sorted(p.name for p in out.iterdir()) == ["folder.toml"]
    assert not any((out / "folder.toml").iterdir())


def test_template_names_come_from_what_was_typed() -> None:
    assert templates.template_name("Kick-start Sofia") == "kick-start-sofia"
    assert templates.template_name("Évora plan") == "evora-plan"
    with pytest.raises(TemplateError, match="needs a name"):
        templates.template_name(" ?! ")
