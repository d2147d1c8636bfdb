"""``coworkshop template save|check``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from .. import pathchecks
from ..core.errors import UserError
from ..i18n import error_text, fmt
from .common import SessionOption, _fail, err, out, template_app, user_errors


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
    from ..core import templates
    from ..core.sessions import save_plan
    from ..core.store import Store

    if output.exists() and not output.is_dir() and not force:
        raise _fail(fmt("{path}: already exists (use --force to overwrite)",
                         path=output))
    templates.check_target(output, overwrite=force)  # refused before reading the session
    if output.parent.exists():
        pathchecks.new_file(output, overwrite=True)
    else:
        pathchecks.creatable_folder(output.parent)
    store = Store.open(pathchecks.readable_file(file), mode="read")
    try:
        session = store.session(session_ref)
        with store.db() as db:
            save_plan(db, session.id, output, name=name, title=title, overwrite=force)
    finally:
        store.close()
    typer.echo(str(output))


@template_app.command("check")
@user_errors
def template_check_cmd(
    files: Annotated[
        list[Path], typer.Argument(help="Template files to validate.", readable=False)
    ],
) -> None:
    """Validate templates; prints one line per file and exits 1 if any fails."""
    from ..core import templates

    failed = 0
    for f in files:
        try:
            tpl = templates.load(f)
        except UserError as exc:
            failed += 1
            err.print(f"[red]FAIL[/] {error_text(exc)}", soft_wrap=True)
        else:
            out.print("[green]ok[/]   " + fmt("{path}: {name}, {n} activities", path=f,
                                              name=tpl.template.name, n=len(tpl.agenda)))
    if failed:
        raise typer.Exit(1)
