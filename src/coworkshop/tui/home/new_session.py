"""The new-session form: a template and the facts of the workshop."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from coworkshop.core import rules
from coworkshop.core.errors import UserError
from coworkshop.i18n import _, error_text
from coworkshop.tui.common.form import LimitCounter, TypedForm

if TYPE_CHECKING:
    from coworkshop.core.catalog import TemplateEntry

FIELDS = [
    ("title", "Title *", "e.g. Validation workshop: green skills in construction"),
    ("date", "Date", "YYYY-MM-DD"),
    ("place", "Place", "city or venue"),
    ("country", "Country", "e.g. Bulgaria, or EU"),
    ("sector", "Sector", "e.g. Construction"),
    ("language", "Language", "en, fi, es, …"),
    ("facilitator", "Facilitator", "who leads the workshop"),
]


class NewSessionScreen(TypedForm[Path | None]):
    """Returns the path of the created session file, or None when cancelled."""

    HELP_TITLE = "New session"
    HOW_TO = (
        "Fill in the title (required) and what you know; tab moves between fields, "
        "enter creates the session file in the sessions folder, escape cancels."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close without creating."),
        Binding("ctrl+s", "submit", "Create", id="form.submit", tooltip="Create the session."),
    ]

    def __init__(
        self,
        templates: list[TemplateEntry],
        sessions_dir: Path,
        template: Path | None = None,
    ) -> None:
        super().__init__()
        self.templates = templates
        self.sessions_dir = sessions_dir
        paths = [t.path for t in templates]
        self.initial = template if template in paths else paths[0]
        self._language_touched = False

    def _entry(self, path: Path) -> TemplateEntry:
        return next(t for t in self.templates if t.path == path)

    def compose(self) -> ComposeResult:
        with Vertical(id="new-session-dialog", classes="dialog"):
            yield Static(_("New session"), classes="dialog-title")
            with VerticalScroll(classes="form"), Grid(classes="form-grid"):
                yield Label(_("Template"), classes="field-label")
                yield Select(
                    [(t.title or t.name, t.path) for t in self.templates],
                    value=self.initial,
                    allow_blank=False,
                    id="template",
                    compact=True,
                )
                for key, label, placeholder in FIELDS:
                    yield Label(label, classes="field-label")
                    value = ""
                    if key == "date":
                        value = date.today().isoformat()
                    elif key == "language":
                        value = self._entry(self.initial).language
                    yield Input(value=value, placeholder=placeholder, id=key, compact=True,
                                max_length=rules.MAX_FIELD)
            yield LimitCounter("form", rules.MAX_FIELD, always=False)
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("Create"), variant="primary", id="create", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)
            yield Static(_("enter create · tab next field · esc cancel"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#title", Input).focus()

    @on(Select.Changed, "#template")
    def _template_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, Path) and not self._language_touched:
            self.query_one("#language", Input).value = self._entry(event.value).language

    @on(Input.Changed, "#language")
    def _language_changed(self, event: Input.Changed) -> None:
        if self.query_one("#language", Input).has_focus:
            self._language_touched = True

    @on(Input.Submitted)
    @on(Button.Pressed, "#create")
    def action_submit(self) -> None:
        template = self.query_one("#template", Select).value
        if not isinstance(template, Path):
            self.show_error("template: choose a template")
            return
        values = {key: self.query_one(f"#{key}", Input).value for key, _l, _p in FIELDS}
        self.query_one("#form-error", Static).update("")
        self.create_session(template, values)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.leave(None)

    def show_error(self, message: str) -> None:
        self.query_one("#form-error", Static).update(message)
        self.notify(message, title=_("Cannot create the session"), severity="error")

    @work(thread=True, exclusive=True, group="create-session")
    def create_session(self, template: Path, values: dict[str, str]) -> Path | None:
        """In a thread: the first use of the database layer takes a moment."""
        from coworkshop.core.sessions import SessionDetails, create_session_file, default_path

        try:
            details = SessionDetails(**values).cleaned()
            self.sessions_dir.mkdir(parents=True, exist_ok=True)
            path = default_path(self.sessions_dir, details)
            store, _session = create_session_file(path, template, details)
        except UserError as exc:
            self.app.call_from_thread(self.show_error, error_text(exc))
            return None
        store.close()
        return path

    @on(Worker.StateChanged)
    def _created(self, event: Worker.StateChanged) -> None:
        # Closed once the worker has finished: dismissing the screen from inside
        # its own worker cancels that worker while it is still running.
        worker = event.worker
        if worker.group == "create-session" and event.state == WorkerState.SUCCESS:
            if isinstance(worker.result, Path):
                self.dismiss(worker.result)
