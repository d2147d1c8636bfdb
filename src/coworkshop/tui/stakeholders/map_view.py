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
from textual.widget import Widget
from textual.widgets import Static

from ...core import sessions
from ...core import stakeholders as sh
from ...core.errors import UserError
from ..screens.pick import PickScreen
from ..screens.prompt import Field, PromptScreen
from . import render
from .forms import StakeholderForm
from .messages import (
    QuestionnaireFilled,
    RegisterCarried,
    RoundStarted,
    StakeholderAdded,
    StakeholderDeleted,
    StakeholderEdited,
    StakeholderMoved,
)

if TYPE_CHECKING:
    from ...core.models import Activity, Session
    from ...core.store import Store

METHOD_NAMES = {"power_interest": "Power/interest", "saccord": "SACCORD map"}
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
        head = Text.assemble((METHOD_NAMES.get(data.method, "Stakeholder map"), "bold"))
        if data.round_number is not None:
            head.append(f" · round {data.round_number} · {data.round_date}")
        else:
            head.append(" · no round yet", style="italic")
        head.append(f" · {n} of ≤{data.max_actors} to start",
                    style="bold yellow" if n > data.max_actors else "")
        e = self.entry()
        head.append("\n")
        if self.moving and e is not None:
            head.append(" MOVING ", style="bold reverse yellow")
            head.append(f" {e.name}: ↑↓ {data.axis_names['power']}, ←→ "
                        f"{data.axis_names['interest']} · enter or esc when done")
        elif e is not None:
            head.append_text(render.detail(e, data))
        else:
            head.append("No stakeholders yet: a adds one", style="italic")
            if sh.template_register(self.activity):
                head.append(", i takes the template's starting register", style="italic")
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
            lines.append("The register is empty.", style="italic dim")
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
        """Who moved; else the method's guidance that applies; then the legend."""
        text = Text()
        if data.movements:
            text.append(f"Moved since round {data.previous_round}: ", style="bold")
            shown = data.movements[:2]
            text.append("; ".join(m.text(data.method) for m in shown))
            if len(data.movements) > len(shown):
                text.append(f"; and {len(data.movements) - len(shown)} more (m)", style="dim")
            return text
        if data.previous_round is not None:
            text.append(f"Nobody changed quadrant since round {data.previous_round}. ",
                        style="dim")
        promoters = [str(e.number) for e in data.entries if e.quadrant == "manage"]
        placed = [e for e in data.entries if e.placed]
        if promoters:
            text.append("Promoters (high power and interest), manage closely first: ",
                        style="bold")
            text.append(", ".join(promoters) + ". ")
        if placed and len(placed) == len(data.entries) and data.previous_round is None:
            text.append("Repeat the mapping at later meetings (n) to see who moves.",
                        style="italic")
        if text.plain:
            text.append("\n")
        shapes = (("L", "M", "H") if self.text_symbols else ("▲", "■", "●"))
        text.append(f"{shapes[0]} low {shapes[1]} medium {shapes[2]} high "
                    f"{render.UNKNOWN} unknown understanding · ∘ last round · ~ on the line (3)",
                    style="dim")
        return text

    # ------------------------------------------------------------ helpers

    def _saved(self, message: Any) -> None:
        self.reload()
        self.post_message(message)

    def _groups(self) -> list[tuple[str, str]]:
        return [(g["label"], g["key"]) for g in sessions.stakeholder_groups(self.session)]

    def _participants(self) -> list[tuple[str, str]]:
        out = []
        for p in sessions.participants(self.store, self.session.id):
            label = p.name or "(not named)"
            if p.organisation:
                label += f", {p.organisation}"
            out.append((label, p.id))
        return out

    def _need_entry(self) -> sh.MapEntry | None:
        e = self.entry()
        if e is None:
            self.notify("Add a stakeholder first (a).", severity="warning")
        return e

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
        if e is None:
            return
        try:
            with self.store.db() as db:
                sh.nudge(db, self.activity, e.id, d_power, d_interest)
                db.commit()
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return
        self._saved(StakeholderMoved(e.id))

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
        added: list[str] = []

        def submit(values: dict[str, str]) -> None:
            with self.store.db() as db:
                s = sh.add_stakeholder(db, self.session, values["name"],
                                       values["stakeholder_group"], values["organisation"],
                                       values["notes"], values.get("participant_id") or None)
                db.commit()
            added.append(s.id)

        def done(values: dict[str, str] | None) -> None:
            if values is None or not added:
                return
            self.selected = added[0]
            self._saved(StakeholderAdded(added[0]))
            assert self.data is not None
            if len(self.data.entries) > self.data.max_actors:
                self.notify(f"{len(self.data.entries)} stakeholders: the method advises to "
                            f"start with at most {self.data.max_actors} and extend later.",
                            severity="warning")

        self.app.push_screen(StakeholderForm(
            "Add a stakeholder", self._groups(), self._participants(), {}, submit), done)

    def action_edit(self) -> None:
        e = self._need_entry()
        if e is None:
            return

        def submit(values: dict[str, str]) -> None:
            fields: dict[str, Any] = dict(values)
            if "participant_id" in fields:
                fields["participant_id"] = fields["participant_id"] or None
            with self.store.db() as db:
                sh.update_stakeholder(db, self.session, e.id, **fields)
                db.commit()

        def done(values: dict[str, str] | None) -> None:
            if values is not None:
                self._saved(StakeholderEdited(e.id))

        values = {"name": e.name, "stakeholder_group": e.group,
                  "organisation": e.organisation, "notes": e.notes,
                  "participant_id": e.participant_id or ""}
        self.app.push_screen(StakeholderForm(
            f"Edit {e.name}", self._groups(), self._participants(), values, submit), done)

    def action_delete(self) -> None:
        e = self._need_entry()
        if e is None:
            return

        def chosen(key: str | None) -> None:
            if key != "delete":
                return
            with self.store.db() as db:
                sh.delete_stakeholder(db, e.id)
                db.commit()
            self.notify(f"Removed {e.name} from the register; its ratings stay in the file.")
            self._saved(StakeholderDeleted(e.id))

        self.app.push_screen(PickScreen(f"Remove {e.name}?", [
            ("keep", "Keep it"), ("delete", f"Remove {e.name} from the register")]), chosen)

    def action_understanding(self) -> None:
        e = self._need_entry()
        if e is None:
            return

        def chosen(level: str | None) -> None:
            if level is None:
                return
            with self.store.db() as db:
                sh.set_understanding(db, self.activity, e.id, level)
                db.commit()
            self._saved(StakeholderMoved(e.id))

        self.app.push_screen(PickScreen(
            f"Understanding of micro-credentials: {e.name}",
            [(k, f"{sh.SHAPES[k]} {k}") for k in ("low", "medium", "high")],
            highlight=e.understanding or None), chosen)

    def action_questionnaire(self) -> None:
        e = self._need_entry()
        if e is None:
            return
        from .forms import QuestionnaireForm

        qs = sh.questions(self.session, self.activity)
        if not qs:
            self.notify("This map has no questionnaire: move stakeholders with shift+arrows "
                        "(or enter, then the arrows).", severity="warning")
            return
        with self.store.db() as db:
            before: dict[str, int | None] = dict(sh.last_answers(db, self.activity.id, e.id))
        result: list[sh.Score] = []

        def submit(answers: dict[str, int | None]) -> None:
            with self.store.db() as db:
                result.append(sh.submit_questionnaire(db, self.session, self.activity, e.id,
                                                      answers))
                db.commit()

        def done(answers: dict[str, int | None] | None) -> None:
            if answers is None or not result:
                return
            self._saved(QuestionnaireFilled(e.id))
            self.notify(f"{e.name}: {result[0].summary()}")

        self.app.push_screen(QuestionnaireForm(f"Questions about {e.name}", qs, before, submit),
                             done)

    def action_new_round(self) -> None:
        from datetime import date

        made: list[int] = []

        def submit(values: dict[str, str]) -> None:
            with self.store.db() as db:
                r = sh.new_round(db, self.activity, values["date"].strip(), values["note"])
                db.commit()
            made.append(r.number)

        def done(values: dict[str, str] | None) -> None:
            if values is not None and made:
                self._saved(RoundStarted())
                self.notify(f"Round {made[0]} started from the last places: move whoever "
                            "changed.")

        self.app.push_screen(PromptScreen(
            "Start a new mapping round",
            [Field("date", "Date", date.today().isoformat(), "YYYY-MM-DD"),
             Field("note", "Note", "", "e.g. second meeting of the group")],
            submit, note="Everyone keeps their place until you move them; the map then shows "
                         "who changed quadrant.", ok="Start"), done)

    def action_movements(self) -> None:
        data = self.data
        if data is None or data.previous_round is None:
            self.notify("One round so far: start a new round (n) to see who moves.")
            return
        if not data.movements:
            self.notify(f"Nobody changed quadrant since round {data.previous_round}.")
            return

        def chosen(sid: str | None) -> None:
            if sid is not None:
                self.selected = sid
                self.refresh_view()

        self.app.push_screen(PickScreen(
            f"Moved since round {data.previous_round}",
            [(m.stakeholder_id, m.text(data.method)) for m in data.movements]), chosen)

    def action_carry(self) -> None:
        from pathlib import Path

        from ...core import carry
        from .carry import TEMPLATE, choose_source

        def chosen(source: str | Path) -> None:
            try:
                with self.store.db() as db:
                    if source == TEMPLATE:
                        added = sh.add_template_register(db, self.session, self.activity)
                        text = f"Added {len(added)} stakeholders from the template"
                    else:
                        prev = carry.read_previous(Path(source))
                        text = carry.carry_into(db, self.session, prev).text()
                    db.commit()
            except UserError as exc:
                self.notify(str(exc), severity="error")
                return
            self.notify(text)
            self._saved(RegisterCarried())

        choose_source(self.app, self.store.path, "Carry stakeholders into this map",
                      len(sh.template_register(self.activity)), chosen)

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


