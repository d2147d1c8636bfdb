"""The floor: a bare aiohttp server that speaks the phones' protocol and stores nothing.

``/api/join`` answers a token at once; ``/api/events`` streams the open polls
(read from the session file every 0.25 s, as the real server notices a
facilitator's change); a ballot is answered "received" at once without
touching the file. ``benchmarks/voting_load.py --server bare`` runs the same
phones against it, so its figures are what HTTP through aiohttp and Python
costs here, before any of coworkshop's work.

    python benchmarks/bare_server.py SESSION.cws     # prints its URL
"""

from __future__ import annotations

import asyncio
import json
import secrets
import sqlite3
import sys

from aiohttp import web


async def main(path: str) -> None:
    state = {"version": 0, "json": '{"room":{"polls":[]},"me":{}}'}
    changed = asyncio.Event()

    async def watch() -> None:
        con = sqlite3.connect(path)
        last = None
        while True:
            rows = con.execute("SELECT id FROM poll WHERE state = 'open' "
                               "AND deleted_at IS NULL ORDER BY id").fetchall()
            if rows != last:
                last = rows
                state["json"] = json.dumps({"room": {"polls": [{"id": r[0]} for r in rows]},
                                            "me": {}})
                state["version"] += 1
                changed.set()
            await asyncio.sleep(0.25)

    async def join(request: web.Request) -> web.Response:
        data = await request.json()
        return web.json_response({"token": secrets.token_urlsafe(24),
                                  "group": data.get("group", ""), "name": data.get("name", "")})

    async def events(request: web.Request) -> web.StreamResponse:
        nonlocal changed
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        sent = -1
        try:
            while True:
                if state["version"] != sent:
                    sent = int(state["version"])
                    await response.write(f"data: {state['json']}\n\n".encode())
                event = changed
                await event.wait()
                if event is changed:
                    changed = asyncio.Event()
        except ConnectionError:
            return response

    async def ballot(request: web.Request) -> web.Response:
        data = await request.json()
        return web.json_response({"status": "received",
                                  "value": data.get("values", data.get("value"))})

    app = web.Application()
    app.router.add_post("/api/join", join)
    app.router.add_get("/api/events", events)
    app.router.add_post("/api/polls/{poll_id}/ballot", ballot)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, backlog=512)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"http://127.0.0.1:{port}/j/000000", flush=True)
    task = asyncio.create_task(watch())
    try:
        await asyncio.Event().wait()
    finally:
        task.cancel()


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv[1]))
    except KeyboardInterrupt:
        pass
