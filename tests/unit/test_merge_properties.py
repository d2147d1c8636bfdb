"""Property tests of the merge: sessions built through the core, copied into files.

A generated workshop runs a random script (participants join, cards are added,
revised, deleted and restored, ballots cast and changed, tallies entered, Q&A
posted and upvoted) and the facilitator's file is copied at random moments (an
early copy sent by mail, then the final file). A second generated script runs
on a copy of the file on another laptop (two copies changed differently).

Checked: merging is idempotent and independent of order, loses no row (every
row of every input is in the merged file, current or kept as another version),
and a session reads the same in the merged file as in its latest copy (its
polls' results, its canvas's pathways).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from coworkshop.core import canvas, sessions
from coworkshop.core import polls as voting
from coworkshop.core.errors import UserError
from coworkshop.core.merge import merge_files
from coworkshop.core.store import Store

from .helpers import activity, make_session
from .merge_helpers import PROVENANCE, content, copy_of, ro, tables, unit

SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same examples on every run: a failure can be replayed
)

GROUPS = ("policy", "industry")
WORDS = st.text(alphabet="abcdefgh ", min_size=1, max_size=12).map(lambda s: s.strip() or "x")

# One step of a workshop script. Indexes pick among what exists (modulo).
STEP = st.one_of(
    st.tuples(st.just("join"), st.sampled_from(GROUPS)),
    st.tuples(st.just("card"), st.sampled_from(("change", "how", "what")), WORDS),
    st.tuples(st.just("revise"), st.integers(0, 9), WORDS),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("restore"), st.integers(0, 9)),
    st.tuples(st.just("vote"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("rate"), st.integers(0, 9), st.integers(0, 2)),
    st.tuples(st.just("tally"), st.integers(0, 2), st.integers(0, 9)),
    st.tuples(st.just("ask"), st.integers(0, 9), WORDS),
    st.tuples(st.just("upvote"), st.integers(0, 9), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("copy")),
)
SCRIPT = st.lists(STEP, min_size=2, max_size=14)


def with_copy(script: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The script with the file copied halfway (the copy sent before the end)."""
    half = len(script) // 2
    return [*script[:half], ("copy",), *script[half:]]


class Workshop:
    """A session file being run, with handles on its polls and canvas."""

    def __init__(self, path: Path) -> None:
        self.store, self.session = make_session(path)
        self.path = path
        s = self.store
        self.canvas = activity(s, self.session, "canvas-1").id
        poll_act = activity(s, self.session, "poll").id
        voting.add_question(
            s, poll_act, {"key": "pick", "type": "single", "text": "Pick", "options": list("ABC")}
        )
        voting.add_question(s, poll_act, {"key": "ask", "type": "qa", "text": "Questions?"})
        self.polls = {p.question.key: voting.open_poll(s, p.id) for p in voting.polls(
            s, self.session.id)}
        self.copies: list[Path] = []
        for group in (*GROUPS, GROUPS[0]):
            voting.join(s, self.session, group, name="Early bird", user_agent="phone")

    def reopen(self, path: Path) -> Workshop:
        """The same workshop continued in another copy of the file."""
        other = object.__new__(Workshop)
        other.__dict__.update(self.__dict__)
        other.store, other.path, other.copies = Store.open(path), path, []
        return other

    def voters(self) -> list[voting.Voter]:
        with self.store.db() as db:
            from sqlmodel import select

            from coworkshop.core.models import Device

            devices = db.exec(select(Device).order_by(Device.id)).all()  # type: ignore[arg-type]
        return [voting.Voter(d.participant_id, d.stakeholder_group, d.id) for d in devices]

    def run(self, script: list[tuple[Any, ...]], folder: Path, tag: str) -> None:
        s = self.store
        for step in script:
            kind = step[0]
            people = self.voters()
            with unit(s) as db:
                cards = canvas.cards(db, self.canvas) + canvas.cards(db, self.canvas, deleted=True)
            try:
                if kind == "join":
                    voting.join(s, self.session, step[1], name=f"P{len(people)}")
                elif kind == "card":
                    links = {"how": "change", "what": "how"}
                    target = [c for c in cards if c.column == links.get(step[1], "-")
                              and c.deleted_at is None]
                    link = target[0].id if target else None
                    with unit(s) as db:
                        canvas.add_card(db, self.canvas, step[1], step[2], link_id=link)
                elif kind == "revise" and cards:
                    with unit(s) as db:
                        canvas.revise_card(db, cards[step[1] % len(cards)].id, step[2], group="B")
                elif kind == "delete" and cards:
                    with unit(s) as db:
                        canvas.delete_card(db, cards[step[1] % len(cards)].id)
                elif kind == "restore" and cards:
                    with unit(s) as db:
                        canvas.restore_card(db, cards[step[1] % len(cards)].id)
                elif kind == "vote" and people:
                    voting.cast_ballot(s, self.polls["pick"], people[step[1] % len(people)],
                                       step[2])
                elif kind == "rate" and people:
                    voting.cast_ballot(s, self.polls["rate"], people[step[1] % len(people)],
                                       {"0": step[2]})
                elif kind == "tally":
                    voting.set_tally(s, self.polls["pick"], step[1], step[2])
                elif kind == "ask" and people:
                    voting.qa_submit(s, self.polls["ask"], people[step[1] % len(people)], step[2])
                elif kind == "upvote" and people:
                    items = voting.qa_items(s, self.polls["ask"].id, include_hidden=True)
                    if items:
                        voting.qa_upvote(s, items[step[2] % len(items)].id,
                                         people[step[1] % len(people)], up=step[3])
                elif kind == "copy":
                    target = folder / f"{tag}-copy{len(self.copies)}.cws"
                    self.copies.append(copy_of(s, target))
            except UserError:
                pass  # the rules refused it (a third CHANGE, a deleted card...): fine

    def close(self) -> Path:
        self.store.close()
        con = sqlite3.connect(self.path)
        con.execute("PRAGMA journal_mode=DELETE")
        con.close()
        return self.path


def reading(path: Path, session_id: str) -> dict[str, Any]:
    """What a coordinator reads of a session: its polls' results, its canvas."""
    store = Store.open(path)
    try:
        out: dict[str, Any] = {}
        for poll in voting.polls(store, session_id):
            res = voting.results(store, poll.id)
            out[poll.ref] = json.dumps(dataclasses.asdict(res), sort_keys=True, default=str)
        with unit(store) as db:
            acts = sessions.activities(db, session_id)
        for act in acts:
            if act.kind != "canvas" or canvas.is_grid(act):
                continue
            with unit(store) as db:
                p = canvas.pathways(db, act.id)
                history = [r.text for c in canvas.cards(db, act.id)
                           for r in canvas.history(db, c.id)]
            out[act.key] = (
                [(w.change.id, w.change.text,
                  [(st_.how.id, st_.how.text, [x.text for x in st_.whats]) for st_ in w.steps])
                 for w in p.pathways],
                sorted(c.id for c in p.unlinked_how + p.unlinked_what),
                history,
            )
        return out
    finally:
        store.close()


def digests(path: Path) -> dict[str, set[str]]:
    """Every row of every data table, by table, as a digest; plus the kept versions."""
    con = ro(path)
    try:
        out: dict[str, set[str]] = {}
        for name in tables(con):
            if name in PROVENANCE:
                continue
            cur = con.execute(f'SELECT * FROM "{name}"')
            cols = [d[0] for d in cur.description]
            out[name] = {_digest(dict(zip(cols, r, strict=True))) for r in cur}
        if "merge_conflict" in tables(con):
            for table, raw in con.execute("SELECT table_name, version FROM merge_conflict"):
                out.setdefault(table, set()).add(_digest(json.loads(raw)))
        return out
    finally:
        con.close()


def _digest(row: dict[str, Any]) -> str:
    text = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def assert_lossless(inputs: list[Path], merged: Path) -> None:
    kept = digests(merged)
    for path in inputs:
        for table, rows in digests(path).items():
            missing = rows - kept.get(table, set())
            assert not missing, f"{path.name}: {len(missing)} rows of {table} lost"


@contextmanager
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="cws-prop-") as name:
        yield Path(name)


@SETTINGS
@given(first=SCRIPT, second=SCRIPT, order=st.randoms(use_true_random=False))
def test_copies_of_workshops_merge_losslessly_in_any_order(first, second, order) -> None:  # type: ignore[no-untyped-def]
    with folder() as tmp:
        a = Workshop(tmp / "sofia.cws")
        a.run(with_copy(first), tmp, "sofia")
        sofia_id = a.session.id
        final_a = a.close()
        b = Workshop(tmp / "helsinki.cws")
        b.run(with_copy(second), tmp, "helsinki")
        helsinki_id = b.session.id
        final_b = b.close()
        inputs = [*a.copies, final_a, *b.copies, final_b]

        one = tmp / "one.cws"
        first_report = merge_files(inputs, one)
        totals = first_report.totals()
        event(f"{len(inputs)} inputs")
        event("some record updated by a later copy" if totals["updated"] else "no updates")
        event("ballots merged" if totals["ballots"] else "no ballots")
        assert_lossless(inputs, one)
        # a session reads the same in the merged file as in its latest copy
        assert reading(one, sofia_id) == reading(final_a, sofia_id)
        assert reading(one, helsinki_id) == reading(final_b, helsinki_id)

        shuffled = list(inputs)
        order.shuffle(shuffled)
        two = tmp / "two.cws"
        for path in shuffled:  # one at a time, into the same file
            merge_files([path], two, into=two.exists())
        assert content(two) == content(one)

        again = merge_files(inputs, two, into=True)  # idempotent
        assert content(two) == content(one)
        assert again.totals()["conflicts"] == 0
        assert sum(again.totals()[k] for k in ("sessions", "participants", "ballots",
                                               "tallies", "cards", "other")) == 0

        mixed = tmp / "mixed.cws"  # a merged file merged with one of its sources
        merge_files([final_b, one, *a.copies], mixed)
        assert content(mixed) == content(one)


@SETTINGS
@given(base=SCRIPT, here=SCRIPT, there=SCRIPT)
def test_two_laptops_changing_one_session_keep_everything_whatever_the_order(
    base, here, there
) -> None:  # type: ignore[no-untyped-def]
    with folder() as tmp:
        a = Workshop(tmp / "laptop-a.cws")
        a.run(base, tmp, "base")
        a.store.close()
        shutil.copyfile(a.path, tmp / "laptop-b.cws")  # closed: no -wal to carry
        a.store = Store.open(a.path)
        b = a.reopen(tmp / "laptop-b.cws")
        a.copies = []
        a.run(here, tmp, "a")
        b.run(there, tmp, "b")
        inputs = [a.close(), b.close(), *a.copies, *b.copies]

        ab, ba = tmp / "ab.cws", tmp / "ba.cws"
        report = merge_files(inputs, ab)
        merge_files(list(reversed(inputs)), ba)
        assert content(ab) == content(ba)
        assert_lossless(inputs, ab)
        merge_files(inputs, ba, into=True)
        assert content(ba) == content(ab)
        # every conflict listed is a record with a version kept aside
        con = ro(ab)
        kept = set(con.execute("SELECT table_name, row_id FROM merge_conflict"))
        con.close()
        assert {(c.table, c.row_id) for c in report.conflicts} <= kept
        event("conflicts" if report.conflicts else "no conflict")
        event("a clash of live rows" if any(c.table in ("ballot", "qavote", "tally")
                                            for c in report.conflicts) else "no clash")
