"""Merging session files: lossless, idempotent, with provenance; inputs untouched."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from coworkshop.core import canvas, sessions
from coworkshop.core import polls as voting
from coworkshop.core.errors import SessionFileError, UserError
from coworkshop.core.merge import merge_files
from coworkshop.core.probe import SCHEMA_VERSION
from coworkshop.core.store import Store
from helpers.db import commit

from .helpers import activity, make_session
from .merge_helpers import content, copy_of, data_rows, fingerprint, ids, ro, unit


def workshop(path: Path, country: str = "Bulgaria", people: int = 3) -> Path:
    """A closed session file with participants, cards, a poll with ballots and a tally."""
    store, session = make_session(path)
    act = activity(store, session, "canvas-1")
    with unit(store) as db:
        sessions.update_session(db, session.id, country=country, place=f"{country} city")
        change = canvas.add_card(db, act.id, "change", f"Change in {country}")
        canvas.add_card(db, act.id, "how", "Train the trainers", link_id=change.id)
    poll = commit(
        store, voting.add_question, activity(store, session, "poll").id,
        {"key": "pick", "type": "single", "text": "Pick", "options": ["A", "B"]},
    )
    poll = commit(store, voting.open_poll, poll.id)
    for i in range(people):
        v = voting.join(store, session, "policy", name=f"Person {i}",
                        user_agent="TestBrowser/1.0").voter
        voting.cast_ballot(store, poll, v, i % 2)
    commit(store, voting.set_tally, poll, 1, 4)
    store.close()
    return path


@pytest.fixture
def two(tmp_path: Path) -> tuple[Path, Path]:
    src = tmp_path / "in"
    src.mkdir()
    return workshop(src / "sofia.cws"), workshop(src / "helsinki.cws", "Finland")


def test_merge_keeps_every_session_and_row_with_provenance(tmp_path: Path, two) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    out = tmp_path / "all.cws"
    report = merge_files([a, b], out)
    assert report.sessions_in_output == 2
    for source in (a, b):
        for table, rows in data_rows(source).items():
            assert rows <= data_rows(out)[table], table
    [sa, sb] = report.sources
    assert (sa.file, sa.added["sessions"], sa.added["participants"], sa.added["ballots"]) == (
        "sofia.cws", 1, 3, 3,
    )
    assert sa.added["tallies"] == 1 and sa.added["cards"] == 2 and sa.duplicates == 0
    con = ro(out)
    rows = con.execute(
        "SELECT s.country, src.file_name, src.schema_version, src.coworkshop_version "
        "FROM source src JOIN session s ON s.id = src.session_id ORDER BY s.country"
    ).fetchall()
    meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    con.close()
    v = SCHEMA_VERSION
    assert [r[:3] for r in rows] == [("Bulgaria", "sofia.cws", v), ("Finland", "helsinki.cws", v)]
    assert all(r[3] for r in rows)
    assert meta["app"] == "coworkshop" and meta["file_id"]
    # the merged file opens in the app like any other
    store = Store.open(out)
    assert {s.country for s in store.sessions()} == {"Bulgaria", "Finland"}
    store.close()


def test_inputs_are_never_modified_and_no_side_files_appear(tmp_path: Path, two) -> None:  # type: ignore[no-untyped-def]
    a, _b = two
    before = fingerprint(a.parent)
    merge_files(list(two), tmp_path / "all.cws")
    merge_files(list(two), tmp_path / "all.cws", into=True, strip_names=True)
    assert fingerprint(a.parent) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["all.cws", "in", "sessions"]


def test_a_file_still_open_in_the_app_is_read_with_its_log_and_left_alone(tmp_path: Path) -> None:
    store, session = make_session(tmp_path / "open.cws")
    with unit(store) as db:
        sessions.add_participant(db, session, "industry", name="Late arrival")
    assert (tmp_path / "open.cws-wal").stat().st_size > 0  # the last change is only in the log
    main_and_log = {k: v for k, v in fingerprint(tmp_path).items() if not k.endswith("-shm")}
    out = tmp_path / "out" / "all.cws"
    out.parent.mkdir()
    report = merge_files([tmp_path / "open.cws"], out)
    assert report.sources[0].added["participants"] == 1
    after = {k: v for k, v in fingerprint(tmp_path).items() if not k.endswith("-shm")}
    assert after == main_and_log
    store.close()


def test_merging_twice_in_any_order_or_with_a_merged_file_gives_the_same_content(
    tmp_path: Path, two
) -> None:  # type: ignore[no-untyped-def]
    a, b = two
    ab, ba, again, mixed = (tmp_path / f"{n}.cws" for n in ("ab", "ba", "again", "mixed"))
    merge_files([a, b], ab)
    merge_files([b, a], ba)
    merge_files([a, b, a, b], again)
    merge_files([ab, a], mixed)
    assert content(ab) == content(ba) == content(again) == content(mixed)
    report = merge_files([a, b], ab, into=True)
    assert content(ab) == content(ba)
    assert sum(report.totals()[k] for k in ("sessions", "ballots", "cards", "other")) == 0
    assert report.totals()["duplicates"] > 0 and not report.conflicts


def test_an_updated_copy_adds_only_what_is_new(tmp_path: Path) -> None:
    store, session = make_session(tmp_path / "live.cws")
    act = activity(store, session, "canvas-1")
    with unit(store) as db:
        card = canvas.add_card(db, act.id, "change", "First idea")
    early = copy_of(store, tmp_path / "early.cws")
    with unit(store) as db:
        canvas.edit_card(db, card.id, "First idea, sharpened")
        canvas.add_card(db, act.id, "how", "Second", link_id=card.id)
        sessions.add_participant(db, session, "policy")
    later = copy_of(store, tmp_path / "later.cws")
    store.close()

    out = tmp_path / "all.cws"
    merge_files([early], out)
    report = merge_files([later], out, into=True)
    [src] = report.sources
    assert (src.added["cards"], src.added["participants"], src.added["sessions"]) == (1, 1, 0)
    # the two revisions of the edited card's history, the new participant's personal code
    assert src.added["other"] == 3
    assert src.updated == 1 and src.conflicts == 0 and not report.conflicts
    assert data_rows(out) == data_rows(later)
    # the earlier version is kept, marked as superseded
    con = ro(out)
    kept = con.execute("SELECT table_name, row_id, kind, version FROM merge_conflict").fetchall()
    sources = con.execute("SELECT file_name FROM source ORDER BY file_name").fetchall()
    con.close()
    assert [(t, r, k) for t, r, k, _v in kept] == [("card", card.id, "superseded")]
    assert json.loads(kept[0][3])["text"] == "First idea"
    assert sources == [("early.cws",), ("later.cws",)]
    # the other way round: the same content, and the early copy adds nothing
    other = tmp_path / "other.cws"
    merge_files([later, early], other)
    assert content(other) == content(out)


def test_two_copies_changed_differently_keep_both_versions_and_list_the_conflict(
    tmp_path: Path,
) -> None:
    store, session = make_session(tmp_path / "a.cws")
    act = activity(store, session, "canvas-1")
    with unit(store) as db:
        card = canvas.add_card(db, act.id, "change", "Base")
    store.close()
    b_path = tmp_path / "b.cws"
    b_path.write_bytes((tmp_path / "a.cws").read_bytes())
    a = Store.open(tmp_path / "a.cws")
    with unit(a) as db:
        canvas.edit_card(db, card.id, "Edited on laptop A")
    a.close()
    b = Store.open(b_path)
    with unit(b) as db:
        canvas.edit_card(db, card.id, "Edited on laptop B")  # later: current
    b.close()

    ab, ba = tmp_path / "ab.cws", tmp_path / "ba.cws"
    report = merge_files([tmp_path / "a.cws", b_path], ab)
    merge_files([b_path, tmp_path / "a.cws"], ba)
    assert content(ab) == content(ba)
    assert [(c.table, c.row_id) for c in report.conflicts] == [("card", card.id)]
    con = ro(ab)
    current = con.execute("SELECT text FROM card WHERE id = ?", (card.id,)).fetchone()[0]
    kept = con.execute(
        "SELECT kind, version FROM merge_conflict WHERE table_name = 'card'"
    ).fetchall()
    con.close()
    assert current == "Edited on laptop B"
    assert [(k, json.loads(v)["text"]) for k, v in kept] == [("conflict", "Edited on laptop A")]
    # both laptops' revisions are in the card's history
    merged = Store.open(ab)
    with unit(merged) as db:
        texts = [r.text for r in canvas.history(db, card.id)]
    merged.close()
    assert {"Edited on laptop A", "Edited on laptop B"} <= set(texts)


def test_two_live_ballots_of_one_person_keep_the_later_and_list_the_other(tmp_path: Path) -> None:
    store, session = make_session(tmp_path / "a.cws")
    poll = commit(
        store, voting.add_question, activity(store, session, "poll").id,
        {"key": "pick", "type": "single", "text": "Pick", "options": ["A", "B"]},
    )
    poll = commit(store, voting.open_poll, poll.id)
    v = voting.join(store, session, "policy").voter
    store.close()
    b_path = tmp_path / "b.cws"
    b_path.write_bytes((tmp_path / "a.cws").read_bytes())
    for path, value in ((tmp_path / "a.cws", 0), (b_path, 1)):
        s = Store.open(path)
        voting.cast_ballot(s, poll, v, value)
        s.close()
    ab, ba = tmp_path / "ab.cws", tmp_path / "ba.cws"
    report = merge_files([tmp_path / "a.cws", b_path], ab)
    merge_files([b_path, tmp_path / "a.cws"], ba)
    assert content(ab) == content(ba)
    assert [c.table for c in report.conflicts] == ["ballot"]
    merged = Store.open(ab)
    live = voting.live_ballots(merged, poll.id)
    assert [voting.ballot_positions(poll, b)[1] for b in live] == [1]
    merged.close()
    assert len(ids(ab, "merge_conflict")) == 1


def test_existing_output_is_refused_without_into(tmp_path: Path, two) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "all.cws"
    merge_files([two[0]], out)
    before = fingerprint(tmp_path)
    with pytest.raises(UserError, match="already exists; add --into"):
        merge_files([two[1]], out)
    assert fingerprint(tmp_path) == before
    report = merge_files([two[1]], out, into=True)
    assert report.into and report.sessions_in_output == 2


def test_bad_inputs_stop_the_merge_or_are_skipped_and_listed(tmp_path: Path, two) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "in" / "notes.cws"
    bad.write_text("not a database")
    foreign = tmp_path / "in" / "foreign.cws"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE t (x)")
    con.close()
    newer = tmp_path / "in" / "newer.cws"
    newer.write_bytes(two[0].read_bytes())
    con = sqlite3.connect(newer)
    con.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    out = tmp_path / "all.cws"
    for path, message in (
        (bad, "not an SQLite database"),
        (foreign, "not a coworkshop session file"),
        (newer, "made by a newer coworkshop"),
    ):
        with pytest.raises(SessionFileError, match=message) as info:
            merge_files([two[0], path], out)
        assert str(path) in str(info.value)
        assert not out.exists()
    report = merge_files([two[0], bad, newer, two[1]], out, skip_bad=True)
    assert [f for f, _ in report.skipped] == [str(bad), str(newer)]
    assert report.sessions_in_output == 2
    assert [p.name for p in out.parent.iterdir() if p.name.startswith(".")] == []


def test_strip_names_keeps_groups_and_pseudonymous_ids_only(tmp_path: Path, two) -> None:  # type: ignore[no-untyped-def]
    a, _b = two
    out = tmp_path / "public.cws"
    report = merge_files([a], out, strip_names=True)
    assert report.strip_names
    con = ro(out)
    people = con.execute("SELECT id, name, organisation, stakeholder_group FROM participant")
    people = people.fetchall()
    devices = con.execute("SELECT count(*) FROM device").fetchone()[0]
    ballots = con.execute("SELECT device_id, participant_id FROM ballot").fetchall()
    facilitator = con.execute("SELECT facilitator FROM session").fetchall()
    cards = {r[0] for r in con.execute("SELECT text FROM card")}
    con.close()
    assert len(people) == 3 and all(p[1] == "" and p[2] == "" and p[3] for p in people)
    assert devices == 0 and all(d == "" and p for d, p in ballots)
    assert facilitator == [("",)]
    assert "Change in Bulgaria" in cards
    raw = out.read_bytes()
    assert b"Person 0" not in raw and b"TestBrowser" not in raw  # (the schema says "phone")


def test_the_merged_file_has_the_schema_the_store_creates(tmp_path: Path, two) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "all.cws"
    merge_files([two[0]], out)
    Store.create(tmp_path / "fresh.cws").close()

    def schema(path: Path) -> set[tuple[str, str]]:
        con = ro(path)
        try:
            return set(con.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
        finally:
            con.close()

    assert schema(out) == schema(tmp_path / "fresh.cws")
    con = ro(out)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
    con.close()


def test_an_older_file_is_migrated_in_a_copy_and_left_as_it_was(
    tmp_path: Path, two, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Pretend this coworkshop is one schema ahead of the files it made."""
    from coworkshop.core import merge, probe, store
    from coworkshop.core.merge import inputs

    ahead = probe.SCHEMA_VERSION + 1

    def migration(con: sqlite3.Connection) -> None:
        con.execute("UPDATE session SET sector = 'migrated'")

    for module in (merge, inputs, probe, store):
        monkeypatch.setattr(module, "SCHEMA_VERSION", ahead, raising=False)
    monkeypatch.setitem(store.MIGRATIONS, ahead, migration)
    before = fingerprint(two[0].parent)
    out = tmp_path / "all.cws"
    report = merge_files(list(two), out)
    assert fingerprint(two[0].parent) == before
    assert [s.migrated for s in report.sources] == [True, True]
    assert [s.schema_version for s in report.sources] == [ahead - 1] * 2
    con = ro(out)
    sectors = {r[0] for r in con.execute("SELECT sector FROM session")}
    version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    con.close()
    assert sectors == {"migrated"} and version == str(ahead)


def test_a_damaged_file_is_named_and_nothing_is_written(tmp_path: Path, two) -> None:  # type: ignore[no-untyped-def]
    damaged = tmp_path / "in" / "damaged.cws"
    data = bytearray(two[0].read_bytes())
    page = 4096
    for start in range(2 * page, len(data), page):  # every page but the schema's
        data[start : start + page] = b"\xff" * page
    damaged.write_bytes(bytes(data))
    out = tmp_path / "all.cws"
    with pytest.raises(SessionFileError, match="damaged") as info:
        merge_files([two[1], damaged], out)
    assert str(damaged) in str(info.value)
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    report = merge_files([two[1], damaged], out, skip_bad=True)
    assert [f for f, _ in report.skipped] == [str(damaged)]
    assert report.sessions_in_output == 1 and not report.conflicts


def test_records_or_fields_this_version_does_not_know_are_refused_not_dropped(
    tmp_path: Path, two
) -> None:  # type: ignore[no-untyped-def]
    for n, sql in enumerate((
        "CREATE TABLE wishlist (id TEXT PRIMARY KEY, session_id TEXT); "
        "INSERT INTO wishlist VALUES ('w1', 's1')",
        "ALTER TABLE card ADD COLUMN colour TEXT",
    )):
        other = tmp_path / "in" / f"other{n}.cws"
        other.write_bytes(two[0].read_bytes())
        con = sqlite3.connect(other)
        con.executescript(sql)
        con.close()
        with pytest.raises(SessionFileError, match="does not know") as info:
            merge_files([two[1], other], tmp_path / "all.cws")
        assert str(other) in str(info.value) and ("wishlist" in str(info.value)
                                                  or "card.colour" in str(info.value))
        assert not (tmp_path / "all.cws").exists()


def test_a_schema1_file_merges_through_a_migrated_copy_and_reports_the_same(
    tmp_path: Path, two
) -> None:  # type: ignore[no-untyped-def]
    """The released schema-1 file (tests/fixtures) is read, never changed, and
    merging it again adds nothing: the migration gives the same rows each time."""
    import shutil

    from .test_migration import EXPECTED, SCHEMA1, summary

    old = tmp_path / "in" / "released.cws"
    shutil.copyfile(SCHEMA1, old)
    before = fingerprint(old.parent)
    out, other = tmp_path / "all.cws", tmp_path / "other.cws"
    report = merge_files([old, two[0]], out)
    assert fingerprint(old.parent) == before
    assert (report.sources[0].schema_version, report.sources[0].migrated) == (1, True)
    again = merge_files([old], out, into=True)
    assert again.totals()["duplicates"] > 0
    assert sum(again.totals()[k] for k in ("sessions", "ballots", "cards", "other")) == 0
    assert not again.conflicts and again.totals()["updated"] == 0
    merge_files([two[0], old], other)
    assert content(other) == content(out)
    merged = Store.open(out)
    try:
        [session] = [s for s in merged.sessions() if s.title != "Sofia"]
        found = {p.ref: p for p in voting.polls(merged, session.id)}
        for ref, expected in EXPECTED.items():
            assert summary(voting.results(merged, found[ref].id)) == expected, ref
    finally:
        merged.close()


def test_the_stakeholder_register_merges_like_any_record_and_loses_names_when_stripped(
    tmp_path: Path,
) -> None:
    """Tables added by other features merge with no code of their own."""
    from coworkshop.core import stakeholders

    store, session = make_session(tmp_path / "a.cws")
    with store.db() as db:
        minister = stakeholders.add_stakeholder(
            db, session, "Maria Virtanen", stakeholder_group="policy", organisation="Ministry"
        )
        db.commit()
    early = copy_of(store, tmp_path / "early.cws")
    with store.db() as db:
        stakeholders.update_stakeholder(db, session, minister.id, notes="promoter")
        stakeholders.add_stakeholder(db, session, "Chamber of commerce", "industry")
        db.commit()
    store.close()
    out, public = tmp_path / "all.cws", tmp_path / "public.cws"
    merge_files([early], out)
    report = merge_files([tmp_path / "a.cws"], out, into=True)
    assert report.sources[0].added["other"] >= 1 and report.sources[0].updated >= 1
    assert not report.conflicts
    merge_files([out], public, strip_names=True)
    con = ro(public)
    sql = "SELECT name, organisation, stakeholder_group, notes FROM stakeholder"
    rows = sorted(con.execute(sql))
    kept = [r[0] for r in con.execute("SELECT version FROM merge_conflict")]
    con.close()
    assert rows == [("", "", "industry", ""), ("", "Ministry", "policy", "promoter")]
    assert not any("Maria" in v for v in kept)
