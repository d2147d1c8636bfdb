"""What a merge reports: per input, conflicts, totals (see the package doc)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The records the summary counts by name; the rest are "other".
COUNTED = {
    "session": "sessions",
    "participant": "participants",
    "ballot": "ballots",
    "tally": "tallies",
    "card": "cards",
}

#: Singular forms, for "1 session" rather than "1 sessions".
SINGULAR = {
    "sessions": "session",
    "participants": "participant",
    "ballots": "ballot",
    "tallies": "tally",
    "cards": "card",
    "other records": "other record",
    "duplicates": "duplicate",
    "conflicts": "conflict",
    "files": "file",
}


def count(n: int, plural: str) -> str:
    """``3 ballots``, ``1 ballot``."""
    return f"{n} {SINGULAR.get(plural, plural) if n == 1 else plural}"


Progress = Callable[[int, int, str], None]


# ---------------------------------------------------------------- report


@dataclass
class Conflict:
    """A record two copies changed differently; both versions are kept."""

    table: str
    row_id: str
    session_id: str
    file: str  # the input that brought the version found different
    current: str  # "this file" or "already merged": whose version is current now

    def to_dict(self) -> dict[str, str]:
        return {
            "table": self.table,
            "id": self.row_id,
            "session_id": self.session_id,
            "file": self.file,
            "current": self.current,
        }


@dataclass
class SourceReport:
    """What one input brought."""

    file: str
    file_id: str = ""
    schema_version: int = 0
    migrated: bool = False
    sessions: list[dict[str, Any]] = field(default_factory=list)
    added: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    updated: int = 0
    older: int = 0
    conflicts: int = 0

    def to_dict(self) -> dict[str, Any]:
        added = {name: self.added.get(name, 0) for name in COUNTED.values()}
        added["other"] = self.added.get("other", 0)
        return {
            "file": self.file,
            "file_id": self.file_id,
            "schema_version": self.schema_version,
            "migrated": self.migrated,
            "sessions": self.sessions,
            "added": added,
            "duplicates": self.duplicates,
            "updated": self.updated,
            "older": self.older,
            "conflicts": self.conflicts,
        }


@dataclass
class MergeReport:
    """The summary printed after a merge (and its ``--json`` form)."""

    output: Path
    into: bool = False
    strip_names: bool = False
    sources: list[SourceReport] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, why)
    conflicts: list[Conflict] = field(default_factory=list)
    sessions_in_output: int = 0
    seconds: float = 0.0

    def totals(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for s in self.sources:
            total.update(s.added)
        out = {name: total.get(name, 0) for name in COUNTED.values()}
        out["other"] = total.get("other", 0)
        out["duplicates"] = sum(s.duplicates for s in self.sources)
        out["updated"] = sum(s.updated for s in self.sources)
        out["older"] = sum(s.older for s in self.sources)
        out["conflicts"] = len(self.conflicts)
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "into": self.into,
            "strip_names": self.strip_names,
            "sessions_in_output": self.sessions_in_output,
            "sources": [s.to_dict() for s in self.sources],
            "totals": self.totals(),
            "conflicts": [c.to_dict() for c in self.conflicts],
            "skipped": [{"file": f, "error": why} for f, why in self.skipped],
            "seconds": round(self.seconds, 3),
        }


# ---------------------------------------------------------------- tables


