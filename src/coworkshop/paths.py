"""Where templates and sessions live by default."""

from __future__ import annotations

import os
from pathlib import Path

SESSIONS_ENV = "COWORKSHOP_SESSIONS"
TEMPLATES_ENV = "COWORKSHOP_TEMPLATES"


def bundled_templates() -> Path:
    """The templates shipped with coworkshop.

    In a wheel they are packaged as ``coworkshop/canvases``; in a checkout
    (editable install) they are the repository's ``canvases/``.
    """
    packaged = Path(__file__).parent / "canvases"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "canvases"


def templates_dir(explicit: Path | None = None) -> Path:
    """``--templates-dir``, else ``$COWORKSHOP_TEMPLATES``, else ``./canvases``
    when it exists, else the bundled templates."""
    if explicit is not None:
        return explicit
    env = os.environ.get(TEMPLATES_ENV)
    if env:
        return Path(env)
    local = Path.cwd() / "canvases"
    if local.is_dir():
        return local
    return bundled_templates()


def sessions_dir(explicit: Path | None = None) -> Path:
    """``--sessions-dir``, else ``$COWORKSHOP_SESSIONS``, else ``./sessions``."""
    if explicit is not None:
        return explicit
    env = os.environ.get(SESSIONS_ENV)
    return Path(env) if env else Path.cwd() / "sessions"
