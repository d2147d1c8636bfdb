"""The consolidated report of a merged-size file: HTML and JSON under 5 s?

Builds one file holding N sessions (default 100) of P participants (50) who
each answer Q polls (30): 150,000 ballots, the size of the merge benchmark's
merged file. The questions mix the kinds a workshop asks: relevance scales
(a third of them over 8 cross-points, one ballot per statement), single and
multiple choice, rankings and open text. Sessions are made through the core
(template, agenda, frozen definitions); participants and ballots are written
with bulk inserts.

Then each format is produced in a fresh subprocess, the way a user runs it
(``coworkshop report FILE -f FMT -o OUT``): wall time and the child's peak RSS.

    python benchmarks/report.py [--sessions 100] [--participants 50] [--polls 30]
"""

from __future__ import annotations

import argparse
import inspect
import json
import platform
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

TEMPLATE = """
[template]
name = "bench-report"
title = "Report benchmark"

[[stakeholder_groups]]
key = "policy"
label = "Policy makers"

[[stakeholder_groups]]
key = "industry"
label = "Industry"

[[stakeholder_groups]]
key = "education"
label = "Education providers"

[[stakeholder_groups]]
key = "intermediary"
label = "Intermediary organisations"

[scales.relevance]
label = "Relevance"
points = ["To a great extent", "To some extent", "Does not respond at all"]
agree = ["To a great extent", "To some extent"]
disagree = ["Does not respond at all"]

{crosspoints}

[[agenda]]
key = "votes"
kind = "poll"
title = "Votes"
{questions}
"""

GROUPS = ("policy", "industry", "education", "intermediary")
COUNTRIES = ("Finland", "Bulgaria", "Spain", "Italy", "EU")
SECTORS = ("energy", "agri-food", "automotive")


def _questions(polls: int) -> str:
    out = []
    for i in range(polls):
        kind = ("scale_statements", "scale", "single", "multiple", "ranking", "open")[i % 6]
        q = f'\n[[agenda.questions]]\nkey = "q{i}"\ntype = "{kind}"\ntext = "Question {i}"\n'
        if kind == "scale_statements":
            q += 'scale = "relevance"\nstatements_from = "crosspoints"\n'
        elif kind == "scale":
            q += 'scale = "relevance"\n'
        elif kind in ("single", "multiple", "ranking"):
            q += 'options = ["Funding", "Recognition", "Quality", "Access", "Guidance"]\n'
            if kind == "multiple":
                q += "max_choices = 3\n"
        out.append(q)
    return "".join(out)


def _crosspoints(n: int = 8) -> str:
    return "".join(
        f'\n[[crosspoints]]\nkey = "cp{i}"\ntitle = "Cross-point {i}"\nvision = "Vision {i}"\n'
        f'need = "Need {i}"\n'
        for i in range(1, n + 1)
    )


def build(path: Path, sessions_n: int, participants: int, polls: int, seed: int = 7) -> int:
    """The merged-size file; returns the number of ballot rows."""
    from coworkshop.core import sessions, templates
    from coworkshop.core.models import id_stream
    from coworkshop.core.store import Store

    rng = random.Random(seed)
    text = TEMPLATE.format(crosspoints=_crosspoints(), questions=_questions(polls))
    tpl = templates.parse_text(text, "bench-report.toml")
    store = Store.create(path)
    made = []
    for s in range(sessions_n):
        details = sessions.SessionDetails(
            title=f"Workshop {s + 1}", date=f"2025-{1 + s % 12:02d}-{1 + s % 28:02d}",
            place=f"Town {s + 1}", country=COUNTRIES[s % len(COUNTRIES)],
            sector=SECTORS[s % len(SECTORS)],
        )
        if next(iter(inspect.signature(sessions.create_session).parameters)) == "db":
            with store.unit() as db:  # type: ignore[attr-defined]  # one unit of work
                made.append(sessions.create_session(db, tpl, details, text).id)
        else:
            made.append(sessions.create_session(store, tpl, details, text).id)
    store.close()

    con = sqlite3.connect(path)
    ids = id_stream()
    now = "2025-06-01 10:00:00.000000"
    polls_of: dict[str, list[tuple[str, str, dict]]] = {}
    for pid, sid, aid, definition in con.execute(
        "SELECT p.id, p.session_id, p.activity_id, p.definition FROM poll p"
    ):
        polls_of.setdefault(sid, []).append((pid, aid, json.loads(definition)))
    ballots = 0
    for sid in made:
        people = [(next(ids), GROUPS[rng.randrange(len(GROUPS))]) for _ in range(participants)]
        con.executemany(
            "INSERT INTO participant (id, session_id, created_at, updated_at, name, "
            "stakeholder_group, organisation, country, breakout_group) "
            "VALUES (?, ?, ?, ?, '', ?, '', '', '')",
            [(p, sid, now, now, g) for p, g in people],
        )
        rows = []
        for pid, aid, d in polls_of[sid]:
            options = [o["key"] for o in d.get("options", [])]
            points = [p["key"] for p in (d.get("scale") or {}).get("points", [])]
            statements = [s["key"] for s in d.get("statements", [])]
            for person, group in people:
                # a third of the rooms lean to agreement, the rest are split
                lean = 0.8 if hash(sid) % 3 == 0 else 0.5
                kind = d["type"]
                if kind == "scale_statements":
                    st = statements[rng.randrange(len(statements))]
                    value: object = points[0 if rng.random() < lean else rng.randrange(3)]
                elif kind == "scale":
                    st, value = "", points[0 if rng.random() < lean else rng.randrange(3)]
                elif kind == "single":
                    st, value = "", options[rng.randrange(len(options))]
                elif kind == "multiple":
                    st, value = "", sorted(rng.sample(options, 2), key=options.index)
                elif kind == "ranking":
                    st, value = "", rng.sample(options, len(options))
                else:
                    st, value = "", rng.choice(["More funding", "more funding ", "Recognition"])
                rows.append((next(ids), sid, now, now, pid, aid, d["key"], st,
                             json.dumps(value), person, group, "", None))
        con.executemany(
            "INSERT INTO ballot (id, session_id, created_at, updated_at, poll_id, activity_id, "
            "question_key, statement_key, value, participant_id, stakeholder_group, device_id, "
            "replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        ballots += len(rows)
    con.commit()
    con.execute("PRAGMA journal_mode=DELETE")  # one complete file, as the app leaves it
    con.close()
    return ballots


def run_report(path: Path, fmt: str, out: Path) -> tuple[float, float]:
    """Seconds and peak RSS (MiB) of ``coworkshop report`` in a fresh process."""
    code = (
        "import sys, resource, time\n"
        "t = time.perf_counter()\n"
        "from coworkshop.cli import main\n"
        f"sys.argv = ['coworkshop', 'report', {str(path)!r}, '-f', {fmt!r}, '-o', {str(out)!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    )
    start = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"PYTHONPATH": str(REPO / "src"), "PATH": "/usr/bin:/bin"})
    wall = time.perf_counter() - start
    if res.returncode:
        raise SystemExit(res.stderr)
    _inner, rss_kib = res.stdout.split()
    return wall, int(rss_kib) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--participants", type=int, default=50)
    ap.add_argument("--polls", type=int, default=30)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "merged.cws"
        t = time.perf_counter()
        ballots = build(path, args.sessions, args.participants, args.polls)
        print(f"built {path.name}: {args.sessions} sessions, {ballots:,} ballots, "
              f"{path.stat().st_size / 2**20:.1f} MiB in {time.perf_counter() - t:.1f} s")
        print(f"python {platform.python_version()}, {platform.machine()}, "
              f"self peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
        print("| format | seconds (wall, fresh process) | peak RSS | output |")
        print("| --- | --- | --- | --- |")
        for fmt in ("html", "json", "md", "csv"):
            out = folder / f"report.{fmt}"
            wall, rss = run_report(path, fmt, out)
            print(f"| {fmt} | {wall:.2f} | {rss:.0f} MiB | {out.stat().st_size / 1024:.0f} KiB |")


if __name__ == "__main__":
    main()
