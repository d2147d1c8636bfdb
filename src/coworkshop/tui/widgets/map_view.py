"""A stakeholder map's plan: method, quadrants, mapping questions.

Replaced by the interactive map in a later issue.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from ..colors import group_color
from .activity_info import ActivityInfo

METHODS = {
    "power_interest": (
        "Power / interest grid",
        "Rate every actor's interest in the topic and power to move it, and place it in a "
        "quadrant:\n"
        "   high power, high interest   promoters: involve closely and first\n"
        "   high power, low interest    keep satisfied\n"
        "   low power, high interest    keep informed; possible allies\n"
        "   low power, low interest     watch",
    ),
    "saccord": (
        "SACCORD knowledge and power mapping",
        "Each stakeholder gets the colour of its group, a shape for its understanding "
        "(low: triangle, medium: rectangle, high: round) and a quadrant from the influence "
        "and support questions (a majority of yes means high).",
    ),
}


class MapView(ActivityInfo):
    """How the room will map its stakeholders."""

    def questions(self, title: str, items: list[dict[str, Any]]) -> Text:
        text = Text.assemble((title, "bold"))
        for n, q in enumerate(items, 1):
            text.append(f"\n{n}. {q.get('text', '')}")
            if q.get("scale"):
                found = self.scale(str(q["scale"]))
                points = (" / ".join(p["label"] for p in found["points"]) if found
                          else str(q["scale"]))
                text.append(f"\n   {points}", style="italic cyan")
            else:
                text.append("  yes / no", style="italic cyan")
        return text

    def compose(self) -> ComposeResult:
        method = str(self.config.get("method", ""))
        name, explain = METHODS.get(method, (method or "Stakeholder map", ""))
        head = Text.assemble((f"Stakeholder map · {name}", "bold underline"))
        yield Static(head, classes="info-block")
        desc = self.description()
        if desc is not None:
            yield Static(desc, classes="info-block")
        if explain:
            yield Static(Text(explain), classes="info-block")
        yield Static(
            Text.assemble(
                (f"Start with at most {self.typed.max_actors} actors.", "italic")
            ),
            classes="info-block",
        )
        groups = Text.assemble(("Stakeholder groups  ", "bold"))
        for g in self.session.plan.get("stakeholder_groups", []):
            groups.append("■ ", style=group_color(g.get("color")))
            groups.append(f"{g.get('label', g.get('key'))}   ")
        yield Static(groups, classes="info-block")
        for field, title in (
            ("knowledge_questions", "Knowledge questions (understanding)"),
            ("influence_questions", "Influence questions"),
            ("support_questions", "Support questions"),
        ):
            items = list(self.config.get(field, []))
            if items:
                yield Static(self.questions(title, items), classes="info-block")
