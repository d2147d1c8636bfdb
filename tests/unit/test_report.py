"""The report of three workshops (tests/unit/workshops.py), every figure by hand."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from coworkshop import report
from coworkshop.core.consensus import Rules
from coworkshop.core.errors import UserError
from coworkshop.report import model

from . import workshops


@pytest.fixture
def files(tmp_path: Path) -> list[Path]:
    return workshops.make_files(tmp_path)


def _statement(rep: dict[str, Any], key: str) -> dict[str, Any]:
    q = next(q for q in rep["questions"] if q["ref"] == "vote/rate")
    return next(s for s in q["statements"] if s["key"] == key)


def _question(rep: dict[str, Any], ref: str) -> dict[str, Any]:
    return next(q for q in rep["questions"] if q["ref"] == ref)


def _strip_volatile(rep: dict[str, Any]) -> dict[str, Any]:
    rep = json.loads(json.dumps(rep))
    rep.pop("report")
    return rep


def test_sessions_table(files: list[Path]) -> None:
    rep = model.build(files)
    rows = [(s["title"], s["country"], s["sector"], s["participants"], s["by_group"])
            for s in rep["sessions"]]
    assert rows == [
        ("Workshop A", "Italy", "automotive", 6, {"policy": 4, "industry": 2, "education": 0}),
        ("Workshop B", "Italy", "energy", 6, {"policy": 2, "industry": 4, "education": 0}),
        ("Workshop C", "Spain", "energy", 0, {"policy": 0, "industry": 0, "education": 0}),
    ]
    assert rep["rules"]["threshold"] == 0.75 and rep["rules"]["min_answers"] == 5


def test_cp1_worked_out_by_hand(files: list[Path]) -> None:
    s = _statement(model.build(files), "cp1")
    # A [5,1,1] + B [1,2,3] + C [4,1,0]; the changed ballot in A counts once, as "great"
    assert (s["n"], s["counts"], s["agree"], s["disagree"]) == (18, [10, 4, 4], 0.7778, 0.2222)
    assert (s["q1"], s["median"], s["q3"], s["status"]) == (0, 0, 1, "consensus")
    assert (s["phone"], s["tally"]) == (12, 6)
    by = s["by_group"]
    assert list(by) == ["policy", "industry", "education"]
    assert (by["policy"]["counts"], by["policy"]["status"]) == ([4, 1, 1], "consensus")
    assert (by["industry"]["counts"], by["industry"]["status"]) == ([6, 3, 2], "consensus")
    assert (by["education"]["n"], by["education"]["status"]) == (0, "too_few")
    assert s["group_informed"] == round(6 / 8 * 10 / 13, 4)  # 0.5769
    assert s["broad_consensus"] is True
    assert s["by_country"]["Italy"]["counts"] == [6, 3, 4]
    assert s["by_country"]["Italy"]["status"] == "contested"  # 9/13 agree, 4/13 disagree
    assert s["by_country"]["Spain"]["status"] == "consensus"
    assert s["ecosystems"] == {
        "reached": 2, "of": 3, "k": 3, "passes": False,
        "names": ["Italy / automotive", "Spain / energy"],
    }


def test_cp2_boundaries_worked_out_by_hand(files: list[Path]) -> None:
    s = _statement(model.build(files), "cp2")
    # A [5,1,2]: 6 of 8 = exactly 0.75 -> consensus; B [3,0,2]: n exactly 5, 0.6/0.4 ->
    # contested; C [2,0,2]: 2 agreeing of 4 -> too few
    assert (s["n"], s["counts"], s["status"]) == (17, [10, 1, 6], "contested")
    assert (s["q1"], s["median"], s["q3"]) == (0, 0, 2)  # 12.75 is reached only at point 2
    assert s["by_group"]["industry"]["counts"] == [4, 0, 5]
    assert s["group_informed"] == round(6 / 8 * 5 / 11, 4)  # 0.3409
    assert s["broad_consensus"] is False
    assert s["by_country"]["Spain"]["status"] == "too_few"
    e = s["ecosystems"]
    assert (e["reached"], e["of"], e["k"], e["passes"]) == (1, 3, 3, False)
    assert e["names"] == ["Italy / automotive"]  # A alone: exactly 0.75

    per_session = model.build(files[1:2])  # B alone: n exactly 5 is enough
    assert _statement(per_session, "cp2")["status"] == "contested"
    only_a = _statement(model.build(files[:1]), "cp2")
    assert (only_a["n"], only_a["agree"], only_a["status"]) == (8, 0.75, "consensus")
    only_c = _statement(model.build(files[2:]), "cp2")
    assert (only_c["n"], only_c["agree"], only_c["status"]) == (4, 0.5, "too_few")


def test_rules_change_the_statuses(files: list[Path]) -> None:
    rep = model.build(files, Rules(threshold=0.8, min_answers=4, k=1))
    cp1 = _statement(rep, "cp1")
    assert cp1["status"] == "majority"  # 0.78 < 0.8; disagree 0.22 < 0.25; agree > 0.5
    assert cp1["ecosystems"]["k"] == 1 and cp1["ecosystems"]["passes"] is True
    only_c = _statement(model.build(files[2:], Rules(min_answers=4)), "cp2")
    assert only_c["status"] == "contested"  # 2 of 4 agree, 2 of 4 disagree


def test_choices_rankings_and_texts(files: list[Path]) -> None:
    rep = model.build(files)
    pick = _question(rep, "vote/pick")  # A phones Yes 3, No 1; B hands Yes 2
    assert (pick["respondents"], pick["phone"], pick["tally"]) == (6, 4, 2)
    assert [(o["label"], o["count"], o["share"]) for o in pick["options"]] == [
        ("Yes", 5, 0.8333), ("No", 1, 0.1667), ("Maybe", 0, 0.0)
    ]
    many = _question(rep, "vote/many")  # [A,B], [A], [B,C]
    assert [(o["count"], o["share"]) for o in many["options"]] == [
        (2, 0.6667), (2, 0.6667), (1, 0.3333), (0, 0.0)
    ]
    order = _question(rep, "vote/order")  # X,Y,Z and Y,X,Z
    assert [(o["label"], o["mean_rank"], o["borda"]) for o in order["options"]] == [
        ("X", 1.5, 3), ("Y", 1.5, 3), ("Z", 3.0, 0)
    ]
    say = _question(rep, "vote/say")
    assert [(a["text"], a["count"], a["sessions"], a["groups"]) for a in say["answers"]] == [
        ("Skills", 2, ["Workshop A", "Workshop B"], ["policy", "industry"]),
        ("Green jobs", 1, ["Workshop A"], ["industry"]),
    ]
    ask = _question(rep, "vote/ask")
    assert [(a["text"], a["count"], a["upvotes"]) for a in ask["answers"]] == [("Who pays?", 1, 2)]


def test_canvas_pathways_with_revisions_and_feedback(files: list[Path]) -> None:
    cv = model.build(files)["canvases"]
    (cp,) = cv["pathways"]
    assert cp["crosspoint"] == "cp1" and [s["session"] for s in cp["sessions"]] == ["Workshop A"]
    (path,) = cp["sessions"][0]["pathways"]
    assert path["text"] == "More firms use micro-credentials"
    (step,) = path["steps"]
    assert (step["text"], step["revisions"]) == ("Vouchers for SMEs", 1)
    assert [f["text"] for f in step["feedback"]] == ["Who pays for them?"]
    assert [w["text"] for w in step["whats"]] == ["A voucher scheme"]
    (grid,) = cv["grids"]
    assert (grid["session"], grid["title"]) == ("Workshop A", "Theory of Change Grid")
    assert [c["text"] for c in grid["cells"]["learners/short"]] == ["Adults <learn> at work"]
    md = report.render(files, "md")
    assert "## CREDEX grids" in md
    assert "| Learners | Adults \\<learn\\> at work (VET providers) |  |" in md
    assert model.build(files)["maps"] == [] and model.build(files)["checklists"] == []


def test_several_files_give_the_figures_of_one_merged_file(
    files: list[Path], tmp_path: Path
) -> None:
    merged = workshops.make_merged(tmp_path / "merged.cws")
    a = _strip_volatile(model.build(files))
    b = _strip_volatile(model.build([merged]))
    # session ids differ between the two builds; compare everything else
    for rep in (a, b):
        for s in rep["sessions"]:
            s.pop("id")
        for q in rep["questions"]:
            q.pop("sessions")
            for ans in q.get("answers", []):
                ans.pop("session_ids")
        for cp in rep["canvases"]["pathways"]:
            for s in cp["sessions"]:
                s.pop("session_id")
        for g in rep["canvases"]["grids"]:
            g.pop("session_id")
    assert a == b


def test_a_session_given_twice_counts_once(files: list[Path], tmp_path: Path) -> None:
    copy = tmp_path / "copy-of-A.cws"
    copy.write_bytes(files[0].read_bytes())
    rep = model.build([*files, copy])
    assert len(rep["sessions"]) == 3
    assert _statement(rep, "cp1")["n"] == 18


def test_choosing_sessions(files: list[Path]) -> None:
    ids = [s["id"] for s in model.build(files)["sessions"]]
    rep = model.build(files, session_ids=[ids[0], ids[2]])
    assert [s["title"] for s in rep["sessions"]] == ["Workshop A", "Workshop C"]
    assert _statement(rep, "cp1")["n"] == 7 + 5
    with pytest.raises(UserError, match="no session nope"):
        model.build(files, session_ids=["nope"])


def test_reading_never_writes_and_leaves_no_side_files(files: list[Path]) -> None:
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}
    listing = sorted(p.name for p in files[0].parent.iterdir())
    for fmt in report.FORMATS:
        report.render(files, fmt)
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == before
    assert sorted(p.name for p in files[0].parent.iterdir()) == listing


def test_bad_inputs_are_refused_in_one_line(files: list[Path], tmp_path: Path) -> None:
    text = tmp_path / "notes.cws"
    text.write_text("not a database")
    for bad, said in (
        (text, "not a coworkshop session file"),
        (tmp_path / "missing.cws", "no such session file"),
        (tmp_path, "is a folder"),
    ):
        with pytest.raises(UserError, match=said) as info:
            model.build([files[0], bad])
        assert "\n" not in str(info.value)


def test_markdown_puts_consensus_first_with_a_quotable_sentence(files: list[Path]) -> None:
    md = report.render(files, "md")
    consensus = md.index("## Topics of consensus")
    contested = md.index("## Contested topics")
    assert consensus < md.index("### 1. Public support") < contested
    assert contested < md.index("### 1. Recognition")
    assert (
        "> \u201cPublic support\u201d: consensus \u2013 78% of 18 answers agree "
        "(\u201cTo a great extent\u201d or \u201cTo some extent\u201d), 22% disagree" in md
    )
    assert "| **All answers** | 18 | 10 | 4 | 4 | 78% | 22% | To a great extent | consensus |" in md
    # the diverging bar: 22% disagree is 2 cells left of the axis, 78% agree 8 right
    assert ("consensus | `\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2591\u2588\u2588"
            "\u2502\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2588\u2591\u2591` |") in md
    assert "Education \\<providers\\>" in md  # people's text cannot inject markup
    assert "\u201cSkills\u201d (x2) \u2013 Workshop A, Policy makers; Workshop B, Industry" in md
    assert "No stakeholder map was made in these sessions." in md
    assert "## Appendix: rules and definitions" in md and "group\\_informed" not in md


def test_csv_has_one_row_per_answer(files: list[Path]) -> None:
    rows = list(csv.DictReader(io.StringIO(report.render(files, "csv"))))
    assert list(rows[0]) == [
        "session_id", "session", "date", "country", "sector", "group", "participant", "activity",
        "question", "statement", "point", "value", "count", "channel", "time",
    ]
    rate = [r for r in rows if r["question"] == "rate"]
    # the counts of the CSV add up to the report's n (a tally row carries its count)
    assert sum(int(r["count"]) for r in rate if r["statement"] == "cp1") == 18
    assert sum(int(r["count"]) for r in rate if r["channel"] == "tally") == 12
    many = [r for r in rows if r["question"] == "many"]
    assert len(many) == 5  # [A,B], [A], [B,C]: one row per option chosen
    order = [r for r in rows if r["question"] == "order"]
    assert sorted((r["value"], r["point"]) for r in order) == [
        ("X", "1"), ("X", "2"), ("Y", "1"), ("Y", "2"), ("Z", "3"), ("Z", "3")
    ]
    say = sorted(r["value"] for r in rows if r["question"] == "say")
    assert say == ["Green jobs", "Skills ", "skills"]
    assert all(r["participant"] for r in rows if r["channel"] == "phone")
    assert all(r["time"].endswith("Z") for r in rows)


def test_a_scale_without_agreement_points_says_so(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    text = workshops.TEMPLATE.replace('agree = ["To a great extent", "To some extent"]\n', "")
    monkeypatch.setattr(workshops, "TEMPLATE", text.replace(
        'disagree = ["Does not respond at all"]\n', ""))
    files = workshops.make_files(tmp_path, "A")
    rep = model.build(files)
    s = _statement(rep, "cp1")
    assert (s["n"], s["agree"], s["status"]) == (7, 0.0, "no_consensus")
    md = report.render(files, "md")
    assert "names no agreement points, so agreement cannot be measured" in md


def test_stakeholder_map_and_checklist(tmp_path: Path) -> None:
    from coworkshop.core import checklist, sessions, stakeholders
    from coworkshop.core.models import Activity, Session

    canvases = Path(__file__).resolve().parents[2] / "canvases"
    path = tmp_path / "map.cws"
    store, session = sessions.create_session_file(
        path, canvases / "mastery-policy-cocreation.toml",
        sessions.SessionDetails(title="Map room", country="Finland", sector="energy"),
    )
    acts = {a.kind: a for a in workshops.core(store, sessions.activities, session.id)}
    with store.db() as db:
        s = db.get(Session, session.id)
        act = db.get(Activity, acts["stakeholder_map"].id)
        a = stakeholders.add_stakeholder(db, s, "Ministry <of> Labour", "policy")
        b = stakeholders.add_stakeholder(db, s, "Chamber of Commerce", "intermediary")
        stakeholders.new_round(db, act, on="2025-03-01")
        stakeholders.rate(db, act, a.id, power=5, interest=4)
        stakeholders.rate(db, act, b.id, power=2, interest=2)
        db.commit()
        stakeholders.new_round(db, act, on="2025-06-01")
        stakeholders.rate(db, act, b.id, power=4, interest=4)
        c = db.get(Activity, acts["checklist"].id)
        last = checklist.items(c)[-1]
        checklist.set_entry(db, c, last.key, status="yes", owner="Ana")
        db.commit()
    store.close()

    rep = model.build([path])
    (m,) = rep["maps"]
    assert m["session"] == "Map room" and m["moved"] == [
        "Chamber of Commerce: monitor → manage closely (power ↑2→4, interest ↑2→4)"
    ]
    assert m["svg"].startswith("<svg") and "Ministry &lt;of&gt; Labour" in m["svg"]
    (cl,) = rep["checklists"]
    assert cl["summary"].startswith("1 of 11 yes")
    md = report.render([path], "md")
    assert "moved since round 1: Chamber of Commerce: monitor → manage closely" in md
    assert f"  - {last.text}: yes, Ana" in md
    html = report.render([path], "html")
    assert html.count("<svg xmlns") == 1 and "<of>" not in html
