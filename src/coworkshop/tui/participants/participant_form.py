"""The participant form: name (optional), stakeholder group, organisation..."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Input, Label, Select, Static

from coworkshop.core import rules
from coworkshop.core.errors import UserError
from coworkshop.i18n import N_, _
from coworkshop.tui.common.form import FormScreen, LimitCounter

S = TypeVar("S")

#: (field, label, placeholder), marked for the catalogues and translated when shown
TEXT_FIELDS = [
    ("name", N_("Name (optional)"), N_("leave empty if they prefer")),
    ("organisation", N_("Organisation"), N_("e.g. Chamber of Commerce")),
    ("country", N_("Country"), N_("e.g. Bulgaria")),
    ("breakout_group", N_("Breakout group"), N_("e.g. Group A")),
]


class ParticipantFormScreen(FormScreen[dict[str, str], S], Generic[S]):
    """``on_submit`` saves through the core and returns what it saved (the
    form closes with it); a refusal stays in the form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="participant-form.cancel",
                tooltip="Close without saving."),
        Binding("ctrl+s", "submit", "Save", id="participant-form.save",
                tooltip="Save the participant."),
    ]

    def __init__(
        self,
        title: str,
        groups: list[tuple[str, str]],
        values: dict[str, str],
        on_submit: Callable[[dict[str, str]], Awaitable[S]],
        breakout_groups: list[str] | None = None,
    ) -> None:
        super().__init__(on_submit)
        self.title_text = title
        self.groups = groups
        self.values = values
        self.breakout_groups = breakout_groups or []

    def compose(self) -> ComposeResult:
        keys = [key for _label, key in self.groups]
        current = self.values.get("stakeholder_group", "")
        with Vertical(classes="dialog participant-dialog"):
            yield Static(self.title_text, classes="dialog-title", markup=False)
            with VerticalScroll(classes="form"), Grid(classes="form-grid"):
                # the name first: what is typed as the form opens lands in it
                for key, label, placeholder in TEXT_FIELDS:
                    if key == "organisation":
                        yield Label(_("Stakeholder group *"), classes="field-label")
                        yield Select(
                            self.groups,
                            value=current if current in keys else Select.NULL,
                            prompt=_("choose a stakeholder group"),
                            id="stakeholder_group",
                            compact=True,
                        )
                    yield Label(_(label), classes="field-label")
                    suggester = None
                    if key == "breakout_group" and self.breakout_groups:
                        suggester = SuggestFromList(self.breakout_groups, case_sensitive=False)
                    yield Input(self.values.get(key, ""), placeholder=_(placeholder), id=key,
                                suggester=suggester, compact=True, max_length=rules.MAX_FIELD)
            yield LimitCounter("form", rules.MAX_FIELD, always=False)
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Save"), variant="primary", id="ok", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static(_("enter saves · tab next field · esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#name", Input).focus()

    def collect(self) -> dict[str, str]:
        group = self.query_one("#stakeholder_group", Select).value
        values = {key: self.query_one(f"#{key}", Input).value for key, _l, _p in TEXT_FIELDS}
        values["stakeholder_group"] = group if isinstance(group, str) else ""
        return values

    def check(self, result: dict[str, str]) -> None:
        if not result["stakeholder_group"]:
            raise UserError("stakeholder group: choose one")

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def action_submit(self) -> None:
        self.save(self.collect())
