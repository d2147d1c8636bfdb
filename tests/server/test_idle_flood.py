"""Thousands of idle connections do not stop the room (a server with few file handles)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

from .conftest import CODE, build

SERVER = """
import asyncio, resource, sys
from coworkshop.core.store import Store
from coworkshop.server import VotingServer
from coworkshop.server.room import Limits

resource.setrlimit(resource.RLIMIT_NOFILE, (256, 256))

async def main():
    store = Store.open(sys.argv[1])
    server = VotingServer(store, store.only_session().id, code=sys.argv[2],
                          limits=Limits(idle_timeout=2, connections_per_address=64))
    await server.start("127.0.0.1", 0)
    print(server.port, flush=True)
    await asyncio.Event().wait()

asyncio.run(main())
"""


def request(port: int, method: str, path: str, body: dict | None = None,
            source: str = "127.0.0.2", timeout: float = 10) -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else b""
    head = (f"{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n")
    with socket.socket() as s:
        s.settimeout(timeout)
        s.bind((source, 0))  # another phone: another address on the room's network
        s.connect(("127.0.0.1", port))
        s.sendall(head.encode() + data)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    status = int(answer.split(b" ")[1])
    return status, json.loads(answer.partition(b"\r\n\r\n")[2] or b"{}")


def test_a_flood_of_idle_connections_leaves_the_room_working(tmp_path: Path) -> None:
    store, _session, _polls = build(tmp_path / "flood.cws")
    store.close()
    proc = subprocess.Popen([sys.executable, "-c", SERVER, str(tmp_path / "flood.cws"), CODE],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    idle: list[socket.socket] = []
    try:
        assert proc.stdout is not None
        port = int(proc.stdout.readline())
        # 3,000 connections that send nothing: over ten times the server's file handles
        for _ in range(3000):
            s = socket.socket()
            s.setblocking(False)
            s.connect_ex(("127.0.0.1", port))
            idle.append(s)
        started = time.monotonic()
        status, health = request(port, "GET", "/healthz")
        assert status == 200 and health["ok"]
        status, joined = request(port, "POST", "/api/join", {"code": CODE, "group": "policy"})
        assert status == 200 and joined["token"]
        assert time.monotonic() - started < 10
        assert proc.poll() is None
    finally:
        for s in idle:
            s.close()
        proc.terminate()
        _out, err = proc.communicate(timeout=10)
    assert "Traceback" not in err
    assert len(err.splitlines()) < 100  # rate-limited, whatever the flood
