"""Merge the marked session files: ask for the output's name, merge in a worker
with a progress bar, show the summary, then hand the merged file back."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, ProgressBar, Static

from coworkshop.i18n import _, error_text, fmt

from ...core.errors import UserError
from ...core.probe import SESSION_SUFFIX
from ..common.form import TypedForm

if TYPE_CHECKING:
    from ...core.merge import MergeReport


def default_name(folder: Path) -> str:
    """An unused name in ``folder``: merged-YYYY-MM-DD.cws, then -2, -3..."""
    base = f"merged-{date.today().isoformat()}"
    name, n = f"{base}{SESSION_SUFFIX}", 2
    while (folder / name).exists():
        name, n = f"{base}-{n}{SESSION_SUFFIX}", n + 1
    return name


def output_path(folder: Path, name: str) -> Path:
    """Where a typed name points: a name in the sessions folder, or a path."""
    name = name.strip()
    if not name:
        raise UserError("name the merged file")
    path = Path(name).expanduser()
    if path.suffix != SESSION_SUFFIX:
        path = path.with_name(path.name + SESSION_SUFFIX)
    if not path.is_absolute() and path.parent == Path("."):
        path = folder / path
    if path.exists():
        raise UserError(f"{path.name} exists already: choose another name")
    if not path.parent.is_dir():
        raise UserError(f"{path.parent}: no such folder")
    return path


def summary_text(report: MergeReport) -> Text:
    """The CLI's summary, for the dialog."""
    from ...core.merge import COUNTED, count

    text = Text()
    kinds = list(COUNTED.values())
    for s in report.sources:
        d = s.to_dict()
        added = ", ".join(count(d["added"][k], k) for k in kinds if d["added"][k])
        text.append(s.file, style="bold")
        text.append(f"  +{added or 'nothing new'}")
        extra = [count(s.duplicates + s.older, "duplicates")]
        if s.updated:
            extra.append(fmt("{updated} updated", updated=s.updated))
        if s.conflicts:
            extra.append(count(s.conflicts, "conflicts"))
        text.append("  (" + ", ".join(extra) + ")\n", style="dim")
    t = report.totals()
    text.append(
        f"\n{count(report.sessions_in_output, 'sessions')} in {report.output.name}: added "
        + ", ".join(count(t[k], k) for k in kinds)
        + f"; {count(t['duplicates'] + t['older'], 'duplicates')} skipped, "
        f"{t['updated']} updated, {count(t['conflicts'], 'conflicts')}.",
        style="bold",
    )
    if report.conflicts:
        text.append(_("\nConflicts (both versions kept, the latest is current):"), style="yellow")
        for c in report.conflicts[:20]:
            text.append(fmt("\n  {table} {value}… from {file}",
                            table=c.table, value=c.row_id[:13], file=c.file), style="yellow")
        if len(report.conflicts) > 20:
            text.append(fmt("\n  … and {value} more",
                            value=len(report.conflicts) - 20), style="yellow")
    for _file, why in report.skipped:
        text.append(fmt("\nskipped: {why}", why=why), style="red")
    return text


class MergeScreen(TypedForm[Path | None]):
    """Returns the merged file's path, or None when cancelled."""

    HELP_TITLE = "Merge session files"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="merge.close",
                tooltip="Close; a merge under way finishes first."),
        Binding("o", "overview", "Overview", id="merge.overview",
                tooltip="Open the merged file's sessions overview.", show=False),
    ]

    def __init__(self, files: list[Path], folder: Path) -> None:
        super().__init__()
        self.files = files
        self.folder = folder
        self.output: Path | None = None
        self.report: MergeReport | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        names = [p.name for p in self.files]
        listed = ", ".join(names[:6]) + (f" and {len(names) - 6} more" if len(names) > 6 else "")
        with Vertical(classes="dialog merge-dialog"):
            yield Static(fmt("Merge {n} session files", n=len(self.files)), classes="dialog-title")
            yield Static(
                fmt("{listed}. Every session and record is kept, with where it came from; the "
                    "files themselves are not changed.", listed=listed),
                classes="dialog-note", markup=False,
            )
            with Horizontal(id="merge-form", classes="merge-form"):
                yield Label(_("Merged file"), classes="field-label")
                yield Input(value=default_name(self.folder), id="merge-name", compact=True)
            yield Static(id="merge-error", classes="form-error")
            yield ProgressBar(id="merge-progress", show_eta=False)
            yield Static(id="merge-step", classes="dialog-note")
            with VerticalScroll(id="merge-summary"):
                yield Static(id="merge-summary-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Merge"), variant="primary", id="merge-go", compact=True)
                yield Button(_("Open overview"), variant="primary", id="merge-open", compact=True)
                yield Button(_("Cancel"), id="merge-cancel", compact=True)
            yield Static(_("enter merges · esc cancels"), id="merge-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        for selector in ("#merge-progress", "#merge-step", "#merge-summary", "#merge-open"):
            self.query_one(selector).display = False
        self.query_one("#merge-name", Input).focus()

    @on(Input.Submitted, "#merge-name")
    @on(Button.Pressed, "#merge-go")
    def start(self) -> None:
        if self.running or self.report is not None:
            return
        try:
            out = output_path(self.folder, self.query_one("#merge-name", Input).value)
        except UserError as exc:
            self.query_one("#merge-error", Static).update(error_text(exc))
            return
        self.output = out
        self.running = True
        self.query_one("#merge-error", Static).update("")
        self.query_one("#merge-form").display = False
        self.query_one("#merge-go").display = False
        bar = self.query_one("#merge-progress", ProgressBar)
        bar.display = True
        bar.update(total=len(self.files), progress=0)
        step = self.query_one("#merge-step", Static)
        step.display = True
        step.update(_("Reading the files…"))
        self.query_one("#merge-hint", Static).update("merging…")
        self.run_merge(out)

    @work(thread=True, exclusive=True, group="merge")
    def run_merge(self, out: Path) -> None:
        from ...core.merge import merge_files

        def progress(done: int, total: int, name: str) -> None:
            self.app.call_from_thread(self._progressed, done, total, name)

        try:
            report = merge_files(self.files, out, progress=progress)
        except UserError as exc:
            self.app.call_from_thread(self._failed, error_text(exc))
            return
        self.app.call_from_thread(self._finished, report)

    def _progressed(self, done: int, total: int, name: str) -> None:
        self.query_one("#merge-progress", ProgressBar).update(total=total, progress=done)
        label = "Finishing…" if done >= total else f"Merging {name} ({done + 1} of {total})…"
        self.query_one("#merge-step", Static).update(label)

    def _failed(self, message: str) -> None:
        self.running = False
        self.query_one("#merge-progress").display = False
        self.query_one("#merge-step").display = False
        self.query_one("#merge-form").display = True
        self.query_one("#merge-go").display = True
        self.query_one("#merge-error", Static).update(f"Nothing was written: {message}")
        self.query_one("#merge-hint", Static).update(_("enter merges · esc cancels"))
        self.notify(message, title=_("Merge refused"), severity="error", timeout=10)
        self.query_one("#merge-name", Input).focus()

    def _finished(self, report: MergeReport) -> None:
        self.running = False
        self.report = report
        self.query_one("#merge-progress").display = False
        self.query_one("#merge-step").display = False
        self.query_one("#merge-summary").display = True
        self.query_one("#merge-summary-text", Static).update(summary_text(report))
        self.query_one("#merge-cancel", Button).label = "Close"
        opener = self.query_one("#merge-open", Button)
        opener.display = True
        opener.focus()
        self.query_one("#merge-hint", Static).update(_("enter or o: sessions overview · esc "
                                                       "closes"))

    @on(Button.Pressed, "#merge-open")
    def action_overview(self) -> None:
        if self.report is not None:
            self.dismiss(self.output)

    @on(Button.Pressed, "#merge-cancel")
    def action_close(self) -> None:
        if self.running:
            self.notify(_("The merge is finishing; it writes nothing until it is complete."))
            return
        # Closing after a merge still returns the file: the home screen lists it.
        # A name typed for the merged file is not dropped without asking.
        if self.report is None:
            self.leave(None)
        else:
            self.dismiss(None)
