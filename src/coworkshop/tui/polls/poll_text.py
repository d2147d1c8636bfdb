"""How a question is described in the TUI: its kind, its state, its plan."""

from __future__ import annotations

from rich.text import Text

from coworkshop.core import polls as voting
from coworkshop.core.rules import QUESTION_TYPES

TYPE_NAMES = {
    "single": "one choice",
    "multiple": "several choices",
    "scale": "rating on a scale",
    "scale_statements": "a scale for each statement",
    "ranking": "ranking",
    "open": "open answer",
    "wordcloud": "word cloud",
    "qa": "questions and ideas, upvoted",
}
STATES = {"draft": ("○ draft", "dim"), "open": ("● OPEN", "bold green"),
          "closed": ("■ closed", "cyan")}
assert tuple(TYPE_NAMES) == QUESTION_TYPES  # a name for every question type, in order


def kind_text(poll: voting.PollInfo) -> str:
    q = poll.question
    kind = TYPE_NAMES.get(q.type, q.type)
    if q.type == "multiple" and q.max_choices:
        kind += f", up to {q.max_choices}"
    if q.type in ("open", "wordcloud", "qa"):
        kind += f", at most {q.max_length} characters"
    return kind + (", anonymous" if q.anonymous else ", named")


def plan_text(poll: voting.PollInfo) -> Text:
    """The question as it will be asked: options, scale points, statements."""
    q = poll.question
    text = Text()
    if q.type in ("single", "multiple", "ranking"):
        for option in poll.choices:
            text.append(f"○ {option}\n")
    if q.scale:
        text.append("Scale: ", style="dim")
        text.append(f"{poll.scale_label}\n", style="bold")
        for i, point in enumerate(poll.choices, 1):
            text.append(f"  {i}. {point}\n")
    if poll.statements:
        note = ("Statements, one per cross-point:" if q.statements_from == "crosspoints"
                else "Statements:")
        text.append(f"{note}\n", style="dim")
        for statement in poll.statements:
            text.append(f"• {statement}\n")
    text.rstrip()
    return text
