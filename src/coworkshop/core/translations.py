"""Translations a template carries of what participants read.

A template's ``[translations.<lang>]`` tables hold, by stable key, the texts
of one more language (README, "Templates in several languages")::

    [translations.it]
    template.title = "..."
    groups.policy = "Decisori politici"
    scales.relevance.label = "Rilevanza"
    scales.relevance.points.great = "Risponde in gran parte"
    crosspoints.cp1.title = "..."            # also .vision, .need
    agenda.relevance.title = "..."
    agenda.relevance.questions.cp-relevance.text = "..."
    agenda.welcome.questions.stage.options.not-sure = "Non so"
    agenda.validation.questions.x.statements.s1 = "..."

Everything is addressed by key, never by position, so an answer given in any
language is an answer to the same question, option, point and statement.
A session made in one of the template's languages stores that language's
texts (:func:`localize`), and keeps the others (the template's own language
included) in its plan, so a phone can switch language and a report can be
written in another one (:func:`poll_texts`, :func:`group_label`).
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import Any

from . import rules

LANGUAGE = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


def base(language: str) -> str:
    """``es-ES`` -> ``es``."""
    return (language or "").split("-")[0].lower()


# ------------------------------------------------------------------ the grammar


def _targets(data: dict[str, Any]) -> dict[tuple[str, ...], str]:
    """Every translatable text of a template (validated data, as ``model_dump``),
    by its address."""
    out: dict[tuple[str, ...], str] = {}
    meta = data.get("template") or {}
    out[("template", "title")] = str(meta.get("title", ""))
    for g in data.get("stakeholder_groups") or []:
        out[("groups", g["key"])] = g["label"]
    for name, scale in (data.get("scales") or {}).items():
        out[("scales", name, "label")] = scale.get("label", "")
        for p in scale.get("points") or []:
            out[("scales", name, "points", p["key"])] = p["label"]
    for c in data.get("crosspoints") or []:
        for f in ("title", "vision", "need"):
            out[("crosspoints", c["key"], f)] = c.get(f, "")
    for act in data.get("agenda") or []:
        out[("agenda", act["key"], "title")] = act["title"]
        for q in act.get("questions") or []:
            at = ("agenda", act["key"], "questions", q["key"])
            out[(*at, "text")] = q["text"]
            for o in q.get("options") or []:
                out[(*at, "options", o["key"])] = o["label"]
            for s in q.get("statements") or []:
                out[(*at, "statements", s["key"])] = s["text"]
    return out


def _flatten(value: Any, at: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    if isinstance(value, dict):
        out: list[tuple[tuple[str, ...], Any]] = []
        for k, v in value.items():
            out += _flatten(v, (*at, str(k)))
        return out
    return [(at, value)]


def problems(data: dict[str, Any], translations: dict[str, Any],
             standard_scales: dict[str, Any] | None = None) -> list[tuple[tuple[str, ...], str]]:
    """What is wrong in a template's translations: ``(address, message)`` pairs,
    the address starting with the language (``("it", "groups", "polcy")``).

    ``data`` is the validated template (``model_dump``); scale points of the
    standard scales a question names may be translated too.
    """
    out: list[tuple[tuple[str, ...], str]] = []
    targets = _targets(data)
    named = {q.get("scale", "") for a in data.get("agenda") or [] for q in a.get("questions") or []}
    for name, scale in (standard_scales or {}).items():
        if name in named and name not in (data.get("scales") or {}):
            targets[("scales", name, "label")] = scale.get("label", "")
            for p in scale.get("points") or []:
                targets[("scales", name, "points", p["key"])] = p["label"]
    for lang, table in translations.items():
        if not LANGUAGE.match(str(lang)):
            out.append(((str(lang),), f"{lang!r} is not a language code like it or es-ES"))
            continue
        if not isinstance(table, dict):
            out.append(((lang,), "a language's translations are a table of texts"))
            continue
        for address, text in _flatten(table):
            if address not in targets:
                out.append(((lang, *address), _unknown(address, targets)))
            elif not isinstance(text, str) or not text.strip():
                out.append(((lang, *address), "a translation is a text that is not empty"))
            elif len(text) > rules.MAX_TEXT:
                out.append(((lang, *address), f"at most {rules.MAX_TEXT} characters"))
    return out


def _unknown(address: tuple[str, ...], targets: dict[tuple[str, ...], str]) -> str:
    """Why ``address`` names nothing: the longest part of it that exists, and
    what could follow."""
    for n in range(len(address) - 1, -1, -1):
        prefix = address[:n]
        following = sorted({t[n] for t in targets if t[:n] == prefix and len(t) > n})
        if following:
            have = ", ".join(following[:12]) + (", ..." if len(following) > 12 else "")
            return f"nothing is called {address[n]!r} here (have: {have})"
    return "nothing to translate here"


# ------------------------------------------------------------------ using them


def _put(data: dict[str, Any], address: tuple[str, ...], text: str) -> None:
    """Set the text at ``address`` in a template's data (as ``model_dump``)."""
    kind = address[0]
    if kind == "template":
        data["template"][address[1]] = text
    elif kind == "groups":
        for g in data["stakeholder_groups"]:
            if g["key"] == address[1]:
                g["label"] = text
    elif kind == "scales":
        scale = data["scales"].get(address[1])
        if scale is None:
            return
        if address[2] == "label":
            scale["label"] = text
        else:
            for p in scale["points"]:
                if p["key"] == address[3]:
                    p["label"] = text
    elif kind == "crosspoints":
        for c in data["crosspoints"]:
            if c["key"] == address[1]:
                c[address[2]] = text
    elif kind == "agenda":
        for act in data["agenda"]:
            if act["key"] != address[1]:
                continue
            if address[2] == "title":
                act["title"] = text
                continue
            for q in act["questions"]:
                if q["key"] != address[3]:
                    continue
                if address[4] == "text":
                    q["text"] = text
                else:
                    field, label = ("options", "label") if address[4] == "options" else (
                        "statements", "text")
                    for item in q[field]:
                        if item["key"] == address[5]:
                            item[label] = text


def localize(data: dict[str, Any], translations: dict[str, Any], language: str
             ) -> tuple[dict[str, Any], dict[str, Any]]:
    """A template's data in ``language`` and the translations to keep with it.

    When the template carries ``language``, its texts replace the written ones
    and the written ones become the translation of the template's own
    language, so nothing is lost and every language stays reachable by key.
    Otherwise the data is returned as written.
    """
    own = base(data["template"].get("language", "en"))
    wanted = base(language)
    tables = {base(k): v for k, v in translations.items()}
    if not wanted or wanted == own or wanted not in tables:
        return data, tables
    out = deepcopy(data)
    original: dict[str, Any] = {}
    targets = _targets(data)
    for address, text in _flatten(tables[wanted]):
        if address in targets:
            _put(out, address, str(text))
            _nest(original, address, targets[address])
    kept = {k: v for k, v in tables.items() if k != wanted}
    kept[own] = _merge(kept.get(own, {}), original)
    out["template"]["language"] = language
    return out, kept


def _nest(table: dict[str, Any], address: tuple[str, ...], text: str) -> None:
    for part in address[:-1]:
        table = table.setdefault(part, {})
    table[address[-1]] = text


def _merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merge(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _lookup(plan: dict[str, Any], language: str, *address: str) -> str:
    table: Any = (plan.get("translations") or {}).get(base(language)) or {}
    for part in address:
        if not isinstance(table, dict):
            return ""
        table = table.get(part)
    return table if isinstance(table, str) else ""


def group_label(plan: dict[str, Any], key: str, language: str, default: str) -> str:
    """A stakeholder group's label in ``language`` (``default`` if not translated)."""
    return _lookup(plan, language, "groups", key) or default


def crosspoint_title(plan: dict[str, Any], key: str, language: str, default: str) -> str:
    return _lookup(plan, language, "crosspoints", key, "title") or default


def activity_title(plan: dict[str, Any], key: str, language: str, default: str) -> str:
    return _lookup(plan, language, "agenda", key, "title") or default


def poll_texts(plan: dict[str, Any], definition: dict[str, Any], language: str
               ) -> dict[str, Any]:
    """A frozen poll definition with its texts in ``language`` where the plan
    has them: ``text``, option labels, scale points, statements (a statement
    from a cross-point takes the cross-point's translated title)."""
    if not (plan.get("translations") or {}).get(base(language)):
        return definition
    out = deepcopy(definition)
    act, key = out.get("activity_key", ""), out.get("key", "")
    at = ("agenda", act, "questions", key)
    out["text"] = _lookup(plan, language, *at, "text") or out.get("text", "")
    for o in out.get("options") or []:
        o["label"] = _lookup(plan, language, *at, "options", o.get("key", "")) or o["label"]
    scale = out.get("scale")
    if scale:
        name = scale.get("key", "")
        scale["label"] = _lookup(plan, language, "scales", name, "label") or scale.get("label", "")
        for p in scale.get("points") or []:
            p["label"] = _lookup(plan, language, "scales", name, "points",
                                 p.get("key", "")) or p["label"]
    for s in out.get("statements") or []:
        k = s.get("key", "")
        if out.get("statements_from") == "crosspoints":
            s["text"] = _lookup(plan, language, "crosspoints", k, "title") or s["text"]
        else:
            s["text"] = _lookup(plan, language, *at, "statements", k) or s["text"]
    return out


def languages(plan: dict[str, Any], own: str) -> list[str]:
    """The languages a session's texts exist in: its own first."""
    out = [base(own) or "en"]
    for lang in (plan.get("translations") or {}):
        if base(lang) not in out:
            out.append(base(lang))
    return out
