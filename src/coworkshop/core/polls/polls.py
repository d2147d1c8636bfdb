"""Frozen question definitions (and, after the split, the polls' live state)."""

from __future__ import annotations

from typing import Any

from .. import templates
from .scales import resolve_scale


def freeze(activity_key: str, q: templates.Question, plan: dict[str, Any]) -> dict[str, Any]:
    """The full definition of a question, as frozen on its poll when it is made.

    Statements from cross-points take the cross-point's key and title (or vision);
    a scale is resolved (:func:`resolve_scale`) and copied whole. See the package
    docstring for the shape.
    """
    scale = resolve_scale(q.scale, plan) if q.type in ("scale", "scale_statements") else None
    if q.type != "scale_statements":
        statements: list[dict[str, str]] = []
    elif q.statements_from == "crosspoints":
        statements = templates.crosspoint_statements(plan)
    else:
        statements = [s.model_dump(mode="json") for s in q.statements]
    return {
        "activity_key": activity_key,
        "key": q.key,
        "type": q.type,
        "text": q.text,
        "options": [o.model_dump(mode="json") for o in q.options],
        "scale": scale,
        "statements": statements,
        "statements_from": q.statements_from,
        "max_choices": q.max_choices,
        "max_length": q.max_length,
        "anonymous": q.anonymous,
    }


def question_of(definition: dict[str, Any]) -> templates.Question:
    """The frozen definition as a template question (statements given explicitly)."""
    scale = definition.get("scale") or {}
    return templates.Question.model_validate(
        {
            "key": definition["key"],
            "type": definition["type"],
            "text": definition["text"],
            "options": definition.get("options", []),
            "scale": scale.get("key", ""),
            "statements": definition.get("statements", []),
            "max_choices": definition.get("max_choices", 0),
            "max_length": definition.get("max_length", 280),
            "anonymous": definition.get("anonymous", True),
        }
    )
