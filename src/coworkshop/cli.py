"""The ``coworkshop`` command. Every command calls the same core as the TUI.

A user error prints one line naming the file or field and exits with status 1;
tracebacks are for bugs only.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from . import pathchecks, paths
from .core.errors import UserError

app = typer.Typer(
    help="Facilitate policy co-creation workshops: canvases, votes, stakeholder maps.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
template_app = typer.Typer(help="Save and check workshop templates.", no_args_is_help=True)
app.add_typer(template_app, name="template")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class Settings:
    templates_dir: Path | None = None
    sessions_dir: Path | None = None


def _templates_dir() -> Path:
    return paths.templates_dir(Settings.templates_dir)


def _fail(message: str) -> typer.Exit:
    # One line whatever the message holds (SQLite's integrity check reports
    # over several lines); markup=False: a file name may contain "[".
    line = " ".join(message.split())
    err.print("[bold red]error:[/] ", end="", soft_wrap=True)
    err.print(line, soft_wrap=True, markup=False, highlight=False)
    return typer.Exit(1)


F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a :class:`UserError` into one line on stderr and exit status 1."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            raise _fail(str(exc)) from None

    return cast(F, wrapper)


@app.callback(invoke_without_command=True)
@user_errors
def root(
    ctx: typer.Context,
    sessions_dir: Annotated[
        Path | None,
        typer.Option(
            "--sessions-dir",
            envvar=paths.SESSIONS_ENV,
            readable=False,
            help="Folder of session files (default ./sessions).",
        ),
    ] = None,
    templates_dir: Annotated[
        Path | None,
        typer.Option(
            "--templates-dir",
            envvar=paths.TEMPLATES_ENV,
            readable=False,
            help="Folder of templates (default ./canvases, else the bundled ones).",
        ),
    ] = None,
) -> None:
    """Without a command: open the facilitator's app on the sessions folder."""
    Settings.templates_dir = templates_dir
    Settings.sessions_dir = sessions_dir
    if ctx.invoked_subcommand is None:
        folder = pathchecks.writable_folder(paths.sessions_dir(sessions_dir), create=True)
        _run_tui(sessions_dir=folder)


SessionOption = Annotated[
    str | None,
    typer.Option(
        "--session",
        help="The session to open in a file holding several: its id or a unique "
        "start of it (see coworkshop sessions).",
    ),
]


def _run_tui(
    sessions_dir: Path | None = None,
    session_file: Path | None = None,
    session_id: str | None = None,
) -> None:
    from .tui.app import build_app

    tui = build_app(
        sessions_dir=sessions_dir or paths.sessions_dir(None),
        templates_dir=_templates_dir(),
        session_file=session_file,
        session_id=session_id,
    )
    tui.run()
    # Textual returns from run() after a crash too (having printed the
    # traceback); a script must not take that for success.
    if tui.return_code:
        raise typer.Exit(tui.return_code)


@app.command("open")
@user_errors
def open_cmd(
    file: Annotated[Path, typer.Argument(help="A session file (.cws).", readable=False)],
    session: SessionOption = None,
) -> None:
    """Open the app on one session file (a file holding several opens on a choice)."""
    from .core.probe import OPEN_TIMEOUT, pick_session, read_info

    info = read_info(pathchecks.readable_file(file), timeout=OPEN_TIMEOUT, full=True)
    if not info.sessions:
        raise _fail(f"{file}: holds no session")
    session_id = pick_session(file, info.sessions, session).id if session else None
    _run_tui(sessions_dir=file.parent, session_file=file, session_id=session_id)


@app.command("pack")
@user_errors
def pack_cmd(
    file: Annotated[Path, typer.Argument(help="A session file (.cws), even one in use.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The copy to write (.cws).")],
) -> None:
    """Write one self-contained copy of a session file, safe to send while it is in use."""
    from .core.store import pack

    pack(file, output)
    typer.echo(str(output))


@app.command("templates")
@user_errors
def templates_cmd() -> None:
    """List the workshop templates: name, title, language, activities, source."""
    from .core.catalog import list_templates

    folder = _templates_dir()
    entries = list_templates(folder)
    if not entries:
        raise _fail(f"{folder}: no templates (*.toml) found")
    table = Table(title=f"Templates in {folder}", title_justify="left")
    # Names are what people type back: they never wrap, whatever the width.
    # The source goes under the title so that the long text wraps in the
    # widest column instead of squeezing every other one.
    table.add_column("name", no_wrap=True)
    table.add_column("title and source")
    table.add_column("lang", no_wrap=True)
    table.add_column("activities", no_wrap=True, justify="right")
    for e in entries:
        if e.error:
            table.add_row(e.name, f"[red]unreadable: {escape(e.error)}[/]", "", "")
        else:
            about = escape(e.title) + (f"\n[dim]{escape(e.source)}[/]" if e.source else "")
            table.add_row(e.name, about, e.language, str(e.activities))
    out.print(table)


@app.command("new")
@user_errors
def new_cmd(
    template: Annotated[str, typer.Argument(help="Template name (from canvases/) or path.")],
    title: Annotated[str, typer.Option(help="Title of the workshop.")],
    date: Annotated[str, typer.Option(help="Date, YYYY-MM-DD.")] = "",
    place: Annotated[str, typer.Option(help="City or venue.")] = "",
    country: Annotated[str, typer.Option(help="Country or EU.")] = "",
    sector: Annotated[str, typer.Option(help="Sector / ecosystem.")] = "",
    language: Annotated[str, typer.Option(help="Language code (default: the template's).")] = "",
    facilitator: Annotated[str, typer.Option(help="Who facilitates.")] = "",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Session file to create.", readable=False),
    ] = None,
    sessions_dir: Annotated[
        Path | None,
        # no envvar here: the root's --sessions-dir (or its envvar) applies when not given
        typer.Option("--sessions-dir", readable=False),
    ] = None,
    carry_from: Annotated[
        Path | None,
        typer.Option("--carry-from", help="A previous session file of the same group: carry "
                     "its stakeholder register, the places on its maps and its checklist."),
    ] = None,
) -> None:
    """Create a session file from a template and print its path."""
    from .core import templates
    from .core.sessions import SessionDetails, create_session_file, default_path

    details = SessionDetails(title, date, place, country, sector, language, facilitator).cleaned()
    tpath = templates.resolve(template, _templates_dir())
    templates.load(tpath)  # a folder, unreadable or not UTF-8: one line, nothing created
    previous = None
    if carry_from is not None:
        from .core.carry import read_previous

        previous = read_previous(carry_from)  # before anything is created
        if not (previous.stakeholders or previous.checklists):
            raise UserError(f"{carry_from}: has no stakeholders or checklist to carry")
    if output is None:
        folder = pathchecks.writable_folder(
            paths.sessions_dir(sessions_dir or Settings.sessions_dir), create=True)
        output = default_path(folder, details)
    pathchecks.new_file(output)
    store, session = create_session_file(output, tpath, details)
    try:
        if previous is not None:
            from .core.carry import carry_into

            with store.db() as db:
                carried = carry_into(db, session, previous)
                db.commit()
            err.print(carried.text(), soft_wrap=True)
    except Exception:
        store.close()
        output.unlink(missing_ok=True)
        raise
    store.close()
    typer.echo(str(output))


@app.command("sessions")
@user_errors
def sessions_cmd(
    folder: Annotated[Path | None, typer.Argument(help="Folder (default ./sessions).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON (with file ids).")] = False,
) -> None:
    """List session files and the sessions they hold (reading never changes a file)."""
    import json

    from .core.errors import SessionFileError
    from .core.probe import SIDE_FILE_NOTICE, FileInfo, list_session_files, read_info, short_ids

    folder = paths.sessions_dir(folder)
    if not folder.is_dir():
        raise _fail(f"{folder}: no such folder")
    files = list_session_files(folder)
    infos: list[tuple[Path, FileInfo | None, str]] = []
    for f in files:
        try:
            infos.append((f, read_info(f), ""))
        except SessionFileError as exc:
            infos.append((f, None, str(exc)))
    if as_json:
        typer.echo(json.dumps([_file_json(f, info, error) for f, info, error in infos], indent=2))
        return
    if not files:
        out.print(f"No session files (*.cws) in {folder}. Create one with: coworkshop new")
        return
    notes: list[str] = []  # one line each under the listing: a cell would fold them
    rows: list[tuple[str, ...]] = []  # file, session, title, date, place, template, people, acts
    for f, info, error in infos:
        if info is None:
            rows.append((f.name, "", "[red]cannot be opened (see below)[/]", "", "", "", "", ""))
            notes.append(f"[red]{escape(error)}[/]")
            continue
        mark = " [yellow]*[/]" if info.pending_side_file else ""
        if info.pending_side_file:
            notes.append(f"[yellow]{escape(str(f))}: {SIDE_FILE_NOTICE}[/]")
        if not info.sessions:
            rows.append((f.name + mark, "", "[dim]holds no session[/]", "", "", "", "", ""))
        short = short_ids([s.id for s in info.sessions])
        for s in info.sessions:
            where = ", ".join(escape(x) for x in (s.place, s.country) if x)
            rows.append((f.name + mark, short[s.id], escape(s.title), s.date, where,
                         escape(s.template_name), str(s.participants), str(s.activities)))
    if out.width >= 120:
        table = Table(title=f"Sessions in {folder}", title_justify="left")
        for col in ("file", "session", "title", "date", "place", "template", "people",
                    "activities"):
            table.add_column(col, no_wrap=col in ("file", "session", "date", "template"))
        for row in rows:
            table.add_row(*row)
        out.print(table)
    else:
        # A table of eight columns folds every word at 80 columns: two lines a
        # session instead, names and dates never cut.
        out.print(f"[bold]Sessions in {escape(str(folder))}[/]")
        for file, sid, title, date, where, template, people, acts in rows:
            facts = "  ".join(x for x in (date, where) if x)
            counts = f"{people} people, {acts} activities" if people else ""
            out.print(f"[bold]{escape(file)}[/]  " + "  ".join(
                x for x in (f"[dim]{sid}[/]" if sid else "", facts, counts) if x), soft_wrap=True)
            out.print(f"  {title}" + (f"  [dim]({template})[/]" if template else ""))
    for note in notes:
        out.print(note, soft_wrap=True)


def _file_json(path: Path, info: Any, error: str) -> dict[str, Any]:
    from dataclasses import asdict

    if info is None:
        return {"file": str(path), "error": error}
    return {
        "file": str(path),
        "file_id": info.file_id or None,
        "schema_version": info.schema_version,
        "pending_side_file": info.pending_side_file,
        "sessions": [asdict(s) for s in info.sessions],
        "error": None,
    }


@app.command("demo")
@user_errors
def demo_cmd(
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="File to create (default sessions/demo.cws).",
                     readable=False),
    ] = None,
    sessions_dir: Annotated[
        Path | None,
        # no envvar here: the root's --sessions-dir (or its envvar) applies when not given
        typer.Option("--sessions-dir", readable=False),
    ] = None,
) -> None:
    """Create a lived-in demo session to explore the app."""
    from .core.probe import check_file
    from .demo import build_demo

    if output is None:
        folder = paths.sessions_dir(sessions_dir or Settings.sessions_dir)
        output = folder / "demo.cws"
        if output.exists() or output.is_symlink():
            check_file(pathchecks.readable_file(output))  # a folder, or not a session file
            typer.echo(f"{output} (the demo session is already there)")
            return
        pathchecks.writable_folder(folder, create=True)
    pathchecks.new_file(output)
    store = build_demo(output, _templates_dir())
    store.close()
    typer.echo(str(output))


@app.command("merge")
@user_errors
def merge_cmd(
    files: Annotated[list[Path], typer.Argument(help="Session files to merge (.cws).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The merged file to write.")],
    into: Annotated[
        bool, typer.Option("--into", help="OUT exists: add the inputs to it.")
    ] = False,
    skip_bad: Annotated[
        bool,
        typer.Option("--skip-bad", help="Merge the readable files; list the refused ones."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    strip_names: Annotated[
        bool,
        typer.Option(
            "--strip-names",
            help="No names, organisations or device data in OUT (for files that leave "
            "the organisation).",
        ),
    ] = False,
) -> None:
    """Merge the session files of many workshops into one, with provenance.

    Nothing is lost: a record two copies changed differently keeps both
    versions (the latest is current) and is listed. Inputs are never modified.
    """
    import json

    from .core.merge import merge_files

    report = merge_files(
        files, output, into=into, skip_bad=skip_bad, strip_names=strip_names
    )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_merge(report)


def _print_merge(report: Any) -> None:
    from rich.markup import escape

    from .core.merge import COUNTED, count

    kinds = list(COUNTED.values())

    def counts(added: dict[str, int], dup: int, upd: int, conflicts: int) -> str:
        parts = [count(added[k], k) for k in kinds] + [count(added["other"], "other records")]
        return (
            "added " + ", ".join(parts)
            + f"; {count(dup, 'duplicates')} skipped, {upd} updated, "
            + count(conflicts, "conflicts")
        )

    out.print(f"[bold]Merged into {escape(str(report.output))}[/]")
    for s in report.sources:
        d = s.to_dict()
        titles = ", ".join(x["title"] for x in d["sessions"]) or "no session"
        out.print(f"[bold]{escape(s.file)}[/] ({escape(titles)})", soft_wrap=True)
        out.print(
            "  " + counts(d["added"], s.duplicates + s.older, s.updated, s.conflicts),
            soft_wrap=True,
        )
    t = report.totals()
    out.print(
        "[bold]Total:[/] "
        + counts(t, t["duplicates"] + t["older"], t["updated"], t["conflicts"])
        + f". {count(report.sessions_in_output, 'sessions')} in {escape(str(report.output))}.",
        soft_wrap=True,
    )
    if report.conflicts:
        out.print("Conflicts (both versions kept; the latest is current):")
        for c in report.conflicts:
            out.print(escape(f"  {c.table} {c.row_id} (session {c.session_id}) from {c.file}"))
    for _file, why in report.skipped:
        err.print(f"[bold yellow]skipped:[/] {escape(why)}", soft_wrap=True)
    if report.strip_names:
        out.print("Names, organisations and device data removed (--strip-names).")


@template_app.command("save")
@user_errors
def template_save_cmd(
    file: Annotated[Path, typer.Argument(help="A session file.", readable=False)],
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="Template file to write (.toml).", readable=False),
    ],
    name: Annotated[str, typer.Option(help="Template name (default: from the file name).")] = "",
    title: Annotated[str, typer.Option(help="Template title.")] = "",
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    session_ref: SessionOption = None,
) -> None:
    """Save the plan of a session (agenda, prompts, questions; no results) as a template."""
    from .core import templates
    from .core.sessions import slug, template_of_session
    from .core.store import Store

    if output.is_dir():
        raise _fail(f"{output}: is a folder, not a template file")
    if output.suffix != ".toml":
        raise _fail(f"{output}: a template file name ends in .toml")
    if output.exists() and not force:
        raise _fail(f"{output}: already exists (use --force to overwrite)")
    if output.parent.exists():
        pathchecks.new_file(output, overwrite=True)
    else:
        pathchecks.creatable_folder(output.parent)
    store = Store.open(pathchecks.readable_file(file), mode="read")
    try:
        session = store.session(session_ref)
        with store.db() as db:
            tpl = template_of_session(db, session.id, name or slug(output.stem), title)
    finally:
        store.close()
    text = templates.dump(tpl)
    templates.parse_text(text, str(output))  # what we write must load back
    pathchecks.writable_folder(output.parent, create=True)
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{output}: cannot be written ({exc.strerror})") from exc
    typer.echo(str(output))


@template_app.command("check")
@user_errors
def template_check_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Template files to validate.", readable=False)
    ],
) -> None:
    """Validate templates; prints one line per file and exits 1 if any fails."""
    from .core import templates

    failed = 0
    for f in files:
        try:
            tpl = templates.load(f)
        except UserError as exc:
            failed += 1
            err.print(f"[red]FAIL[/] {exc}", soft_wrap=True)
        else:
            out.print(f"[green]ok[/]   {f}: {tpl.template.name}, {len(tpl.agenda)} activities")
    if failed:
        raise typer.Exit(1)


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

    from .core import polls as voting
    from .core.store import Store
    from .server import Limits, qr_text_lines
    from .server import serve as run_server

    # Every option is checked before the file is opened: a refusal changes nothing.
    if code and not (code.isdigit() and code.isascii() and 4 <= len(code) <= 12):
        raise _fail("--code: 4 to 12 digits")
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
        raise _fail(f"{file}: read-only: changes are not possible, so phones cannot vote")
    root = logging.getLogger()
    handler: logging.Handler | None = None
    level = root.level
    try:
        session = store.session(session_id)
        try:
            handler = logging.FileHandler(log) if log else logging.StreamHandler()
        except OSError as exc:
            raise _fail(f"{log}: cannot be written ({exc.strerror})") from exc
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.setLevel(logging.INFO if log else logging.WARNING)

        def announce(server: Any) -> None:
            # Polls open once the server listens: a server that cannot start
            # leaves the file as it was.
            for ref in refs:
                for poll in voting.find_polls(store, session.id, ref):
                    server.open_poll(poll.id)
            title = escape(session.title)
            out.print(f"[bold]{title}[/]: live voting, join code [bold]{server.code}[/]")
            listening = server.listening()
            for addr in server.addresses():
                if addr.ip in listening or not server.auto:
                    out.print(f"  {server.join_url(addr.ip)}   ({addr.label})")
            for line in qr_text_lines(server.join_url()):
                out.print(line, highlight=False, markup=False)
            out.print("Press Ctrl+C to stop.", style="dim")

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
        raise UserError(f"--host {host}: cannot listen there ({reason})") from exc


def _check_poll_refs(store: Any, session_id: str, refs: list[str]) -> None:
    """Refuse an ``--open`` that names no poll, reading the file only."""
    from sqlmodel import select

    from .core import sessions
    from .core.models import Poll

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
            raise UserError(f"--open {ref}: no such poll in {store.path} (polls: {names})")


@app.command("report")
@user_errors
def report_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Session files: one, several, or a merged file.")
    ],
    fmt: Annotated[
        str, typer.Option("-f", "--format", help="md (default), html, json or csv.")
    ] = "md",
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: stdout).")
    ] = None,
    session: Annotated[
        list[str] | None,
        typer.Option("--session", help="Only this session id (repeat for several)."),
    ] = None,
    threshold: Annotated[
        float, typer.Option(help="Share of agreeing answers that makes consensus.")
    ] = 0.75,
    min_answers: Annotated[
        int, typer.Option("--min-answers", help="Fewer answers than this: too_few.")
    ] = 5,
    min_group: Annotated[
        int, typer.Option("--min-group", help="Answers a group needs to count for broad consensus.")
    ] = 3,
    k: Annotated[
        int | None,
        typer.Option("--k", help="Ecosystems that must reach consensus (default: 80% of them)."),
    ] = None,
) -> None:
    """Consensus report over session files: Markdown, HTML, JSON or CSV.

    Several files give the same figures as their merged file. Inputs are only read.
    """
    from .core.consensus import Rules
    from .report import FORMATS, render

    if fmt not in FORMATS:
        raise _fail(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if not 0 < threshold <= 1:
        raise _fail("--threshold must be a share above 0 and at most 1 (e.g. 0.75)")
    if min_answers < 1 or min_group < 1 or (k is not None and k < 0):
        raise _fail("--min-answers and --min-group must be at least 1, --k at least 0")
    if output is not None:
        out_res = output.resolve()
        if any(out_res == f.resolve() for f in files):
            raise _fail(f"{output}: is one of the inputs; choose another output file")
        if not out_res.parent.is_dir():
            raise _fail(f"{output.parent}: no such folder")
    rules = Rules(threshold=threshold, min_answers=min_answers, min_group=min_group, k=k)
    text = render(files, fmt, rules, session or None)
    if output is None:
        sys.stdout.write(text)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _fail(f"{output}: cannot be written ({exc.strerror})") from None
    typer.echo(str(output), err=True)


def main() -> None:
    """Entry point of the ``coworkshop`` console script."""
    app(prog_name="coworkshop")


if __name__ == "__main__":
    main()
