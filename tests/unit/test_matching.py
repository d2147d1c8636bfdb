"""Phones matched with registered participants: codes, matches, counts."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlmodel import select

from coworkshop.core import matching, sessions
from coworkshop.core import polls as voting
from coworkshop.core.errors import RuleError, UserError
from coworkshop.core.models import Ballot, PhoneMatch
from coworkshop.core.store import Store

from .helpers import activity, commit, make_session


def register(store: Store, session, name: str, group: str = "policy"):  # type: ignore[no-untyped-def]
    return commit(store, sessions.add_participant, session, group, name)


def test_registering_gives_a_short_unambiguous_code_unique_in_the_session() -> None:
    store, session = make_session()
    people = [register(store, session, f"Person {i}") for i in range(40)]
    with store.db() as db:
        codes = matching.personal_codes(db, session.id)
    assert set(codes) == {p.id for p in people}
    assert len(set(codes.values())) == 40
    for code in codes.values():
        assert len(code) == matching.CODE_LENGTH
        assert not set(code) & set("0OQD1IL2Z5S8BGUV")


def test_counts_registered_by_phone_and_both() -> None:
    store, session = make_session()
    ana = register(store, session, "Ana")
    register(store, session, "Ben", "industry")
    phone = voting.join(store, session, "policy")
    voting.join(store, session, "industry")
    with store.db() as db:
        assert matching.head_counts(db, session.id) == matching.HeadCounts(2, 2, 0)
    commit(store, matching.match, session.id, ana.id, phone.voter.participant_id)
    with store.db() as db:
        counts = matching.head_counts(db, session.id)
        assert (counts.registered, counts.by_phone, counts.both, counts.people) == (2, 2, 1, 3)
        assert counts.text() == "registered 2 · by phone 2 · both 1"
        assert matching.people_by_group(db, session.id) == {"policy": 1, "industry": 2}


def test_joining_with_a_personal_code_matches_and_takes_their_group() -> None:
    store, session = make_session()
    ben = register(store, session, "Ben", "industry")
    with store.db() as db:
        code = matching.personal_codes(db, session.id)[ben.id]
    typed = f" {code[:2].lower()}-{code[2:]} "  # any case, a dash, spaces
    joined = voting.join_as(store, session, code=typed)
    assert joined.voter.stakeholder_group == "industry"
    with store.db() as db:
        (m,) = matching.live_matches(db, session.id)
        assert (m.registered_id, m.phone_participant_id, m.how) == (
            ben.id, joined.voter.participant_id, "code")
    # the same code again: refused, and nothing is written
    with pytest.raises(matching.AlreadyMatched):
        voting.join_as(store, session, code=code)
    with pytest.raises(matching.UnknownCode):
        voting.join_as(store, session, code="XXXXX")
    with store.db() as db:
        assert matching.head_counts(db, session.id) == matching.HeadCounts(1, 1, 1)


def test_picking_a_name_only_when_the_facilitator_allows_it() -> None:
    store, session = make_session()
    ana = register(store, session, "Ana")
    register(store, session, "")  # not named: never on the list
    with pytest.raises(matching.PickNotAllowed):
        voting.join_as(store, session, pick=ana.id)
    commit(store, matching.allow_name_pick, session.id, True)
    with store.db() as db:
        assert [p.name for p in matching.pickable(db, session.id)] == ["Ana"]
    joined = voting.join_as(store, session, pick=ana.id)
    with store.db() as db:
        assert matching.pickable(db, session.id) == []  # taken: off the list
        assert matching.live_matches(db, session.id)[0].how == "name"
    assert joined.voter.stakeholder_group == "policy"
    with pytest.raises(matching.AlreadyMatched):
        voting.join_as(store, session, pick=ana.id)
    # a phone's own participant is not a name to pick
    with pytest.raises(matching.UnknownCode):
        voting.join_as(store, session, pick=joined.voter.participant_id)


def test_match_keeps_ballots_where_they_are_and_unmatch_is_recorded() -> None:
    store, session = make_session()
    act = activity(store, session, "poll")
    poll = commit(store, voting.add_question, act.id,
                  {"key": "role", "type": "single", "text": "Role?", "options": ["A", "B"],
                   "anonymous": False})
    commit(store, voting.open_poll, poll.id)
    ana = register(store, session, "Ana")
    phone = voting.join(store, session, "policy").voter
    voting.cast_ballot(store, voting.get_poll(store, poll.id), phone, 0)
    with store.db() as db:
        before = [(b.id, b.participant_id, b.value) for b in db.exec(select(Ballot))]
    commit(store, matching.match, session.id, ana.id, phone.participant_id)
    with pytest.raises(matching.AlreadyMatched):
        commit(store, matching.match, session.id, ana.id, phone.participant_id)
    commit(store, matching.unmatch, session.id, ana.id)
    with store.db() as db:
        after = [(b.id, b.participant_id, b.value) for b in db.exec(select(Ballot))]
        rows = list(db.exec(select(PhoneMatch)))
        assert matching.head_counts(db, session.id).both == 0
    assert after == before
    assert len(rows) == 1 and rows[0].unmatched_at is not None  # kept, marked ended
    with pytest.raises(RuleError):
        commit(store, matching.unmatch, session.id, ana.id)
    # matched again later: a second row, the first still there
    commit(store, matching.match, session.id, ana.id, phone.participant_id)
    with store.db() as db:
        assert len(list(db.exec(select(PhoneMatch)))) == 2


def test_match_refuses_the_wrong_kind_of_participant() -> None:
    store, session = make_session()
    ana = register(store, session, "Ana")
    ben = register(store, session, "Ben")
    phone = voting.join(store, session, "policy").voter.participant_id
    with pytest.raises(RuleError, match="did not join from a phone"):
        commit(store, matching.match, session.id, ana.id, ben.id)
    with pytest.raises(RuleError, match="joined from a phone"):
        commit(store, matching.match, session.id, phone, phone)
    with pytest.raises(UserError, match="no such"):
        commit(store, matching.match, session.id, "nobody", phone)


def test_a_file_made_before_matching_opens_and_gets_codes(tmp_path: Path) -> None:
    path = tmp_path / "old.cws"
    store, session = make_session(path)
    ana = register(store, session, "Ana")
    store.close()
    con = sqlite3.connect(path)  # as the released schema-2 code wrote it
    con.execute("DROP TABLE personal_code")
    con.execute("DROP TABLE phone_match")
    con.commit()
    con.close()
    reader = Store.open(path, mode="read")
    with reader.db() as db:  # read-only: no tables, no codes, no error
        assert matching.personal_codes(db, session.id) == {}
        assert matching.head_counts(db, session.id) == matching.HeadCounts(1, 0, 0)
    reader.close()
    store = Store.open(path)
    with store.db() as db:
        assert matching.missing_codes(db, session.id)
    assert commit(store, matching.ensure_codes, session.id) == 1
    with store.db() as db:
        assert set(matching.personal_codes(db, session.id)) == {ana.id}
        assert not matching.missing_codes(db, session.id)
    store.close()


def test_listings_overview_and_reports_count_a_matched_phone_once(tmp_path: Path) -> None:
    from coworkshop.core import probe
    from coworkshop.core.overview import read_overview
    from coworkshop.report.hub import open_files
    from coworkshop.report.reader import Reader

    path = tmp_path / "room.cws"
    store, session = make_session(path)
    ana = register(store, session, "Ana")
    register(store, session, "Ben", "industry")
    phone = voting.join(store, session, "policy").voter.participant_id
    voting.join(store, session, "industry")
    commit(store, matching.match, session.id, ana.id, phone)
    store.close()
    [summary] = probe.read_info(path).sessions
    assert summary.participants == 3  # not 4: Ana and her phone are one person
    overview = read_overview(path)
    assert overview.participants == 3
    assert dict(overview.sessions[0].by_group) == {"Policy makers": 1, "Industry": 2}
    hub = open_files([path])
    try:
        assert Reader(hub).sessions[0].participants == {"policy": 1, "industry": 2}
    finally:
        hub.close()


def test_a_stripped_copy_keeps_matches_and_drops_personal_codes(tmp_path: Path) -> None:
    from coworkshop.core.merge import merge_files

    path = tmp_path / "room.cws"
    store, session = make_session(path)
    ana = register(store, session, "Ana")
    phone = voting.join(store, session, "policy").voter.participant_id
    commit(store, matching.match, session.id, ana.id, phone)
    store.close()
    out = tmp_path / "stripped.cws"
    merge_files([path], out, strip_names=True)
    copy = Store.open(out, mode="read")
    with copy.db() as db:
        assert matching.personal_codes(db, session.id) == {}
        assert matching.head_counts(db, session.id) == matching.HeadCounts(1, 1, 1)
        assert [m.registered_id for m in matching.live_matches(db, session.id)] == [ana.id]
    copy.close()


def test_deleting_a_matched_person_ends_the_match_and_frees_the_phone() -> None:
    store, session = make_session()
    ana = register(store, session, "Ana")
    phone = voting.join(store, session, "policy").voter.participant_id
    commit(store, matching.match, session.id, ana.id, phone)
    commit(store, sessions.delete_participant, ana.id)
    with store.db() as db:
        assert matching.head_counts(db, session.id) == matching.HeadCounts(0, 1, 0)
        assert matching.people_by_group(db, session.id) == {"policy": 1}
        [row] = db.exec(select(PhoneMatch)).all()
        assert row.unmatched_at is not None
    commit(store, sessions.delete_participant, ana.id, restore=True)
    commit(store, matching.match, session.id, ana.id, phone)  # matched again by hand
    with store.db() as db:
        assert matching.head_counts(db, session.id) == matching.HeadCounts(1, 1, 1)
