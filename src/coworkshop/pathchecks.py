"""Checks on the paths a command was given, before it reads or writes anything.

Each raises :class:`UserError` with one line naming the path, so that a
command refuses a read-only folder, a folder given for a file or a missing
folder up front, instead of failing half-way with a traceback or leaving a
half-made file behind. Permissions are asked with :func:`os.access` (tests
run as root, for whom every file is readable and writable, and replace it).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

from .core.errors import UserError


def writable_folder(folder: Path, *, create: bool = False) -> Path:
    """``folder`` exists (or is created when ``create``) and can be written to."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: is a file, not a folder")
    if not folder.exists():
        if not create:
            raise UserError(f"{folder}: no such folder")
        creatable_folder(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"{folder}: cannot be created ({exc.strerror})") from exc
        return folder
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{folder}: the folder is read-only")
    return folder


def creatable_folder(folder: Path) -> Path:
    """A missing ``folder`` could be made: its nearest existing ancestor is a writable folder."""
    parent = _existing_ancestor(folder)
    if not parent.is_dir():
        raise UserError(f"{folder}: cannot be created ({parent} is a file, not a folder)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError(f"{folder}: cannot be created ({parent} is read-only)")
    return folder


def _existing_ancestor(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path(".")


def new_file(path: Path, *, overwrite: bool = False) -> Path:
    """``path`` can be created as a new file (or replaced, with ``overwrite``)."""
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a file")
    if path.exists():
        if not overwrite:
            raise UserError(f"{path}: already exists; choose another name")
        if not os.access(path, os.W_OK):
            raise UserError(f"{path}: the file is read-only")
    folder = path.parent
    if not folder.exists():
        raise UserError(f"{path}: no such folder {folder}")
    if not folder.is_dir():
        raise UserError(f"{path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{path}: the folder {folder} is read-only")
    return path


def log_file(path: Path) -> Path:
    """A log file to append to: not a folder, in a folder that exists and is writable."""
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not a log file")
    if path.exists():
        if not os.access(path, os.W_OK):
            raise UserError(f"{path}: the log file is read-only")
        return path
    return new_file(path)


def readable_file(path: Path) -> Path:
    """An existing file that can be read (a missing one is the caller's message)."""
    if path.exists() and not path.is_dir() and not os.access(path, os.R_OK):
        raise UserError(f"{path}: cannot be read (permission denied)")
    return path


def port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise UserError(f"--port {value}: a port is a number from 0 to 65535")
    return value


def positive_rate(value: float, option: str) -> float:
    if not math.isfinite(value) or value <= 0:
        raise UserError(f"{option} {value}: must be a number above 0")
    return value
