"""A schema-1 file made by the released code opens, migrates and reports the same answers."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from coworkshop.core import polls as voting
from coworkshop.core import probe
from coworkshop.core.store import Store

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SCHEMA1 = FIXTURES / "schema1.cws"
EXPECTED = json.loads((FIXTURES / "schema1_results.json").read_text(encoding="utf-8"))


def summary(res: voting.Results) -> dict[str, Any]:
    """As ``summary()`` in tests/fixtures/make_schema1.py (JSON makes tuples lists)."""

    def rows(rs: list[voting.Row]) -> list[dict[str, Any]]:
        return [
            {
                "label": r.label,
                "count": r.count,
                "percent": r.percent,
                "by_group": {g: n for g, n in r.by_group.items() if n},
                "mean_rank": r.mean_rank,
            }
            for r in rs
        ]

    return {
        "respondents": res.respondents,
        "ballots": res.ballots,
        "tallied": res.tallied,
        "group_respondents": {g: n for g, n in res.group_respondents.items() if n},
        "rows": rows(res.rows),
        "statements": [
            {"statement": s.statement, "respondents": s.respondents, "rows": rows(s.rows)}
            for s in res.statements
        ],
        "texts": sorted([t.text, t.stakeholder_group] for t in res.texts),
        "items": [[i.text, i.upvotes] for i in res.items],
    }


@pytest.fixture
def migrated(tmp_path: Path) -> Store:
    before = hashlib.sha256(SCHEMA1.read_bytes()).hexdigest()
    copy = tmp_path / "old.cws"
    shutil.copyfile(SCHEMA1, copy)
    assert probe.check_file(copy) == 1
    store = Store.open(copy)
    yield store
    store.close()
    assert hashlib.sha256(SCHEMA1.read_bytes()).hexdigest() == before  # the fixture is untouched
    assert not list(FIXTURES.glob("schema1.cws-*"))


def test_a_schema1_file_reports_the_same_answers_after_migration(migrated: Store) -> None:
    assert probe.check_file(migrated.path) == probe.SCHEMA_VERSION == 2
    session = migrated.only_session()
    found = {p.ref: p for p in voting.polls(migrated, session.id)}
    assert sorted(found) == sorted(EXPECTED)
    for ref, expected in EXPECTED.items():
        assert summary(voting.results(migrated, found[ref].id)) == expected, ref


def test_migrated_votes_are_stored_by_key_and_keep_their_meaning(migrated: Store) -> None:
    session = migrated.only_session()
    found = {p.ref: p for p in voting.polls(migrated, session.id)}
    rate = found["relevance/cp-relevance"]
    assert rate.statement_keys[:2] == ("cp1", "cp2")
    assert rate.choice_keys == ("great", "some", "none")  # the standard relevance scale's keys
    assert rate.scale is not None and rate.scale["agree"] == ["great", "some"]
    live = voting.live_ballots(migrated, rate.id)
    assert {b.statement_key for b in live} <= set(rate.statement_keys)
    assert {b.value for b in live} <= set(rate.choice_keys)
    [tally] = voting.tallies(migrated, rate.id)
    assert (tally.statement_key, tally.choice_key, tally.count) == ("cp4", "some", 2)
    ranking = found["poll-quick-check/priorities"]
    assert {tuple(b.value) for b in voting.live_ballots(migrated, ranking.id)} == {
        ("recognition", "funding", "quality"),
        ("quality", "recognition", "funding"),
        ("recognition", "quality", "funding"),
    }
    # voting goes on in the migrated file: a changed ballot on a closed-then-reopened poll
    stage = voting.open_poll(migrated, found["welcome/stage"].id)
    voter = voting.join(migrated, session, "policy").voter
    voting.cast_ballot(migrated, stage, voter, 4)
    assert summary(voting.results(migrated, stage.id))["respondents"] == (
        EXPECTED["welcome/stage"]["respondents"] + 1
    )


def test_a_failing_migration_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coworkshop.core import migrations

    copy = tmp_path / "old.cws"
    shutil.copyfile(SCHEMA1, copy)

    def broken(con: sqlite3.Connection) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(migrations, "_insert", lambda *a: broken(*a[:1]))
    with pytest.raises(RuntimeError, match="disk on fire"):
        Store.open(copy)
    assert probe.check_file(copy) == 1
    con = sqlite3.connect(copy)
    columns = {r[1] for r in con.execute("PRAGMA table_info(ballot)")}
    con.close()
    assert "statement" in columns and "statement_key" not in columns
