"""How the app writes: one unit of work, in a thread, retried while the file is locked.

The participants' server runs on Textual's event loop, so a write that waits
for the disk (or for another program's lock) must not run there. Every change
the facilitator makes goes through :meth:`CoworkshopApp.commit` (awaited by a
form, which stays open until the change is saved) or :meth:`CoworkshopApp.write`
(a worker for a key press). Both call :func:`run` in a thread: the core
function runs inside ``store.unit()`` and is committed once.

SQLite waits up to the busy timeout for another program's lock; after that
the whole unit is retried a few times with a growing pause, then the change is
refused with one line (:class:`NotSaved`). Nothing is shown as saved before
its commit returned, so a refused change was never acknowledged.

This module imports neither SQLAlchemy nor SQLModel when it is imported.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from ..core.errors import UserError

if TYPE_CHECKING:
    from sqlmodel import Session as DBSession

    from ..core.store import Store

T = TypeVar("T")

#: Pauses between attempts while another program holds the file locked (seconds):
#: with the store's 5 s busy timeout a change gives up after about 16 s.
RETRY_PAUSES: tuple[float, ...] = (0.25, 1.0)
#: How long one attempt waits for the lock; None: the store's busy timeout (tests
#: shorten it; it then stays on the connections this module used).
LOCK_WAIT_MS: int | None = None


class NotSaved(UserError):
    """The file stayed locked by another program; the change was not saved."""


def _is_lock(exc: BaseException) -> bool:
    from sqlalchemy.exc import OperationalError

    if not isinstance(exc, OperationalError):
        return False
    text = str(exc.orig).lower()
    return "locked" in text or "busy" in text


def run(store: Store, change: Callable[[DBSession], T]) -> T:
    """Run ``change`` in one unit of work on ``store`` and commit (call in a thread).

    Raises :class:`NotSaved` when the file stays locked through every retry,
    and the core's :class:`UserError` when it refuses the change.
    """
    pauses = list(RETRY_PAUSES)
    while True:
        try:
            with store.unit() as db:
                if LOCK_WAIT_MS is not None:
                    db.connection().exec_driver_sql(f"PRAGMA busy_timeout={int(LOCK_WAIT_MS)}")
                return change(db)
        except Exception as exc:
            if not _is_lock(exc):
                raise
            if not pauses:
                raise NotSaved(
                    f"{store.path.name} is in use by another program: "
                    "not saved, try again when it is free"
                ) from exc
            time.sleep(pauses.pop(0))
