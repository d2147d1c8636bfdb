"""Merging many workshops' files: ``coworkshop merge`` against a bare SQLite copy.

Builds N session files (default 100) of P participants (50) who each answer Q
single-choice polls (30): 150,000 ballots. The first file's session is made
through the core (template, agenda, questions); the others copy it with new
ids, then participants and ballots are written with bulk inserts (the ORM is
too slow for 150,000 rows and not what is measured).

Then, in one run, on the same files:

* ``merge``: ``coworkshop merge FILES -o OUT`` in a subprocess, the path a user
  takes (interpreter start, imports, checks of every input, the merge, the
  atomic move into place). Wall time and the child's peak RSS.
* ``baseline``: a bare ``sqlite3`` copy of the same rows into an empty file
  with the same schema: ``ATTACH`` each file, ``INSERT INTO t SELECT * FROM
  src.t`` for every table, one transaction per file, the same PRAGMAs as the
  merge (``journal_mode=MEMORY``, ``synchronous=OFF``), in this process.

    python benchmarks/merge_report.py [--files 100] [--participants 50] [--polls 30] [--runs 3]

The report is a list of steps (:data:`STEPS`): to time another command over
the same files (a consolidated report, say), add a function that takes the
:class:`Bench` and returns a :class:`Timing`, and list it there.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

TEMPLATE = """
[template]
name = "bench"
title = "Merge benchmark"
language = "en"

[[stakeholder_groups]]
key = "policy"
label = "Policy makers"

[[stakeholder_groups]]
key = "industry"
label = "Industry"

[[stakeholder_groups]]
key = "education"
label = "Education providers"

[[agenda]]
key = "votes"
kind = "poll"
title = "Votes"
"""

GROUPS = ("policy", "industry", "education")
COUNTRIES = ("Finland", "Bulgaria", "Spain", "Italy", "EU")


@dataclass
class Timing:
    label: str
    seconds: float
    peak_rss_mib: float | None = None
    note: str = ""


@dataclass
class Bench:
    folder: Path
    files: list[Path]
    rows: int  # rows in all files (all tables but meta)
    ballots: int
    results: list[Timing] = field(default_factory=list)


def _db_time(offset: float = 0.0) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(time.time() + offset, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def build_base(path: Path, polls: int) -> None:
    """One session with ``polls`` open single-choice questions, made by the core."""
    from coworkshop.core import polls as voting
    from coworkshop.core import sessions, templates
    from coworkshop.core.store import Store

    questions = "".join(
        f'\n[[agenda.questions]]\nkey = "q{i}"\ntype = "single"\ntext = "Question {i}"\n'
        'options = ["yes", "rather yes", "rather no", "no"]\n'
        for i in range(polls)
    )
    tpl = templates.parse_text(TEMPLATE + questions, "bench.toml")
    store = Store.create(path)
    with store.unit() as db:
        session = sessions.create_session(db, tpl, sessions.SessionDetails(title="Workshop 0"))
    with store.unit() as db:
        for p in voting.polls(store, session.id):
            voting.open_poll(db, p.id)
    store.close()


def build_files(folder: Path, n: int, participants: int, polls: int) -> Bench:
    from coworkshop.core import sql
    from coworkshop.core.models import id_stream

    ids = id_stream()
    base = folder / "base.tmp"
    build_base(base, polls)
    rng = random.Random(7)
    files: list[Path] = []
    ballots = 0
    for i in range(n):
        path = folder / f"workshop-{i:03d}.cws"
        shutil.copyfile(base, path)
        con = sqlite3.connect(path)
        con.execute("PRAGMA journal_mode=DELETE")
        sid = next(ids)
        country = COUNTRIES[i % len(COUNTRIES)]
        con.execute(
            "UPDATE session SET id = ?, session_id = ?, title = ?, country = ?, place = ?, "
            "date = ?",
            (sid, sid, f"Workshop {i}", country, f"Place {i}", f"2025-{1 + i % 12:02d}-15"),
        )
        acts = {old: next(ids) for (old,) in con.execute("SELECT id FROM activity")}
        for old, new in acts.items():
            con.execute("UPDATE activity SET id = ?, session_id = ? WHERE id = ?", (new, sid, old))
        poll_rows = con.execute("SELECT id, activity_id, question_key FROM poll").fetchall()
        new_polls = []
        for old, act, key in poll_rows:
            new = next(ids)
            con.execute(
                "UPDATE poll SET id = ?, session_id = ?, activity_id = ? WHERE id = ?",
                (new, sid, acts[act], old),
            )
            new_polls.append((new, acts[act], key))
        now = _db_time()
        people = []
        for _ in range(participants):
            people.append((next(ids), sid, now, now, "", rng.choice(GROUPS), "", country, ""))
        con.executemany(
            "INSERT INTO participant (id, session_id, created_at, updated_at, name, "
            "stakeholder_group, organisation, country, breakout_group) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            people,
        )
        choices = {
            pid: [o["key"] for o in json.loads(d)["options"]]
            for pid, d in con.execute("SELECT id, definition FROM poll")
        }
        rows = []
        for poll_id, act, key in new_polls:
            for p in people:
                rows.append(
                    sql.ballot_row(
                        id=next(ids), session_id=sid, created_at=now, updated_at=now,
                        poll_id=poll_id, activity_id=act, question_key=key, statement_key="",
                        value=json.dumps(rng.choice(choices[poll_id])), participant_id=p[0],
                        stakeholder_group=p[5], device_id="", replaced_by=None,
                    )
                )
        con.executemany(sql.insert_ballots(1), rows)
        ballots += len(rows)
        con.execute("DELETE FROM meta WHERE key = 'file_id'")
        con.execute("INSERT INTO meta (key, value) VALUES ('file_id', ?)", (next(ids),))
        con.commit()
        con.close()
        files.append(path)
    base.unlink()
    total = 0
    for path in files:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        total += sum(
            con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in names if t != "meta"
        )
        con.close()
    return Bench(folder, files, total, ballots)


def step_merge(bench: Bench) -> Timing:
    """``coworkshop merge`` as a user runs it."""
    out = bench.folder / "merged.cws"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "coworkshop", "merge", *map(str, bench.files), "-o", str(out),
           "--json"]
    # Popen + wait4 for this child's own peak RSS (RUSAGE_CHILDREN would mix children).
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stderr is not None
    stdout = proc.stdout.read()
    stderr = proc.stderr.read()
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"coworkshop merge failed: {stderr.strip()}")
    report = json.loads(stdout)
    added = report["totals"]
    assert added["ballots"] == bench.ballots, (added["ballots"], bench.ballots)
    return Timing(
        "merge",
        seconds,
        usage.ru_maxrss / 1024,
        f"{report['sessions_in_output']} sessions, {added['ballots']:,} ballots; "
        f"{report['seconds']:.2f} s inside merge_files",
    )


def step_baseline(bench: Bench) -> Timing:
    """A bare SQLite copy of the same rows, in this process."""
    import resource

    out = bench.folder / "baseline.cws"
    out.unlink(missing_ok=True)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    first = sqlite3.connect(f"{bench.files[0].resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    schema = [
        r[0] for r in first.execute(
            "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY type = 'index'"
        )
    ]
    tables = [
        r[0] for r in first.execute("SELECT name FROM sqlite_master WHERE type='table'")
        if r[0] != "meta"
    ]
    first.close()
    con = sqlite3.connect(out.resolve().as_uri(), uri=True, isolation_level=None)
    con.execute("PRAGMA journal_mode=MEMORY")
    con.execute("PRAGMA synchronous=OFF")
    for sql in schema:
        con.execute(sql)
    for path in bench.files:
        con.execute("ATTACH DATABASE ? AS src", (f"{path.resolve().as_uri()}?mode=ro&immutable=1",))
        con.execute("BEGIN")
        for t in tables:
            con.execute(f'INSERT INTO main."{t}" SELECT * FROM src."{t}"')
        con.execute("COMMIT")
        con.execute("DETACH DATABASE src")
    con.close()
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return Timing("baseline", seconds, None, f"process peak RSS {rss / 1024:.0f} MiB "
                  f"(was {rss_before / 1024:.0f} before)")


def _step_report_rss(fmt: str) -> Callable[[Bench], Timing]:
    """Like :func:`_step_report`, with the child's own peak RSS (Popen + wait4)."""

    def step(bench: Bench) -> Timing:
        merged = bench.folder / "merged.cws"
        out = bench.folder / f"report.{fmt}"
        cmd = [sys.executable, "-m", "coworkshop", "report", str(merged), "-f", fmt,
               "-o", str(out)]
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _pid, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"coworkshop report failed: {err.strip()}")
        return Timing(f"report {fmt}", seconds, usage.ru_maxrss / 1024,
                      f"{out.stat().st_size / 1024:.0f} KiB (aim: under 5 s)")

    return step


#: The steps of a run, in order. Add a report's timing here.
STEPS: list[Callable[[Bench], Timing]] = [
    step_baseline, step_merge, _step_report_rss("html"), _step_report_rss("json"),
]


def machine() -> str:
    cores = os.cpu_count()
    try:
        mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
        ram = f"{mem:.0f} GiB RAM"
    except (ValueError, OSError):  # pragma: no cover
        ram = "RAM unknown"
    return (
        f"{cores} cores, {ram}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100)
    parser.add_argument("--participants", type=int, default=50)
    parser.add_argument("--polls", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build the files here and keep them")
    args = parser.parse_args(argv)
    tmp = None
    if args.keep:
        folder = args.keep
        folder.mkdir(parents=True, exist_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="cws-merge-bench-")
        folder = Path(tmp.name)
    try:
        started = time.perf_counter()
        bench = build_files(folder, args.files, args.participants, args.polls)
        print(
            f"built {len(bench.files)} files, {bench.ballots:,} ballots, {bench.rows:,} rows "
            f"in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        for _run in range(args.runs):  # alternate, so machine noise hits every step alike
            for step in STEPS:
                timing = step(bench)
                bench.results.append(timing)
                rss = f", peak RSS {timing.peak_rss_mib:.0f} MiB" if timing.peak_rss_mib else ""
                print(f"{timing.label}: {timing.seconds:.2f} s{rss}  ({timing.note})", flush=True)
        medians = {
            label: statistics.median(t.seconds for t in bench.results if t.label == label)
            for label in dict.fromkeys(t.label for t in bench.results)
        }
        for label, seconds in medians.items():
            print(f"median {label}: {seconds:.2f} s")
        ratio = medians["merge"] / medians["baseline"]
        print(f"merge / baseline (medians of {args.runs} runs): {ratio:.2f}x (aim: within 3x)")
        print(f"machine: {machine()}")
    finally:
        if tmp is not None:
            tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
