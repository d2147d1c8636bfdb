"""The Theory-of-Change canvas: cross-point banner and CHANGE / HOW / WHAT."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.widget import Widget
from textual.widgets import Static

from coworkshop.core import canvas
from coworkshop.core.canvas import Pathways
from coworkshop.core.models import Card
from coworkshop.i18n import _, fmt
from coworkshop.tui.canvas.board import Board
from coworkshop.tui.canvas.card_edit import CardFormSpec
from coworkshop.tui.canvas.card_view import CardView, display_text, short_words

NO_LINK = "-no-link-"


def crosspoint_of(plan: dict[str, Any], key: str) -> dict[str, Any] | None:
    for cp in plan.get("crosspoints", []):
        if cp.get("key") == key:
            return dict(cp)
    return None


class CanvasBoard(Board):
    """Three columns worked backwards from the cross-point; a visible cursor."""

    HOW_TO = (
        "Work backwards from the cross-point: CHANGE (who must do what differently, at most "
        "two), HOW (what we do to bring it about; each HOW links to its CHANGE) and WHAT "
        "(the tangible result; each WHAT links to its HOW). A new HOW or WHAT asks which card "
        "it links to (the highlighted one unless you choose another); l re-links the "
        "highlighted card, v shows the pathway change → how → what and flags what is not "
        "linked yet. i shows the cross-point's vision and need in full (or one line each). "
    ) + Board.HOW_TO

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("l", "link", "Link", id="canvas.link",
                tooltip="Link a HOW card to its CHANGE, a WHAT card to its HOW.", show=False),
        Binding("v", "pathway", "Pathway", id="canvas.pathway",
                tooltip="The pathway change → how → what, with unlinked cards flagged."),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.col_index = 0
        self.rows: dict[str, int] = {c: 0 for c in canvas.COLUMNS}
        super().__init__(*args, **kwargs)

    # ------------------------------------------------------------ layout

    def banner(self) -> ComposeResult:
        """The cross-point this canvas works on (vision and need), or the activity."""
        cp = crosspoint_of(self.session.plan, str(self.activity.config.get("crosspoint", "")))
        if cp is None:
            yield Static(Text.assemble((self.activity.title, "bold")), classes="banner-title")
            desc = str(self.activity.config.get("description", ""))
            if desc:
                yield Static(desc, classes="banner-line", markup=False)
            return
        if cp.get("title"):
            yield Static(Text.assemble((str(cp["title"]), "bold")), classes="banner-title")
        yield Static(Text.assemble((_("Policy vision  "), "bold cyan"), str(cp["vision"])),
                     classes="banner-line", id="vision")
        yield Static(Text.assemble((_("Industry need  "), "bold yellow"), str(cp["need"])),
                     classes="banner-line", id="need")

    def compose(self) -> ComposeResult:
        with Vertical(classes="banner", id="banner"):
            yield from self.banner()
        prompts = canvas.prompts(self.activity)
        with Horizontal(classes="columns"):
            for column in canvas.COLUMNS:
                with Vertical(classes="column", id=f"col-{column}"):
                    yield Static(classes="column-title", id=f"title-{column}")
                    yield Static(prompts[column], classes="column-prompt", markup=False)
                    yield VerticalScroll(classes="cards", id=f"cards-{column}", can_focus=False)

    async def on_mount(self) -> None:
        self.show_banner_hint()
        try:
            await self.render_cards()
        except NoMatches:
            pass  # removed before it was drawn: the agenda moved on

    # ------------------------------------------------------------ cards

    def current_column(self) -> str:
        return canvas.COLUMNS[self.col_index]

    def current_card(self) -> Card | None:
        column = self.current_column()
        cards = self.column_cards(column)
        if not cards:
            return None
        return cards[min(self.rows[column], len(cards) - 1)]

    def move_cursor_to(self, card_id: str) -> None:
        card = self.by_id(card_id)
        if card is None:
            return
        self.col_index = canvas.COLUMNS.index(card.column)
        self.rows[card.column] = [c.id for c in self.column_cards(card.column)].index(card_id)

    def _link_state(self, card: Card) -> tuple[str, bool, bool]:
        """The label of the card this one links to, whether it is unlinked,
        and whether that is because the card it linked to was deleted."""
        if card.column not in canvas.PARENT:
            return "", False, False
        target = self.by_id(card.link_id)
        if target is None:
            return "", True, card.link_id is not None
        return self.labels.get(target.id, "?"), False, False

    async def render_cards(self) -> None:
        limit = canvas.max_changes(self.activity)
        views: dict[str, list[Widget]] = {}
        for column in canvas.COLUMNS:
            cards = self.column_cards(column)
            self.rows[column] = max(0, min(self.rows[column], len(cards) - 1))
            title = Text.assemble((canvas.COLUMN_TITLES[column], "bold"))
            count = f"  {len(cards)}/{limit}" if column == "change" else f"  {len(cards)}"
            title.append(count, style="dim")
            self.query_one(f"#title-{column}", Static).update(title)
            views[column] = []
            for card in cards:
                link, unlinked, broken = self._link_state(card)
                received = self.comments.get(card.id, [])
                views[column].append(
                    CardView(
                        card,
                        self.label(card),
                        link_label=link,
                        unlinked=unlinked,
                        broken=broken,
                        comments=len(received),
                        open_comments=sum(1 for c in received if not c.resolved),
                    )
                )
            if not views[column]:
                views[column].append(
                    Static(_("No cards yet. Press a to add one."), classes="empty-column")
                )
        # one removal and one mount for the whole board: fewer repaints
        containers = [self.query_one(f"#cards-{c}", VerticalScroll) for c in canvas.COLUMNS]
        with self.app.batch_update():
            removals = [c.remove_children() for c in containers]
            for removal in removals:
                await removal
            mounts = [
                c.mount_all(views[column])
                for column, c in zip(canvas.COLUMNS, containers, strict=True)
            ]
            for mount in mounts:
                await mount
        self.show_cursor()

    def show_cursor(self) -> None:
        current = self.current_card()
        for column in canvas.COLUMNS:
            self.query_one(f"#col-{column}").set_class(
                column == self.current_column(), "-current-column"
            )
        for view in self.query(CardView):
            is_current = current is not None and view.card_id == current.id
            view.set_class(is_current, "-current")
            if is_current:
                self.call_after_refresh(view.scroll_visible, animate=False)

    def action_cursor(self, dx: int, dy: int) -> None:
        if dx:
            self.col_index = max(0, min(len(canvas.COLUMNS) - 1, self.col_index + dx))
        if dy:
            column = self.current_column()
            count = len(self.column_cards(column))
            self.rows[column] = max(0, min(count - 1, self.rows[column] + dy))
        self.show_cursor()

    # ------------------------------------------------------------ links

    def parent_options(self, column: str) -> list[tuple[str, str]]:
        parent = canvas.PARENT[column]
        return [
            (f"{self.label(c)} · {short_words(c.text, 50)}", c.id)
            for c in self.column_cards(parent)
        ]

    def form_extras(self, spec: CardFormSpec, column: str, card: Card | None) -> None:
        spec.prompt = canvas.prompts(self.activity)[column]
        if column not in canvas.PARENT:
            return
        spec.links = self.parent_options(column)
        if card is not None:
            spec.link_id = card.link_id if self.by_id(card.link_id) else None
        else:
            # default: the card highlighted in the column this one serves, said
            # in the form so that nothing is linked without the room seeing it
            parent = canvas.PARENT[column]
            title = canvas.COLUMN_TITLES[parent]
            parents = self.column_cards(parent)
            if parents:
                chosen = parents[min(self.rows[parent], len(parents) - 1)]
                spec.link_id = chosen.id
                spec.prompt += (f"\nIt serves the {title} chosen under the text: "
                                f"{self.label(chosen)}, the highlighted one, unless you pick "
                                f"another (or none).")
            else:
                spec.prompt += (f"\nThere is no {title} card yet: this card stays unlinked "
                                f"until you link it (l).")

    def link_choices(self, card: Card) -> list[tuple[str, Text | str]] | None:
        if card.column not in canvas.PARENT:
            return None
        options: list[tuple[str, Text | str]] = [
            (c.id, Text.assemble((self.label(c), "bold"), "  ", display_text(c.text)))
            for c in self.column_cards(canvas.PARENT[card.column])
        ]
        options.append((NO_LINK, Text.assemble((_("not linked"), "italic"))))
        return options

    def pathways(self) -> Pathways:
        with self.store.db() as db:
            return canvas.pathways(db, self.activity.id)

    def action_link(self) -> None:
        card = self._need_card()
        if card is None:
            return
        if card.column not in canvas.PARENT:
            self.notify(
                fmt("{value} cards do not link to another card; link the HOW cards to them.",
                    value=canvas.COLUMN_TITLES[card.column]),
                severity="warning",
            )
            return
        self.post_message(self.LinkRequested(self, card, card.column))

    def action_pathway(self) -> None:
        self.post_message(self.PathwayRequested(self, self.current_card(), self.current_column()))
