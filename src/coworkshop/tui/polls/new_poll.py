"""The form that adds a question to a poll, or a new poll to the agenda.

The form only collects what was typed; the core checks it (a single-choice
question needs two options, a scale must exist...) and its refusal is shown in
the form, so nothing typed is lost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from coworkshop.core import polls as voting
from coworkshop.core import rules
from coworkshop.core.errors import UserError
from coworkshop.i18n import _, error_text
from coworkshop.tui.common.form import TypedForm
from coworkshop.tui.polls.poll_text import TYPE_NAMES

if TYPE_CHECKING:
    from coworkshop.core.models import Activity, Session
    from coworkshop.core.store import Store
    from coworkshop.tui.app import CoworkshopApp

#: Which fields each type of question uses.
NEEDS = {
    "options": ("single", "multiple", "ranking"),
    "max-choices": ("multiple",),
    "scale": ("scale", "scale_statements"),
    "statements": ("scale_statements",),
}


def lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


class NewQuestionScreen(TypedForm["voting.PollInfo | None"]):
    """Adds a question to ``activity``, or (without one) a new poll activity."""

    HELP_TITLE = "New question"
    HOW_TO = (
        "Choose the type, type the question, then what it needs: options one per line, "
        "a scale, statements one per line. ctrl+s saves; escape cancels."
    )

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="new-question.cancel",
                tooltip="Close without adding anything."),
        Binding("ctrl+s", "save", "Save", id="new-question.save",
                tooltip="Add the question."),
    ]

    def __init__(self, store: Store, session: Session, activity: Activity | None = None,
                 question_type: str = "single") -> None:
        super().__init__()
        self.store = store
        self.session = session
        self.activity = activity
        self.question_type = question_type
        self.saving = False

    def scales(self) -> list[tuple[str, str]]:
        """The session's own scales first, then the standard ones."""
        from coworkshop.core.polls.scales import scale_choices

        return [(label, key) for key, label in scale_choices(self.session.plan)]

    def compose(self) -> ComposeResult:
        title = ("Add a question to " + self.activity.title if self.activity is not None
                 else "New poll at the end of the agenda")
        has_crosspoints = bool(self.session.plan.get("crosspoints"))
        with Vertical(classes="dialog new-question-dialog"):
            yield Static(title, classes="dialog-title", markup=False)
            with VerticalScroll(classes="form"):
                with Grid(classes="form-grid"):
                    if self.activity is None:
                        yield Label(_("Poll title"), classes="field-label")
                        yield Input(placeholder=_("shown in the agenda"), id="poll-title",
                                    compact=True, max_length=rules.MAX_FIELD)
                    yield Label(_("Type"), classes="field-label")
                    yield Select([(_(name), key) for key, name in TYPE_NAMES.items()],
                                 value=self.question_type, allow_blank=False, id="q-type",
                                 compact=True)
                    yield Label(_("Question"), classes="field-label")
                    yield Input(placeholder=_("what the room is asked"), id="q-text", compact=True)
                with Vertical(classes="q-field", id="field-options"):
                    yield Label(_("Options, one per line"), classes="field-label text-label")
                    yield TextArea(id="q-options", classes="q-lines", compact=True)
                with Grid(classes="form-grid q-field", id="field-max-choices"):
                    yield Label(_("At most (choices)"), classes="field-label")
                    yield Input(placeholder=_("empty: any number"), type="integer",
                                id="q-max-choices", compact=True)
                with Grid(classes="form-grid q-field", id="field-scale"):
                    yield Label(_("Scale"), classes="field-label")
                    yield Select(self.scales(), allow_blank=False, id="q-scale", compact=True)
                with Vertical(classes="q-field", id="field-statements"):
                    if has_crosspoints:
                        yield Checkbox(_("Rate this session's cross-points"), value=False,
                                       id="q-crosspoints", compact=True)
                    yield Label(_("Statements to rate, one per line"),
                                classes="field-label text-label")
                    yield TextArea(id="q-statements", classes="q-lines", compact=True)
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Add"), variant="primary", id="ok", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static(_("tab next field · ctrl+s adds · esc cancels"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.show_fields()
        # the type first: it decides which fields follow
        self.query_one("#poll-title" if self.activity is None else "#q-type").focus()

    @property
    def qtype(self) -> str:
        return str(self.query_one("#q-type", Select).value)

    @on(Select.Changed, "#q-type")
    def show_fields(self) -> None:
        qtype = self.qtype
        for name, types in NEEDS.items():
            self.query_one(f"#field-{name}").display = qtype in types

    def data(self) -> dict[str, Any]:
        """The question as the core takes it."""
        qtype = self.qtype
        text = self.query_one("#q-text", Input).value.strip()
        # no key: the core makes it from the text, unique within the activity
        data: dict[str, Any] = {"type": qtype, "text": text}
        if qtype in NEEDS["options"]:
            data["options"] = lines(self.query_one("#q-options", TextArea).text)
        if qtype in NEEDS["max-choices"]:
            raw = self.query_one("#q-max-choices", Input).value.strip()
            if raw:
                try:
                    data["max_choices"] = int(raw)
                except ValueError:
                    raise UserError("at most: a whole number of choices") from None
        if qtype in NEEDS["scale"]:
            data["scale"] = str(self.query_one("#q-scale", Select).value)
        if qtype in NEEDS["statements"]:
            found = self.query("#q-crosspoints")
            if found and found.first(Checkbox).value:
                data["statements_from"] = "crosspoints"
            else:
                data["statements"] = lines(self.query_one("#q-statements", TextArea).text)
        return data

    @on(Input.Submitted, "#q-text")
    @on(Button.Pressed, "#ok")
    def action_save(self) -> None:
        if self.saving:  # enter pressed again while the question is being saved
            return
        self.saving = True
        self.run_worker(self._save(), group="form-save", description="save the question")

    async def _save(self) -> None:
        """Saved off the event loop, through the app's writer; closes once saved."""
        try:
            data = self.data()
            if not data["text"]:
                raise UserError("question: type the question the room is asked")
            writer = cast("CoworkshopApp", self.app)
            if self.activity is not None:
                activity_id = self.activity.id
                poll = await writer.commit(
                    self.store, lambda db: voting.add_question(db, activity_id, data)
                )
            else:
                title = self.query_one("#poll-title", Input).value.strip() or data["text"][:60]
                poll = await writer.commit(
                    self.store,
                    lambda db: voting.add_poll_activity(db, self.session.id, title, data),
                )
        except UserError as exc:
            self.query_one("#form-error", Static).update(error_text(exc))
            self.notify(error_text(exc), severity="error")
            return
        finally:
            self.saving = False
        self.dismiss(poll)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.leave(None)
