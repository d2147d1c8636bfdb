"""``coworkshop serve``: the voting server without the TUI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from .. import pathchecks
from ..core.errors import UserError
from ..i18n import _, fmt
from .common import SessionOption, _fail, app, out, user_errors


@app.command("serve")
@user_errors
def serve_cmd(
    file: Annotated[Path, typer.Argument(help="A session file (.cws).", readable=False)],
    host: Annotated[
        str,
        typer.Option(help="Address to listen on (default: this laptop's address on the room's "
                          "network, and loopback; 0.0.0.0: every network)."),
    ] = "",
    port: Annotated[int, typer.Option(help="Port (the next free one if taken; 0: any).")] = 8765,
    open_polls: Annotated[
        list[str] | None,
        typer.Option("--open", help="Open a poll first: ACTIVITY/QUESTION or ACTIVITY (repeat)."),
    ] = None,
    code: Annotated[str, typer.Option(help="Join code (default: a new random one).")] = "",
    log: Annotated[
        Path | None,
        typer.Option(help="Log file (default: warnings to stderr).", readable=False),
    ] = None,
    joins_per_minute: Annotated[
        float, typer.Option(help="Joins allowed per minute from one address.")
    ] = 60,
    session_ref: SessionOption = None,
) -> None:
    """Run the participants' voting server without the app (Ctrl+C stops it)."""
    import asyncio
    import logging

    from ..core import polls as voting
    from ..core.store import Store
    from ..server import Limits, qr_text_lines
    from ..server import serve as run_server

    # Every option is checked before the file is opened: a refusal changes nothing.
    if code and not (code.isdigit() and code.isascii() and 4 <= len(code) <= 12):
        raise _fail(_("--code: 4 to 12 digits"))
    pathchecks.port(port)
    pathchecks.positive_rate(joins_per_minute, "--joins-per-minute")
    if log is not None:
        pathchecks.log_file(log)
    if host:
        _check_host(host)
    # The session and --open are checked on the file opened for reading:
    # opening it for work already changes its header (journal mode, counters).
    refs = list(open_polls or [])
    reader = Store.open(pathchecks.readable_file(file), mode="read")
    try:
        session_id = reader.session(session_ref).id
        _check_poll_refs(reader, session_id, refs)
    finally:
        reader.close()
    store = Store.open(file)
    if store.read_only:
        store.close()
        raise _fail(fmt("{path}: read-only: changes are not possible, so phones cannot vote",
                        path=file))
    root = logging.getLogger()
    handler: logging.Handler | None = None
    level = root.level
    try:
        session = store.session(session_id)
        try:
            handler = logging.FileHandler(log) if log else logging.StreamHandler()
        except OSError as exc:
            raise _fail(fmt("{path}: cannot be written ({reason})", path=log,
                             reason=exc.strerror)) from exc
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.INFO if log else logging.WARNING)

        def announce(server: Any) -> None:
            # Polls open once the server listens: a server that cannot start
            # leaves the file as it was.
            for ref in refs:
                for poll in voting.find_polls(store, session.id, ref):
                    server.open_poll(poll.id)
            title = escape(session.title)
            out.print(fmt("[bold]{title}[/]: live voting, join code [bold]{code}[/]",
                          title=title, code=server.code))
            listening = server.listening()
            for addr in server.addresses():
                if addr.ip in listening or not server.auto:
                    out.print(f"  {server.join_url(addr.ip)}   ({addr.where})")
            for line in qr_text_lines(server.join_url()):
                out.print(line, highlight=False, markup=False)
            out.print(_("Press Ctrl+C to stop."), style="dim")

        limits = Limits(
            joins_per_minute=joins_per_minute, joins_burst=max(20.0, joins_per_minute / 3)
        )
        root.addHandler(handler)
        root.setLevel(min(level, handler.level) if level else handler.level)
        asyncio.run(
            run_server(
                store,
                session.id,
                host=host,
                port=port,
                code=code or None,
                limits=limits,
                announce=announce,
            )
        )
    finally:
        if handler is not None:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(level)
        store.close()


def _check_host(host: str) -> None:
    """Refuse an address this laptop cannot listen on, before anything is written."""
    import socket

    try:
        infos = socket.getaddrinfo(host, 0, type=socket.SOCK_STREAM)
        family, kind, proto, _name, addr = infos[0]
        with socket.socket(family, kind, proto) as probe:
            probe.bind(addr)
    except (OSError, UnicodeError, IndexError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise UserError("--host {host}: cannot listen there ({reason})", host=host,
                        reason=reason) from exc


def _check_poll_refs(store: Any, session_id: str, refs: list[str]) -> None:
    """Refuse an ``--open`` that names no poll, reading the file only."""
    from sqlmodel import select

    from ..core import sessions
    from ..core.models import Poll

    known: set[str] = set()
    with store.db() as db:
        for act in sessions.activities(db, session_id):
            if act.kind != "poll":
                continue
            known.add(act.key)
            for q in act.config.get("questions", []):
                known.add(f"{act.key}/{q.get('key', '')}")
        known.update(db.exec(select(Poll.id).where(Poll.session_id == session_id)))
    for ref in refs:
        if ref not in known:
            names = ", ".join(sorted(k for k in known if "/" in k)) or "none"
            raise UserError("--open {ref}: no such poll in {path} (polls: {names})", ref=ref,
                            path=store.path, names=names)
