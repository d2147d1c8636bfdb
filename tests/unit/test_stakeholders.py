"""Stakeholder register, ratings, questionnaires, quadrants, rounds, movement."""

from __future__ import annotations

from pathlib import Path

import pytest

from coworkshop.core import sessions, templates
from coworkshop.core import stakeholders as sh
from coworkshop.core.errors import UserError
from coworkshop.core.models import MappingAnswer, Session, StakeholderRating
from coworkshop.core.store import Store
from helpers.db import commit

REPO = Path(__file__).resolve().parents[2]


def bundled(name: str, path: Path | None = None) -> tuple[Store, Session]:
    tpl = templates.load(REPO / "canvases" / f"{name}.toml")
    store = Store.create(path) if path else Store.memory()
    details = sessions.SessionDetails(title="Sofia", date="2025-06-12")
    session = commit(store, sessions.create_session, tpl, details)
    return store, session


def the_map(store: Store, session: Session):  # type: ignore[no-untyped-def]
    acts = commit(store, sessions.activities, session.id)
    return next(a for a in acts if a.kind == "stakeholder_map")


# ---------------------------------------------------------------- pure rules


@pytest.mark.parametrize(("value", "expected"), [(1, "low"), (2, "low"), (3, "line"),
                                                 (4, "high"), (5, "high")])
def test_every_point_of_the_scale_has_its_level(value: int, expected: str) -> None:
    assert sh.level(value) == expected


@pytest.mark.parametrize("bad", [0, 6, 7, -1, "7", "x", 2.5, True])
def test_a_rating_outside_1_to_5_is_refused(bad: object) -> None:
    with pytest.raises(UserError, match="rating"):
        sh.check_rating(bad)


@pytest.mark.parametrize(
    ("power", "interest", "quadrant"),
    [(5, 5, "manage"), (4, 4, "manage"), (3, 4, "inform"), (4, 3, "satisfy"),
     (3, 3, "monitor"), (1, 1, "monitor"), (5, 1, "satisfy"), (1, 5, "inform"),
     (2, 4, "inform"), (4, 2, "satisfy")],
)
def test_quadrants_and_3_counts_as_low(power: int, interest: int, quadrant: str) -> None:
    assert sh.quadrant(power, interest).key == quadrant


def test_quadrant_strategies_and_saccord_scenarios() -> None:
    q = sh.QUADRANTS
    assert (q["manage"].strategy, q["manage"].scenario) == ("manage closely", 2)
    assert (q["satisfy"].strategy, q["satisfy"].scenario) == ("keep satisfied", 1)
    assert (q["monitor"].strategy, q["monitor"].scenario) == ("monitor", 3)
    assert (q["inform"].strategy, q["inform"].scenario) == ("keep informed", 4)


@pytest.mark.parametrize(
    ("yes", "total", "level", "value"),
    [(0, 4, "low", 1), (1, 4, "low", 2), (2, 4, "line", 3), (3, 4, "high", 4),
     (4, 4, "high", 5), (0, 5, "low", 1), (1, 5, "low", 2), (2, 5, "low", 2),
     (3, 5, "high", 4), (4, 5, "high", 4), (5, 5, "high", 5)],
)
def test_majority_of_yes(yes: int, total: int, level: str, value: int) -> None:
    assert sh.majority(yes, total) == level
    assert sh.value_from_yes(yes, total) == value
    # the place the answers give lands in the same half as the majority says
    assert sh.level(value) == level


@pytest.mark.parametrize(
    ("point", "n", "level"),
    [(0, 4, 1), (1, 4, 1), (2, 4, 2), (3, 4, 3), (0, 3, 1), (1, 3, 2), (2, 3, 3),
     (0, 0, 1), (1, 0, 3)],
)
def test_each_knowledge_answer_counts_low_medium_or_high(point: int, n: int, level: int) -> None:
    assert sh.answer_level(point, n) == level


@pytest.mark.parametrize(
    ("levels", "expected"),
    [([1, 1, 1, 1], "low"), ([1, 1, 1, 3], "low"), ([1, 1, 2, 2], "low"),  # sum 4, 6, 6
     ([1, 2, 2, 2], "medium"), ([2, 2, 2, 3], "medium"), ([1, 2, 3, 3], "medium"),  # 7, 9, 9
     ([2, 2, 3, 3], "high"), ([1, 3, 3, 3], "high"), ([3, 3, 3, 3], "high")],  # 10, 10, 12
)
def test_understanding_boundaries_with_four_questions(levels: list[int], expected: str) -> None:
    assert sh.understanding(levels) == expected


def test_the_sources_three_profiles_land_on_their_level_whatever_flexibility_says() -> None:
    # familiarity, stacking (4-point), flexibility (4-point), heard of mc (3-point)
    for flex in range(4):
        low = [sh.answer_level(0, 4), sh.answer_level(0, 4), sh.answer_level(flex, 4),
               sh.answer_level(0, 3)]
        medium = [sh.answer_level(2, 4), sh.answer_level(2, 4), sh.answer_level(flex, 4),
                  sh.answer_level(1, 3)]
        high = [sh.answer_level(3, 4), sh.answer_level(3, 4), sh.answer_level(flex, 4),
                sh.answer_level(2, 3)]
        assert sh.understanding(low) == "low"
        assert sh.understanding(medium) == "medium"
        assert sh.understanding(high) == "high"


# ---------------------------------------------------------------- register


def test_register_add_edit_delete() -> None:
    store, session = bundled("mastery-policy-cocreation")
    with store.db() as db:
        a = sh.add_stakeholder(db, session, " Ministry of Education ", "policy",
                               "MoE", "leads the VET reform")
        db.commit()
    with store.db() as db:
        assert [s.name for s in sh.register(db, session.id)] == ["Ministry of Education"]
        assert a.key == a.id
        sh.update_stakeholder(db, session, a.id, organisation="Ministry")
        sh.delete_stakeholder(db, a.id)
        db.commit()
    with store.db() as db:
        assert sh.register(db, session.id) == []
        assert [s.organisation for s in sh.register(db, session.id, deleted=True)] == ["Ministry"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [({"name": "  "}, "needs a name"), ({"name": "x" * 201}, "at most 200"),
     ({"name": "Chamber", "stakeholder_group": "aliens"}, "not one of"),
     ({"name": "Ministry"}, "already in the register"),
     ({"name": "ministry"}, "already in the register"),
     ({"name": "New", "participant_id": "nobody"}, "no such participant")],
)
def test_bad_stakeholders_are_refused_and_nothing_changes(fields: dict[str, str],
                                                          message: str) -> None:
    store, session = bundled("mastery-policy-cocreation")
    with store.db() as db:
        sh.add_stakeholder(db, session, "Ministry", "policy")
        db.commit()
    with store.db() as db:
        with pytest.raises(UserError, match=message):
            sh.add_stakeholder(db, session, **fields)  # type: ignore[arg-type]
        db.commit()
    with store.db() as db:
        assert [s.name for s in sh.register(db, session.id)] == ["Ministry"]


def test_the_saccord_template_offers_the_roles_as_a_starting_register() -> None:
    store, session = bundled("saccord-stakeholder-mapping")
    act = the_map(store, session)
    with store.db() as db:
        added = sh.add_template_register(db, session, act)
        again = sh.add_template_register(db, session, act)  # nothing twice
        db.commit()
    assert len(added) == 6 and again == []
    assert added[0].name == "Core planning and coordination group"
    assert "knowledge high, influence high, support high" in added[0].notes


# ---------------------------------------------------------------- ratings and rounds


def test_ratings_are_append_only_and_a_new_round_starts_from_the_last() -> None:
    store, session = bundled("mastery-policy-cocreation")
    act = the_map(store, session)
    with store.db() as db:
        mo = sh.add_stakeholder(db, session, "Ministry", "policy")
        ch = sh.add_stakeholder(db, session, "Chamber", "intermediary")
        vet = sh.add_stakeholder(db, session, "VET school", "education")
        sh.rate(db, act, mo.id, 5, 4)
        sh.rate(db, act, ch.id, 2, 4)
        sh.rate(db, act, vet.id, 3, 3)
        db.commit()
    with store.db() as db:
        data = sh.map_data(db, session, act)
        assert data.round_number == 1
        assert [(e.name, e.quadrant) for e in data.entries] == [
            ("Ministry", "manage"), ("Chamber", "inform"), ("VET school", "monitor")]
        assert data.entries[2].on_the_line == ["power", "interest"]
        assert data.movements == []
        assert "Promoters (high power and high interest), manage closely: Ministry" in (
            data.guidance)
        sh.new_round(db, act)
        db.commit()
    with store.db() as db:
        data = sh.map_data(db, session, act)
        assert data.round_number == 2 and data.previous_round == 1
        # nobody re-rated yet: everyone keeps last round's place
        assert [(e.power, e.interest) for e in data.entries] == [(5, 4), (2, 4), (3, 3)]
        assert not any(e.rated_this_round for e in data.entries)
        sh.nudge(db, act, ch.id, d_power=1)  # 2 -> 3: on the line, still low
        db.commit()
        assert sh.map_data(db, session, act).movements == []
        sh.nudge(db, act, ch.id, d_power=1)  # 3 -> 4: now high power
        db.commit()
    with store.db() as db:
        data = sh.map_data(db, session, act)
        assert [m.text() for m in data.movements] == [
            "Chamber: keep informed → manage closely (power ↑2→4)"]
        chamber = data.entries[1]
        assert chamber.before == (2, 4) and chamber.rated_this_round
        # round 1 still reads as it was
        assert sh.map_data(db, session, act, 1).entries[1].power == 2
        rows = db.exec(__import__("sqlmodel").select(StakeholderRating)).all()
        assert len(rows) == 8  # 6 in round 1, two steps in round 2: nothing overwritten


def test_nudge_starts_in_the_middle_and_stops_at_the_edge() -> None:
    store, session = bundled("mastery-policy-cocreation")
    act = the_map(store, session)
    with store.db() as db:
        s = sh.add_stakeholder(db, session, "Cluster", "industry")
        place = sh.nudge(db, act, s.id, d_interest=1)
        assert (place.power, place.interest) == (3, 4)
        sh.nudge(db, act, s.id, d_interest=1)
        before = len(db.exec(__import__("sqlmodel").select(StakeholderRating)).all())
        place = sh.nudge(db, act, s.id, d_interest=1)  # already at 5
        after = len(db.exec(__import__("sqlmodel").select(StakeholderRating)).all())
        assert place.interest == 5 and before == after


def test_a_rating_of_7_changes_nothing() -> None:
    store, session = bundled("mastery-policy-cocreation")
    act = the_map(store, session)
    with store.db() as db:
        s = sh.add_stakeholder(db, session, "Cluster", "industry")
        db.commit()
    with store.db() as db:
        with pytest.raises(UserError, match="interest: a rating is from 1 to 5, not 7"):
            sh.rate(db, act, s.id, 4, 7)
        db.commit()
    with store.db() as db:
        assert sh.places(db, act.id) == {}
        assert sh.rounds(db, act.id) == []


# ---------------------------------------------------------------- questionnaire


def answers_for(qs: list[sh.MapQuestion], influence_yes: int, support_yes: int,
                knowledge: list[int]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    inf = [q for q in qs if q.part == "influence"]
    sup = [q for q in qs if q.part == "support"]
    kno = [q for q in qs if q.part == "knowledge"]
    for i, q in enumerate(inf):
        out[q.key] = 1 if i < influence_yes else 0
    for i, q in enumerate(sup):
        out[q.key] = 1 if i < support_yes else 0
    for q, v in zip(kno, knowledge, strict=True):
        out[q.key] = v
    return out


def test_saccord_questionnaire_places_the_stakeholder_and_sets_its_shape() -> None:
    store, session = bundled("saccord-stakeholder-mapping")
    act = the_map(store, session)
    qs = sh.questions(session, act)
    assert [q.part for q in qs].count("influence") == 4
    assert [q.part for q in qs].count("support") == 5
    assert [q.n_points for q in qs if q.part == "knowledge"] == [4, 4, 4, 3]
    with store.db() as db:
        s = sh.add_stakeholder(db, session, "Academy of Arts", "education")
        result = sh.submit_questionnaire(db, session, act, s.id,
                                         answers_for(qs, 2, 3, [2, 2, 0, 1]))
        db.commit()
    assert result.levels == {"influence": "line", "support": "high"}
    assert result.understanding == "medium"
    assert result.summary() == (
        "influence on the line (2 of 4 yes) · support high (3 of 5 yes) · understanding medium")
    with store.db() as db:
        e = sh.map_data(db, session, act).entries[0]
        assert (e.power, e.interest, e.understanding, e.quadrant) == (3, 4, "medium", "inform")
        assert e.on_the_line == ["power"]
        assert len(sh.last_answers(db, act.id, s.id)) == 13
        rows = db.exec(__import__("sqlmodel").select(MappingAnswer)).all()
        keys = {r.question_key: r.answer_key for r in rows}
        assert keys["i1-resources"] == "yes" and keys["i3-information"] == "no"
        assert keys["k4-mc"] == "heard"  # the stable key of "Heard of them, need to know more"


def test_a_half_filled_questionnaire_is_refused_and_nothing_is_saved() -> None:
    store, session = bundled("saccord-stakeholder-mapping")
    act = the_map(store, session)
    qs = sh.questions(session, act)
    answers = answers_for(qs, 4, 5, [3, 3, 3, 2])
    for q in qs[3:6]:
        answers[q.key] = None
    with store.db() as db:
        s = sh.add_stakeholder(db, session, "Ministry of Culture", "public")
        db.commit()
    with store.db() as db:
        with pytest.raises(UserError, match=r"3 of 13 questions unanswered \(influence 1, "
                                            r"support 2\); nothing was saved"):
            sh.submit_questionnaire(db, session, act, s.id, answers)
        db.commit()
    with store.db() as db:
        assert db.exec(__import__("sqlmodel").select(MappingAnswer)).all() == []
        assert sh.places(db, act.id) == {}


def test_partial_score_shows_what_is_known_so_far() -> None:
    store, session = bundled("saccord-stakeholder-mapping")
    act = the_map(store, session)
    qs = sh.questions(session, act)
    inf = [q.key for q in qs if q.part == "influence"]
    s = sh.score(qs, {inf[0]: 1, inf[1]: 1, inf[2]: 1, inf[3]: 0})
    assert s.levels == {"influence": "high"} and not s.complete and s.understanding == ""


def test_a_starting_register_with_an_unknown_group_names_file_line_and_field() -> None:
    text = """
[template]
name = "t"
title = "T"

[[stakeholder_groups]]
key = "policy"
label = "Policy makers"

[[agenda]]
key = "map"
kind = "stakeholder_map"
title = "Map"
method = "saccord"

[[agenda.stakeholders]]
name = "Ministry"
group = "policy"

[[agenda.stakeholders]]
name = "Guild"
group = "guilds"
"""
    with pytest.raises(templates.TemplateError,
                       match=r"t.toml:22: field agenda\[0\]\.stakeholders\[1\]\.group: "
                             r"unknown stakeholder group 'guilds'"):
        templates.parse_text(text, "t.toml")
    ok = templates.parse_text(text.replace('"guilds"', '"policy"'), "t.toml")
    assert [e.name for e in ok.agenda[0].stakeholders] == ["Ministry", "Guild"]
    assert templates.parse_text(templates.dump(ok)).agenda[0].stakeholders == (
        ok.agenda[0].stakeholders)


def test_the_demo_holds_two_rounds_with_one_move_and_checklist_answers(tmp_path: Path) -> None:
    from coworkshop.core import checklist as cl
    from coworkshop.demo import build_demo

    store = build_demo(tmp_path / "demo.cws", REPO / "canvases")
    session = store.only_session()
    acts = {a.kind: a for a in commit(store, sessions.activities, session.id)}
    with store.db() as db:
        data = sh.map_data(db, session, acts["stakeholder_map"])
        states = cl.state(db, session, acts["checklist"])
    store.close()
    assert len(data.entries) == 8 and data.round_number == 2
    assert [m.name for m in data.movements] == ["Employment Agency"]
    assert cl.progress(states).text() == "1 of 11 yes · 1 partly · 1 no · 8 open"


def test_keyed_scale_points_give_their_keys_to_the_answers() -> None:
    from coworkshop.core.models import Activity

    session = Session(session_id="s", title="x", plan={"scales": {"mc": {
        "label": "Awareness", "points": [{"key": "never", "label": "Never heard"},
                                         {"key": "heard", "label": "Heard of them"},
                                         {"key": "know", "label": "Know them"}]}}})
    act = Activity(session_id="s", key="m", kind="stakeholder_map", title="m", config={
        "method": "saccord", "knowledge_questions": [{"key": "k", "text": "?", "scale": "mc"}]})
    (q,) = sh.questions(session, act)
    assert q.points == ("Never heard", "Heard of them", "Know them")
    assert (q.answer_key(1), sh.answer_level(1, q.n_points)) == ("heard", 2)
