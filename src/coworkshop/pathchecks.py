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
        raise UserError("{folder}: is a file, not a folder", folder=folder)
    if not folder.exists():
        if not create:
            raise UserError("{folder}: no such folder", folder=folder)
        creatable_folder(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError("{folder}: cannot be created ({strerror})", folder=folder,
                            strerror=exc.strerror) from exc
        return folder
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError("{folder}: the folder is read-only", folder=folder)
    return folder


def creatable_folder(folder: Path) -> Path:
    """A missing ``folder`` could be made: its nearest existing ancestor is a writable folder."""
    parent = _existing_ancestor(folder)
    if not parent.is_dir():
        raise UserError("{folder}: cannot be created ({parent} is a file, not a folder)",
                        folder=folder, parent=parent)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UserError("{folder}: cannot be created ({parent} is read-only)", folder=folder,
                        parent=parent)
    return folder


def _existing_ancestor(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path(".")


def new_file(path: Path, *, overwrite: bool = False) -> Path:
    """``path`` can be created as a new file (or replaced, with ``overwrite``)."""
    if path.is_dir():
        raise UserError("{path}: is a folder, not a file", path=path)
    if path.exists():
        if not overwrite:
            raise UserError("{path}: already exists; choose another name", path=path)
        if not os.access(path, os.W_OK):
            raise UserError("{path}: the file is read-only", path=path)
    folder = path.parent
    if not folder.exists():
        raise UserError("{path}: no such folder {folder}", path=path, folder=folder)
    if not folder.is_dir():
        raise UserError("{path}: {folder} is a file, not a folder", path=path, folder=folder)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError("{path}: the folder {folder} is read-only", path=path, folder=folder)
    return path


def log_file(path: Path) -> Path:
    """A log file to append to: not a folder, in a folder that exists and is writable."""
    if path.is_dir():
        raise UserError("{path}: is a folder, not a log file", path=path)
    if path.exists():
        if not os.access(path, os.W_OK):
            raise UserError("{path}: the log file is read-only", path=path)
        return path
    return new_file(path)


def readable_file(path: Path) -> Path:
    """An existing file that can be read (a missing one is the caller's message)."""
    if path.exists() and not path.is_dir() and not os.access(path, os.R_OK):
        raise UserError("{path}: cannot be read (permission denied)", path=path)
    return path


def port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise UserError("--port {value}: a port is a number from 0 to 65535", value=value)
    return value


def positive_rate(value: float, option: str) -> float:
    if not math.isfinite(value) or value <= 0:
        raise UserError("{option} {value}: must be a number above 0", option=option, value=value)
    return value
