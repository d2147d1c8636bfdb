"""The report as JSON (the data itself) and as CSV in long form."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..core.consensus import Rules
from . import reader as rd

#: The CSV columns, in order (an interface: scripts read them by name).
CSV_COLUMNS = (
    "session_id", "session", "date", "country", "sector", "group", "participant", "activity",
    "question", "statement", "point", "value", "count", "channel", "time",
)


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def csv_rows(
    paths: Sequence[Path | str], session_ids: Sequence[str] | None = None
) -> Iterator[dict[str, Any]]:
    """One row per answer: a ballot (count 1, channel phone) or a tally (its count).

    A multiple-choice ballot gives one row per option chosen; a ranking ballot
    one row per option, ``point`` holding its rank (1 = first).
    """
    hub = rd.open_files(paths)
    try:
        r = rd.Reader(hub, session_ids)
        info = {s.id: s for s in r.sessions}
        for row in r.answer_rows():
            s = info[row["session_id"]]
            rank = row.pop("rank", None)
            if rank is not None:
                row["point"] = rank
            yield {
                **row,
                "session": s.title,
                "date": s.date,
                "country": s.country,
                "sector": s.sector,
            }
    finally:
        hub.close()


def to_csv(
    paths: Sequence[Path | str],
    rules: Rules | None = None,
    session_ids: Sequence[str] | None = None,
) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    for row in csv_rows(paths, session_ids):
        w.writerow(row)
    return out.getvalue()
