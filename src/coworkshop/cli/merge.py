"""``coworkshop merge``: merge session files and print the summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from ..i18n import _, fmt
from .common import app, err, out, user_errors


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

    from ..core.merge import merge_files

    report = merge_files(
        files, output, into=into, skip_bad=skip_bad, strip_names=strip_names
    )
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))
        return
    _print_merge(report)


def _print_merge(report: Any) -> None:

    from ..core.merge import COUNTED, count

    kinds = list(COUNTED.values())

    def counts(added: dict[str, int], dup: int, upd: int, conflicts: int) -> str:
        parts = [count(added[k], k) for k in kinds] + [count(added["other"], "other records")]
        return (
            "added " + ", ".join(parts)
            + f"; {count(dup, 'duplicates')} skipped, {upd} updated, "
            + count(conflicts, "conflicts")
        )

    out.print("[bold]" + fmt("Merged into {path}", path=escape(str(report.output))) + "[/]")
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
        out.print(_("Conflicts (both versions kept; the latest is current):"))
        for c in report.conflicts:
            out.print(escape(f"  {c.table} {c.row_id} (session {c.session_id}) from {c.file}"))
    for _file, why in report.skipped:
        err.print("[bold yellow]" + _("skipped:") + f"[/] {escape(why)}", soft_wrap=True)
    if report.strip_names:
        out.print(_("Names, organisations and device data removed (--strip-names)."))
