"""Write a consensus report next to a session file, in a worker thread."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from textual.dom import DOMNode

from coworkshop.i18n import error_text
from coworkshop.i18n import fmt as fmt_

from ...core.errors import UserError

#: palette entry -> format
EXPORTS = (
    ("export: html report", "html", "The consensus report as a web page that prints on A4"),
    ("export: markdown report", "md", "The consensus report as Markdown, to paste in a document"),
    ("export: json report", "json", "The report's figures as JSON, for scripts"),
    ("export: csv answers", "csv", "Every answer, one row each, for spreadsheets and R"),
)


def report_path(source: Path, fmt: str) -> Path:
    """Where the report of ``source`` goes: beside it, named after it."""
    from ...report import SUFFIXES

    return source.with_name(f"{source.stem}-report{SUFFIXES[fmt]}")


def write_report(
    sources: Sequence[Path], fmt: str, target: Path, session_ids: Sequence[str] | None = None
) -> Path:
    """Render and write atomically (a half-written report never replaces a good one)."""
    from ...report import render

    text = render(sources, fmt, session_ids=session_ids)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"{target}: cannot be written ({exc.strerror})") from exc
    return target


def start_export(
    node: DOMNode, sources: Sequence[Path], fmt: str, session_ids: Sequence[str] | None = None
) -> None:
    """Run :func:`write_report` in a thread; notify where the report went, or why not."""
    target = report_path(sources[0], fmt)
    app = node.app
    app.notify(fmt_("Writing the {fmt} report...", fmt=fmt), timeout=2)

    def job() -> None:
        try:
            path = write_report(sources, fmt, target, session_ids)
        except UserError as exc:
            app.call_from_thread(app.notify, error_text(exc), severity="error")
            return
        app.call_from_thread(app.notify, f"Report written: {path}", title="export", timeout=8)

    node.run_worker(job, thread=True, group="report", name=f"report-{fmt}")
