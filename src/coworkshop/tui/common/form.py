"""What every form does: keep what was typed, save first, close after.

The form hands what was typed to ``on_submit``, which applies it through the
core (usually ``return await app.commit(...)``, in a thread) and returns what
was saved. That runs in a worker, so the app (and the phones it serves) keeps
going while the file is busy. The form closes only once the change is saved,
returning what ``on_submit`` returned to the caller's callback (``None``:
cancelled); a refusal is shown beside the fields until the text changes (a
file another program keeps locked is also a notification), and nothing typed
is lost.

Every form (a :class:`TypedForm`) also guards what was typed: escape asks
before dropping changed text, ``q`` never quits the app from a form, and
quitting asks while a form holds changed text (see ``CoworkshopApp``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Select, Static, TextArea

from coworkshop.core.errors import UserError
from coworkshop.i18n import _, error_text
from coworkshop.tui.common.confirm import ConfirmScreen
from coworkshop.tui.writes import NotSaved

R = TypeVar("R")
S = TypeVar("S")
T = TypeVar("T")


class LimitCounter(Static):
    """"412/500" under a text field, kept up to date while typing.

    Its id is the field's id with ``-count``; the form updates it. Over the
    limit it says so (the core refuses such text). One-line fields take no
    more than their limit (``Input.max_length``) and share the form's
    ``form-count``, shown near the limit only.
    """

    DEFAULT_CSS = """
    LimitCounter {
        width: 1fr;
        height: 1;
        text-align: right;
        color: $text-muted;
    }
    LimitCounter.-over {
        color: $text-error;
        text-style: bold;
    }
    """

    #: A one-line field shows its counter from this share of the limit on
    #: (a row per field would not fit a form at 24 lines).
    NEAR = 0.8

    def __init__(self, field_id: str, limit: int, used: int = 0, always: bool = True) -> None:
        super().__init__(id=f"{field_id}-count", markup=False)
        self.limit = limit
        self.always = always
        self.show_used(used)

    def show_used(self, used: int, limit: int | None = None) -> None:
        self.limit = limit or self.limit
        over = used > self.limit
        self.set_class(over, "-over")
        self.display = self.always or used >= self.NEAR * self.limit
        self.update(f"{used}/{self.limit}" + (" · too long" if over else ""))


class TypedForm(ModalScreen[T]):
    """A modal screen people type into: it knows whether it holds changed text.

    Changed means an input or text area that differs from what it showed when
    the form opened (an edit form opened and closed untouched drops nothing).
    """

    #: Shown when escape would drop changed text.
    DROP_QUESTION = "Drop what you typed?"

    def __init__(self) -> None:
        super().__init__()
        self._opened_with: dict[int, str] | None = None

    def _fields(self) -> list[Input | TextArea]:
        return [w for w in self.query("Input, TextArea") if isinstance(w, Input | TextArea)]

    @staticmethod
    def _text(widget: Input | TextArea) -> str:
        return widget.value if isinstance(widget, Input) else widget.text

    def on_mount(self) -> None:
        # After the subclass's own on_mount and the first refresh, when the
        # fields show what the form opened with.
        self.call_after_refresh(self._remember)

    def _remember(self) -> None:
        self._opened_with = {id(w): self._text(w) for w in self._fields()}

    def on_input_changed(self, event: Input.Changed) -> None:
        self._count(event.input)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._count(event.text_area)

    def _count(self, field: Input | TextArea) -> None:
        used = len(self._text(field))
        own = list(self.query(f"#{field.id}-count").results(LimitCounter)) if field.id else []
        for counter in own:
            counter.show_used(used)
        if not own and isinstance(field, Input) and field.max_length:
            # one-line fields share the form's counter, shown near the limit
            for counter in self.query("#form-count").results(LimitCounter):
                counter.show_used(used, field.max_length)

    def holds_text(self) -> bool:
        """Whether leaving now would drop text typed into the form."""
        opened = self._opened_with or {}
        return any(
            self._text(w).strip() and self._text(w) != opened.get(id(w), "")
            for w in self._fields()
        )

    def leave(self, result: T) -> None:
        """Close with ``result``; ask first when changed text would be dropped."""
        if not self.holds_text():
            self.dismiss(result)
            return

        def answered(drop: bool | None) -> None:
            if drop:
                self.dismiss(result)

        self.app.push_screen(
            ConfirmScreen(self.DROP_QUESTION, "Drop it", "Keep editing",
                          note=_("Nothing of this form is saved yet.")),
            answered,
        )


class FormScreen(TypedForm[S | None], Generic[R, S]):
    """A modal form; a subclass composes a ``#form-error`` line and calls :meth:`save`.

    ``on_submit`` gets what the form collected (``R``) and returns what was
    saved (``S``, never ``None``); the form closes with it.
    """

    def __init__(self, on_submit: Callable[[R], Awaitable[S]]) -> None:
        super().__init__()
        self.on_submit = on_submit
        self.saving = False

    def check(self, result: R) -> None:
        """Refuse (raise :class:`UserError`) what the form itself can tell is wrong."""

    def refused(self, exc: UserError) -> None:
        """Called after a refusal was shown (a subclass may point at the cause)."""

    def save(self, result: R) -> None:
        """Apply ``result`` in a worker; close the form once it is saved."""
        if self.saving:  # enter pressed again while the change is being saved
            return
        self.saving = True
        self.run_worker(self._save(result), group="form-save", description="save the form")

    async def _save(self, result: R) -> None:
        try:
            self.check(result)
            saved = await self.on_submit(result)
        except UserError as exc:
            self.show_error(error_text(exc))
            if isinstance(exc, NotSaved):
                # not about what was typed: the file is busy; say it loudly
                self.notify(error_text(exc), severity="error", timeout=8)
            self.refused(exc)
            return
        finally:
            self.saving = False
        self.dismiss(saved)

    def show_error(self, message: str) -> None:
        """The refusal beside the fields, where it stays until the text changes
        (not a toast, which would cover the buttons and outlive the fix)."""
        self.query_one("#form-error", Static).update(message)
        self.add_class("-refused")

    def on_input_changed(self, event: Input.Changed) -> None:
        self._clear_error()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self._clear_error()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._clear_error()

    def _clear_error(self) -> None:
        # The error said what to fix; once the text changes it no longer holds.
        if self.has_class("-refused"):
            self.remove_class("-refused")
            self.query_one("#form-error", Static).update("")

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.saving:  # closing now would hide whether it was saved
            self.notify(_("Saving; one moment."))
            return
        self.leave(None)
