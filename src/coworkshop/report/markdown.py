"""The report as Markdown that pastes into a document."""

from __future__ import annotations

import re
from typing import Any

from . import view
from .view import pct

# Markdown's active characters; "_" only where it could open or close emphasis
# (CommonMark ignores it inside a word, as in too_few).
_SPECIAL = re.compile(r"([\\`*\[\]<>|]|(?<!\w)_|_(?!\w))")


def esc(text: Any) -> str:
    """Text people typed, safe in Markdown (and in a table cell): one line, no markup."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "|".join("---" for _ in head) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return out


def diverging_bar(agree: float, disagree: float, half: int = 10) -> str:
    """The Likert chart in text: disagreement grows left of the bar, agreement right.

    Each side is ``half`` cells of 10%; neutral answers are the light cells left over.
    """
    a = min(half, round(agree * half))
    d = min(half, round(disagree * half))
    left = "\u2591" * (half - d) + "\u2588" * d
    right = "\u2588" * a + "\u2591" * (half - a)
    return f"`{left}\u2502{right}`"


def render(report: dict[str, Any]) -> str:
    lines: list[str] = []
    add = lines.append
    rules = report["rules"]
    groups = report["groups"]
    glabel = {g["key"]: g["label"] for g in groups}
    titles = ", ".join(s["title"] for s in report["sessions"][:3])
    more = len(report["sessions"]) - 3
    add(f"# Consensus report: {esc(titles)}{f' and {more} more' if more > 0 else ''}")
    add("")
    add(f"{esc(view.scope(report))}. Rules: {esc(view.rules_text(rules))} "
        "(see the appendix for every definition).")
    add("")

    # sessions
    add("## Sessions")
    add("")
    head = ["Session", "Date", "Place", "Country", "Sector", "Participants"]
    head += [esc(g["label"]) for g in groups]
    rows = []
    for s in report["sessions"]:
        rows.append(
            [esc(s["title"]), esc(s["date"]), esc(s["place"]), esc(s["country"]),
             esc(s["sector"]), str(s["participants"])]
            + [str(s["by_group"].get(g["key"], 0)) for g in groups]
        )
    lines += _table(head, rows)
    add("")

    parts = view.sections(report)
    intro = {
        "consensus": ("Topics of consensus", "Ranked by group-informed score: first the "
                      "statements every stakeholder group agrees with."),
        "contested": ("Contested topics", "At least a quarter agree and at least a quarter "
                      "disagree."),
        "other": ("Other statements", "Consensus against, majority, no consensus, or too few "
                  "answers."),
    }
    unanswered = parts.pop("unanswered")
    for part, topics in parts.items():
        title, text = intro[part]
        add(f"## {title}")
        add("")
        if not topics:
            add(f"None{' reached' if part == 'consensus' else ''}.")
            add("")
            continue
        add(text)
        add("")
        for i, t in enumerate(topics, 1):
            add(f"### {i}. {esc(t.title)} \u2013 {esc(t.question['scale']['label'])}")
            add("")
            add(f"*{esc(t.question['text'])}* ({esc(t.question['ref'])}, scale "
                f"{esc(t.question['scale']['label'])})")
            add("")
            add("> " + esc(t.sentence(rules, glabel)))
            add("")
            head = ["", "n"] + [esc(p["label"]) for p in t.points]
            head += ["Agree", "Disagree", "Median", "Status", "Disagree \u25c2\u2502\u25b8 Agree"]
            rows = []
            for r in t.rows:
                f = r.f
                rows.append(
                    [("**All answers**" if r.kind == "overall" else esc(r.label)), str(f["n"])]
                    + [str(c) for c in f["counts"]]
                    + [pct(f["agree"]), pct(f["disagree"]), esc(r.median_label),
                       view.status_label(f["status"]), diverging_bar(f["agree"], f["disagree"])]
                )
            lines += _table(head, rows)
            st = t.statement
            add("")
            add(f"Group-informed score {st['group_informed']:.2f}; broad consensus: "
                f"{'yes' if st['broad_consensus'] else 'no'}; answers from phones "
                f"{st['phone']}, from tallies {st['tally']}.")
            add("")

    if unanswered:
        add("Not answered in these sessions: " + esc(view.unanswered_text(unanswered)) + ".")
        add("")

    # other questions
    choice = [q for q in report["questions"] if "options" in q]
    if choice:
        add("## Choices and rankings")
        add("")
        for q in choice:
            add(f"### {esc(q['text'])}")
            add("")
            if not q["respondents"]:
                add(f"{esc(q['ref'])}, {q['type']}: no answers.")
            else:
                add(f"{esc(q['ref'])}, {q['type']}: {q['respondents']} answered "
                    f"({q['phone']} by phone, {q['tally']} counted by hand).")
            add("")
            if not q["respondents"]:
                continue
            if q["type"] == "ranking":
                lines += _table(
                    ["Option", "Mean rank", "Borda", "Ranked by"],
                    [[esc(o["label"]), "-" if o["mean_rank"] is None else f"{o['mean_rank']:.2f}",
                      str(o["borda"]), str(o["count"])]
                     for o in sorted(q["options"], key=lambda o: -o["borda"])],
                )
            else:
                lines += _table(
                    ["Option", "Chosen by", "Share"],
                    [[esc(o["label"]), str(o["count"]), pct(o["share"])] for o in q["options"]],
                )
            add("")

    texts = [q for q in report["questions"] if "answers" in q]
    add("## Qualitative answers")
    add("")
    if not texts:
        add("No open question was asked in these sessions.")
        add("")
    for q in texts:
        add(f"### {esc(q['text'])}")
        add("")
        if not q["answers"]:
            add("No answers.")
            add("")
            continue
        for a in q["answers"]:
            where = esc(view.sources(report, a))
            times = f" (x{a['count']})" if a["count"] > 1 else ""
            votes = f", {a['upvotes']} upvotes" if a.get("upvotes") else ""
            add(f"- \u201c{esc(a['text'])}\u201d{times}{votes} \u2013 {where}")
        add("")

    _canvases(report, lines)
    add("## Stakeholder maps")
    add("")
    if report["maps"]:
        for m in report["maps"]:
            add(f"- {esc(m.get('session', ''))}: {esc(m.get('summary', ''))}")
    else:
        add("No stakeholder map was made in these sessions.")
    add("")
    add("## Checklist")
    add("")
    if report["checklists"]:
        for c in report["checklists"]:
            add(f"- {esc(c.get('session', ''))}: {esc(c.get('summary', ''))}")
            for it in c.get("items", []):
                if it.get("status"):
                    was = f" (was {it['previous'] or 'open'})" if it.get("changed") else ""
                    who = f", {esc(it['owner'])}" if it.get("owner") else ""
                    add(f"  - {esc(it['text'])}: {it['status']}{was}{who}")
    else:
        add("No checklist was filled in in these sessions.")
    add("")

    add("## Appendix: rules and definitions")
    add("")
    add(f"Thresholds used: {esc(view.rules_text(rules))}.")
    add("")
    for d in report["definitions"]:
        add(f"- **{esc(d['name'])}**: {esc(d['text'])}")
    add("")
    return "\n".join(lines)


def _card_line(card: dict[str, Any]) -> str:
    extra = []
    if card["revisions"]:
        extra.append(plural(card["revisions"], "revision"))
    if card["feedback"]:
        extra.append(f"{len(card['feedback'])} feedback")
    return esc(card["text"]) + (f" ({', '.join(extra)})" if extra else "")


def _feedback(fb: dict[str, Any]) -> str:
    who = f" from {esc(fb['from_group'])}" if fb["from_group"] else ""
    return f"feedback{who}: \u201c{esc(fb['text'])}\u201d"


def _canvases(report: dict[str, Any], lines: list[str]) -> None:
    add = lines.append
    cv = report["canvases"]
    add("## Canvases: pathways per cross-point")
    add("")
    if not cv["pathways"]:
        add("No canvas was filled in these sessions.")
        add("")
    for cp in cv["pathways"]:
        add(f"### {esc(cp['title'])}")
        add("")
        if cp["vision"] or cp["need"]:
            add(f"Vision: {esc(view.sentence_end(cp['vision']))} "
                f"Need: {esc(view.sentence_end(cp['need']))}")
            add("")
        for s in cp["sessions"]:
            group = f", group {esc(s['group'])}" if s["group"] else ""
            add(f"**{esc(s['session'])}{group}** \u2013 {plural(s['revisions'], 'revision')}, "
                f"{plural(s['feedback'], 'feedback comment')}")
            add("")
            for p in s["pathways"]:
                add(f"- CHANGE: {_card_line(p)}")
                for step in p["steps"]:
                    add(f"  - HOW: {_card_line(step)}")
                    for w in step["whats"]:
                        add(f"    - WHAT: {_card_line(w)}")
                    for fb in step["feedback"]:
                        add(f"    - {_feedback(fb)}")
                for fb in p["feedback"]:
                    add(f"  - {_feedback(fb)}")
            for c in s["unlinked"]:
                add(f"- not linked ({c['column'].upper()}): {_card_line(c)}")
            add("")
    if cv["grids"]:
        add("## CREDEX grids")
        add("")
        for g in cv["grids"]:
            add(f"### {esc(g['title'])} \u2013 {esc(g['session'])}")
            add("")
            head = ["Level"] + [esc(t["label"]) for t in g["timeframes"]]
            rows = []
            for lv in g["levels"]:
                row = [esc(lv["label"])]
                for tf in g["timeframes"]:
                    cards = g["cells"].get(f"{lv['key']}/{tf['key']}", [])
                    row.append("<br>".join(
                        _card_line(c)
                        + (f" ({esc(c['stakeholders'])})" if c.get("stakeholders") else "")
                        for c in cards
                    ))
                rows.append(row)
            lines += _table(head, rows)
            add("")
