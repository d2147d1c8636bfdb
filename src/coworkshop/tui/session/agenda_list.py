"""The agenda: every activity with its status, kind, timebox and countdown."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from coworkshop.core.sessions import remaining_seconds
from coworkshop.i18n import N_, _, fmt
from coworkshop.tui.colors import breakout_color
from coworkshop.tui.fmt import clock

if TYPE_CHECKING:
    from coworkshop.core.models import Activity

STATUS_ICON = {"pending": ("○", "dim"), "running": ("▶", "bold green"), "done": ("✓", "cyan")}
KIND_NAME = {"canvas": N_("canvas"), "poll": N_("poll"), "stakeholder_map": N_("map"),
             "checklist": N_("checklist")}


def activity_kind(act: Activity) -> str:
    if act.kind == "canvas" and act.config.get("shape") == "grid":
        return _("grid")
    return _(KIND_NAME.get(act.kind, act.kind))


def countdown(act: Activity, now: datetime | None = None) -> Text:
    """"12:34 left" while running, "+01:10 over" past the timebox."""
    left = remaining_seconds(act, now)
    if left is None or act.status != "running":
        return Text("")
    if left < 0:
        return Text.assemble((fmt("{clock} over", clock=clock(left)), "bold red"))
    return Text(fmt("{clock} left", clock=clock(left)),
                style="bold green" if left > 60 else "bold yellow")


class AgendaList(OptionList):
    """Highlighting an activity shows it on the right; enter moves into it."""

    HOW_TO = (
        "The agenda: ○ pending, ▶ running (with the time left in its timebox), ✓ done. "
        "Up/down choose an activity, enter or → moves into it, s starts it and f finishes it "
        "(its open questions close). On a poll the poll's keys work from here too: o opens "
        "the question marked ▸ (and runs the activity), c closes it, r shows the results, "
        "b splits them by group, e enters counts by hand."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right", "enter_activity", "Open", id="agenda.open", show=False,
                tooltip="Move into the highlighted activity."),
        Binding("o", "poll_key('open_poll')", "Open question", id="agenda.poll-open",
                tooltip="Open the poll's question marked ▸ (others close); "
                        "its activity starts running."),
        Binding("c", "poll_key('close_poll')", "Close question", id="agenda.poll-close",
                show=False, tooltip="Close the poll's open question; its results are shown."),
        Binding("r", "poll_key('toggle_results')", "Results", id="agenda.poll-results",
                show=False, tooltip="Show or hide the question's results."),
        Binding("b", "poll_key('toggle_groups')", "By group", id="agenda.poll-by-group",
                show=False, tooltip="Results overall, or split by stakeholder group."),
        Binding("e", "poll_key('enter_tallies')", "Tally", id="agenda.poll-tally",
                show=False, tooltip="Enter counts from a show of hands or paper ballots."),
    ]

    class PollKeyPressed(Message):
        """A poll's key (``o``, ``c``, ``r``, ``b``, ``e``) on a poll activity:
        ``action`` is the poll view's action of that key."""

        def __init__(self, activity: Activity, action: str) -> None:
            super().__init__()
            self.activity = activity
            self.action = action

    class ActivityHighlighted(Message):
        def __init__(self, activity: Activity) -> None:
            super().__init__()
            self.activity = activity

    class ActivityEntered(Message):
        def __init__(self, activity: Activity) -> None:
            super().__init__()
            self.activity = activity

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activities: list[Activity] = []

    def prompt(self, n: int, act: Activity) -> Table:
        """Icon in its own column, so that long titles wrap under the title."""
        icon, style = STATUS_ICON.get(act.status, ("?", ""))
        title = Text.assemble((act.title, "bold" if act.status == "running" else ""))
        meta = Text.assemble((activity_kind(act), "italic"))
        if act.timebox_minutes:
            meta.append(fmt(" · {timebox_minutes} min",
                            timebox_minutes=act.timebox_minutes), style="dim")
        if act.group_name:
            meta.append(" · ")
            meta.append(act.group_name, style=breakout_color(act.group_name))
        cd = countdown(act)
        if cd.plain:
            meta.append(" · ")
            meta.append_text(cd)
        grid = Table.grid(expand=True)
        grid.add_column(width=2, no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_row(Text(icon, style=style), title)
        grid.add_row("", meta)
        return grid

    def show(self, activities: list[Activity], highlight: str | None = None) -> None:
        """Replace the list, keeping the highlighted activity."""
        current = highlight or self.current_id()
        self.activities = activities
        self.set_options([Option(self.prompt(n, a), id=a.id) for n, a in enumerate(activities)])
        index = next((i for i, a in enumerate(activities) if a.id == current), 0)
        if activities:
            self.highlighted = index

    def current_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def current(self) -> Activity | None:
        current = self.current_id()
        return next((a for a in self.activities if a.id == current), None)

    def tick(self) -> None:
        """Redraw the running activity's countdown (called every second)."""
        for n, act in enumerate(self.activities):
            if act.status == "running":
                self.replace_option_prompt_at_index(n, self.prompt(n, act))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.refresh_bindings()  # the poll keys come and go with the activity
        act = self.current()
        if act is not None:
            self.post_message(self.ActivityHighlighted(act))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_enter_activity()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "poll_key":  # only on a poll; elsewhere the key stays free
            act = self.current()
            return act is not None and act.kind == "poll"
        return True

    def action_poll_key(self, action: str) -> None:
        act = self.current()
        if act is not None and act.kind == "poll":
            self.post_message(self.PollKeyPressed(act, action))

    def action_enter_activity(self) -> None:
        act = self.current()
        if act is not None:
            self.post_message(self.ActivityEntered(act))
