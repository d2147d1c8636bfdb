"""A stakeholder map, live: the grid, the register beside it, who moved.

Up/down choose a stakeholder; shift+arrows (or enter, then the arrows) move
it on the grid and every step is saved at once. The questionnaire (y) places
a stakeholder from SACCORD's yes/no questions and sets its understanding.
A new round (n) starts from the last places; the map then shows where each
stakeholder was (a dim ∘ mark) and lists who changed quadrant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static

from coworkshop.i18n import N_, _, fmt

from ...core import stakeholders as sh
from ..colors import group_color
from . import render

if TYPE_CHECKING:
    from ...core.models import Activity, Session
    from ...core.store import Store

METHOD_NAMES = {"power_interest": N_("Power/interest"), "saccord": N_("SACCORD map")}
PaletteEntry = tuple[str, str, Any]


class MapView(Widget, can_focus=True):
    """The map of a stakeholder_map activity and its register."""

    HOW_TO = (
        "Up/down choose a stakeholder. Shift+arrows move it (up/down: power or influence, "
        "left/right: interest or support), or press enter and use the arrows, enter again when "
        "done; every step is saved at once. An unplaced stakeholder starts in the middle. "
        "a adds a stakeholder, e edits, d removes it; y fills the questionnaire (SACCORD: "
        "4 influence and 5 support yes/no questions, 4 knowledge questions); u changes its "
        "understanding by hand. n starts a new round from the current places: the map shows "
        "where each one was (∘) and lists who changed quadrant (m shows them all). i takes "
        "the template's starting register or the register of a previous session of the "
        "group. v switches the shapes to letters (L, M, H). Start with at most 8-10 actors "
        "and extend later; repeat the mapping at later meetings. " + sh.RULES_TEXT
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="map.add", tooltip="Add a stakeholder to the register."),
        Binding("e", "edit", "Edit", id="map.edit",
                tooltip="Edit the chosen stakeholder: name, group, organisation, notes."),
        Binding("d", "delete", "Remove", id="map.delete", show=False,
                tooltip="Remove the chosen stakeholder from the register (ratings are kept)."),
        Binding("enter", "toggle_move", "Move", id="map.move",
                tooltip="Move the chosen stakeholder with the arrows; enter again when done."),
        Binding("y", "questionnaire", "Questions", id="map.questionnaire",
                tooltip="Fill the yes/no and knowledge questions for the chosen stakeholder."),
        Binding("n", "new_round", "New round", id="map.new-round",
                tooltip="Start the next round from the current places, to see who moves."),
        Binding("m", "movements", "Moved", id="map.movements", show=False,
                tooltip="Everyone who changed quadrant since the previous round."),
        Binding("i", "carry", "Import", id="map.carry", show=False,
                tooltip="Take the template's starting register or a previous session's."),
        Binding("u", "understanding", "Understanding", id="map.understanding", show=False,
                tooltip="Set the chosen stakeholder's understanding: low, medium or high."),
        Binding("v", "symbols", "Shapes/letters", id="map.symbols", show=False,
                tooltip="Show understanding as shapes (▲ ■ ●) or letters (L M H)."),
        Binding("up", "arrow(1, 0)", "Up", id="map.up", show=False,
                tooltip="Previous stakeholder (moving: more power)."),
        Binding("down", "arrow(-1, 0)", "Down", id="map.down", show=False,
                tooltip="Next stakeholder (moving: less power)."),
        Binding("left", "arrow(0, -1)", "Left", id="map.left", show=False,
                tooltip="Moving: less interest."),
        Binding("right", "arrow(0, 1)", "Right", id="map.right", show=False,
                tooltip="Moving: more interest."),
        Binding("shift+up", "nudge(1, 0)", "Power +", id="map.power-up", show=False,
                tooltip="More power/influence for the chosen stakeholder (saved at once)."),
        Binding("shift+down", "nudge(-1, 0)", "Power -", id="map.power-down", show=False,
                tooltip="Less power/influence for the chosen stakeholder."),
        Binding("shift+right", "nudge(0, 1)", "Interest +", id="map.interest-up", show=False,
                tooltip="More interest/support for the chosen stakeholder."),
        Binding("shift+left", "nudge(0, -1)", "Interest -", id="map.interest-down",
                show=False, tooltip="Less interest/support for the chosen stakeholder."),
        Binding("escape", "leave", "Back", id="map.leave", show=False,
                tooltip="Stop moving; or back to the agenda."),
    ]

    def __init__(self, store: Store, session: Session, activity: Activity,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store = store
        self.session = session
        self.activity = activity
        self.selected: str | None = None
        self.moving = False
        self.text_symbols = False
        self.data: sh.MapData | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="map-head")
        with Horizontal(id="map-body"):
            yield Static(id="map-grid")
            yield Static(id="map-list")
        yield Static(id="map-foot")

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self, _event: events.Resize) -> None:
        self.refresh_view()

    # ------------------------------------------------------------ data

    def reload(self) -> None:
        with self.store.db() as db:
            self.data = sh.map_data(db, self.session, self.activity)
        ids = [e.id for e in self.data.entries]
        if self.selected not in ids:
            self.selected = ids[0] if ids else None
        self.refresh_view()

    def entry(self) -> sh.MapEntry | None:
        if self.data is None:
            return None
        return next((e for e in self.data.entries if e.id == self.selected), None)

    def cursor(self) -> int:
        assert self.data is not None
        return next((n for n, e in enumerate(self.data.entries) if e.id == self.selected), 0)

    # ------------------------------------------------------------ drawing

    def refresh_view(self) -> None:
        data = self.data
        if data is None or not self.is_mounted:
            return
        n = len(data.entries)
        names = data.axis_names
        head = Text.assemble((_(METHOD_NAMES.get(data.method, N_("Stakeholder map"))), "bold"),
                             f" ↑{_(names['power'])} →{_(names['interest'])}")
        if data.round_number is not None:
            head.append(fmt(" · round {round_number} · {round_date}",
                            round_number=data.round_number, round_date=data.round_date))
        else:
            head.append(_(" · no round yet"), style="italic")
        head.append(fmt(" · {n} of ≤{max_actors} to start", n=n, max_actors=data.max_actors),
                    style="bold yellow" if n > data.max_actors else "")
        e = self.entry()
        head.append("\n")
        if self.moving and e is not None:
            head.append(" MOVING ", style="bold reverse yellow")
            head.append(fmt(" {name}: ↑↓ {power}, ←→ {interest} · enter or esc when done",
                            name=e.name, power=_(data.axis_names['power']),
                            interest=_(data.axis_names['interest'])))
        elif e is not None:
            head.append_text(render.detail(e, data))
        else:
            head.append(_("No stakeholders yet: a adds one"), style="italic")
            if sh.template_register(self.activity):
                head.append(_(", i takes the template's starting register"), style="italic")
            head.append(".", style="italic")
        head.no_wrap, head.overflow = True, "ellipsis"
        self.query_one("#map-head", Static).update(head)
        self.query_one("#map-grid", Static).update(
            render.grid(data, self.selected, self.text_symbols))
        lst = self.query_one("#map-list", Static)
        width = max(20, lst.size.width or 40)
        height = lst.size.height or 12
        lines = Text()
        dim_unrated = data.previous_round is not None
        if not data.entries:
            lines.append(_("The register is empty."), style="italic dim")
        more = ""
        if n > height:
            rows = render.window(n, self.cursor(), max(1, height - 1))
            more = f"  ↑ {rows.start} more · ↓ {n - rows.stop} more"
        else:
            rows = range(n)
        for k in rows:
            entry = data.entries[k]
            lines.append_text(render.entry_line(entry, entry.id == self.selected, width,
                                                self.text_symbols, dim_unrated))
            lines.append("\n")
        if more:
            lines.append(more, style="dim")
        lines.rstrip()
        lines.no_wrap, lines.overflow = True, "ellipsis"
        lst.update(lines)
        self.query_one("#map-foot", Static).update(self.foot(data))

    def foot(self, data: sh.MapData) -> Text:
        """Who moved, or the method's guidance that applies; then the legend."""
        text = Text()
        if data.movements:
            text.append(fmt("Moved since round {previous_round}: ",
                            previous_round=data.previous_round), style="bold")
            shown = data.movements[:2]
            text.append("; ".join(m.text(data.method) for m in shown))
            if len(data.movements) > len(shown):
                text.append(fmt("; and {value} more (m)",
                                value=len(data.movements) - len(shown)), style="dim")
        else:
            if data.previous_round is not None:
                text.append(fmt("Nobody changed quadrant since round {previous_round}. ",
                                previous_round=data.previous_round),
                            style="dim")
            promoters = [str(e.number) for e in data.entries if e.quadrant == "manage"]
            placed = [e for e in data.entries if e.placed]
            if promoters:
                text.append(_("Promoters (high power and interest), manage closely first: "),
                            style="bold")
                text.append(", ".join(promoters) + ". ")
            if placed and len(placed) == len(data.entries) and data.previous_round is None:
                text.append(_("Repeat the mapping at later meetings (n) to see who moves."),
                            style="italic")
        legend = Text()
        for g in data.groups:
            legend.append("■", style=group_color(str(g.get("color", ""))))
            legend.append(f"{str(g.get('label', g.get('key', ''))).split()[0].rstrip(',')} ")
        lo, mid, hi, unrated = (("L", "M", "H", "?") if self.text_symbols
                                else ("▲", "■", "●", render.UNKNOWN))
        room = max(20, self.size.width - 2)
        # every mark on the map is explained, the not-yet-rated one too: the
        # longest wording that fits beside the groups (the foot has 3 lines)
        for wording in (fmt("understanding: {lo} low {mid} medium {hi} high {unrated} not rated "
                            "yet", lo=lo, mid=mid, hi=hi, unrated=unrated),
                        fmt("understanding {lo}low {mid}mid {hi}high {unrated}unrated", lo=lo,
                            mid=mid, hi=hi, unrated=unrated),
                        fmt("{lo}low {mid}mid {hi}high {unrated}unrated", lo=lo, mid=mid,
                            hi=hi, unrated=unrated)):
            if legend.cell_len + 2 + len(wording) <= room:
                break
        legend.append(f"· {wording}", style="dim")
        legend.truncate(room, overflow="ellipsis")
        if text.plain:
            text.append("\n")
        return text + legend

    # ------------------------------------------------------------ requests
    # The view presents and asks; the screen decides, pushes the forms, saves
    # through the core and calls reload() (see actions.MapActions).

    class Requested(Message):
        """The facilitator asked for something on the map (base class)."""

        def __init__(self, view: MapView, entry: sh.MapEntry | None) -> None:
            super().__init__()
            self.view = view
            self.entry = entry

    class AddRequested(Requested):
        """Add a stakeholder."""

    class EditRequested(Requested):
        """Edit the chosen stakeholder."""

    class RemoveRequested(Requested):
        """Remove the chosen stakeholder."""

    class QuestionnaireRequested(Requested):
        """Fill the questionnaire for the chosen stakeholder."""

    class UnderstandingRequested(Requested):
        """Set the chosen stakeholder's understanding by hand."""

    class NewRoundRequested(Requested):
        """Start the next round."""

    class MovementsRequested(Requested):
        """List who changed quadrant."""

    class CarryRequested(Requested):
        """Take the template's or a previous session's register."""

    class MoveRequested(Requested):
        """Move the chosen stakeholder one step."""

        def __init__(self, view: MapView, entry: sh.MapEntry | None, d_power: int,
                     d_interest: int) -> None:
            super().__init__(view, entry)
            self.d_power = d_power
            self.d_interest = d_interest

    def _need_entry(self) -> sh.MapEntry | None:
        e = self.entry()
        if e is None:
            self.notify(_("Add a stakeholder first (a)."), severity="warning")
        return e

    def _ask(self, kind: type[Requested], need_entry: bool = True) -> None:
        entry = self._need_entry() if need_entry else self.entry()
        if need_entry and entry is None:
            return
        self.post_message(kind(self, entry))

    def select(self, stakeholder_id: str) -> None:
        """Choose a stakeholder (after adding it, or from the movements)."""
        self.selected = stakeholder_id
        self.refresh_view()

    # ------------------------------------------------------------ actions

    def action_arrow(self, d_power: int, d_interest: int) -> None:
        if self.moving:
            self.action_nudge(d_power, d_interest)
            return
        if self.data is None or not self.data.entries or d_power == 0:
            return
        k = max(0, min(len(self.data.entries) - 1, self.cursor() - d_power))
        self.selected = self.data.entries[k].id
        self.refresh_view()

    def action_nudge(self, d_power: int, d_interest: int) -> None:
        e = self._need_entry()
        if e is not None:
            self.post_message(self.MoveRequested(self, e, d_power, d_interest))

    def action_toggle_move(self) -> None:
        if self._need_entry() is None:
            return
        self.moving = not self.moving
        self.refresh_view()

    def action_leave(self) -> None:
        if self.moving:
            self.moving = False
            self.refresh_view()
            return
        back = getattr(self.screen, "action_back", None)
        if callable(back):
            back()

    def action_symbols(self) -> None:
        self.text_symbols = not self.text_symbols
        self.refresh_view()

    def action_add(self) -> None:
        self._ask(self.AddRequested, need_entry=False)

    def action_edit(self) -> None:
        self._ask(self.EditRequested)

    def action_delete(self) -> None:
        self._ask(self.RemoveRequested)

    def action_understanding(self) -> None:
        self._ask(self.UnderstandingRequested)

    def action_questionnaire(self) -> None:
        self._ask(self.QuestionnaireRequested)

    def action_new_round(self) -> None:
        self._ask(self.NewRoundRequested, need_entry=False)

    def action_movements(self) -> None:
        self._ask(self.MovementsRequested, need_entry=False)

    def action_carry(self) -> None:
        self._ask(self.CarryRequested, need_entry=False)

    def palette_entries(self) -> list[PaletteEntry]:
        return [
            ("stakeholders: add", "Add a stakeholder to the register", self.action_add),
            ("stakeholders: edit", "Edit the chosen stakeholder", self.action_edit),
            ("stakeholders: remove", "Remove the chosen stakeholder", self.action_delete),
            ("stakeholders: questionnaire", "Yes/no and knowledge questions for the chosen one",
             self.action_questionnaire),
            ("stakeholders: understanding", "Set the understanding level by hand",
             self.action_understanding),
            ("stakeholders: carry from previous session",
             "The template's register or a previous session's", self.action_carry),
            ("map: new round", "Start the next round from the current places",
             self.action_new_round),
            ("map: move stakeholder", "Move the chosen stakeholder with the arrows",
             self.action_toggle_move),
            ("map: who moved", "Everyone who changed quadrant since the last round",
             self.action_movements),
            ("map: shapes or letters", "Understanding as ▲ ■ ● or L M H", self.action_symbols),
        ]


