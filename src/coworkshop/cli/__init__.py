"""The ``coworkshop`` command. Every command calls the same core as the TUI.

A user error prints one line naming the file or field and exits with status 1;
tracebacks are for bugs only.
"""

from __future__ import annotations

# Importing the command modules registers their commands; the help lists them
# in this order, so keep it.
# isort: off
from . import sessions as sessions
from . import merge as merge
from . import templates as templates
from . import serve as serve
from . import report as report
# isort: on
from .common import app, template_app, user_errors

__all__ = ["app", "main", "template_app", "user_errors"]


def main() -> None:
    """Entry point of the ``coworkshop`` console script."""
    app(prog_name="coworkshop")


if __name__ == "__main__":
    main()
