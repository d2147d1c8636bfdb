"""Errors a person can act on. Their message is shown as is, on one line.

An error carries a *code* and *parameters* as well as its English message, so
the server, the CLI and the TUI can show it in the reader's language
(:func:`coworkshop.i18n.error_text`) while logs keep the English::

    raise RuleError("poll {ref} is not open", ref=poll.ref)

The first argument is the English message with ``{name}`` placeholders (it is
also the msgid in the gettext catalogues: ``pybabel extract`` finds it through
the ``UserError``/``RuleError`` keywords of ``babel.cfg``); the keyword
arguments fill them. A message without placeholders may be given already
formatted (``raise UserError(f"...")``): it is then shown in English
everywhere, as before. The code defaults to a slug of the English message;
give ``code=`` where a script should rely on it.
"""

from __future__ import annotations

import re
from typing import Any


def N_(message: str) -> str:
    """Mark a message the core returns (not raises) for the catalogues."""
    return message


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60] or "error"


class UserError(Exception):
    """Something the user asked for cannot be done; the message says why."""

    def __init__(self, message: str = "", /, *args: Any, code: str = "", **params: Any) -> None:
        self.template = str(message)
        self.params = params
        if params:
            try:
                text = self.template.format(**params)
            except (KeyError, IndexError, ValueError):
                text = self.template
        else:
            text = self.template
        self.code = code or _slug(self.template)
        super().__init__(text, *args)


class SessionFileError(UserError):
    """A session file is missing, foreign, corrupt or from a newer version."""


class TemplateError(UserError):
    """A template file does not parse or does not validate."""


class RuleError(UserError):
    """An instrument's rule refuses the change (e.g. a third CHANGE card)."""
