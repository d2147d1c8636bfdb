"""Every limit and list of the domain, in one place.

Templates, the core, the TUI, the CLI and the server read these; nothing
restates them.
"""

from __future__ import annotations

import re

from .errors import N_, UserError

#: What an agenda step can be.
ACTIVITY_KINDS = ("canvas", "poll", "stakeholder_map", "checklist")
#: What a poll question can be.
QUESTION_TYPES = (
    "single",  # one option
    "multiple",  # several options, up to max_choices
    "scale",  # one labelled scale
    "scale_statements",  # the same scale applied to several statements
    "ranking",  # order the options
    "open",  # free text
    "wordcloud",  # a few words
    "qa",  # questions/ideas submitted and upvoted
)

#: CHANGE cards a canvas takes: the template's ``max_changes`` (bounds below).
DEFAULT_MAX_CHANGES = 2
MIN_MAX_CHANGES, MAX_MAX_CHANGES = 1, 10

MAX_FIELD = 200  # a session's details, a participant's fields, a title
MAX_CARD_TEXT = 500
MAX_COMMENT_TEXT = 500
MAX_NAME = 60  # a participant's name typed on a phone
MAX_GROUP_NAME = 60  # a breakout group's name ("Group A")
MAX_KEY = 60
MAX_TEXT = 2000  # a template's texts

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
#: Bidirectional embeddings, overrides and isolates: they can make a name or an
#: answer read backwards on the projector.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


# ---------------------------------------------------------------- text people type
# One place decides what typed text may hold, for the server's edge and the core.


def text_problem(text: str, *, one_line: bool, controls: bool = True) -> str:
    """Why ``text`` cannot be stored as typed, or "" if it can.

    Lone surrogates (``"\\udfff"`` in JSON) are not text: SQLite stores them,
    and then every page that shows them fails. ``one_line`` also refuses
    line breaks, tabs and bidirectional overrides (names, word-cloud words).
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return N_("the text contains invalid characters")
    if controls and _CONTROL.search(text):
        return N_("the text contains control characters")
    if one_line and ("\n" in text or "\r" in text or "\t" in text or _BIDI.search(text)):
        return N_("the text must be one line, without direction overrides")
    return ""


def readable(text: str) -> str:
    """``text`` from a file, with any invalid character replaced by U+FFFD.

    Files written before the server refused such text may hold lone
    surrogates; results built from them must still show.
    """
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def group_name(name: str | None) -> str:
    """A breakout group's name, stripped; refused when too long or with control
    characters. The one rule for canvases, cards, comments and participants."""
    name = (name or "").strip()
    if len(name) > MAX_GROUP_NAME:
        raise UserError("group: at most {limit} characters", limit=MAX_GROUP_NAME)
    if _CONTROL.search(name):
        raise UserError("group: control characters are not allowed")
    return name
