"""Live voting inside the app against `coworkshop serve`, in one run.

The same phones as ``benchmarks/voting_load.py`` (each joins, keeps a live
connection, and answers each of the polls the facilitator opens one after
another) vote against two servers on the same kind of file, alternately:

- ``serve``: ``coworkshop serve`` in its own process;
- ``app``: the real Textual app in its own process (headless,
  ``App.run_test()``, 120x40), on the session screen with the poll activity
  showing the question that rates 8 statements, live voting started with
  ``w`` as a facilitator would; the participants' server runs in a child
  process the app starts (``server/process.py``); its CPU is counted with the app's.

In both cases the facilitator opens the polls from this process by writing
the file (the server notices within a quarter of a second), so the phones'
side is identical. Reports ack p95/p99 of each and the ratio app/serve.

    .venv/bin/python benchmarks/voting_app.py --phones 300 --think 5 [--results]

``VOTING_APP_PROFILE=FILE`` writes a cProfile of the app's process to FILE.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import voting_load  # noqa: E402


def start_app(path: Path, workdir: Path) -> tuple[subprocess.Popen[str], str, str]:
    """The real app on ``path`` in its own process, voting started."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=open(workdir / "app.err", "w"),
        text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stdout is not None
    line = proc.stdout.readline()
    found = re.match(r"(http://127\.0\.0\.1:\d+) (\d+)", line)
    if not found:
        proc.kill()
        raise SystemExit(f"app did not start: {line!r} {(workdir / 'app.err').read_text()}")
    return proc, found.group(1), found.group(2)


async def child(path: Path) -> None:
    """(app process) Open the file, the poll, start live voting; wait for stdin to close."""
    from coworkshop.tui.app import build_app
    from coworkshop.tui.polls.poll_view import PollView
    from coworkshop.tui.session.session import SessionScreen

    empty = path.parent / "templates"
    empty.mkdir(exist_ok=True)
    app = build_app(sessions_dir=path.parent, templates_dir=empty, session_file=path)
    async with app.run_test(size=(120, 40)) as pilot:
        async def until(cond: Any) -> None:
            for _ in range(500):
                if cond():
                    return
                await pilot.pause(0.02)
            raise SystemExit("timed out")

        await until(lambda: isinstance(app.screen, SessionScreen)
                    and app.screen.session is not None)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        agenda = screen.agenda
        await until(lambda: bool(agenda.activities))
        agenda.highlighted = next(i for i, a in enumerate(agenda.activities) if a.kind == "poll")
        await pilot.pause()
        agenda.action_enter_activity()
        await until(lambda: bool(screen.query(PollView)) and bool(screen.query_one(PollView).polls))
        view = screen.query_one(PollView)
        while view.current is not None and view.current.type != "scale_statements":
            await pilot.press("down")
            await pilot.pause(0.05)
        assert screen.live is not None
        screen.live.host, screen.live.port = "127.0.0.1", 0
        await pilot.press("w")  # live voting
        await until(lambda: screen.live is not None and screen.live.running)
        await pilot.pause(0.2)
        await pilot.press("escape")  # back to the poll view
        await pilot.pause(0.2)
        print(screen.live.base_url(), screen.live.code, flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # the benchmark closes stdin (SIGTERM)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--polls", type=int, default=5)
    parser.add_argument("--think", type=float, default=5.0)
    parser.add_argument("--results", action="store_true")
    parser.add_argument("--change", type=float, default=0.2)
    parser.add_argument("--pairs", type=int, default=1, help="serve/app pairs, alternating")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.child:
        if os.environ.get("VOTING_APP_PROBE"):  # a debugging hook: a file to exec first
            exec(Path(os.environ["VOTING_APP_PROBE"]).read_text(), {"__name__": "probe"})
        profile = os.environ.get("VOTING_APP_PROFILE")
        if not profile:
            asyncio.run(child(args.child))
            return
        import cProfile  # the app process's own profile, written when it ends

        with cProfile.Profile() as prof:
            asyncio.run(child(args.child))
        prof.dump_stats(profile)
        return
    rows: dict[str, list[dict[str, Any]]] = {"serve": [], "app": []}
    for _ in range(args.pairs):
        for name, start in (("serve", voting_load.start_serve), ("app", start_app)):
            result = asyncio.run(voting_load.run(args, start))
            rows[name].append(result)
            print(name, json.dumps({k: result[k] for k in (
                "ballots_acknowledged", "ack_ms_p50", "ack_ms_p95", "ack_ms_p99", "ack_ms_max",
                "follow_ms_p99", "join_ms_p99", "server_cpu_s", "errors", "lost")}),
                file=sys.stderr, flush=True)
    summary: dict[str, Any] = {"phones": args.phones, "think_s": args.think,
                               "results_shown": args.results, "pairs": args.pairs,
                               "machine": f"{os.cpu_count()} cores, Python "
                                          f"{platform.python_version()}"}
    for key in ("ack_ms_p50", "ack_ms_p95", "ack_ms_p99", "server_cpu_s", "follow_ms_p99"):
        s = statistics.median(r[key] for r in rows["serve"])
        a = statistics.median(r[key] for r in rows["app"])
        summary[key] = {"serve": s, "app": a, "ratio": round(a / s, 2) if s else None}
    summary["lost"] = sum(r["lost"] for rs in rows.values() for r in rs)
    summary["errors"] = sum(r["errors"] for rs in rows.values() for r in rs)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
