"""The join code a session keeps: restarting live voting reuses it.

A facilitator prints or projects the code (and its QR code) once; the room
keeps it from one start of live voting to the next, and from one run of the
app to the next, until the facilitator asks for a new one. It is kept in the
file's ``meta`` table under ``join_code:<session id>`` (a file may hold
several sessions; a merged file's copies keep none, see the merge).
"""

from __future__ import annotations

from sqlmodel import Session as DBSession

from ..models import Meta
from .devices import JOIN_CODE_DIGITS, new_join_code

PREFIX = "join_code:"


def saved_join_code(db: DBSession, session_id: str) -> str:
    """The session's join code, "" if it has none yet (or a malformed one)."""
    row = db.get(Meta, PREFIX + session_id)
    code = row.value if row is not None else ""
    return code if len(code) == JOIN_CODE_DIGITS and code.isdigit() else ""


def keep_join_code(db: DBSession, session_id: str, code: str = "") -> str:
    """Store ``code`` (a new one if ``code`` is "") as the session's join code; returns it.

    Does not commit: the caller's unit of work does.
    """
    code = code or new_join_code()
    row = db.get(Meta, PREFIX + session_id)
    if row is None:
        db.add(Meta(key=PREFIX + session_id, value=code))
    else:
        row.value = code
        db.add(row)
    return code


def join_code_for(db: DBSession, session_id: str) -> str:
    """The session's join code, made and stored (uncommitted) if it has none."""
    return saved_join_code(db, session_id) or keep_join_code(db, session_id)
