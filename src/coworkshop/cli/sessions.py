"""Opening, packing and starting sessions, listing session files, templates and the demo."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from .. import pathchecks, paths
from ..core.errors import UserError
from ..i18n import fmt
from .common import SessionOption, Settings, _fail, _templates_dir, app, err, out, user_errors


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


def _run_tui(
    sessions_dir: Path | None = None,
    session_file: Path | None = None,
    session_id: str | None = None,
) -> None:
    from ..tui.app import build_app

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
    from ..core.probe import OPEN_TIMEOUT, pick_session, read_info

    info = read_info(pathchecks.readable_file(file), timeout=OPEN_TIMEOUT, full=True)
    if not info.sessions:
        raise _fail(fmt("{path}: holds no session", path=file))
    session_id = pick_session(file, info.sessions, session).id if session else None
    _run_tui(sessions_dir=file.parent, session_file=file, session_id=session_id)


@app.command("pack")
@user_errors
def pack_cmd(
    file: Annotated[Path, typer.Argument(help="A session file (.cws), even one in use.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The copy to write (.cws).")],
) -> None:
    """Write one self-contained copy of a session file, safe to send while it is in use."""
    from ..core.store import pack

    pack(file, output)
    typer.echo(str(output))


@app.command("templates")
@user_errors
def templates_cmd() -> None:
    """List the workshop templates: name, title, language, activities, source."""
    from ..core.catalog import list_templates

    folder = _templates_dir()
    entries = list_templates(folder)
    if not entries:
        raise _fail(fmt("{path}: no templates (*.toml) found", path=folder))
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
    from ..core import templates
    from ..core.sessions import SessionDetails, create_session_file, default_path

    details = SessionDetails(title, date, place, country, sector, language, facilitator).cleaned()
    tpath = templates.resolve(template, _templates_dir())
    templates.load(tpath)  # a folder, unreadable or not UTF-8: one line, nothing created
    previous = None
    if carry_from is not None:
        from ..core.carry import read_previous

        previous = read_previous(carry_from)  # before anything is created
        if not (previous.stakeholders or previous.checklists):
            raise UserError("{path}: has no stakeholders or checklist to carry", path=carry_from)
    if output is None:
        folder = pathchecks.writable_folder(
            paths.sessions_dir(sessions_dir or Settings.sessions_dir), create=True)
        output = default_path(folder, details)
    pathchecks.new_file(output)
    store, session = create_session_file(output, tpath, details)
    try:
        if previous is not None:
            from ..core.carry import carry_into

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

    from ..core.errors import SessionFileError
    from ..core.probe import SIDE_FILE_NOTICE, FileInfo, list_session_files, read_info, short_ids

    folder = paths.sessions_dir(folder)
    if not folder.is_dir():
        raise _fail(fmt("{path}: no such folder", path=folder))
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
        out.print(fmt("No session files (*.cws) in {path}. Create one with: coworkshop new",
                      path=folder))
        return
    notes: list[str] = []  # one line each under the listing: a cell would fold them
    # file (markup: escaped name and the pending mark), session, title, date, place, template,
    # people, activities
    rows: list[tuple[str, ...]] = []
    for f, info, error in infos:
        if info is None:
            rows.append((escape(f.name), "", "[red]cannot be opened (see below)[/]", "", "", "", "",
                         ""))
            notes.append(f"[red]{escape(error)}[/]")
            continue
        mark = " [yellow]*[/]" if info.pending_side_file else ""
        if info.pending_side_file:
            notes.append(f"[yellow]{escape(str(f))}: {SIDE_FILE_NOTICE}[/]")
        if not info.sessions:
            rows.append((escape(f.name) + mark, "", "[dim]holds no session[/]", "", "", "", "", ""))
        short = short_ids([s.id for s in info.sessions])
        for s in info.sessions:
            where = ", ".join(escape(x) for x in (s.place, s.country) if x)
            rows.append((escape(f.name) + mark, short[s.id], escape(s.title), s.date, where,
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
        out.print("[bold]" + fmt("Sessions in {path}", path=escape(str(folder))) + "[/]")
        for file, sid, title, date, where, template, people, acts in rows:
            facts = "  ".join(x for x in (date, where) if x)
            counts = fmt("{people} people, {activities} activities", people=people,
                         activities=acts) if people else ""
            out.print(f"[bold]{file}[/]  " + "  ".join(
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
    from ..core.probe import check_file
    from ..demo import build_demo

    if output is None:
        folder = paths.sessions_dir(sessions_dir or Settings.sessions_dir)
        output = folder / "demo.cws"
        if output.exists() or output.is_symlink():
            check_file(pathchecks.readable_file(output))  # a folder, or not a session file
            typer.echo(fmt("{path} (the demo session is already there)", path=output))
            return
        pathchecks.writable_folder(folder, create=True)
    pathchecks.new_file(output)
    store = build_demo(output, _templates_dir())
    store.close()
    typer.echo(str(output))
