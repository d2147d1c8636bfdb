"""What every command shares: the Typer apps, the consoles, one-line user errors."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar, cast

import typer
from rich.console import Console

from .. import i18n, paths
from ..core.errors import UserError
from ..i18n import _

app = typer.Typer(
    help="Facilitate policy co-creation workshops: canvases, votes, stakeholder maps.",
    no_args_is_help=False,
    add_completion=False,
    pretty_exceptions_enable=False,
)
template_app = typer.Typer(help="Save and check workshop templates.", no_args_is_help=True)
app.add_typer(template_app, name="template")

out = Console(highlight=False)
err = Console(stderr=True, highlight=False)


class Settings:
    templates_dir: Path | None = None
    sessions_dir: Path | None = None


def _templates_dir() -> Path:
    return paths.templates_dir(Settings.templates_dir)


def _fail(message: str) -> typer.Exit:
    # One line whatever the message holds (SQLite's integrity check reports
    # over several lines); markup=False: a file name may contain "[".
    line = " ".join(message.split())
    err.print("[bold red]" + _("error:") + "[/] ", end="", soft_wrap=True)
    err.print(line, soft_wrap=True, markup=False, highlight=False)
    return typer.Exit(1)


F = TypeVar("F", bound=Callable[..., Any])


def user_errors(func: F) -> F:
    """Turn a :class:`UserError` into one line on stderr and exit status 1.

    The command speaks ``COWORKSHOP_LANG`` (English by default); so does the error.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with i18n.using(i18n.from_env()):
            try:
                return func(*args, **kwargs)
            except UserError as exc:
                raise _fail(i18n.error_text(exc)) from None

    return cast(F, wrapper)


SessionOption = Annotated[
    str | None,
    typer.Option(
        "--session",
        help="The session to open in a file holding several: its id or a unique "
        "start of it (see coworkshop sessions).",
    ),
]
