"""The card form: add, edit or revise a card; also used for comments."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from coworkshop.core import rules
from coworkshop.core.errors import UserError
from coworkshop.i18n import _
from coworkshop.tui.canvas.card_text import CardText
from coworkshop.tui.common.form import FormScreen, LimitCounter

S = TypeVar("S")


@dataclass
class CardForm:
    """What the form collected."""

    text: str
    link_id: str | None = None
    stakeholders: str | None = None
    group: str | None = None
    resolve: bool = False


@dataclass
class CardFormSpec:
    """Which fields the form shows, and their initial values."""

    title: str
    text: str = ""
    text_label: str = "Text"
    placeholder: str = ""
    prompt: str = ""  # the column's question, to keep the room on track
    # (label, id) pairs of the cards this one may link to; None: no link field
    links: list[tuple[str, str]] | None = None
    link_id: str | None = None
    stakeholders: str | None = None  # None: no stakeholders field
    group_label: str = ""  # "": no group field
    group: str = ""
    groups: list[str] = field(default_factory=list)
    feedback: list[Text] = field(default_factory=list)
    resolve_label: str = ""  # "": no "feedback taken into account" checkbox
    ok: str = "Save"
    limit: int = rules.MAX_CARD_TEXT  # the core's limit, counted under the text
    blocked: str = ""  # why this card cannot be saved, said when the form opens


class CardFormScreen(FormScreen[CardForm, S], Generic[S]):
    """``on_submit`` applies the form through the core and returns what it
    saved (the form closes with it); a refusal is shown in the form and nothing
    typed is lost. A form that cannot be saved (``spec.blocked``) says so when
    it opens, with its save button disabled."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="card-form.cancel",
                tooltip="Close without saving."),
        Binding("ctrl+s", "submit", "Save", id="card-form.save", tooltip="Save the card."),
    ]

    def __init__(
        self, spec: CardFormSpec, on_submit: Callable[[CardForm], Awaitable[S]]
    ) -> None:
        super().__init__(on_submit)
        self.spec = spec

    def compose(self) -> ComposeResult:
        spec = self.spec
        with Vertical(classes="dialog card-dialog"):
            yield Static(spec.title, classes="dialog-title", markup=False)
            with VerticalScroll(classes="form"):
                if spec.prompt:
                    yield Static(spec.prompt, classes="dialog-note", markup=False)
                if spec.feedback:
                    yield Label(_("Feedback received"), classes="field-label")
                    with Vertical(id="feedback"):
                        for line in spec.feedback:
                            yield Static(line, classes="feedback-line")
                yield Label(spec.text_label, classes="field-label text-label")
                yield CardText(spec.text, id="card-text", placeholder=spec.placeholder)
                yield LimitCounter("card-text", spec.limit, len(spec.text))
                with Grid(classes="form-grid"):
                    if spec.links is not None:
                        yield Label(_("Link to"), classes="field-label")
                        value: Any = spec.link_id if spec.link_id else Select.NULL
                        yield Select(spec.links, value=value, prompt=_("no card (unlinked)"),
                                     id="card-link", compact=True)
                    if spec.stakeholders is not None:
                        yield Label(_("Stakeholders"), classes="field-label")
                        yield Input(spec.stakeholders,
                                    placeholder=_("the people who carry this objective"),
                                    id="card-stakeholders", compact=True,
                                    max_length=rules.MAX_CARD_TEXT)
                    if spec.group_label:
                        yield Label(spec.group_label, classes="field-label")
                        suggester = (
                            SuggestFromList(spec.groups, case_sensitive=False)
                            if spec.groups
                            else None
                        )
                        yield Input(spec.group, placeholder=_("e.g. Group B"), id="card-group",
                                    suggester=suggester, compact=True,
                                    max_length=rules.MAX_GROUP_NAME)
                    if spec.resolve_label:
                        yield Label(_("Feedback"), classes="field-label")
                        yield Checkbox(spec.resolve_label, value=True, id="card-resolve",
                                       compact=True)
            yield LimitCounter("form", rules.MAX_FIELD, always=False)
            yield Static(spec.blocked, id="form-error", classes="form-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(spec.ok, variant="primary", id="ok", compact=True,
                             disabled=bool(spec.blocked))
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static(_("enter saves · tab next field · esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        area = self.query_one("#card-text", CardText)
        area.focus()
        area.move_cursor(area.document.end)

    def _collect(self) -> CardForm:
        form = CardForm(text=self.query_one("#card-text", CardText).text)
        if self.spec.links is not None:
            value = self.query_one("#card-link", Select).value
            form.link_id = value if isinstance(value, str) else None
        if self.spec.stakeholders is not None:
            form.stakeholders = self.query_one("#card-stakeholders", Input).value
        if self.spec.group_label:
            form.group = self.query_one("#card-group", Input).value.strip()
        if self.spec.resolve_label:
            form.resolve = self.query_one("#card-resolve", Checkbox).value
        return form

    @on(CardText.Submitted)
    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        if self.spec.blocked:  # said in the form since it opened
            self.query_one("#card-text", CardText).reopen()
            return
        self.save(self._collect())

    def refused(self, exc: UserError) -> None:
        # enter held the text while it was being saved: it is the user's again
        self.query_one("#card-text", CardText).reopen()
