"""Load benchmark of live voting: N simulated phones against `coworkshop serve`.

Every phone joins with the code, keeps a live connection (server-sent events)
and, each time the facilitator opens the next poll, casts one ballot after a
short "thinking" pause (some phones then change their answer). The facilitator
is this script, writing to the session file from another process, exactly as
the facilitator's app would; the server notices and tells the phones.

Reports ballots per second, the time from request to acknowledgement (p50,
p99, max), how long phones took to see a newly opened poll, the server's
memory, and checks that every acknowledged ballot is in the file.

    .venv/bin/python benchmarks/voting_load.py                 # 300 phones
    .venv/bin/python benchmarks/voting_load.py --phones 50 --think 0   # burst

The server is whatever ``python -m coworkshop`` imports, so an older version
can be measured with the same phones: ``PYTHONPATH=/tmp/old/src`` after
``git archive OLD src | tar -x -C /tmp/old``.

Only loopback is used.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from coworkshop.core import polls as voting
from coworkshop.core import sessions, templates
from coworkshop.core.store import Store
from coworkshop.server.room import pseudonym

# the tests' one builder of templates
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from helpers.templates import RELEVANCE, poll, question, template_toml  # noqa: E402

CODE = "246810"
TEMPLATE = template_toml(
    poll(
        "load",
        "Load",
        question("stage", "single", "Where do you stand?",
                 options=["Not started", "Exploring", "Piloting", "Routine", "Not sure"]),
        question("visions", "scale_statements", "Rate each vision", scale="relevance",
                 statements=[f"v{i}" for i in range(1, 9)]),
        question("first", "multiple", "Which three first?",
                 options=[f"v{i}" for i in range(1, 9)], max_choices=3),
        question("word", "wordcloud", "One word", max_length=40),
        question("order", "ranking", "Rank", options=["a", "b", "c", "d"]),
    ),
    name="load",
    title="Load test",
    groups=[
        {"key": "policy", "label": "Policy makers"},
        {"key": "industry", "label": "Industry"},
        {"key": "education", "label": "Education"},
        {"key": "intermediary", "label": "Intermediaries"},
    ],
    scales={"relevance": RELEVANCE},
)
GROUPS = ["policy", "industry", "education", "intermediary"]


class Connection:
    """A phone's own keep-alive HTTP/1.1 connection, for its ballots.

    Written by hand rather than with aiohttp's client because 300 phones
    share this one process (and one core): aiohttp's client costs about
    0.4 ms of CPU per request, so in a burst the last phones' requests waited
    in this process, not in the server (a server answering at once still
    measured a p99 of 130-220 ms). A real phone has its own CPU.
    """

    def __init__(self, url: str, local: str = "") -> None:
        host, _, port = url.removeprefix("http://").partition(":")
        self.host, self.port, self.local = host, int(port), local
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: Any, token: str) -> tuple[int, dict[str, str], Any]:
        """Status, headers (lower case) and JSON body of a POST."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port, local_addr=(self.local, 0) if self.local else None)
        assert self.reader is not None
        data = json.dumps(body).encode()
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
        try:
            status = int((await self.reader.readline()).split()[1])
            headers: dict[str, str] = {}
            for _ in range(100):  # bounded: a response has a few headers
                line = (await self.reader.readline()).decode("latin-1").rstrip("\r\n")
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.lower()] = value.strip()
            payload = await self.reader.readexactly(int(headers["content-length"]))
        except (IndexError, KeyError, ValueError, asyncio.IncompleteReadError) as exc:
            self.close()
            raise aiohttp.ClientError(f"bad response: {exc!r}") from exc
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, json.loads(payload)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


#: Phones per loopback address: the server lets one address hold only a few
#: dozen connections (and joins), as on a real network where every phone has
#: its own address; the phones here come from 127.0.x.y (all of 127/8 is
#: loopback on Linux).
PER_ADDRESS = 20


@dataclass
class Phone:
    n: int
    token: str = ""
    participant: str = ""
    seen: dict[str, float] = field(default_factory=dict)  # poll id -> when it showed up
    acked: dict[str, Any] = field(default_factory=dict)  # poll id -> last acknowledged value
    shown: dict[str, asyncio.Event] = field(default_factory=dict)  # poll id -> it showed up
    conn: Connection | None = None

    def showed(self, poll_id: str) -> asyncio.Event:
        return self.shown.setdefault(poll_id, asyncio.Event())

    @property
    def address(self) -> str:
        k = self.n // PER_ADDRESS
        return f"127.0.{1 + k // 250}.{1 + k % 250}"


@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    join_latencies: list[float] = field(default_factory=list)
    follow: list[float] = field(default_factory=list)
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    ballots: int = 0
    pushes: int = 0  # states received on the phones' live connections


def value_for(poll: voting.PollInfo, rng: random.Random) -> Any:
    n = len(poll.choices)
    if poll.type in ("single", "scale"):
        return rng.randrange(n)
    if poll.type == "multiple":
        return sorted(rng.sample(range(n), rng.randint(1, poll.question.max_choices or n)))
    if poll.type == "ranking":
        order = list(range(n))
        rng.shuffle(order)
        return order
    if poll.type == "scale_statements":
        return {str(s): rng.randrange(n) for s in range(len(poll.statements))}
    return rng.choice(["trust", "skills", "quality", "Trust", "recognition", "badges"])


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def cpu_seconds(pid: int) -> float:
    """CPU time of ``pid`` and its live child processes (the app's server process)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    children: list[str] = []
    for task in Path(f"/proc/{pid}/task").glob("*/children"):  # each thread's children
        try:
            children += task.read_text().split()
        except OSError:
            pass
    for child in children:
        try:
            total += cpu_seconds(int(child))
        except (OSError, ValueError, IndexError):  # ended meanwhile
            pass
    return total


def rss_kib(pid: int) -> tuple[int, int]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
    return rss, peak


async def listen(http: aiohttp.ClientSession, url: str, phone: Phone, stop: asyncio.Event,
                 stats: Stats) -> None:
    """The phone's live connection: note when each open poll first appears."""
    headers = {"Authorization": f"Bearer {phone.token}"}
    for _attempt in range(20):  # reconnect, bounded
        if stop.is_set():
            return
        try:
            async with http.get(f"{url}/api/events", headers=headers,
                                timeout=aiohttp.ClientTimeout(total=None, sock_read=30)) as resp:
                async for raw in resp.content:
                    line = raw.decode()
                    if line.startswith("data: "):
                        stats.pushes += 1
                        state = json.loads(line[6:])
                        now = time.perf_counter()
                        for p in state["room"]["polls"]:
                            if p["id"] not in phone.seen:
                                phone.seen[p["id"]] = now
                                phone.showed(p["id"]).set()
                    if stop.is_set():
                        return
        except (TimeoutError, aiohttp.ClientError) as exc:
            if stop.is_set():
                return
            stats.errors.append(f"stream: {exc!r}")
            await asyncio.sleep(0.5)


async def cast(url: str, phone: Phone, poll: voting.PollInfo, value: Any,
               stats: Stats) -> None:
    body = {"values": value} if poll.type == "scale_statements" else {"value": value}
    phone.conn = phone.conn or Connection(url, phone.address)
    for _attempt in range(5):
        started = time.perf_counter()
        try:
            status, headers, data = await asyncio.wait_for(
                phone.conn.post(f"/api/polls/{poll.id}/ballot", body, phone.token), 30)
            took = time.perf_counter() - started
            if status == 200:
                stats.latencies.append(took)
                stats.ballots += 1
                phone.acked[poll.id] = data["value"]
                return
            if status == 429:
                stats.refused += 1
                await asyncio.sleep(float(headers.get("retry-after", "1")))
                continue
            stats.errors.append(f"ballot {status}: {data}")
            return
        except (TimeoutError, OSError, aiohttp.ClientError) as exc:
            phone.conn.close()
            stats.errors.append(f"ballot: {exc!r}")
            await asyncio.sleep(0.2)


def start_serve(path: Path, workdir: Path) -> tuple[subprocess.Popen[str], str, str]:
    """`coworkshop serve` on ``path``: the process, its URL and the join code."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "coworkshop", "serve", str(path), "--host", "127.0.0.1",
         "--port", "0", "--code", CODE, "--joins-per-minute", "1000000",
         "--log", str(workdir / "serve.log")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"})
    url = ""
    assert proc.stdout is not None
    for _ in range(50):
        line = proc.stdout.readline()
        found = re.search(r"(http://127\.0\.0\.1:\d+)/j/", line)
        if found:
            url = found.group(1)
            break
    if not url:
        proc.kill()
        raise SystemExit(f"server did not start: {proc.stderr.read() if proc.stderr else ''}")
    return proc, url, CODE


def start_bare(path: Path, workdir: Path) -> tuple[subprocess.Popen[str], str, str]:
    """benchmarks/bare_server.py on ``path``: aiohttp storing nothing (the floor)."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("bare_server.py")), str(path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert proc.stdout is not None
    found = re.search(r"(http://127\.0\.0\.1:\d+)/j/", proc.stdout.readline())
    if not found:
        proc.kill()
        raise SystemExit(f"bare server did not start: {proc.stderr.read() if proc.stderr else ''}")
    return proc, found.group(1), CODE


def make_file(workdir: Path) -> Path:
    path = workdir / "load.cws"
    store = Store.create(path)
    with store.unit() as db:
        sessions.create_session(db, templates.parse_text(TEMPLATE),
                                sessions.SessionDetails(title="Load"))
    store.close()
    return path


async def run(args: argparse.Namespace, start: Any = start_serve) -> dict[str, Any]:
    """Phones against the server ``start(path, workdir)`` runs (default: serve)."""
    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="cws-load-"))
    path = make_file(workdir)
    store = Store.open(path)
    session = store.only_session()
    polls = voting.polls(store, session.id)[: args.polls]
    proc, url, code = start(path, workdir)
    rss_start = rss_kib(proc.pid)[0]
    stats = Stats()
    phones = [Phone(n) for n in range(args.phones)]
    stop = asyncio.Event()
    clients = {a: aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=0, limit_per_host=0, local_addr=(a, 0)),
        cookie_jar=aiohttp.DummyCookieJar(), timeout=aiohttp.ClientTimeout(total=30))
        for a in sorted({p.address for p in phones})}
    try:
        # 1. everyone joins (50 at a time, like a room scanning the QR code)
        gate = asyncio.Semaphore(50)

        async def join(phone: Phone) -> None:
            async with gate:
                started = time.perf_counter()
                async with clients[phone.address].post(f"{url}/api/join", json={
                        "code": code, "group": GROUPS[phone.n % 4],
                        "name": f"Phone {phone.n}"}) as resp:
                    data = await resp.json()
                    assert resp.status == 200, data
                stats.join_latencies.append(time.perf_counter() - started)
                phone.token = data["token"]

        t0 = time.perf_counter()
        await asyncio.gather(*(join(p) for p in phones))
        join_time = time.perf_counter() - t0
        listeners = [asyncio.create_task(listen(clients[p.address], url, p, stop, stats))
                     for p in phones]
        await asyncio.sleep(1.0)

        # 2. the facilitator opens one poll after another
        vote_start = time.perf_counter()
        server_cpu0 = cpu_seconds(proc.pid)
        client_cpu0 = time.process_time()
        for poll in polls:
            opened = time.perf_counter()
            with store.unit() as db:  # one change: the phones see it at once
                voting.open_poll(db, poll.id, close_others=True)
                if args.results:  # the phones follow the count while they vote
                    voting.set_results_visible(db, poll.id, True)

            async def vote(phone: Phone, poll: voting.PollInfo = poll,
                           opened: float = opened) -> None:
                try:  # until the phone shows the poll
                    await asyncio.wait_for(phone.showed(poll.id).wait(), 20)
                except TimeoutError:
                    stats.errors.append(f"phone {phone.n} never saw {poll.ref}")
                    return
                stats.follow.append(phone.seen[poll.id] - opened)
                await asyncio.sleep(rng.uniform(0, args.think))
                await cast(url, phone, poll, value_for(poll, rng), stats)
                if rng.random() < args.change:  # a second thought
                    await asyncio.sleep(rng.uniform(0, args.think / 2))
                    await cast(url, phone, poll, value_for(poll, rng), stats)

            await asyncio.gather(*(vote(p) for p in phones))
        vote_time = time.perf_counter() - vote_start
        server_cpu = cpu_seconds(proc.pid) - server_cpu0
        client_cpu = time.process_time() - client_cpu0
        rss_end, rss_peak = rss_kib(proc.pid)
        stop.set()
        if proc.stdin is not None:
            proc.stdin.close()  # the app (benchmarks/voting_app.py) ends on this
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                pass
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
        for task in listeners:
            task.cancel()
        await asyncio.gather(*listeners, return_exceptions=True)
        for phone in phones:
            if phone.conn is not None:
                phone.conn.close()
    finally:
        for client in clients.values():
            await client.close()

    # 3. every acknowledged ballot is in the file, as the participant's live answer
    store.close()
    store = Store.open(path)
    by_poll = {p.id: p for p in polls}
    lost = 0
    acked_total = 0
    tokens = {p.token: p for p in phones}
    participants = {t: voting.voter_for_token(store, session.id, t) for t in tokens}
    for poll in polls:
        live: dict[str, Any] = {}
        for b in voting.live_ballots(store, poll.id):
            statement, value = voting.ballot_positions(poll, b)  # stored by keys
            if poll.type == "scale_statements":
                live.setdefault(b.participant_id, {})[str(statement)] = value
            else:
                live[b.participant_id] = value
        for phone in phones:
            if poll.id not in phone.acked:
                continue
            acked_total += 1
            voter = participants[phone.token]
            want = phone.acked[poll.id]
            if poll.type == "scale_statements":
                want = {str(k): v for k, v in want.items()}
            who = (pseudonym(phone.token, session.id) if poll.question.anonymous
                   else voter.participant_id if voter is not None else None)
            if who is None or live.get(who) != want:
                lost += 1
    rows = sum(len(voting.ballot_history(store, p.id)) for p in by_poll.values())
    store.close()
    lat = [x * 1000 for x in stats.latencies]
    return {
        "phones": args.phones,
        "polls": len(polls),
        "think_s": args.think,
        "results_shown": args.results,
        "ballots_acknowledged": stats.ballots,
        "ballot_rows_in_file": rows,
        "ballots_per_second": round(stats.ballots / vote_time, 1),
        "ack_ms_p50": round(pct(lat, 50), 1),
        "ack_ms_p95": round(pct(lat, 95), 1),
        "ack_ms_p99": round(pct(lat, 99), 1),
        "ack_ms_max": round(max(lat), 1) if lat else None,
        "follow_ms_p50": round(pct(stats.follow, 50) * 1000),
        "follow_ms_p99": round(pct(stats.follow, 99) * 1000),
        "join_ms_p99": round(pct(stats.join_latencies, 99) * 1000, 1),
        "joins_s": round(join_time, 2),
        "voting_s": round(vote_time, 1),
        "server_cpu_s": round(server_cpu, 1),
        "client_cpu_s": round(client_cpu, 1),
        "state_pushes": stats.pushes,
        "rate_limited": stats.refused,
        "errors": len(stats.errors),
        "first_errors": stats.errors[:3],
        "server_rss_mib_start": round(rss_start / 1024, 1),
        "server_rss_mib_end": round(rss_end / 1024, 1),
        "server_rss_mib_peak": round(rss_peak / 1024, 1),
        "final_answers_checked": acked_total,
        "lost": lost,
        "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}",
    }


PAIR_KEYS = ("ack_ms_p95", "ack_ms_p99", "joins_s", "join_ms_p99", "lost", "errors")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--polls", type=int, default=5, help="polls opened one after another")
    parser.add_argument("--think", type=float, default=5.0,
                        help="each phone votes after 0..THINK seconds (0: all at once)")
    parser.add_argument("--results", action="store_true",
                        help="show each poll's results while it is open (live pushes)")
    parser.add_argument("--change", type=float, default=0.2,
                        help="share of phones that change their answer")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pairs", type=int, default=1,
                        help="with --server both: serve/bare pairs, alternating (medians)")
    parser.add_argument("--server", choices=["serve", "bare", "both"], default="serve",
                        help="bare: benchmarks/bare_server.py, the floor (stores nothing); "
                             "both: serve then bare in one run, with the ratios")
    args = parser.parse_args()
    if args.server != "both":
        result = asyncio.run(run(args, start_bare if args.server == "bare" else start_serve))
        print(json.dumps(result, indent=2))
        if (result["lost"] and args.server == "serve") or result["errors"]:
            raise SystemExit(1)
        return
    serves, bares = [], []
    for _ in range(args.pairs):  # alternating, so the machine's load hits both alike
        serves.append(asyncio.run(run(args, start_serve)))
        bares.append(asyncio.run(run(args, start_bare)))
        print("serve", json.dumps({k: serves[-1][k] for k in PAIR_KEYS}),
              "bare", json.dumps({k: bares[-1][k] for k in PAIR_KEYS}),
              file=sys.stderr, flush=True)
    keys = ("ack_ms_p50", "ack_ms_p95", "ack_ms_p99", "joins_s", "join_ms_p99")
    out: dict[str, Any] = {}
    for k in keys:
        s = statistics.median(r[k] for r in serves)
        b = statistics.median(r[k] for r in bares)
        out[k] = {"serve": s, "bare": b, "ratio": round(s / b, 2) if b else None,
                  "pair_ratios": [round(r[k] / q[k], 2) if q[k] else None
                                  for r, q in zip(serves, bares, strict=True)]}
    print(json.dumps(out | {"lost": sum(r["lost"] for r in serves),
                            "errors": sum(r["errors"] for r in serves + bares),
                            "phones": args.phones, "think_s": args.think,
                            "pairs": args.pairs}, indent=2))

if __name__ == "__main__":
    main()
