"""Opening a big session file against the demo, and listing a folder of 100 files
against a bare ``sqlite3`` loop, in one run.

- Opening: the real command ``coworkshop open FILE`` started in a
  pseudo-terminal (as in ``benchmarks/startup.py``) until the session screen
  shows the session's title; the demo (``coworkshop demo``) and a copy of it
  grown to about 100 MB with ballot rows (what a file merged from many
  workshops weighs), alternately.
- Listing: ``probe.read_info`` on each of 100 files (99 demos and the big
  one), what the home screen and ``coworkshop sessions`` do, against a loop
  that opens each file read-only with ``sqlite3`` and runs the same query.

    .venv/bin/python benchmarks/open_list.py [--runs 7] [--mb 100]
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from startup import sample  # noqa: E402

from coworkshop.core import probe, sql  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
QUERY = """
SELECT s.id, s.title, s.date, s.place, s.country, s.template_name,
  (SELECT count(*) FROM participant p WHERE p.session_id = s.id AND p.deleted_at IS NULL),
  (SELECT count(*) FROM activity a WHERE a.session_id = s.id AND a.deleted_at IS NULL)
FROM session s WHERE s.deleted_at IS NULL ORDER BY s.date, s.title
"""


def grow(path: Path, megabytes: int) -> None:
    """Add replaced ballot rows to ``path`` until it weighs ``megabytes``."""
    con = sqlite3.connect(path)
    sid, poll, act = con.execute("SELECT session_id, id, activity_id FROM poll LIMIT 1").fetchone()
    columns = ", ".join(sql.BALLOT_COLUMNS)
    n = 0
    while path.stat().st_size < megabytes * 1_000_000:
        rows = [sql.ballot_row(
            id=f"{n + i:08d}-0000-7000-8000-{os.urandom(6).hex()}", session_id=sid,
            created_at="2025-06-12 10:00:00.000000", updated_at="2025-06-12 10:00:00.000000",
            poll_id=poll, activity_id=act, question_key="q", statement_key="", value="1",
            participant_id=f"merged-{(n + i) // 8}", stakeholder_group="policy",
            device_id="", replaced_by="later") for i in range(50_000)]
        n += len(rows)
        con.executemany(f"INSERT INTO ballot ({columns}) VALUES ({sql.marks(len(rows[0]))})",
                        rows)
        con.commit()
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()


def sqlite_loop(files: list[Path]) -> list[tuple[object, ...]]:
    out = []
    for f in files:
        con = sqlite3.connect(f"{f.resolve().as_uri()}?mode=ro", uri=True)
        out += con.execute(QUERY).fetchall()
        con.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--mb", type=int, default=100)
    args = parser.parse_args()
    command = shutil.which("coworkshop", path=str(Path(sys.executable).parent))
    assert command is not None, "pip install -e . first"
    env = {**os.environ, "COWORKSHOP_TEMPLATES": str(REPO / "canvases")}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "sessions"
        folder.mkdir()
        demo = folder / "demo.cws"
        subprocess.run([command, "demo", "-o", str(demo)], check=True, capture_output=True,
                       env=env)
        big = folder / "big.cws"
        shutil.copy(demo, big)
        grow(big, args.mb)
        for i in range(98):
            shutil.copy(demo, folder / f"copy{i:02d}.cws")
        files = probe.list_session_files(folder)
        assert len(files) == 100

        marker = [b"green skills"]
        opening: dict[str, list[float]] = {"demo": [], "big": []}
        for name in ("demo", "big"):  # warm the caches
            sample([command, "open", str(folder / f"{name}.cws")], marker)
        for _ in range(args.runs):
            for name in ("demo", "big"):
                opening[name].append(sample([command, "open", str(folder / f"{name}.cws")],
                                            marker))

        listing: dict[str, list[float]] = {"read_info": [], "sqlite3": []}
        for _ in range(args.runs):
            t = time.perf_counter()
            infos = [probe.read_info(f) for f in files]
            listing["read_info"].append(time.perf_counter() - t)
            t = time.perf_counter()
            rows = sqlite_loop(files)
            listing["sqlite3"].append(time.perf_counter() - t)
        assert sum(len(i.sessions) for i in infos) == len(rows) == 100
        size = big.stat().st_size / 1e6

    med = {k: statistics.median(v) for k, v in (opening | listing).items()}
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, {args.runs} runs each")
    print(f"open demo ({demo.name})      : {med['demo'] * 1000:7.1f} ms")
    print(f"open big file ({size:.0f} MB)  : {med['big'] * 1000:7.1f} ms")
    print(f"ratio big/demo          : {med['big'] / med['demo']:.2f}x")
    print(f"list 100 files read_info: {med['read_info'] * 1000:7.1f} ms")
    print(f"list 100 files sqlite3  : {med['sqlite3'] * 1000:7.1f} ms")
    print(f"ratio                   : {med['read_info'] / med['sqlite3']:.2f}x")


if __name__ == "__main__":
    main()
