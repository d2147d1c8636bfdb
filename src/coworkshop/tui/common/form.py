"""What every form does when it is submitted: save first, close after.

The form hands what was typed to ``on_submit``, which applies it through the
core (usually ``await app.commit(...)``, in a thread). That runs in a worker,
so the app (and the phones it serves) keeps going while the file is busy. The
form closes only once the change is saved; a refusal (or a file another
program keeps locked) is shown in the form and as a notification, and nothing
typed is lost.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from textual import on
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from coworkshop.core.errors import UserError

R = TypeVar("R")


class FormScreen(ModalScreen[R | None], Generic[R]):
    """A modal form; a subclass composes a ``#form-error`` line and calls :meth:`save`."""

    def __init__(self, on_submit: Callable[[R], Awaitable[None] | None]) -> None:
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
            done = self.on_submit(result)
            if inspect.isawaitable(done):
                await done
        except UserError as exc:
            self.query_one("#form-error", Static).update(str(exc))
            self.notify(str(exc), severity="error", timeout=8)
            self.refused(exc)
            return
        finally:
            self.saving = False
        self.dismiss(result)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        if self.saving:  # closing now would hide whether it was saved
            self.notify("Saving; one moment.")
            return
        self.dismiss(None)
