"""Updating a line of text without redoing the screen's layout when nothing moves.

``Static.update`` redoes the layout of the whole screen (several milliseconds
on a session screen); lines refreshed every second or after every ballot do
that only when their text changed and, then, only if it takes another number
of lines. While a room votes in the app, those milliseconds were the event
loop's, shared with the phones' answers (``benchmarks/voting_app.py``).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from rich.text import Text
from textual.widgets import Static

_SHOWN: WeakKeyDictionary[Static, tuple[str, int]] = WeakKeyDictionary()


def set_text(widget: Static, text: Text) -> None:
    """Show ``text`` in ``widget``: nothing if unchanged, no layout if as many lines."""
    markup = text.markup
    before = _SHOWN.get(widget)
    if before is not None and before[0] == markup:
        return
    width = widget.content_size.width
    lines = len(text.wrap(widget.app.console, width)) if width else -1
    widget.update(text, layout=lines < 0 or before is None or before[1] != lines)
    _SHOWN[widget] = (markup, lines)
