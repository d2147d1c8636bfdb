"""The JSON the participants' phones see: shaped here, not in the core.

Phones name options, points and statements by their position (0 = first), as
the README documents; no ids of people are sent.
"""

from __future__ import annotations

from typing import Any

from ..core import polls as voting


def poll_public(poll: voting.PollInfo) -> dict[str, Any]:
    """What a participant's phone is shown of a poll."""
    q = poll.question
    return {
        "id": poll.id,
        "ref": poll.ref,
        "activity": poll.activity_title,
        "type": q.type,
        "text": q.text,
        "choices": list(poll.choices),
        "statements": list(poll.statements),
        "max_choices": q.max_choices or len(poll.choices),
        "max_length": q.max_length,
        "state": poll.state,
        "results_visible": poll.results_visible,
    }


def item_public(item: voting.QAView) -> dict[str, Any]:
    """A Q&A item as phones see it (its group, not who posted it)."""
    return {
        "id": item.id,
        "text": item.text,
        "group": item.stakeholder_group,
        "upvotes": item.upvotes,
        "highlighted": item.highlighted,
        "answered": item.answered,
    }


def results_public(res: voting.Results) -> dict[str, Any]:
    """Results as shown on phones when the facilitator shows them (no texts of
    other people except word-cloud words and visible Q&A items)."""

    def rows(rs: list[voting.Row]) -> list[dict[str, Any]]:
        return [
            {"label": r.label, "count": r.count, "percent": r.percent, "mean_rank": r.mean_rank}
            for r in rs
        ]

    out: dict[str, Any] = {"respondents": res.respondents, "rows": rows(res.rows[:30])}
    if res.statements:
        out["statements"] = [
            {"statement": s.statement, "respondents": s.respondents, "rows": rows(s.rows)}
            for s in res.statements
        ]
    return out
