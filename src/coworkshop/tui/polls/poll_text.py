"""How a question is described in the TUI: its kind, its state, its plan."""

from __future__ import annotations

from rich.text import Text

from coworkshop.core import polls as voting
from coworkshop.core.rules import QUESTION_TYPES
from coworkshop.i18n import N_, _, fmt

TYPE_NAMES = {
    "single": N_("one choice"),
    "multiple": N_("several choices"),
    "scale": N_("rating on a scale"),
    "scale_statements": N_("a scale for each statement"),
    "ranking": N_("ranking"),
    "open": N_("open answer"),
    "wordcloud": N_("word cloud"),
    "qa": N_("questions and ideas, upvoted"),
}
# The names are translated where shown (type_name, state_label).
STATES = {"draft": (N_("○ draft"), "dim"), "open": (N_("● OPEN"), "bold green"),
          "closed": (N_("■ closed"), "cyan")}
assert tuple(TYPE_NAMES) == QUESTION_TYPES  # a name for every question type, in order


def type_name(kind: str) -> str:
    """A question type as the app's language names it."""
    return _(TYPE_NAMES.get(kind, kind))


def state_label(state: str) -> tuple[str, str]:
    """A poll's state as shown (in the app's language) and its style."""
    label, style = STATES.get(state, (state, ""))
    return _(label), style


def kind_text(poll: voting.PollInfo) -> str:
    q = poll.question
    kind = type_name(q.type)
    if q.type == "multiple" and q.max_choices:
        kind += fmt(", up to {n}", n=q.max_choices)
    if q.type in ("open", "wordcloud", "qa"):
        kind += fmt(", at most {n} characters", n=q.max_length)
    return kind + (_(", anonymous") if q.anonymous else _(", named"))


def plan_text(poll: voting.PollInfo) -> Text:
    """The question as it will be asked: options, scale points, statements."""
    q = poll.question
    text = Text()
    if q.type in ("single", "multiple", "ranking"):
        for option in poll.choices:
            text.append(f"○ {option}\n")
    if q.scale:
        text.append(_("Scale: "), style="dim")
        text.append(f"{poll.scale_label}\n", style="bold")
        for i, point in enumerate(poll.choices, 1):
            text.append(f"  {i}. {point}\n")
    if poll.statements:
        note = (_("Statements, one per cross-point:") if q.statements_from == "crosspoints"
                else _("Statements:"))
        text.append(f"{note}\n", style="dim")
        for statement in poll.statements:
            text.append(f"• {statement}\n")
    text.rstrip()
    return text
