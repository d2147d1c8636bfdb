"""Rules of live voting: one ballot per participant, change until close, tallies, Q&A."""

from __future__ import annotations

import importlib
import sqlite3
import uuid
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from coworkshop.core import polls as voting
from coworkshop.core import sessions
from coworkshop.core.errors import RuleError, UserError
from coworkshop.core.models import Ballot, Participant, Session, Tally
from coworkshop.core.polls import ballots
from coworkshop.core.store import Store

from .helpers import activity, commit, make_session

QUESTIONS = [
    {"key": "pick", "type": "single", "text": "Pick one", "options": ["A", "B", "C"]},
    {
        "key": "many",
        "type": "multiple",
        "text": "Up to two",
        "options": ["A", "B", "C", "D"],
        "max_choices": 2,
    },
    {"key": "scale", "type": "scale", "text": "Agree?", "scale": "rel"},
    {"key": "order", "type": "ranking", "text": "Rank", "options": ["X", "Y", "Z"]},
    {"key": "say", "type": "open", "text": "Say", "max_length": 20},
    {"key": "word", "type": "wordcloud", "text": "One word", "max_length": 30},
    {"key": "ask", "type": "qa", "text": "Questions?"},
]


def build_room(path: Path | None = None) -> tuple[Store, Session, dict[str, voting.PollInfo]]:
    """A session with a poll of every kind (in memory, or in the file ``path``)."""
    store, session = make_session(path)
    act = activity(store, session, "poll")
    for q in QUESTIONS:
        commit(store, voting.add_question, act.id, q)
    return store, session, {p.question.key: p for p in voting.polls(store, session.id)}


@pytest.fixture
def room() -> tuple[Store, Session, dict[str, voting.PollInfo]]:
    return build_room()


def voter(store: Store, session: Session, group: str = "policy") -> voting.Voter:
    return voting.join(store, session, group).voter


def opened(store: Store, poll: voting.PollInfo) -> voting.PollInfo:
    return commit(store, voting.open_poll, poll.id)


def test_polls_are_listed_in_agenda_order_with_stable_ids(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    again = voting.polls(store, session.id)
    assert [p.ref for p in again] == ["poll/rate"] + [f"poll/{q['key']}" for q in QUESTIONS]
    assert {p.id for p in again} == {p.id for p in polls.values()}
    assert polls["rate"].statements == ("Public support",)
    assert polls["scale"].choices == ("great", "some", "none")
    assert all(p.state == "draft" and not p.results_visible for p in again)


def test_a_draft_poll_refuses_ballots_and_an_open_one_takes_them(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    v = voter(store, session)
    with pytest.raises(RuleError, match="closed"):
        voting.cast_ballot(store, polls["pick"], v, 1)
    poll = opened(store, polls["pick"])
    result = voting.cast_ballot(store, poll, v, 1)
    assert result.value == 1 and result.changed
    [b] = voting.live_ballots(store, poll.id)
    assert (b.value, b.participant_id, b.stakeholder_group, b.device_id) == (
        "b",  # stored by key (the second option's), not by position
        v.participant_id,
        "policy",
        v.device_id,
    )


def test_changing_a_ballot_keeps_the_old_row(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    v = voter(store, session)
    poll = opened(store, polls["pick"])
    first = voting.cast_ballot(store, poll, v, 0)
    second = voting.cast_ballot(store, poll, v, 2)
    history = voting.ballot_history(store, poll.id)
    assert [voting.ballot_positions(poll, b)[1] for b in history] == [0, 2]
    assert history[0].replaced_by == second.ballot_ids[0] == history[1].id
    assert first.ballot_ids[0] == history[0].id
    assert [voting.ballot_positions(poll, b)[1] for b in voting.live_ballots(store, poll.id)] == [2]
    # the same answer again writes nothing (a phone retrying)
    again = voting.cast_ballot(store, poll, v, 2)
    assert not again.changed and len(voting.ballot_history(store, poll.id)) == 2


def test_closed_poll_refuses_late_ballots_and_reopen_allows_change(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    v = voter(store, session)
    poll = opened(store, polls["pick"])
    voting.cast_ballot(store, poll, v, 0)
    commit(store, voting.close_poll, poll.id)
    with pytest.raises(RuleError, match="closed: your answer was not counted"):
        voting.cast_ballot(store, poll, v, 1)
    assert [voting.ballot_positions(poll, b)[1] for b in voting.live_ballots(store, poll.id)] == [0]
    with pytest.raises(RuleError):
        commit(store, voting.close_poll, poll.id)
    reopened = commit(store, voting.open_poll, poll.id)
    assert reopened.is_open and reopened.closed_at is None
    voting.cast_ballot(store, poll, v, 1)
    assert [voting.ballot_positions(poll, b)[1] for b in voting.live_ballots(store, poll.id)] == [1]


def test_the_database_itself_allows_one_live_ballot_per_participant(room) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import IntegrityError

    store, session, polls = room
    v = voter(store, session)
    poll = opened(store, polls["pick"])
    voting.cast_ballot(store, poll, v, 0)
    with pytest.raises(IntegrityError), store.db() as db:
        db.add(
            Ballot(
                session_id=session.id,
                poll_id=poll.id,
                activity_id=poll.activity_id,
                question_key="pick",
                value=1,
                participant_id=v.participant_id,
            )
        )
        db.commit()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("pick", 3, "no choice 3"),
        ("pick", True, "number of a choice"),
        ("pick", "1", "number of a choice"),
        ("many", [0, 1, 2], "at most 2"),
        ("many", [1, 1], "twice"),
        ("many", [], "at least one"),
        ("scale", -1, "no choice"),
        ("order", [0, 1], "every option exactly once"),
        ("order", [0, 1, 1], "every option exactly once"),
        ("say", "x" * 21, "at most 20 characters"),
        ("say", "   ", "empty"),
        ("say", "nul\x00byte", "not allowed"),
        ("say", 5, "must be text"),
        ("word", "two\nlines", "not allowed"),
        ("rate", {"1": 0}, "no statement"),
        ("rate", {"0": 5}, "no choice"),
        ("rate", {}, "at least one"),
        ("ask", "hello", "questions and upvotes"),
    ],
)
def test_invalid_values_are_refused_and_nothing_is_written(room, key, value, message) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    v = voter(store, session)
    poll = opened(store, polls[key])
    with pytest.raises(UserError, match=message):
        voting.cast_ballot(store, poll, v, value)
    assert voting.ballot_history(store, poll.id) == []


def test_text_is_stored_exactly_as_typed(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    poll = opened(store, polls["say"])
    typed = "  <b>Hi</b> & 'é'\n"
    voting.cast_ballot(store, poll, voter(store, session), typed)
    assert voting.live_ballots(store, poll.id)[0].value == typed


def test_scale_statements_store_one_ballot_per_statement(tmp_path: Path) -> None:
    store, session = make_session(tmp_path / "s.cws")
    act = activity(store, session, "poll")
    commit(
        store, voting.add_question, act.id,
        {
            "key": "visions",
            "type": "scale_statements",
            "text": "Rate",
            "scale": "rel",
            "statements": ["one", "two", "three"],
        },
    )
    poll = next(p for p in voting.polls(store, session.id) if p.question.key == "visions")
    poll = opened(store, poll)
    v = voter(store, session)
    r1 = voting.cast_ballot(store, poll, v, {"0": 2, "2": 0})
    assert r1.value == {0: 2, 2: 0} and len(r1.ballot_ids) == 2
    r2 = voting.cast_ballot(store, poll, v, {"1": 1, "2": 1})
    assert r2.value == {0: 2, 1: 1, 2: 1}
    live = sorted(voting.ballot_positions(poll, b) for b in voting.live_ballots(store, poll.id))
    assert live == [(0, 2), (1, 1), (2, 1)]
    assert len(voting.ballot_history(store, poll.id)) == 4
    res = voting.results(store, poll.id)
    assert [s.respondents for s in res.statements] == [1, 1, 1]
    assert [r.count for r in res.statements[2].rows] == [0, 1, 0]


def test_a_batch_refuses_each_bad_ballot_with_its_reason_and_stores_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, session, polls = build_room(tmp_path / "batch.cws")
    pick, many = opened(store, polls["pick"]), opened(store, polls["many"])
    ask = opened(store, polls["ask"])
    a, b, c, d = (voter(store, session) for _ in range(4))
    writes: list[None] = []
    write = ballots._Batch.write
    monkeypatch.setattr(ballots._Batch, "write", lambda batch: writes.append(write(batch)))
    results = voting.cast_ballots(
        store,
        [
            voting.BallotRequest(pick, a, 0),
            voting.BallotRequest(pick, b, 7),  # no such option
            voting.BallotRequest(polls["scale"], c, 1),  # still a draft
            voting.BallotRequest(many, c, [1, 0]),
            voting.BallotRequest(ask, d, "hello"),  # Q&A takes no ballots
            voting.BallotRequest(pick, a, 2),  # A changes its mind in the same batch
            voting.BallotRequest(pick, a, 2),  # and sends it twice
        ],
    )
    first, bad, late, multiple, qa, changed, again = results
    assert isinstance(bad, UserError) and "no choice 7" in str(bad)
    assert isinstance(late, RuleError) and "closed" in str(late)
    assert isinstance(qa, UserError) and "not ballots" in str(qa)
    assert isinstance(first, voting.CastResult) and first.changed and first.value == 0
    assert isinstance(multiple, voting.CastResult) and multiple.value == [0, 1]
    assert isinstance(changed, voting.CastResult) and changed.changed and changed.value == 2
    assert isinstance(again, voting.CastResult) and not again.changed
    assert again.ballot_ids == changed.ballot_ids
    assert len(writes) == 1  # one transaction for the whole batch
    # committed: another connection to the file sees exactly the good ones
    other = Store.open(store.path)
    history = voting.ballot_history(other, pick.id)
    assert [(x.participant_id, voting.ballot_positions(pick, x)[1]) for x in history] == [
        (a.participant_id, 0),
        (a.participant_id, 2),
    ]
    assert history[0].replaced_by == history[1].id == changed.ballot_ids[0]
    assert history[1].replaced_by is None and history[0].updated_at >= history[0].created_at
    live = voting.live_ballots(other, many.id)
    assert [voting.ballot_positions(many, x)[1] for x in live] == [[0, 1]]
    assert voting.ballot_history(other, polls["scale"].id) == []
    other.close()


def test_a_batch_rates_statements_in_order(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    question: dict[str, Any] = {"key": "three", "type": "scale_statements", "text": "Rate",
                                "scale": "rel", "statements": ["one", "two", "three"]}
    poll = opened(store, commit(store, voting.add_question, polls["rate"].activity_id, question))
    v = voter(store, session)
    results = voting.cast_ballots(
        store,
        [
            voting.BallotRequest(poll, v, {"0": 2}),
            voting.BallotRequest(poll, v, {"1": 1, "0": 2}),
            voting.BallotRequest(poll, v, {"0": 0}),
        ],
    )
    assert [r.value for r in results] == [{0: 2}, {0: 2, 1: 1}, {0: 0, 1: 1}]  # type: ignore[union-attr]
    assert [r.changed for r in results] == [True, True, True]  # type: ignore[union-attr]
    live = sorted(voting.ballot_positions(poll, b) for b in voting.live_ballots(store, poll.id))
    assert live == [(0, 0), (1, 1)]
    history = voting.ballot_history(store, poll.id)
    assert len(history) == 3
    # ids like every other record's: UUIDv7, ascending in the order cast
    ids = {i for r in results for i in r.ballot_ids}  # type: ignore[union-attr]
    assert [h.id for h in history] == sorted(ids)
    assert {uuid.UUID(i).version for i in ids} == {7}
    assert voting.answers_for(store, v.participant_id, [poll]) == {poll.id: {0: 0, 1: 1}}


def test_an_unforeseen_failure_refuses_only_the_faulty_ballot(tmp_path: Path) -> None:
    store, session, polls = build_room(tmp_path / "fault.cws")
    poll = opened(store, polls["pick"])
    good, faulty, other = (voter(store, session) for _ in range(3))
    with store.engine.begin() as conn:  # a rule the checks know nothing about
        conn.exec_driver_sql(
            "CREATE TRIGGER no_ballot BEFORE INSERT ON ballot "
            f"WHEN NEW.participant_id = '{faulty.participant_id}' "
            "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
        )
    results = voting.cast_ballots(
        store, [voting.BallotRequest(poll, v, 1) for v in (good, faulty, other)]
    )
    assert isinstance(results[0], voting.CastResult) and isinstance(results[2], voting.CastResult)
    assert isinstance(results[1], sqlite3.IntegrityError)
    assert "refused by a trigger" in str(results[1])
    live = {b.participant_id for b in voting.live_ballots(store, poll.id)}
    assert live == {good.participant_id, other.participant_id}


def test_a_batch_that_cannot_be_written_is_refused_whole_and_not_retried(
    room, monkeypatch: pytest.MonkeyPatch  # type: ignore[no-untyped-def]
) -> None:
    store, session, polls = room
    poll = opened(store, polls["pick"])
    voters = [voter(store, session) for _ in range(3)]
    writes: list[int] = []

    def full_disk(self: object) -> None:
        writes.append(1)
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(ballots._Batch, "write", full_disk)
    results = voting.cast_ballots(store, [voting.BallotRequest(poll, v, 0) for v in voters])
    assert len(writes) == 1  # not once more per ballot
    assert all(isinstance(r, sqlite3.OperationalError) for r in results)
    monkeypatch.undo()
    assert voting.ballot_history(store, poll.id) == []


def test_results_count_phones_and_tallies_overall_and_by_group(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    poll = opened(store, polls["pick"])
    for group, choice in [("policy", 0), ("policy", 0), ("industry", 1)]:
        voting.cast_ballot(store, poll, voter(store, session, group), choice)
    commit(store, voting.set_tally, poll, 1, 5, stakeholder_group="industry", source="hands")
    commit(store, voting.set_tally, poll, 2, 3, source="paper")
    commit(store, voting.set_tally, poll, 2, 2, source="paper")  # a correction replaces the entry
    res = voting.results(store, poll.id)
    assert (res.respondents, res.ballots, res.tallied) == (10, 3, 7)
    assert [(r.label, r.count, r.percent) for r in res.rows] == [
        ("A", 2, 20.0),
        ("B", 6, 60.0),
        ("C", 2, 20.0),
    ]
    assert res.rows[1].by_group == {"policy": 0, "industry": 6, "": 0}
    assert res.rows[0].group_percent["policy"] == 100.0
    assert res.group_respondents == {"policy": 2, "industry": 6, "": 2}
    with store.db() as db:
        rows = list(db.exec(select(Tally)))
    assert len(rows) == 3 and sum(1 for t in rows if t.replaced_by) == 1
    with pytest.raises(RuleError):
        commit(store, voting.set_tally, polls["order"], 0, 1)
    with pytest.raises(UserError):
        commit(store, voting.set_tally, poll, 0, -1)
    with pytest.raises(UserError):
        commit(store, voting.set_tally, poll, 0, 1, stakeholder_group="aliens")


def test_multiple_choice_percent_of_respondents(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    poll = opened(store, polls["many"])
    voting.cast_ballot(store, poll, voter(store, session), [0, 1])
    voting.cast_ballot(store, poll, voter(store, session), [1])
    res = voting.results(store, poll.id)
    assert [r.count for r in res.rows] == [1, 2, 0, 0]
    assert [r.percent for r in res.rows] == [50.0, 100.0, 0.0, 0.0]


def test_ranking_orders_by_mean_rank(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    poll = opened(store, polls["order"])
    voting.cast_ballot(store, poll, voter(store, session), [2, 0, 1])
    voting.cast_ballot(store, poll, voter(store, session), [2, 1, 0])
    res = voting.results(store, poll.id)
    assert [(r.label, r.mean_rank, r.count) for r in res.rows] == [
        ("Z", 1.0, 2),
        ("X", 2.5, 0),
        ("Y", 2.5, 0),
    ]


def test_word_cloud_groups_spellings(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    poll = opened(store, polls["word"])
    for word in ["Trust", "trust ", "TRUST", "skills", "Lifelong  learning"]:
        voting.cast_ballot(store, poll, voter(store, session), word)
    res = voting.results(store, poll.id)
    assert [(r.label, r.count) for r in res.rows] == [
        ("Trust", 3),
        ("Lifelong learning", 1),
        ("skills", 1),
    ]
    assert res.rows[0].percent == 60.0


def test_qa_submit_upvote_highlight_answer_hide(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    poll = opened(store, polls["ask"])
    a, b, c = (voter(store, session) for _ in range(3))
    first = voting.qa_submit(store, poll, a, "Who pays?")
    second = voting.qa_submit(store, poll, b, "<script>alert(1)</script>")
    assert voting.qa_upvote(store, second.id, a) == 1
    assert voting.qa_upvote(store, second.id, a) == 1  # one upvote per participant
    assert voting.qa_upvote(store, second.id, c) == 2
    assert voting.qa_upvote(store, second.id, c, up=False) == 1
    assert [i.text for i in voting.qa_items(store, poll.id)] == [second.text, first.text]
    commit(store, voting.qa_set, first.id, highlighted=True)
    assert voting.qa_items(store, poll.id)[0].id == first.id
    commit(store, voting.qa_set, second.id, highlighted=True)  # one highlight at a time
    items = voting.qa_items(store, poll.id)
    assert [(i.id, i.highlighted) for i in items] == [(second.id, True), (first.id, False)]
    commit(store, voting.qa_set, second.id, answered=True)
    assert [i.id for i in voting.qa_items(store, poll.id)] == [first.id, second.id]
    commit(store, voting.qa_set, first.id, hidden=True)
    assert [i.id for i in voting.qa_items(store, poll.id)] == [second.id]
    with pytest.raises(UserError):
        voting.qa_upvote(store, first.id, c)
    commit(store, voting.close_poll, poll.id)
    with pytest.raises(RuleError):
        voting.qa_submit(store, poll, c, "late")
    with pytest.raises(RuleError):
        voting.qa_upvote(store, second.id, b)
    assert voting.results(store, poll.id).items[0].text == "<script>alert(1)</script>"


def test_join_creates_participant_and_hashed_device(room) -> None:  # type: ignore[no-untyped-def]
    store, session, _ = room
    joined = voting.join(store, session, "industry", name="Ana")
    assert voting.voter_for_token(store, session.id, joined.token) == joined.voter
    assert voting.voter_for_token(store, session.id, joined.token + "x") is None
    with store.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT token_hash FROM device").scalar_one()
    assert joined.token not in stored and stored == voting.hash_token(joined.token)
    people = commit(store, sessions.participants, session.id)
    assert [(p.name, p.stakeholder_group) for p in people] == [("Ana", "industry")]
    assert isinstance(people[0], Participant)
    with pytest.raises(UserError, match="not one of"):
        voting.join(store, session, "aliens")
    with pytest.raises(UserError, match="at most"):
        voting.join(store, session, "policy", name="x" * 61)
    assert voting.joined_count(store, session.id) == 1


def test_progress_counts_voters_against_joined(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    poll = opened(store, polls["pick"])
    v1, _v2, _v3 = (voter(store, session) for _ in range(3))
    voting.cast_ballot(store, poll, v1, 0)
    voting.cast_ballot(store, poll, v1, 1)
    assert voting.progress(store, poll) == voting.Progress(voted=1, joined=3)


def test_add_question_validates_and_copies_standard_scales(room) -> None:  # type: ignore[no-untyped-def]
    store, session, _ = room
    act = activity(store, session, "poll")
    poll = commit(
        store, voting.add_question, act.id,
        {
            "key": "kaner",
            "type": "scale",
            "text": "Can you live with it?",
            "scale": "gradients-of-agreement",
        },
    )
    assert len(poll.choices) == 8
    with store.db() as db:
        plan = db.get(Session, session.id).plan  # type: ignore[union-attr]
    assert "gradients-of-agreement" in plan["scales"]
    with pytest.raises(RuleError, match="already has"):
        commit(store, voting.add_question, act.id, {"key": "kaner", "type": "open", "text": "x"})
    with pytest.raises(UserError, match="at least 2 options"):
        commit(store, voting.add_question, act.id, {"key": "bad", "type": "single", "text": "x"})
    with pytest.raises(UserError, match="unknown scale"):
        commit(
            store, voting.add_question, act.id,
            {"key": "bad", "type": "scale", "text": "x", "scale": "nope"},
        )
    canvas = activity(store, session, "canvas-1")
    with pytest.raises(RuleError, match="not a poll"):
        commit(store, voting.add_question, canvas.id, {"key": "q", "type": "open", "text": "x"})
    # the session can still be saved as a template
    tpl = commit(store, sessions.template_of_session, session.id, "again")
    assert any(q.key == "kaner" for a in tpl.agenda for q in a.questions)


def test_add_poll_activity_appends_to_the_agenda(room) -> None:  # type: ignore[no-untyped-def]
    store, session, _ = room
    poll = commit(
        store, voting.add_poll_activity, session.id,
        "Quick check",
        {"key": "fist", "type": "scale", "text": "Ready?", "scale": "fist-to-five"},
    )
    assert poll.ref == "poll-quick-check/fist" and len(poll.choices) == 6
    assert commit(store, sessions.activities, session.id)[-1].key == "poll-quick-check"
    with pytest.raises(UserError):
        commit(
            store, voting.add_poll_activity, session.id, "Bad",
            {"key": "x", "type": "single", "text": "x"},
        )
    assert commit(store, sessions.activities, session.id)[-1].key == "poll-quick-check"


def test_find_polls_by_ref_or_activity(room) -> None:  # type: ignore[no-untyped-def]
    store, session, _ = room
    assert [p.ref for p in voting.find_polls(store, session.id, "poll/pick")] == ["poll/pick"]
    assert len(voting.find_polls(store, session.id, "poll")) == len(QUESTIONS) + 1
    with pytest.raises(UserError, match="no poll 'nope'"):
        voting.find_polls(store, session.id, "nope")


def test_open_close_others(room) -> None:  # type: ignore[no-untyped-def]
    store, session, polls = room
    opened(store, polls["pick"])
    commit(store, voting.open_poll, polls["scale"].id, close_others=True)
    assert [p.question.key for p in voting.open_polls(store, session.id)] == ["scale"]
    assert voting.get_poll(store, polls["pick"].id).state == "closed"
    shown = commit(store, voting.set_results_visible, polls["pick"].id, True)
    assert shown.results_visible


def test_opening_one_poll_while_closing_the_others_is_one_change(  # type: ignore[no-untyped-def]
    room, monkeypatch
) -> None:
    poll_module = importlib.import_module("coworkshop.core.polls.polls")
    store, session, polls = room
    opened(store, polls["pick"])
    opened(store, polls["say"])
    real = poll_module._set_state

    def fail_to_open(db, poll_id, **changes):  # type: ignore[no-untyped-def]
        if changes.get("state") == "open":
            raise OSError("the disk is gone")
        return real(db, poll_id, **changes)

    monkeypatch.setattr(poll_module, "_set_state", fail_to_open)
    with pytest.raises(OSError):
        commit(store, voting.open_poll, polls["scale"].id, close_others=True)
    # The others were closed in the same transaction: nothing changed.
    assert [p.question.key for p in voting.open_polls(store, session.id)] == ["pick", "say"]
    assert voting.get_poll(store, polls["pick"].id).closed_at is None
    assert voting.get_poll(store, polls["scale"].id).state == "draft"
    monkeypatch.undo()
    commit(store, voting.open_poll, polls["scale"].id, close_others=True)
    assert [p.question.key for p in voting.open_polls(store, session.id)] == ["scale"]


def test_facilitator_changes_wait_for_the_callers_commit(tmp_path: Path) -> None:
    store, session, polls = build_room(tmp_path / "room.cws")
    with store.unit() as db:
        inside = voting.open_poll(db, polls["pick"].id)
        voting.set_results_visible(db, polls["pick"].id, True)
        assert inside.is_open
        # Another connection sees nothing until the unit of work commits.
        assert voting.get_poll(store, polls["pick"].id).state == "draft"
    after = voting.get_poll(store, polls["pick"].id)
    assert after.is_open and after.results_visible


def test_results_across_sessions_add_up_every_session_of_the_question() -> None:
    from coworkshop.core import templates

    from .helpers import TEMPLATE

    store, first = make_session()
    with store.unit() as db:
        second = sessions.create_session(db, templates.parse_text(TEMPLATE, "test.toml"),
                                         sessions.SessionDetails(title="Sofia, day 2"))
    cast = {first.id: [0, 1, 0], second.id: [0, 2]}
    for session in (first, second):
        act = activity(store, session, "poll")
        for q in QUESTIONS[:2]:
            commit(store, voting.add_question, act.id, q)
        polls = {p.question.key: p for p in voting.polls(store, session.id)}
        for value in cast[session.id]:
            who = voter(store, session, "policy" if value else "industry")
            voting.cast_ballot(store, opened(store, polls["pick"]), who, value)
            voting.cast_ballot(store, opened(store, polls["many"]), who, [value, 3])
    assert voting.results_across(store, "poll", "nothing") is None
    pick = voting.results_across(store, "poll", "pick")
    assert pick is not None and pick.respondents == 5
    assert [(r.label, r.count) for r in pick.rows] == [("A", 3), ("B", 1), ("C", 1)]
    assert pick.rows[0].by_group["industry"] == 3 and pick.rows[0].by_group["policy"] == 0
    many = voting.results_across(store, "poll", "many")
    assert many is not None
    assert [(r.label, r.count) for r in many.rows] == [("A", 3), ("B", 1), ("C", 1), ("D", 5)]
    each = [voting.results(store, p.id) for p in voting.question_polls(store, "poll", "many")]
    assert [sum(r.rows[i].count for r in each) for i in range(4)] == [3, 1, 1, 5]
