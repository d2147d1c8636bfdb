"""The demo a newcomer opens first has answered polls, so results and reports show something."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import select

from coworkshop import paths, report
from coworkshop.core import polls as voting
from coworkshop.core.models import Ballot
from coworkshop.demo import build_demo


def test_the_demo_has_answered_polls_with_anonymous_ballots(tmp_path: Path) -> None:
    store = build_demo(tmp_path / "demo.cws", paths.templates_dir())
    try:
        session = store.only_session()
        by_ref = {p.ref: p for p in voting.polls(store, session.id)}
        relevance = by_ref["relevance/cp-relevance"]
        assert (relevance.state, relevance.results_visible) == ("closed", True)
        res = voting.results(store, relevance.id)
        assert [s.respondents for s in res.statements] == [13] * 8
        stage = voting.results(store, by_ref["welcome/stage"].id)
        assert (stage.ballots, stage.tallied, stage.respondents) == (13, 2, 15)
        words = voting.results(store, by_ref["welcome/first-word"].id)
        assert words.rows[0].label.casefold() == "flexibility" and words.rows[0].count == 3
        # ballots of anonymous questions name no participant of the register
        registered = {p.id for p in _participants(store, session.id)}
        with store.db() as db:
            voters = {b.participant_id for b in db.exec(select(Ballot)).all()}
        assert voters and not voters & registered
        assert all(v.startswith("anon-") for v in voters)
    finally:
        store.close()


def test_the_demo_report_has_consensus_and_contested_topics(tmp_path: Path) -> None:
    build_demo(tmp_path / "demo.cws", paths.templates_dir()).close()
    rep = json.loads(report.render([tmp_path / "demo.cws"], "json"))
    q = next(q for q in rep["questions"] if q["ref"] == "relevance/cp-relevance")
    statuses = [s["status"] for s in q["statements"]]
    assert "consensus" in statuses and "contested" in statuses
    assert all(s["n"] == 13 for s in q["statements"])


def _participants(store, session_id):  # type: ignore[no-untyped-def]
    from coworkshop.core import sessions

    with store.db() as db:
        return sessions.participants(db, session_id)
