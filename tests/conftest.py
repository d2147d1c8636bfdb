"""Fixtures shared by every test: an isolated user environment."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
BUNDLED = REPO / "canvases"


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test sees the user's sessions, templates or terminal settings."""
    sessions = tmp_path / "sessions"
    sessions.mkdir()
    monkeypatch.setenv("COWORKSHOP_SESSIONS", str(sessions))
    monkeypatch.setenv("COWORKSHOP_TEMPLATES", str(BUNDLED))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    monkeypatch.setenv("COLUMNS", "200")  # Rich tables in CLI output: no wrapping
    monkeypatch.delenv("COWORKSHOP_LANG", raising=False)  # English unless a test asks
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def english_afterwards() -> Iterator[None]:
    """The app follows a session's language process-wide: later tests start in English."""
    yield
    from coworkshop import i18n

    i18n.set_language(i18n.SOURCE)


@pytest.fixture(autouse=True)
def isolated_logging() -> Iterator[None]:
    """The app sets up the ``coworkshop`` logger (Textual's handler, no
    propagation): a test that builds the app must not change what later tests log."""
    logger = logging.getLogger("coworkshop")
    handlers, propagate = list(logger.handlers), logger.propagate
    yield
    logger.handlers[:] = handlers
    logger.propagate = propagate


@pytest.fixture
def templates_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A writable copy of the bundled templates."""
    target = tmp_path / "canvases"
    shutil.copytree(BUNDLED, target)
    monkeypatch.setenv("COWORKSHOP_TEMPLATES", str(target))
    return target


@pytest.fixture
def sessions_dir(tmp_path: Path) -> Path:
    return tmp_path / "sessions"
