"""A small modal form of one or more text fields."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Static

from coworkshop.core import rules
from coworkshop.i18n import _
from coworkshop.tui.common.form import FormScreen, LimitCounter

S = TypeVar("S")


@dataclass
class Field:
    key: str
    label: str
    value: str = ""
    placeholder: str = ""
    suggestions: list[str] = field(default_factory=list)
    limit: int = rules.MAX_FIELD  # the core's limit, shown near it while typing


class PromptScreen(FormScreen[dict[str, str], S], Generic[S]):
    """Asks for a few values; ``on_submit`` applies them, returns what it
    saved (the form closes with it) and may refuse.

    A refusal (a :class:`UserError`) is shown beside the fields and the form
    stays open, so nothing typed is lost.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", tooltip="Close without change."),
    ]

    def __init__(
        self,
        title: str,
        fields: list[Field],
        on_submit: Callable[[dict[str, str]], Awaitable[S]],
        note: str = "",
        ok: str = "OK",
    ) -> None:
        super().__init__(on_submit)
        self.title_text = title
        self.fields = fields
        self.note = note
        self.ok = ok

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog prompt-dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            if self.note:
                yield Static(self.note, classes="dialog-note", markup=False)
            with Grid(classes="form-grid"):
                for f in self.fields:
                    yield Label(f.label, classes="field-label")
                    suggester = (
                        SuggestFromList(f.suggestions, case_sensitive=False)
                        if f.suggestions
                        else None
                    )
                    yield Input(value=f.value, placeholder=f.placeholder, id=f"field-{f.key}",
                                suggester=suggester, compact=True, max_length=f.limit)
            yield LimitCounter("form", rules.MAX_FIELD, always=False)
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok, variant="primary", id="ok", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static(_("enter confirms · esc cancels"), classes="dialog-hint")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def submit(self) -> None:
        self.save({f.key: self.query_one(f"#field-{f.key}", Input).value for f in self.fields})
