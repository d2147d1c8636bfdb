"""One unit of work for tests, as a CLI command runs it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from coworkshop.core.store import Store

T = TypeVar("T")


def commit(store: Store, change: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Call one core function in its own unit of work (``store.unit()``)."""
    with store.unit() as db:
        return change(db, *args, **kwargs)
