"""Results of a poll against a bare SQL GROUP BY over the same ballots.

Fills a session file with N live ballots (plus 10% replaced ones) on a single
choice question and on a question rating 8 statements, then times
``polls.results`` (the whole thing: the poll, the session's groups, the counts
by key, tallies, percentages) against the bare query
``SELECT statement_key, value, count(*) ... GROUP BY statement_key, value``
(live ballots) that any report would need at least; SQLite picks its best
index for each. Issue 8 asks for results within 3x of that at 100k ballots.

    .venv/bin/python benchmarks/results_groupby.py            # 10k and 100k
    .venv/bin/python benchmarks/results_groupby.py --ballots 100000
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from coworkshop.core import polls as voting
from coworkshop.core import sessions, sql, templates
from coworkshop.core.models import id_stream, utcnow
from coworkshop.core.store import Store

# the tests' one builder of templates
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from helpers.templates import poll as poll_activity  # noqa: E402
from helpers.templates import question, template_toml  # noqa: E402

TEMPLATE = template_toml(
    poll_activity(
        "poll",
        "Poll",
        question("pick", "single", "Pick one", options=["A", "B", "C", "D", "E"]),
        question("rate", "scale_statements", "Rate", scale="likert-5",
                 statements=[f"s{i}" for i in range(1, 9)]),
    ),
    name="bench",
    title="Results benchmark",
    groups=[
        {"key": "policy", "label": "Policy"},
        {"key": "industry", "label": "Industry"},
        {"key": "education", "label": "Education"},
    ],
)
GROUPS = ["policy", "industry", "education"]


def fill(store: Store, poll: voting.PollInfo, ballots: int, rng: random.Random) -> None:
    """Write ``ballots`` live rows (and 10% replaced ones) the way the writer does."""
    ids = id_stream()
    now = sql.db_time(utcnow())
    statements = list(poll.statement_keys or ("",))
    people = max(1, ballots // len(statements))
    rows: list[list[Any]] = []
    for p in range(people):
        pid, group = f"{poll.session_id}-{p}", GROUPS[p % len(GROUPS)]
        for s in statements:
            for live in (False, True) if rng.random() < 0.1 else (True,):
                bid = next(ids)
                rows.append(
                    sql.ballot_row(
                        id=bid, session_id=poll.session_id, created_at=now, updated_at=now,
                        poll_id=poll.id, activity_id=poll.activity_id,
                        question_key=poll.question.key, statement_key=s,
                        value=json.dumps(rng.choice(poll.choice_keys)), participant_id=pid,
                        stakeholder_group=group, device_id="",
                        replaced_by=None if live else "later",
                    )
                )
    raw = store.engine.raw_connection()
    try:
        cur = raw.cursor()
        width = sql.BALLOT_WIDTH
        for chunk in sql.chunks(rows, sql.MAX_PARAMS // width):
            cur.execute(sql.insert_ballots(len(chunk)), [x for r in chunk for x in r])
        raw.commit()
    finally:
        raw.close()


def timed(fn: Any, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def measure(ballots: int, runs: int) -> list[dict[str, Any]]:
    rng = random.Random(7)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "bench.cws")
        with store.unit() as db:
            session = sessions.create_session(
                db, templates.parse_text(TEMPLATE), sessions.SessionDetails(title="Bench")
            )
        for poll in voting.polls(store, session.id):
            fill(store, poll, ballots, rng)
        store.engine.dispose()
        for poll in voting.polls(store, session.id):

            def bare(poll_id: str = poll.id) -> None:
                with store.engine.connect() as conn:
                    conn.exec_driver_sql(
                        "SELECT statement_key, value, count(*) FROM ballot WHERE poll_id = ? "
                        "AND replaced_by IS NULL AND deleted_at IS NULL "
                        "GROUP BY statement_key, value",
                        (poll_id,),
                    ).all()

            def full(poll_id: str = poll.id) -> None:
                voting.results(store, poll_id)

            bare(), full()  # warm the cache
            res = voting.results(store, poll.id)
            assert res.ballots == max(1, ballots // len(poll.statement_keys or ("",)))
            t_bare, t_full = timed(bare, runs), timed(full, runs)
            out.append({
                "ballots": ballots, "question": poll.type, "bare_group_by_ms": round(t_bare, 2),
                "results_ms": round(t_full, 2), "ratio": round(t_full / t_bare, 2),
            })
        store.close()
    return out


def measure_across(n_sessions: int, ballots: int, runs: int) -> list[dict[str, Any]]:
    """One question over ``n_sessions`` sessions of one file (a merged file):
    ``results_across`` and one results per session, against one bare GROUP BY."""
    rng = random.Random(7)
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.create(Path(tmp) / "merged.cws")
        plan = templates.parse_text(TEMPLATE)
        for i in range(n_sessions):
            with store.unit() as db:
                session = sessions.create_session(
                    db, plan, sessions.SessionDetails(title=f"Workshop {i}"))
            for poll in voting.polls(store, session.id):
                fill(store, poll, ballots // n_sessions, rng)
        store.engine.dispose()
        for key in ("pick", "rate"):
            found = voting.question_polls(store, "poll", key)
            assert len(found) == n_sessions

            def bare(key: str = key) -> None:
                with store.engine.connect() as conn:
                    conn.exec_driver_sql(
                        "SELECT statement_key, value, count(*) FROM ballot WHERE poll_id IN "
                        "(SELECT id FROM poll WHERE question_key = ?) "
                        "AND replaced_by IS NULL AND deleted_at IS NULL "
                        "GROUP BY statement_key, value", (key,)).all()

            def across(key: str = key) -> None:
                voting.results_across(store, "poll", key)

            def each(found: list[voting.PollInfo] = found) -> None:
                for p in found:
                    voting.results(store, p.id)

            bare(), across()
            res = voting.results_across(store, "poll", key)
            assert res is not None and res.ballots == sum(
                voting.results(store, p.id).ballots for p in found)
            t_bare, t_across, t_each = timed(bare, runs), timed(across, runs), timed(each, 3)
            out.append({"sessions": n_sessions, "ballots": ballots, "question": found[0].type,
                        "bare_ms": round(t_bare, 1), "across_ms": round(t_across, 1),
                        "each_ms": round(t_each, 1), "ratio": round(t_across / t_bare, 2),
                        "each_ratio": round(t_each / t_bare, 1)})
        store.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--ballots", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--across", type=int, default=100,
                        help="sessions in the merged file of the cross-session case (0: skip)")
    args = parser.parse_args()
    if args.across:
        rows_across = [r for n in args.ballots for r in measure_across(args.across, n, args.runs)]
        print("| sessions | live ballots | question | bare GROUP BY | results_across() "
              "| ratio | one results() per session | ratio |")
        print("| --- | --- | --- | --- | --- | --- | --- | --- |")
        for r in rows_across:
            print(f"| {r['sessions']} | {r['ballots']:,} | {r['question']} | {r['bare_ms']} ms "
                  f"| {r['across_ms']} ms | {r['ratio']}x | {r['each_ms']} ms "
                  f"| {r['each_ratio']}x |")
        print()
    rows = [row for n in args.ballots for row in measure(n, args.runs)]
    print("| live ballots | question | bare GROUP BY | results() | ratio |")
    print("| --- | --- | --- | --- | --- |")
    for r in rows:
        print(f"| {r['ballots']:,} | {r['question']} | {r['bare_group_by_ms']} ms "
              f"| {r['results_ms']} ms | {r['ratio']}x |")
    print(f"\nmachine: {platform.machine()}, Python {platform.python_version()}")


if __name__ == "__main__":
    main()
