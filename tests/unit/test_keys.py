"""Stable keys and frozen definitions: votes point at keys, not at list positions."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import select

from coworkshop.core import polls as voting
from coworkshop.core import sessions, templates
from coworkshop.core.errors import TemplateError, UserError
from coworkshop.core.models import Activity, Ballot, Poll, Tally
from coworkshop.core.polls.scales import STANDARD_SCALES, normalise_scale, resolve_scale
from coworkshop.core.store import Store

from .helpers import TEMPLATE, activity, commit, make_session

CANVASES = Path(__file__).resolve().parents[2] / "canvases"


def test_plain_options_get_keys_derived_once_and_given_keys_are_kept() -> None:
    q = templates.Question.model_validate(
        {
            "key": "q",
            "type": "single",
            "text": "Pick",
            "options": ["Yes, now!", {"key": "later", "label": "Later"}, "Yes - now", "Žádný"],
        }
    )
    assert [(o.key, o.label) for o in q.options] == [
        ("yes-now", "Yes, now!"),
        ("later", "Later"),
        ("yes-now-2", "Yes - now"),
        ("zadny", "Žádný"),
    ]


def test_duplicate_option_keys_are_refused() -> None:
    with pytest.raises(ValueError, match="duplicate key 'a'"):
        templates.Question.model_validate(
            {
                "key": "q",
                "type": "single",
                "text": "Pick",
                "options": [{"key": "a", "label": "A"}, {"key": "a", "label": "B"}],
            }
        )


def test_a_template_can_name_a_standard_scale_and_the_session_keeps_a_copy() -> None:
    text = TEMPLATE.replace('scale = "rel"', 'scale = "importance"')
    tpl = templates.parse_text(text, "t.toml")
    store = Store.memory()
    session = commit(store, sessions.create_session, tpl, sessions.SessionDetails(title="S"))
    copied = session.plan["scales"]["importance"]
    assert copied["agree"] == ["very-important", "essential"]
    assert copied["disagree"] == ["not-important", "slightly-important"]
    [poll] = voting.polls(store, session.id)
    assert poll.choices[-1] == "Essential" and poll.scale is not None
    assert poll.scale["agree"] == ["very-important", "essential"]


def test_scale_sides_may_name_points_by_label_and_must_name_real_points() -> None:
    scale = templates.Scale.model_validate(
        {"label": "S", "points": ["Yes", "Maybe", "No"], "agree": ["Yes"], "disagree": ["no"]}
    )
    assert (scale.agree, scale.disagree) == (["yes"], ["no"])
    bad = TEMPLATE.replace('points = ["great", "some", "none"]',
                           'points = ["great", "some", "none"]\nagree = ["huge"]')
    with pytest.raises(TemplateError, match="agree: 'huge' is not a point"):
        templates.parse_text(bad, "t.toml")
    both = TEMPLATE.replace('points = ["great", "some", "none"]',
                            'points = ["great", "some", "none"]\nagree = ["great"]\n'
                            'disagree = ["great"]')
    with pytest.raises(TemplateError, match="both agree and disagree"):
        templates.parse_text(both, "t.toml")


def test_standard_scales_carry_the_agreement_sides_of_the_issue() -> None:
    def sides(name: str) -> tuple[list[str], list[str]]:
        s = STANDARD_SCALES[name]
        label = {p["key"]: p["label"].lower() for p in s["points"]}
        return [label[k] for k in s["agree"]], [label[k] for k in s["disagree"]]

    assert sides("relevance") == (
        ["to a great extent", "to some extent"],
        ["does not respond at all"],
    )
    assert sides("importance") == (
        ["very important", "essential"],
        ["not important", "slightly important"],
    )
    assert sides("feasibility")[0] == ["realistic now", "realistic within 2-3 years"]
    assert sides("consent") == (
        ["i fully support it", "i can live with it"],
        ["i have serious reservations", "i cannot live with it"],
    )
    assert len(sides("fist-to-five")[0]) == 3 and len(sides("gradients-of-agreement")[1]) == 3
    for name in STANDARD_SCALES:  # every standard scale is a valid template scale
        assert resolve_scale(name, {})["key"] == name


def test_every_bundled_scale_declares_agreement_and_disagreement() -> None:
    for path in sorted(CANVASES.glob("*.toml")):
        tpl = templates.load(path)
        for name, scale in tpl.scales.items():
            assert scale.agree and scale.disagree, f"{path.name}: scale {name}"


def test_a_plan_written_before_keys_gets_the_standard_scales_keys_and_sides() -> None:
    old = {"label": "Relevance", "points": ["Responds to a great extent",
                                            "Responds to some extent", "Does not respond at all"]}
    scale = normalise_scale("relevance", old)
    assert [p["key"] for p in scale["points"]] == ["great", "some", "none"]
    assert (scale["agree"], scale["disagree"]) == (["great", "some"], ["none"])
    own = normalise_scale("x", {"label": "X", "points": ["Up", "Down"]})
    assert [p["key"] for p in own["points"]] == ["up", "down"] and own["agree"] == []
    with pytest.raises(UserError, match="unknown scale 'nope'"):
        resolve_scale("nope", {})


def test_polls_are_made_with_the_session_and_listing_writes_nothing(tmp_path: Path) -> None:
    store, session = make_session(tmp_path / "s.cws")
    with store.db() as db:
        [row] = db.exec(select(Poll)).all()
    assert row.definition["activity_key"] == "poll" and row.definition["key"] == "rate"
    assert row.definition["statements"] == [{"key": "cp1", "text": "Public support"}]
    assert row.definition["scale"]["points"][0] == {"key": "great", "label": "great"}
    before = (tmp_path / "s.cws").stat().st_mtime_ns, store.engine.pool.status()
    with store.engine.connect() as conn:
        changes = conn.exec_driver_sql("SELECT total_changes()").scalar()
    voting.polls(store, session.id)
    voting.get_poll(store, row.id)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT total_changes()").scalar() == changes
    assert (tmp_path / "s.cws").stat().st_mtime_ns == before[0]
    store.close()


def test_ballots_and_tallies_store_keys_and_results_read_the_frozen_definition() -> None:
    store, session = make_session()
    act = activity(store, session, "poll")
    pick = voting.add_question(
        store,
        act.id,
        {"key": "pick", "type": "single", "text": "Pick",
         "options": [{"key": "yes", "label": "Yes"}, {"key": "no", "label": "No"}]},
    )
    rate = next(p for p in voting.polls(store, session.id) if p.question.key == "rate")
    v = voting.join(store, session, "policy").voter
    voting.cast_ballot(store, voting.open_poll(store, pick.id), v, 1)
    voting.cast_ballot(store, voting.open_poll(store, rate.id), v, {"0": 2})
    voting.set_tally(store, pick, 0, 4, stakeholder_group="industry")
    voting.set_tally(store, rate, 1, 3, statement=0)
    with store.db() as db:
        stored = sorted((b.statement_key, b.value) for b in db.exec(select(Ballot)))
        counted = sorted((t.statement_key, t.choice_key, t.count) for t in db.exec(select(Tally)))
    assert stored == [("", "no"), ("cp1", "none")]
    assert counted == [("", "yes", 4), ("cp1", "some", 3)]
    # the template's wording changes afterwards (a hand-edited config): the
    # poll keeps its frozen question and the votes keep their meaning
    with store.db() as db:
        row = db.get(Activity, act.id)
        assert row is not None
        config = dict(row.config)
        config["questions"] = [
            q | {"options": [{"key": "maybe", "label": "Maybe"}]} if q["key"] == "pick" else q
            for q in config["questions"]
        ]
        row.config = config
        db.add(row)
        db.commit()
    res = voting.results(store, pick.id)
    assert [(r.label, r.count) for r in res.rows] == [("Yes", 4), ("No", 1)]
    assert voting.answers_of(store, v.participant_id) == {pick.id: 1, rate.id: {0: 2}}


def test_two_sessions_of_one_template_name_questions_statements_and_choices_alike() -> None:
    """The identity rule the merge and the reports rely on."""
    path = CANVASES / "mastery-policy-cocreation.toml"
    text = path.read_text(encoding="utf-8")
    defs = []
    for title in ("Sofia", "Tampere"):
        store = Store.memory()
        session = commit(
            store,
            sessions.create_session,
            templates.parse_text(text, str(path)),
            sessions.SessionDetails(title=title),
            text,
        )
        defs.append({p.ref: p.definition for p in voting.polls(store, session.id)})
    assert defs[0] == defs[1]
    importance = defs[0]["validation/importance"]
    assert [s["key"] for s in importance["statements"]][:2] == ["cp1", "cp2"]
    assert importance["scale"]["agree"] == ["very-important", "essential"]
    assert [o["key"] for o in defs[0]["validation/applicable-first"]["options"]][:2] == [
        "cp1",
        "cp2",
    ]
