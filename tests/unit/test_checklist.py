"""The multi-stakeholder group checklist, its evidence, and carrying a group's
register, map and checklist into its next session."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from coworkshop.core import carry, sessions, templates
from coworkshop.core import checklist as cl
from coworkshop.core import stakeholders as sh
from coworkshop.core.errors import UserError
from coworkshop.core.models import Activity, Ballot, Session
from coworkshop.core.store import Store
from helpers.db import commit

REPO = Path(__file__).resolve().parents[2]


def make(path: Path | None = None, title: str = "Sofia", on: str = "2025-06-12"
         ) -> tuple[Store, Session]:
    tpl = templates.load(REPO / "canvases" / "mastery-policy-cocreation.toml")
    store = Store.create(path) if path else Store.memory()
    details = sessions.SessionDetails(title=title, date=on)
    session = commit(store, sessions.create_session, tpl, details)
    return store, session


def kind(store: Store, session: Session, k: str) -> Activity:
    acts = commit(store, sessions.activities, session.id)
    return next(a for a in acts if a.kind == k)


def test_stages_and_the_eleven_questions() -> None:
    store, session = make()
    act = kind(store, session, "checklist")
    its = cl.items(act)
    assert [i.key for i in its if not i.is_question] == [
        "stage1/map-engage", "stage1/open-structure", "stage1/coordinator",
        "stage2/roadmap", "stage2/meetings", "stage2/commitment"]
    assert len([i for i in its if i.is_question]) == 11
    with store.db() as db:
        states = cl.state(db, session, act)
    assert cl.progress(states).text() == "0 of 11 yes · 11 open"


def test_status_note_owner_due_and_progress() -> None:
    store, session = make()
    act = kind(store, session, "checklist")
    with store.db() as db:
        for key in ("q01-identified", "q02-interested", "q03-analysed"):
            cl.set_entry(db, act, key, status="yes")
        cl.set_entry(db, act, "q04-conflicts", status="partly", note="industry vs VET")
        cl.set_entry(db, act, "q04-conflicts", owner="Mariya", due="2026-03-31")
        cl.set_entry(db, act, "q05-engagement", status="no")
        cl.set_entry(db, act, "q06-roles", status="n/a")
        cl.set_entry(db, act, "stage1/coordinator", status="yes")
        db.commit()
    with store.db() as db:
        states = {s.item.key: s for s in cl.state(db, session, act)}
        q4 = states["q04-conflicts"]
        # a later change keeps the fields it does not touch
        assert (q4.status, q4.note, q4.owner, q4.due) == (
            "partly", "industry vs VET", "Mariya", "2026-03-31")
        prog = cl.progress(list(states.values()))
        assert prog.text() == "3 of 11 yes · 1 partly · 1 no · 1 not applicable · 5 open"
        assert cl.progress(list(states.values()), questions_only=False).yes == 4


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"status": "maybe"}, "yes, partly, no or not applicable"),
     ({"due": "31/03/2026"}, "not a date"), ({"owner": "x" * 201}, "at most 200"),
     ({"note": "x" * 2001}, "at most 2000")],
)
def test_bad_checklist_input_changes_nothing(fields: dict[str, str], message: str) -> None:
    store, session = make()
    act = kind(store, session, "checklist")
    with store.db() as db:
        with pytest.raises(UserError, match=message):
            cl.set_entry(db, act, "q01-identified", **fields)
        with pytest.raises(UserError, match="no checklist item"):
            cl.set_entry(db, act, "q99", status="yes")
        db.commit()
    with store.db() as db:
        assert cl._rows(db, act.id) == []


def test_evidence_is_a_hint_with_its_source() -> None:
    store, session = make()
    act = kind(store, session, "checklist")
    the_map = kind(store, session, "stakeholder_map")
    acts = commit(store, sessions.activities, session.id)
    validation = next(a for a in acts if a.key == "validation")
    with store.db() as db:
        assert cl.evidence(db, session, act) == {}
    commit(store, sessions.add_participant, session, "policy", "Elena", "Regional coordinator")
    with store.db() as db:
        a = sh.add_stakeholder(db, session, "Ministry", "policy")
        b = sh.add_stakeholder(db, session, "Chamber", "intermediary")
        sh.rate(db, the_map, a.id, 5, 5)
        db.commit()
        ev = cl.evidence(db, session, act)
        assert [e.text for e in ev["q01-identified"]] == ["2 stakeholders in the register"]
        assert "q03-analysed" not in ev  # the round does not place everyone yet
        assert [(e.text, e.source) for e in ev["q08-coordinator"]] == [
            ("Elena is registered as coordinator", "participants")]
        sh.rate(db, the_map, b.id, 2, 3)
        db.add(Ballot(session_id=session.id, poll_id="p", activity_id=validation.id,
                      question_key="importance", value=1, participant_id="x"))
        db.commit()
        ev = cl.evidence(db, session, act)
        assert [e.text for e in ev["q03-analysed"]] == [
            f"round 1 ({sh.current_round(db, the_map.id).date}) "  # type: ignore[union-attr]
            "places all 2 stakeholders"]
        assert ev["q03-analysed"][0].source.startswith("map 'Who can move")
        assert [e.text for e in ev["q09-vision"]] == ["the visions were voted on: 1 answers"]
        assert "1 of 2 mapped stakeholders have high interest" in ev["q02-interested"][0].text
        assert "stage2/commitment" not in ev
        sh.new_round(db, the_map)
        db.commit()
        ev = cl.evidence(db, session, act)
        assert "mapped 2 times" in ev["stage2/commitment"][0].text


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_next_session_carries_register_places_and_checklist(tmp_path: Path) -> None:
    first_path = tmp_path / "first.cws"
    store, first = make(first_path, "Sofia I", "2025-06-12")
    m1, c1 = kind(store, first, "stakeholder_map"), kind(store, first, "checklist")
    with store.db() as db:
        mo = sh.add_stakeholder(db, first, "Ministry", "policy", notes="decides")
        ch = sh.add_stakeholder(db, first, "Chamber", "intermediary")
        sh.rate(db, m1, mo.id, 5, 4)
        sh.rate(db, m1, ch.id, 2, 4)
        cl.set_entry(db, c1, "q01-identified", status="yes")
        cl.set_entry(db, c1, "q08-coordinator", status="no", owner="Ministry")
        db.commit()
    store.close()
    before = sha(first_path)

    prev = carry.read_previous(first_path)
    assert sha(first_path) == before  # reading never writes
    assert prev.label == "'Sofia I' (2025-06-12)"
    store2, second = make(tmp_path / "second.cws", "Sofia II", "2025-09-20")
    m2, c2 = kind(store2, second, "stakeholder_map"), kind(store2, second, "checklist")
    with store2.db() as db:
        got = carry.carry_into(db, second, prev)
        db.commit()
    assert got.text() == ("carried from 'Sofia I' (2025-06-12): 2 stakeholders, "
                          "2 places on the map, 2 checklist answers")
    with store2.db() as db:
        reg = sh.register(db, second.id)
        assert [(s.name, s.key, s.carried_from) for s in reg] == [
            ("Ministry", mo.id, "'Sofia I' (2025-06-12)"),
            ("Chamber", ch.id, "'Sofia I' (2025-06-12)")]
        data = sh.map_data(db, second, m2)
        assert data.round_number == 0 and data.rounds[0]["note"].startswith("carried from")
        # the first rating of this session opens round 1, compared with last time
        sh.nudge(db, m2, reg[1].id, d_power=2)
        cl.set_entry(db, c2, "q08-coordinator", status="yes")
        db.commit()
        data = sh.map_data(db, second, m2)
        assert data.round_number == 1 and data.previous_round == 0
        assert [m.text() for m in data.movements] == [
            "Chamber: keep informed → manage closely (power ↑2→4)"]
        states = {s.item.key: s for s in cl.state(db, second, c2)}
        assert states["q08-coordinator"].previous == "no"
        assert states["q08-coordinator"].status == "yes" and states["q08-coordinator"].changed
        assert states["q08-coordinator"].owner == "Ministry"
        assert states["q01-identified"].previous == "yes" and not states[
            "q01-identified"].changed
        assert states["q02-interested"].previous is None


def test_carry_from_a_file_that_is_not_a_session(tmp_path: Path) -> None:
    bad = tmp_path / "notes.cws"
    bad.write_text("hello")
    with pytest.raises(UserError, match="not a coworkshop session file"):
        carry.read_previous(bad)


def test_map_and_checklist_as_plain_data_for_reports() -> None:
    import json

    store, session = make()
    the_map, check = kind(store, session, "stakeholder_map"), kind(store, session, "checklist")
    with store.db() as db:
        s = sh.add_stakeholder(db, session, "Ministry", "policy")
        sh.rate(db, the_map, s.id, 2, 5)
        sh.new_round(db, the_map)
        sh.rate(db, the_map, s.id, 5, 5)
        cl.set_entry(db, check, "q08-coordinator", status="partly", owner="Ana")
        db.commit()
        data = json.loads(json.dumps(sh.map_data(db, session, the_map).as_dict()))
        states = json.loads(json.dumps(cl.as_dict(cl.state(db, session, check))))
    assert data["round_number"] == 2 and [r["number"] for r in data["rounds"]] == [1, 2]
    assert data["entries"][0]["quadrant"] == "manage"
    assert data["movements"][0]["text"] == "Ministry: keep informed → manage closely (power ↑2→5)"
    assert data["quadrants"]["manage"]["strategy"] == "manage closely"
    assert states["progress_text"] == "0 of 11 yes · 1 partly · 10 open"
    item = next(i for i in states["items"] if i["key"] == "q08-coordinator")
    assert (item["status"], item["owner"], item["changed"]) == ("partly", "Ana", False)


def test_setting_the_same_status_again_writes_no_new_row() -> None:
    store, session = make()
    act = kind(store, session, "checklist")
    with store.db() as db:
        first = cl.set_entry(db, act, "q01-identified", status="yes")
        again = cl.set_entry(db, act, "q01-identified", status="yes")
        db.commit()
        assert again.id == first.id and len(cl._rows(db, act.id)) == 1
