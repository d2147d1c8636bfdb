"""A checklist's plan: stages with their steps, then the questions.

Replaced by the interactive checklist (answers, next steps) in a later issue.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from .activity_info import ActivityInfo


class ChecklistView(ActivityInfo):
    """What the group will go through, stage by stage."""

    @staticmethod
    def item(n: int, item: dict[str, Any]) -> Text:
        text = Text.assemble((f" ☐ {n}. ", "bold"))
        text.append(str(item.get("text", "")))
        if item.get("help"):
            text.append(f"\n      {item['help']}", style="dim")
        return text

    def compose(self) -> ComposeResult:
        stages = list(self.config.get("stages", []))
        items = list(self.config.get("items", []))
        total = len(items) + sum(len(s.get("items", [])) for s in stages)
        count = f"{total} item{'s' if total != 1 else ''}"
        head = Text.assemble((f"Checklist · {count}", "bold underline"))
        yield Static(head, classes="info-block")
        desc = self.description()
        if desc is not None:
            yield Static(desc, classes="info-block")
        for stage in stages:
            text = Text(str(stage.get("title", stage.get("key", ""))), style="bold cyan")
            for n, item in enumerate(stage.get("items", []), 1):
                text.append("\n")
                text.append_text(self.item(n, item))
            yield Static(text, classes="info-block")
        if items:
            text = Text.assemble(("Questions", "bold cyan"))
            for n, item in enumerate(items, 1):
                text.append("\n")
                text.append_text(self.item(n, item))
            yield Static(text, classes="info-block")
