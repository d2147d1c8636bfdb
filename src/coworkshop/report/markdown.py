"""The report as Markdown that pastes into a document."""

from __future__ import annotations

import re
from typing import Any

from ..i18n import _, fmt, language_name, nfmt
from . import view
from .view import num, pct

# Markdown's active characters; "_" only where it could open or close emphasis
# (CommonMark ignores it inside a word, as in too_few).
_SPECIAL = re.compile(r"([\\`*\[\]<>|]|(?<!\w)_|_(?!\w))")


def esc(text: Any) -> str:
    """Text people typed, safe in Markdown (and in a table cell): one line, no markup."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))




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
    heading = fmt("Consensus report: {titles}", titles=esc(titles))
    if more > 0:
        heading = fmt("{heading} and {n} more", heading=heading, n=more)
    add(f"# {heading}")
    add("")
    add(fmt("{scope}. Rules: {rules} (see the appendix for every definition).",
            scope=esc(view.scope(report)), rules=esc(view.rules_text(rules))))
    add("")

    # sessions
    add(f"## {_('Sessions')}")
    add("")
    head = [_("Session"), _("Date"), _("Place"), _("Country"), _("Sector"), _("Language"),
            _("Participants")]
    head += [esc(g["label"]) for g in groups]
    rows = []
    for s in report["sessions"]:
        rows.append(
            [esc(s["title"]), esc(view.day(s["date"])), esc(s["place"]), esc(s["country"]),
             esc(s["sector"]), esc(language_name(s.get("language") or "en")),
             str(s["participants"])]
            + [str(s["by_group"].get(g["key"], 0)) for g in groups]
        )
    lines += _table(head, rows)
    add("")

    parts = view.sections(report)
    intro = {
        "consensus": (_("Topics of consensus"), _("Ranked by group-informed score: first the "
                      "statements every stakeholder group agrees with.")),
        "contested": (_("Contested topics"), _("At least a quarter agree and at least a quarter "
                      "disagree.")),
        "other": (_("Other statements"), _("Consensus against, majority, no consensus, or too "
                  "few answers.")),
    }
    unanswered = parts.pop("unanswered")
    for part, topics in parts.items():
        title, text = intro[part]
        add(f"## {title}")
        add("")
        if not topics:
            add(_("None reached.") if part == "consensus" else _("None."))
            add("")
            continue
        add(text)
        add("")
        for i, t in enumerate(topics, 1):
            add(f"### {i}. {esc(t.title)} \u2013 {esc(t.question['scale']['label'])}")
            add("")
            add(f"*{esc(t.question['text'])}* (" + fmt(
                "{ref}, scale {scale}", ref=esc(t.question['ref']),
                scale=esc(t.question['scale']['label'])) + ")")
            add("")
            add("> " + esc(t.sentence(rules, glabel)))
            add("")
            head = ["", "n"] + [esc(p["label"]) for p in t.points]
            head += [_("Agree"), _("Disagree"), _("Median"), _("Status"),
                     _("Disagree \u25c2\u2502\u25b8 Agree")]
            rows = []
            for r in t.rows:
                f = r.f
                rows.append(
                    [(f"**{esc(r.label)}**" if r.kind == "overall" else esc(r.label)),
                     str(f["n"])]
                    + [str(c) for c in f["counts"]]
                    + [pct(f["agree"]), pct(f["disagree"]), esc(r.median_label),
                       view.status_label(f["status"]), diverging_bar(f["agree"], f["disagree"])]
                )
            lines += _table(head, rows)
            st = t.statement
            add("")
            add(fmt("Group-informed score {score}; broad consensus: {broad}; answers from "
                    "phones {phone}, from tallies {tally}.", score=num(st['group_informed']),
                    broad=_("yes") if st['broad_consensus'] else _("no"), phone=st['phone'],
                    tally=st['tally']))
            add("")

    if unanswered:
        add(fmt("Not answered in these sessions: {list}.",
                list=esc(view.unanswered_text(unanswered))))
        add("")

    # other questions
    choice = [q for q in report["questions"] if "options" in q]
    if choice:
        add(f"## {_('Choices and rankings')}")
        add("")
        for q in choice:
            add(f"### {esc(q['text'])}")
            add("")
            if not q["respondents"]:
                add(fmt("{ref}, {type}: no answers.", ref=esc(q['ref']), type=q['type']))
            else:
                add(fmt("{ref}, {type}: {n} answered ({phone} by phone, {tally} counted by "
                        "hand).", ref=esc(q['ref']), type=q['type'], n=q['respondents'],
                        phone=q['phone'], tally=q['tally']))
            add("")
            if not q["respondents"]:
                continue
            if q["type"] == "ranking":
                lines += _table(
                    [_("Option"), _("Mean rank"), _("Borda"), _("Ranked by")],
                    [[esc(o["label"]), "-" if o["mean_rank"] is None else num(o['mean_rank']),
                      str(o["borda"]), str(o["count"])]
                     for o in sorted(q["options"], key=lambda o: -o["borda"])],
                )
            else:
                lines += _table(
                    [_("Option"), _("Chosen by"), _("Share")],
                    [[esc(o["label"]), str(o["count"]), pct(o["share"])] for o in q["options"]],
                )
            add("")

    texts = [q for q in report["questions"] if "answers" in q]
    add(f"## {_('Qualitative answers')}")
    add("")
    if not texts:
        add(_("No open question was asked in these sessions."))
        add("")
    for q in texts:
        add(f"### {esc(q['text'])}")
        add("")
        if not q["answers"]:
            add(_("No answers."))
            add("")
            continue
        for a in q["answers"]:
            where = esc(view.sources(report, a))
            times = f" (x{a['count']})" if a["count"] > 1 else ""
            votes = ", " + nfmt("{n} upvote", "{n} upvotes", a["upvotes"]) \
                if a.get("upvotes") else ""
            add(f"- \u201c{esc(a['text'])}\u201d{times}{votes} \u2013 {where}")
        add("")

    _canvases(report, lines)
    add(f"## {_('Stakeholder maps')}")
    add("")
    if report["maps"]:
        for m in report["maps"]:
            add(f"- {esc(m.get('session', ''))}: {esc(m.get('summary', ''))}")
    else:
        add(_("No stakeholder map was made in these sessions."))
    add("")
    add(f"## {_('Checklist')}")
    add("")
    if report["checklists"]:
        for c in report["checklists"]:
            add(f"- {esc(c.get('session', ''))}: {esc(c.get('summary', ''))}")
            for it in c.get("items", []):
                if it.get("status"):
                    was = " (" + fmt("was {status}", status=it['previous'] or _("open")) + ")" \
                        if it.get("changed") else ""
                    who = f", {esc(it['owner'])}" if it.get("owner") else ""
                    add(f"  - {esc(it['text'])}: {it['status']}{was}{who}")
    else:
        add(_("No checklist was filled in in these sessions."))
    add("")

    add(f"## {_('Appendix: rules and definitions')}")
    add("")
    add(fmt("Thresholds used: {rules}.", rules=esc(view.rules_text(rules))))
    add("")
    for d in report["definitions"]:
        add(f"- **{esc(d['name'])}**: {esc(_(d['text']))}")
    add("")
    return "\n".join(lines)


def _card_line(card: dict[str, Any]) -> str:
    extra = []
    if card["revisions"]:
        extra.append(nfmt("{n} revision", "{n} revisions", card["revisions"]))
    if card["feedback"]:
        extra.append(fmt("{n} feedback", n=len(card['feedback'])))
    return esc(card["text"]) + (f" ({', '.join(extra)})" if extra else "")


def _feedback(fb: dict[str, Any]) -> str:
    if fb["from_group"]:
        return fmt("feedback from {group}: \u201c{text}\u201d", group=esc(fb['from_group']),
                   text=esc(fb['text']))
    return fmt("feedback: \u201c{text}\u201d", text=esc(fb['text']))


def _canvases(report: dict[str, Any], lines: list[str]) -> None:
    add = lines.append
    cv = report["canvases"]
    add(f"## {_('Canvases: pathways per cross-point')}")
    add("")
    if not cv["pathways"]:
        add(_("No canvas was filled in these sessions."))
        add("")
    for cp in cv["pathways"]:
        add(f"### {esc(cp['title'])}")
        add("")
        if cp["vision"] or cp["need"]:
            add(fmt("Vision: {vision} Need: {need}", vision=esc(view.sentence_end(cp['vision'])),
                    need=esc(view.sentence_end(cp['need']))))
            add("")
        for s in cp["sessions"]:
            group = ", " + fmt("group {group}", group=esc(s['group'])) if s["group"] else ""
            add(f"**{esc(s['session'])}{group}** \u2013 "
                + nfmt("{n} revision", "{n} revisions", s['revisions']) + ", "
                + nfmt("{n} feedback comment", "{n} feedback comments", s['feedback']))
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
                add("- " + fmt("not linked ({column}): {card}", column=c['column'].upper(),
                               card=_card_line(c)))
            add("")
    if cv["grids"]:
        add(f"## {_('CREDEX grids')}")
        add("")
        for g in cv["grids"]:
            add(f"### {esc(g['title'])} \u2013 {esc(g['session'])}")
            add("")
            head = [_("Level")] + [esc(t["label"]) for t in g["timeframes"]]
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
