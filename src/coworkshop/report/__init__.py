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
) -> str:
    """The report of ``paths`` as text in ``fmt`` (md, html, json or csv)."""
    from . import model, tabular

    if fmt not in FORMATS:
        from ..core.errors import UserError

        raise UserError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "csv":
        return tabular.to_csv(paths, rules, session_ids)
    report = model.build(paths, rules, session_ids)
    if fmt == "json":
        return tabular.to_json(report)
    if fmt == "html":
        from . import html

        return html.render(report)
    from . import markdown

    return markdown.render(report)
