"""Shared pieces of the read-only activity views (poll, map, checklist)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.containers import VerticalScroll

from coworkshop.i18n import _, fmt

if TYPE_CHECKING:
    from coworkshop.core.models import Activity, Session


class ActivityInfo(VerticalScroll):
    """A scrollable, focusable view of an activity's plan.

    Subclasses build a list of Rich renderables in :meth:`body`.
    """

    DEFAULT_CSS = """
    ActivityInfo {
        height: 1fr;
        padding: 0 1;
    }
    ActivityInfo > .info-block {
        height: auto;
        margin: 0 0 1 0;
    }
    """

    HOW_TO = "Arrows and page up/down scroll the plan of this activity."

    def __init__(self, session: Session, activity: Activity, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.session = session
        self.activity = activity

    @property
    def config(self) -> dict[str, Any]:
        return dict(self.activity.config)

    @property
    def typed(self) -> Any:
        """The activity's configuration through the core's typed accessor."""
        from coworkshop.core.templates import activity_config

        return activity_config(self.activity)

    def description(self) -> Text | None:
        desc = str(self.config.get("description", "")).strip()
        if not desc:
            return None
        text = Text.assemble((_("Facilitator notes  "), "bold"))
        text.append(desc)
        return text

    def scale(self, name: str) -> dict[str, Any] | None:
        from coworkshop.core.errors import UserError
        from coworkshop.core.polls.scales import resolve_scale

        try:
            return resolve_scale(name, self.session.plan)
        except UserError:
            return None

    def scale_text(self, name: str, indent: str = "   ") -> Text:
        found = self.scale(name)
        if found is None:
            return Text.assemble((fmt("{indent}scale {name!r} (not in this session's plan)",
                                      indent=indent, name=name), "red"))
        text = Text.assemble((fmt("{indent}Scale: ", indent=indent), "dim"))
        text.append(str(found.get("label", name)), style="bold")
        side = {k: "agree" for k in found["agree"]} | {k: "disagree" for k in found["disagree"]}
        for i, point in enumerate(found["points"], 1):
            text.append(f"\n{indent}  {i}. {point['label']}")
            if point["key"] in side:
                text.append(f"  ({side[point['key']]})", style="dim")
        return text
