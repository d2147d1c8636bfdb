"""The sessions of a (merged) file in one table: date, place, country, sector,
participants by stakeholder group, activities done."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from coworkshop.i18n import _, error_text
from coworkshop.i18n import fmt as fmt_
from coworkshop.tui.common.footer import KeysFooter

from ...core.errors import UserError
from ...core.overview import Overview, read_overview

SECTOR_WIDTH = 12


def short_label(label: str) -> str:
    """A column header for a stakeholder group: "Policy makers" -> "Policy",
    "Educational providers" -> "Educa."."""
    words = label.split()
    word = (words[0] if words else label).rstrip(",;:")
    return word if len(word) <= 8 else word[:5] + "."


def groups_text(by_group: list[tuple[str, int]]) -> str:
    return " · ".join(f"{short_label(label)} {n}" for label, n in by_group) or "none"


class SessionsTable(DataTable[Any]):
    """One row per session, one column per stakeholder group; the cursor moves by row."""

    def show(self, overview: Overview) -> None:
        self.clear(columns=True)
        self.cursor_type = "row"
        self.zebra_stripes = True
        groups = [label for label, _n in overview.by_group()]
        self.add_column("Date", key="date")
        self.add_column("Place", key="place")
        self.add_column("Country", key="country")
        self.add_column("Sector", key="sector", width=SECTOR_WIDTH)
        for label in groups:
            self.add_column(short_label(label), key=f"group:{label}")
        self.add_column("People", key="people")
        self.add_column("Done", key="done")
        for s in overview.sessions:
            counts = dict(s.by_group)
            row: list[Text | str] = [s.date or "-", s.place or "-", s.country or "-",
                                     s.sector or "-"]
            row += [Text(str(counts.get(label, 0)), justify="right") for label in groups]
            row += [
                Text(str(s.participants), justify="right", style="bold"),
                Text(f"{s.activities_done}/{s.activities}", justify="right"),
            ]
            self.add_row(*row, key=s.id)


class SessionsOverviewScreen(Screen[None]):
    """What a coordinator checks after merging: which workshops, who took part."""

    HELP_TITLE = "Sessions overview"
    HOW_TO = (
        "One row per session of the file: its date, place, country and sector, how many "
        "participants came from each stakeholder group (one column per group) and in all, "
        "and how many agenda activities were done (of all). Below the table: the highlighted "
        "session's title, the files it was merged from, its activities done and its groups "
        "in full. ctrl+r writes the consensus report of every session of the file (HTML) "
        "next to it; the palette offers Markdown, JSON and CSV too. Escape goes back."
    )
    AUTO_FOCUS = "#overview-table"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="overview.back",
                tooltip="Back to the home screen."),
        Binding("r", "reload", "Reload", id="overview.reload",
                tooltip="Read the file again.", show=False),
        Binding("ctrl+r", "export_report('html')", "Report", id="overview.report",
                tooltip="Write the consensus report of the file's sessions (HTML) next to it."),
    ]

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.overview: Overview | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="overview-title", classes="title-bar")
        yield SessionsTable(id="overview-table")
        yield Static(id="overview-detail", classes="pane-hint")
        yield Static(id="overview-totals", classes="pane-hint")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one("#overview-title", Static).update(
            Text.assemble((_("Sessions overview  "), "bold"), (self.path.name, "dim"))
        )
        self.load()

    @work(thread=True, exclusive=True, group="overview")
    def load(self) -> None:
        try:
            overview = read_overview(self.path)
        except UserError as exc:
            self.app.call_from_thread(
                self.notify, error_text(exc), title=_("Cannot read"), severity="error", timeout=10
            )
            return
        self.app.call_from_thread(self._show, overview)

    def _show(self, overview: Overview) -> None:
        self.overview = overview
        self.query_one(SessionsTable).show(overview)
        countries = sorted({s.country for s in overview.sessions if s.country})
        self.query_one("#overview-totals", Static).update(
            f"{len(overview.sessions)} sessions · {overview.participants} participants "
            f"({groups_text(overview.by_group())}) · {len(countries)} countries"
            + (f": {', '.join(countries)}" if countries else "")
        )
        self._describe(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._describe(event.cursor_row)

    def _describe(self, row: int) -> None:
        if self.overview is None or not 0 <= row < len(self.overview.sessions):
            return
        s = self.overview.sessions[row]
        done = ", ".join(s.done_titles) or "none yet"
        sources = ", ".join(s.sources) or "this file"
        people = ", ".join(f"{label} {n}" for label, n in s.by_group) or "no participants"
        self.query_one("#overview-detail", Static).update(
            Text.assemble((s.title, "bold"), fmt_(" · from {sources} · {people} · done: {done}",
                                                  sources=sources, people=people, done=done))
        )

    def action_back(self) -> None:
        self.dismiss()

    def action_reload(self) -> None:
        self.load()

    def action_export_report(self, fmt: str = "html") -> None:
        from ..report.export import start_export

        start_export(self, [self.path], fmt)

    def palette_entries(self) -> list[tuple[str, str, Any]]:
        from functools import partial

        from ..report.export import EXPORTS

        return [
            ("sessions: back home", "Leave the overview", self.action_back),
            ("sessions: reload overview", "Read the merged file again", self.action_reload),
            *[(name, help_text, partial(self.action_export_report, fmt))
              for name, fmt, help_text in EXPORTS],
        ]
