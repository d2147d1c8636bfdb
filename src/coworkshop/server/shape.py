"""The JSON the participants' phones see: shaped here, not in the core.

Phones name options, points and statements by their position (0 = first), as
the README documents; no ids of people are sent.
"""

from __future__ import annotations

from typing import Any

from ..core import polls as voting
from ..core import translations


class Texts:
    """A poll's texts in one language, by key (the plan's translations over
    the frozen definition); the texts as stored where nothing is translated."""

    def __init__(self, poll: voting.PollInfo, plan: dict[str, Any], language: str) -> None:
        d = translations.poll_texts(plan, poll.definition, language)
        self.text = d.get("text") or poll.question.text
        labels = {o["key"]: o["label"] for o in d.get("options") or []}
        labels.update({p["key"]: p["label"] for p in (d.get("scale") or {}).get("points") or []})
        self.choices = [labels.get(k, c) for k, c in
                        zip(poll.choice_keys, poll.choices, strict=False)] or list(poll.choices)
        self.labels = labels
        stmts = {s["key"]: s["text"] for s in d.get("statements") or []}
        self.statements = [stmts.get(k, t) for k, t in
                           zip(poll.statement_keys, poll.statements, strict=False)
                           ] or list(poll.statements)
        self.statement_of = stmts
        self.activity = translations.activity_title(plan, poll.activity_key, language,
                                                    poll.activity_title)


def poll_public(poll: voting.PollInfo, texts: Texts | None = None) -> dict[str, Any]:
    """What a participant's phone is shown of a poll (in the language of ``texts``)."""
    q = poll.question
    return {
        "id": poll.id,
        "ref": poll.ref,
        "activity": texts.activity if texts else poll.activity_title,
        "type": q.type,
        "text": texts.text if texts else q.text,
        "choices": texts.choices if texts else list(poll.choices),
        "statements": texts.statements if texts else list(poll.statements),
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


def results_public(res: voting.Results, texts: Texts | None = None) -> dict[str, Any]:
    """Results as shown on phones when the facilitator shows them (no texts of
    other people except word-cloud words and visible Q&A items)."""
    labels = texts.labels if texts else {}
    stmts = texts.statement_of if texts else {}

    def rows(rs: list[voting.Row]) -> list[dict[str, Any]]:
        return [
            {"label": labels.get(r.key, r.label) if r.key else r.label, "count": r.count,
             "percent": r.percent, "mean_rank": r.mean_rank}
            for r in rs
        ]

    out: dict[str, Any] = {"respondents": res.respondents, "rows": rows(res.rows[:30])}
    if res.statements:
        out["statements"] = [
            {"statement": stmts.get(s.key, s.statement), "respondents": s.respondents,
             "rows": rows(s.rows)}
            for s in res.statements
        ]
    return out
