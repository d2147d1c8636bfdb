"""The one builder of test templates.

Tests describe the plan they need as Python data (a few activities, maybe a
scale or cross-points) and get template TOML back, so that no test depends on
the wording of the bundled templates and no test keeps its own copy of the
boilerplate. The TOML is written by tomlkit, not by the code under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import tomlkit

#: The stakeholder groups most tests need (keys ``policy`` and ``industry``).
GROUPS: list[dict[str, str]] = [
    {"key": "policy", "label": "Policy makers"},
    {"key": "industry", "label": "Industry"},
]

RELEVANCE = {"label": "Relevance", "points": ["To a great extent", "To some extent", "Not at all"]}

CROSSPOINTS = [
    {
        "key": "cp1",
        "title": "Transparent micro-credentials",
        "vision": "Every micro-credential states its learning outcomes and workload.",
        "need": "Employers hardly know what a micro-credential proves.",
    },
    {
        "key": "cp2",
        "title": "Quality assurance that fits",
        "vision": "Quality assurance suits its purpose.",
        "need": "Industry wants a real check of what was learned.",
    },
]


def inline(rows: list[dict[str, Any]]) -> Any:
    """A list of small tables written on one line (``[{key = ..., label = ...}]``)."""
    array = tomlkit.array()
    for row in rows:
        table = tomlkit.inline_table()
        table.update(row)
        array.append(table)
    return array


def canvas(key: str, title: str = "", **config: Any) -> dict[str, Any]:
    """A Theory-of-Change canvas (``shape="grid"`` with levels/timeframes: a grid)."""
    return {"key": key, "kind": "canvas", "title": title or key, **config}


def grid(key: str = "grid", title: str = "Grid", **config: Any) -> dict[str, Any]:
    """A CREDEX grid, two levels x two timeframes unless ``config`` names its own."""
    cells: dict[str, Any] = {
        "levels": [
            {"key": "systemic", "label": "Systemic"},
            {"key": "learners", "label": "Learners"},
        ],
        "timeframes": [
            {"key": "short", "label": "1-3 years"},
            {"key": "long", "label": "6+ years"},
        ],
    }
    cells = {k: inline(v) for k, v in {**cells, **config}.items() if k in cells}
    return canvas(key, title, shape="grid", **{**config, **cells})


def poll(key: str, title: str, *questions: dict[str, Any], **config: Any) -> dict[str, Any]:
    """A poll activity holding ``questions``."""
    return {"key": key, "kind": "poll", "title": title, **config, "questions": list(questions)}


def question(key: str, type_: str, text: str, **fields: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "text": text, **fields}


def template_toml(
    *agenda: dict[str, Any],
    name: str = "t",
    title: str = "Test workshop",
    language: str = "en",
    groups: list[dict[str, str]] | None = None,
    scales: dict[str, dict[str, Any]] | None = None,
    crosspoints: list[dict[str, str]] | None = None,
    **meta: str,
) -> str:
    """Template TOML with ``agenda``; two stakeholder groups unless told otherwise."""
    data: dict[str, Any] = {
        "template": {"name": name, "title": title, "language": language, **meta},
        "stakeholder_groups": GROUPS if groups is None else groups,
    }
    if scales:
        data["scales"] = scales
    if crosspoints:
        data["crosspoints"] = crosspoints
    data["agenda"] = list(agenda)
    return "# a test template (tests/helpers/templates.py)\n" + tomlkit.dumps(data)


def write_template(folder: Path, *agenda: dict[str, Any], name: str = "t", **kw: Any) -> Path:
    """``template_toml`` written to ``folder/NAME.toml``."""
    path = folder / f"{name}.toml"
    path.write_text(template_toml(*agenda, name=name, **kw), encoding="utf-8")
    return path
