"""Colours for stakeholder groups and breakout groups.

Templates name colours in words ("blue", "orange"); some of those are not
colours a terminal knows, and some are unreadable on a dark projector. Every
name is mapped to a tested, readable shade; anything unknown falls back to grey.
"""

from __future__ import annotations

import re

DEFAULT = "#a8a8a8"

SAFE: dict[str, str] = {
    "blue": "#5b9cf0",
    "navy": "#5b7ff0",
    "orange": "#f29b38",
    "green": "#5cc46b",
    "lime": "#a4d65e",
    "magenta": "#d67ad6",
    "purple": "#a883e8",
    "violet": "#a883e8",
    "red": "#ec6262",
    "pink": "#f08cb8",
    "yellow": "#e6c94a",
    "gold": "#e6b84a",
    "cyan": "#4fc8d8",
    "teal": "#3fb3a8",
    "brown": "#c29060",
    "tan": "#d2b48c",
    "orchid": "#da70d6",
    # black would vanish on a dark projector screen
    "black": "#8a8a8a",
    "grey": DEFAULT,
    "gray": DEFAULT,
    "white": "#e4e4e4",
}

_HEX = re.compile(r"^#[0-9a-fA-F]{6}$")

# Breakout groups have no colour in the template; give each a stable one.
_BREAKOUT = ["#5b9cf0", "#f29b38", "#5cc46b", "#d67ad6", "#4fc8d8", "#e6c94a", "#ec6262", "#a883e8"]


def group_color(name: str | None) -> str:
    """A readable colour for a template colour name (or ``#rrggbb``)."""
    value = (name or "").strip().lower()
    if value in SAFE:
        return SAFE[value]
    if _HEX.match(value):
        return value
    return DEFAULT


def breakout_color(name: str) -> str:
    """The same colour for the same breakout group name, every time."""
    if not name:
        return DEFAULT
    return _BREAKOUT[sum(map(ord, name)) % len(_BREAKOUT)]
