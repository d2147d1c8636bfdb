"""Consolidated consensus reports over one or more session files.

``build`` gives the report as plain data (the JSON document); ``render`` gives
it in one of :data:`FORMATS`. Inputs are only read: no file is modified and no
side file is left beside them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..core.consensus import Rules

FORMATS = ("md", "html", "json", "csv")
SUFFIXES = {"md": ".md", "html": ".html", "json": ".json", "csv": ".csv"}


def render(
    paths: Sequence[Path | str],
    fmt: str = "md",
    rules: Rules | None = None,
    session_ids: Sequence[str] | None = None,
    language: str | None = None,
) -> str:
    """The report of ``paths`` as text in ``fmt`` (md, html, json or csv).

    ``language`` (``it``, ``bg``...): the document's own words, dates and numbers
    in it, and the questions, options and statements in it wherever a session
    has them; by default English words and each session's own texts.
    """
    if not language:
        return _render(paths, fmt, rules, session_ids, None)
    from ..i18n import using

    with using(language):
        return _render(paths, fmt, rules, session_ids, language)


def _render(
    paths: Sequence[Path | str],
    fmt: str,
    rules: Rules | None,
    session_ids: Sequence[str] | None,
    language: str | None,
) -> str:
    from . import model, tabular

    if fmt not in FORMATS:
        from ..core.errors import UserError

        raise UserError("unknown format {format!r}; use one of {formats}", format=fmt,
                        formats=", ".join(FORMATS))
    if fmt == "csv":
        return tabular.to_csv(paths, rules, session_ids)
    report = model.build(paths, rules, session_ids, language)
    if fmt == "json":
        return tabular.to_json(report)
    if fmt == "html":
        from . import html

        return html.render(report)
    from . import markdown

    return markdown.render(report)
