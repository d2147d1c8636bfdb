"""The app's languages: gettext catalogues, the chosen language, dates and numbers.

The catalogues are ``locale/<lang>/LC_MESSAGES/coworkshop.po`` (compiled to
``.mo``, shipped in the wheel), managed with Babel: ``python -m
coworkshop.i18n_catalogs`` extracts the messages, updates every catalogue and
compiles them (README, "Languages"). English is the source language: its
messages are the msgids, so a missing translation shows the English.

Who chooses the language: the participants' page passes the phone's language
explicitly (:func:`translator`); the TUI and the CLI use one process-wide
language (:func:`set_language`), taken from the session or ``COWORKSHOP_LANG``.
The core does not choose languages: its errors carry a template and parameters
(:class:`~coworkshop.core.errors.UserError`), rendered here by :func:`error_text`.
"""

from __future__ import annotations

import gettext as _gettext
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

DOMAIN = "coworkshop"
SOURCE = "en"
#: The languages the page, the TUI and the CLI are complete in.
LANGUAGES = ("en", "it", "es", "bg", "fi")
#: Each language's own name, for the page's language switch.
NAMES = {"en": "English", "it": "Italiano", "es": "Español", "bg": "Български", "fi": "Suomi"}
LOCALE_DIR = Path(__file__).parent / "locale"
LANG_ENV = "COWORKSHOP_LANG"

_process = SOURCE
# A language for one piece of work (a report written in Italian while the TUI
# speaks Finnish): set by :func:`using`, else the process's.
_scoped: ContextVar[str | None] = ContextVar("coworkshop_language", default=None)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message


def normalize(language: str | None) -> str:
    """``es-ES``, ``bg_BG.UTF-8``, ``FI`` -> a language of :data:`LANGUAGES` (else English)."""
    base = (language or "").strip().replace("_", "-").split("-")[0].split(".")[0].lower()
    return base if base in LANGUAGES else SOURCE


def known(language: str | None) -> bool:
    """Whether ``language`` names one of :data:`LANGUAGES` (``es-ES`` does)."""
    base = (language or "").strip().replace("_", "-").split("-")[0].lower()
    return base in LANGUAGES


@cache
def catalogue(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of ``language`` (English: none needed)."""
    lang = normalize(language)
    if lang == SOURCE:
        return _gettext.NullTranslations()
    return _gettext.translation(DOMAIN, str(LOCALE_DIR), [lang], fallback=True)


def translator(language: str | None) -> Callable[[str], str]:
    """``gettext`` of ``language``: the translation of a message, or the message."""
    return catalogue(normalize(language)).gettext


def set_language(language: str | None) -> str:
    """Make ``language`` the process's language (TUI, CLI); answers the one chosen."""
    global _process
    _process = normalize(language)
    return _process


def current() -> str:
    """The language messages are given in here (:func:`using`'s, else the process's)."""
    return _scoped.get() or _process


@contextmanager
def using(language: str | None) -> Iterator[str]:
    """Give messages in ``language`` inside the block (this thread or task only)."""
    token = _scoped.set(normalize(language) if language else None)
    try:
        yield current()
    finally:
        _scoped.reset(token)


def from_env(default: str = SOURCE) -> str:
    """``COWORKSHOP_LANG`` if set to a known language, else ``default``."""
    value = os.environ.get(LANG_ENV, "")
    return normalize(value) if known(value) else normalize(default)


def _(message: str) -> str:
    """``message`` in the process's language."""
    return catalogue(current()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural of a message in the process's language."""
    return catalogue(current()).ngettext(singular, plural, n)


def fmt(message: str, /, **params: Any) -> str:
    """``message`` translated into the current language and formatted.

    A translation whose placeholders do not fit falls back to the English.
    """
    text = _(message)
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        return message.format(**params)


def nfmt(singular: str, plural: str, n: int, /, **params: Any) -> str:
    """The singular or plural of a message (``{n}`` is ``n``), translated and formatted."""
    text = catalogue(current()).ngettext(singular, plural, n)
    try:
        return text.format(n=n, **params)
    except (KeyError, IndexError, ValueError):
        return (singular if n == 1 else plural).format(n=n, **params)


def language_name(code: str, language: str | None = None) -> str:
    """``it`` as the reader's language names it (``italiano``, ``Italian``)."""
    from babel import Locale, UnknownLocaleError

    try:
        name = Locale.parse(code.replace("-", "_")).get_display_name(
            normalize(language or current()))
    except (ValueError, UnknownLocaleError):
        return code
    return name or code


def error_text(exc: BaseException, language: str | None = None) -> str:
    """A :class:`UserError`'s message in ``language`` (the process's by default).

    Errors raised with a template and parameters are translated; any other
    exception (or one whose message has no translation) shows its own text.
    """
    template = getattr(exc, "template", None)
    params = getattr(exc, "params", None)
    if not isinstance(template, str) or not template:
        return str(exc)
    lang = normalize(language) if language is not None else current()
    tr = translator(lang)
    translated = tr(template)
    if translated == template and not params:
        return str(exc)
    # A parameter may itself be a message ("name: {problem}"): translated too.
    values = {k: tr(v) if isinstance(v, str) else v for k, v in (params or {}).items()}
    try:
        return translated.format(**values) if params else translated
    except (KeyError, IndexError, ValueError):
        return str(exc)


# ------------------------------------------------------------------ dates and numbers
# Babel is imported when first needed: the TUI's first screen does not need it.


def format_date(value: date | datetime | str, language: str | None = None,
                format: str = "long") -> str:  # noqa: A002 - Babel's own name
    """A date as the language writes it (``12 giugno 2025``, ``12.6.2025``).

    An ISO string (``2025-06-12``) is read first; text that is not a date is
    returned unchanged.
    """
    from babel.dates import format_date as babel_date

    if isinstance(value, str):
        try:
            day = date.fromisoformat(value[:10])
        except ValueError:
            return value
    else:
        day = value.date() if isinstance(value, datetime) else value
    return str(babel_date(day, format=format, locale=normalize(language or current())))


def format_datetime(value: datetime, language: str | None = None,
                    format: str = "medium") -> str:  # noqa: A002 - Babel's own name
    """A date and time as the language writes it."""
    from babel.dates import format_datetime as babel_datetime

    return babel_datetime(value, format=format, locale=normalize(language or current()))


def format_time(value: datetime, language: str | None = None,
                format: str = "short") -> str:  # noqa: A002 - Babel's own name
    """A time of day as the language writes it (14:05, 14.05)."""
    from babel.dates import format_time as babel_time

    return str(babel_time(value, format=format, locale=normalize(language or current())))


def format_number(value: float, language: str | None = None, digits: int = 0) -> str:
    """A number with the language's separators (``1 234,5`` in Finnish)."""
    from babel.numbers import format_decimal

    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(value, format=pattern, locale=normalize(language or current()))


def format_percent(value: float, language: str | None = None) -> str:
    """A share 0-1 as the language writes a percentage (``78 %`` in Finnish)."""
    from babel.numbers import format_percent as babel_percent

    return babel_percent(value, locale=normalize(language or current()))
