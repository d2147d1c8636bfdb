"""The CREDEX Theory-of-Change grid: levels x timeframes, objectives per cell."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widgets import Static

from coworkshop.core.models import Card
from coworkshop.i18n import _
from coworkshop.tui.canvas.board import Board
from coworkshop.tui.canvas.card_edit import CardFormSpec
from coworkshop.tui.canvas.card_view import CardView


class GridBoard(Board):
    """One cell per level and timeframe; the cursor moves between objectives
    inside a cell with up/down and on to the next cell at its end."""

    HOW_TO = (
        "Each row is a level (from the system down to the learners), each column a "
        "timeframe. A cell holds objectives and the stakeholders who carry them; the line "
        "above the grid asks the question of the cell under the cursor (i shows it in full). "
    ) + Board.HOW_TO

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.level = 0
        self.timeframe = 0
        self.item = 0
        super().__init__(*args, **kwargs)

    @property
    def levels(self) -> list[dict[str, Any]]:
        return list(self.activity.config.get("levels", []))

    @property
    def timeframes(self) -> list[dict[str, Any]]:
        return list(self.activity.config.get("timeframes", []))

    def cell_key(self, level: int, timeframe: int) -> str:
        return f"{self.levels[level]['key']}/{self.timeframes[timeframe]['key']}"

    def column_title(self, column: str) -> str:
        level, _, timeframe = column.partition("/")
        names = {lv["key"]: lv["label"] for lv in self.levels}
        times = {tf["key"]: tf["label"] for tf in self.timeframes}
        return f"{names.get(level, level)} · {times.get(timeframe, timeframe)}"

    # ------------------------------------------------------------ layout

    def compose(self) -> ComposeResult:
        with Vertical(classes="banner", id="banner"):
            yield Static(Text.assemble((self.activity.title, "bold")), classes="banner-title")
            # the question of the cell under the cursor first, then how to run the grid
            yield Static(classes="banner-line", id="cell-prompt")
            desc = str(self.activity.config.get("description", ""))
            if desc:
                yield Static(desc, classes="banner-line", markup=False)
        with VerticalScroll(id="grid-scroll", can_focus=False):
            grid = Grid(id="grid")
            grid.styles.grid_size_columns = len(self.timeframes) + 1
            grid.styles.grid_columns = " ".join(["18"] + ["1fr"] * len(self.timeframes))
            with grid:
                yield Static("", classes="grid-corner")
                for tf in self.timeframes:
                    yield Static(Text.assemble((tf["label"], "bold")), classes="grid-head")
                for i, lv in enumerate(self.levels):
                    yield Static(Text.assemble((lv["label"], "bold")), classes="grid-level")
                    for j, _tf in enumerate(self.timeframes):
                        yield Vertical(classes="grid-cell", id=f"cell-{i}-{j}")

    async def on_mount(self) -> None:
        self.show_banner_hint()
        try:
            await self.render_cards()
        except NoMatches:
            pass  # removed before it was drawn: the agenda moved on

    # ------------------------------------------------------------ cards

    def current_column(self) -> str:
        return self.cell_key(self.level, self.timeframe)

    def current_card(self) -> Card | None:
        cards = self.column_cards(self.current_column())
        if not cards:
            return None
        return cards[min(self.item, len(cards) - 1)]

    def move_cursor_to(self, card_id: str) -> None:
        card = self.by_id(card_id)
        if card is None:
            return
        for i in range(len(self.levels)):
            for j in range(len(self.timeframes)):
                if self.cell_key(i, j) == card.column:
                    self.level, self.timeframe = i, j
                    ids = [c.id for c in self.column_cards(card.column)]
                    self.item = ids.index(card_id)

    async def render_cards(self) -> None:
        cells: list[tuple[Vertical, list[Static]]] = []
        for i in range(len(self.levels)):
            for j in range(len(self.timeframes)):
                views: list[Static] = []
                for card in self.column_cards(self.cell_key(i, j)):
                    received = self.comments.get(card.id, [])
                    views.append(
                        CardView(
                            card,
                            self.label(card),
                            comments=len(received),
                            open_comments=sum(1 for c in received if not c.resolved),
                            compact=True,
                        )
                    )
                if not views:
                    views.append(Static("·", classes="empty-cell"))
                cells.append((self.query_one(f"#cell-{i}-{j}", Vertical), views))
        # one batch of removals, then one of mounts: a single repaint
        with self.app.batch_update():
            removals = [cell.remove_children() for cell, _views in cells]
            for removal in removals:
                await removal
            mounts = [cell.mount_all(views) for cell, views in cells]
            for mount in mounts:
                await mount
        self.show_cursor()

    def cell_prompt(self, column: str) -> Text:
        """What a cell asks: its level and timeframe, with their descriptions."""
        level_key, _, time_key = column.partition("/")
        level = next((lv for lv in self.levels if lv["key"] == level_key), {})
        time = next((tf for tf in self.timeframes if tf["key"] == time_key), {})
        text = Text.assemble((self.column_title(column), "bold"))
        about = " ".join(str(d.get("description", "")).strip() for d in (time, level))
        if about.strip():
            text.append("  ")
            text.append(about.strip())
        return text

    def show_cursor(self) -> None:
        self.query_one("#cell-prompt", Static).update(self.cell_prompt(self.current_column()))
        count = len(self.column_cards(self.current_column()))
        self.item = max(0, min(self.item, count - 1))
        current = self.current_card()
        for cell in self.query(".grid-cell"):
            cell.set_class(cell.id == f"cell-{self.level}-{self.timeframe}", "-current-cell")
        for view in self.query(CardView):
            is_current = current is not None and view.card_id == current.id
            view.set_class(is_current, "-current")
            if is_current:
                self.call_after_refresh(view.scroll_visible, animate=False)
        if current is None:
            cell = self.query_one(f"#cell-{self.level}-{self.timeframe}")
            self.call_after_refresh(cell.scroll_visible, animate=False)

    def action_cursor(self, dx: int, dy: int) -> None:
        if dx:
            self.timeframe = max(0, min(len(self.timeframes) - 1, self.timeframe + dx))
            self.item = 0
        if dy:
            count = len(self.column_cards(self.current_column()))
            target = self.item + dy
            if 0 <= target < count:
                self.item = target
            elif dy < 0 and self.level > 0:
                self.level -= 1
                self.item = max(0, len(self.column_cards(self.current_column())) - 1)
            elif dy > 0 and self.level < len(self.levels) - 1:
                self.level += 1
                self.item = 0
        self.show_cursor()

    def form_extras(self, spec: CardFormSpec, column: str, card: Card | None) -> None:
        if card is None:
            spec.title = _("Add an objective")
        spec.prompt = self.cell_prompt(column).plain
        spec.text_label = "Objective or outcome"
        spec.stakeholders = card.stakeholders if card is not None else ""
