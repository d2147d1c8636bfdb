"""``coworkshop report``: the consensus report of a session file."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from ..i18n import _
from ..i18n import fmt as fmt_
from .common import _fail, app, user_errors


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
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="Write the report in this language: en, it, es, bg or fi "
                     "(default: $COWORKSHOP_LANG, else English)."),
    ] = None,
) -> None:
    """Consensus report over session files: Markdown, HTML, JSON or CSV.

    Several files give the same figures as their merged file. Inputs are only read.
    """
    from .. import i18n
    from ..core.consensus import Rules
    from ..report import FORMATS, render

    if lang is not None and not i18n.known(lang):
        raise _fail(fmt_("--lang: {language!r} is not one of {languages}", language=lang,
                         languages=", ".join(i18n.LANGUAGES)))
    language = i18n.normalize(lang) if lang else (
        i18n.from_env() if i18n.known(os.environ.get(i18n.LANG_ENV)) else None)
    if fmt not in FORMATS:
        raise _fail(fmt_("unknown format {format!r}; use one of {formats}",
                          format=fmt, formats=", ".join(FORMATS)))
    if not 0 < threshold <= 1:
        raise _fail(_("--threshold must be a share above 0 and at most 1 (e.g. 0.75)"))
    if min_answers < 1 or min_group < 1 or (k is not None and k < 0):
        raise _fail(_("--min-answers and --min-group must be at least 1, --k at least 0"))
    if output is not None:
        out_res = output.resolve()
        if any(out_res == f.resolve() for f in files):
            raise _fail(fmt_("{path}: is one of the inputs; choose another output file",
                              path=output))
        if not out_res.parent.is_dir():
            raise _fail(fmt_("{path}: no such folder", path=output.parent))
    rules = Rules(threshold=threshold, min_answers=min_answers, min_group=min_group, k=k)
    text = render(files, fmt, rules, session or None, language)
    if output is None:
        sys.stdout.write(text)
        return
    tmp = output.with_name(f".{output.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise _fail(fmt_("{path}: cannot be written ({reason})", path=output,
                         reason=exc.strerror)) from None
    typer.echo(str(output), err=True)
