"""The report as plain data: what every renderer prints and what the JSON holds.

Built from one or more session files (:func:`build`); every figure comes from
:mod:`coworkshop.core.consensus`. The dict returned is the JSON document
itself (``docs/report-json.md`` describes its fields), so the Markdown and the
HTML can only print what the JSON says.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..core import consensus
from ..core.consensus import Cell, Figures, Rules
from . import reader as rd
from . import sections

TEXT_TYPES = ("open", "wordcloud", "qa")
CHOICE_TYPES = ("single", "multiple")
SCALE_TYPES = ("scale", "scale_statements")


def _share(x: float) -> float:
    return round(x, 4)


def _figs(f: Figures, with_counts: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"n": f.n}
    if with_counts:
        out["counts"] = f.counts
    out.update(
        {
            "agree": _share(f.agree),
            "disagree": _share(f.disagree),
            "median": f.median,
            "q1": f.q1,
            "q3": f.q3,
            "status": f.status,
            "phone": f.phone,
            "tally": f.tally,
        }
    )
    return out


def build(
    paths: Sequence[Path | str],
    rules: Rules | None = None,
    session_ids: Sequence[str] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """The report of the sessions in ``paths`` (all, or those in ``session_ids``).

    With ``language``, questions, options, scale points, statements, groups and
    cross-points read in that language wherever a session has it (by key);
    otherwise as the first session stored them.
    """
    rules = rules or Rules()
    hub = rd.open_files(paths)
    try:
        return _build(rd.Reader(hub, session_ids, language), rules, [Path(p) for p in paths])
    finally:
        hub.close()


def _build(r: rd.Reader, rules: Rules, paths: list[Path]) -> dict[str, Any]:
    groups: list[dict[str, str]] = []
    for s in r.sessions:
        for g in s.groups:
            if g["key"] not in {x["key"] for x in groups}:
                groups.append({"key": g["key"],
                               "label": r.group_label(g["key"], g.get("label", g["key"]))})
    group_keys = [g["key"] for g in groups]
    sessions_json = [
        {
            "id": s.id,
            "title": s.title,
            "date": s.date,
            "place": s.place,
            "country": s.country,
            "sector": s.sector,
            "language": s.language or "en",
            "participants": sum(s.participants.values()),
            "by_group": {
                **{g["key"]: s.participants.get(g["key"], 0) for g in s.groups},
                **{k: v for k, v in s.participants.items() if k not in group_keys},
            },
        }
        for s in r.sessions
    ]
    eco = {s.id: (s.country, s.sector) for s in r.sessions}
    title_of = {s.id: s.title for s in r.sessions}
    questions = []
    for q, polls in r.questions():
        questions.append(_question(r, q, polls, rules, group_keys, eco, title_of))
    return {
        "report": {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": [p.name for p in paths],
            "format": 1,
            "language": r.language or "",
        },
        "rules": rules.as_dict(),
        "definitions": [{"name": n, "text": t} for n, t in consensus.DEFINITIONS],
        "groups": groups,
        "sessions": sessions_json,
        "questions": questions,
        "canvases": sections.canvases(r.canvases(), r.sessions, r.crosspoint_text),
        "maps": sections.maps(r),
        "checklists": sections.checklists(r),
    }


def _question(
    r: rd.Reader,
    q: rd.QuestionDef,
    polls: list[rd.PollRow],
    rules: Rules,
    groups: list[str],
    eco: dict[str, tuple[str, str]],
    title_of: dict[str, str],
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ref": q.ref,
        "activity": q.activity_title,
        "type": q.type,
        "text": q.text,
        "scale": None,
        "sessions": sorted({p.session_id for p in polls}, key=list(eco).index),
    }
    if q.type in SCALE_TYPES and q.scale:
        scale = q.scale
        points = [p.key for p in scale["points"]]
        out["scale"] = {
            "key": scale["key"],
            "label": scale["label"],
            "points": [{"key": p.key, "label": p.label} for p in scale["points"]],
            "agree": list(scale["agree"]),
            "disagree": list(scale["disagree"]),
        }
        agree = [points.index(k) for k in scale["agree"] if k in points]
        disagree = [points.index(k) for k in scale["disagree"] if k in points]
        cells: dict[str, list[Cell]] = {s.key: [] for s in q.statements}
        for sid, skey, ckey, group, channel, n in r.choice_cells(polls):
            if skey in cells and ckey in points:
                cells[skey].append(Cell(sid, group, channel, points.index(ckey), n))
        statements = []
        for st in q.statements:
            f = consensus.statement_figures(
                cells[st.key], len(points), agree, disagree, groups, eco, rules
            )
            e = f.ecosystems
            statements.append(
                {
                    "key": st.key,
                    "text": st.label,
                    **_figs(f.overall),
                    "by_group": {g: _figs(x) for g, x in f.by_group.items()},
                    "by_country": {c: _figs(x) for c, x in f.by_country.items()},
                    "group_informed": round(f.group_informed, 4),
                    "broad_consensus": f.broad_consensus,
                    "ecosystems": {
                        "reached": e.reached,
                        "of": e.of,
                        "k": e.k,
                        "passes": e.passes,
                        "names": e.names,
                    },
                }
            )
        out["statements"] = statements
        out["phone"] = sum(s["phone"] for s in statements)
        out["tally"] = sum(s["tally"] for s in statements)
    elif q.type in CHOICE_TYPES:
        counts = {o.key: 0 for o in q.options}
        for _sid, _skey, ckey, _group, _channel, n in r.choice_cells(polls):
            if ckey in counts:
                counts[ckey] += n
        resp = r.respondents(polls)
        phone = sum(n for (_s, ch), n in resp.items() if ch == rd.PHONE)
        tally = sum(n for (_s, ch), n in resp.items() if ch == rd.TALLY)
        figs = consensus.option_figures([counts[o.key] for o in q.options], phone + tally)
        out["respondents"] = phone + tally
        out["phone"], out["tally"] = phone, tally
        out["options"] = [
            {"key": o.key, "label": o.label, "count": f.count, "share": _share(f.share)}
            for o, f in zip(q.options, figs, strict=True)
        ]
    elif q.type == "ranking":
        sums = r.rank_sums(polls)
        resp = r.respondents(polls)
        rk = consensus.ranking_figures(
            [sums.get(o.key, (0, 0))[0] for o in q.options],
            [sums.get(o.key, (0, 0))[1] for o in q.options],
            len(q.options),
        )
        out["respondents"] = out["phone"] = sum(
            n for (_s, ch), n in resp.items() if ch == rd.PHONE
        )
        out["tally"] = 0
        out["options"] = [
            {
                "key": o.key,
                "label": o.label,
                "count": f.rankings,
                "share": _share(f.rankings / out["respondents"]) if out["respondents"] else 0.0,
                "mean_rank": round(f.mean_rank, 4) if f.mean_rank is not None else None,
                "borda": f.borda,
            }
            for o, f in zip(q.options, rk, strict=True)
        ]
    elif q.type in TEXT_TYPES:
        rows = r.texts(polls)
        answers = consensus.group_answers(rows)
        out["phone"], out["tally"] = len(rows), 0
        out["answers"] = [
            {
                "text": a.text,
                "count": a.count,
                "sessions": [title_of.get(s, s) for s in a.sessions],
                "session_ids": a.sessions,
                "groups": a.groups,
                "from": [{"session": title_of.get(s, s), "group": g} for s, g in a.sources],
                **({"upvotes": a.upvotes} if q.type == "qa" else {}),
            }
            for a in answers
        ]
    return out
