"""What the documents print, derived from the report data only.

The Markdown and the HTML both read this, so they say the same thing and
nothing the JSON does not hold. Sentences here are written to be quoted as
they are in a deliverable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.consensus import STATUS_LABELS, topic_order
from ..i18n import _, current, fmt, format_date, format_number, format_percent, nfmt


def pct(x: float | None) -> str:
    """A share as a whole percentage in the report's language: 0.7778 -> "78%" ("78 %")."""
    return "-" if x is None else format_percent(round(x, 2))


def num(x: float, digits: int = 2) -> str:
    """A figure with the report's language's decimal separator: 0.83, 0,83."""
    return format_number(x, digits=digits)


def day(text: str) -> str:
    """A session's date: ISO in English (unambiguous for coordinators), as the
    language writes it otherwise (12 giugno 2025)."""
    return text if current() == "en" or not text else format_date(text, format="long")


def status_label(status: str) -> str:
    return _(STATUS_LABELS.get(status, status))


@dataclass
class FigureRow:
    """One row of a statement's table: overall, a group or a country."""

    kind: str  # overall | group | country
    key: str
    label: str
    f: dict[str, Any]
    median_label: str


@dataclass
class Topic:
    question: dict[str, Any]
    statement: dict[str, Any]
    points: list[dict[str, str]]
    agree_idx: list[int]
    disagree_idx: list[int]
    rows: list[FigureRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return str(self.statement["text"])

    @property
    def anchor(self) -> str:
        return f"{self.question['ref']}/{self.statement['key']}"

    def point_label(self, index: int | None) -> str:
        return "-" if index is None else self.points[index]["label"]

    def sentence(self, rules: dict[str, Any], group_labels: dict[str, str]) -> str:
        """The statement's result in one quotable sentence."""
        s = self.statement
        n = s["n"]
        if not self.agree_idx:
            return fmt(
                "\u201c{title}\u201d: {n} answers; the scale \u201c{scale}\u201d names no "
                "agreement points, so agreement cannot be measured (name them with "
                "agree = [...] in the template's scale).",
                title=self.title, n=n, scale=self.question['scale']['label'])
        if s["status"] == "too_few":
            return fmt(
                "\u201c{title}\u201d: too few answers to judge ({n}; at least {min} are needed).",
                title=self.title, n=n, min=rules['min_answers'])
        agree_names = _(" or ").join(
            f"\u201c{self.points[i]['label']}\u201d" for i in self.agree_idx)
        parts = [
            fmt("\u201c{title}\u201d: {status} \u2013 {agree} of {n} answers agree ({points}), "
                "{disagree} disagree; median \u201c{median}\u201d",
                title=self.title, status=status_label(s['status']), agree=pct(s['agree']), n=n,
                points=agree_names, disagree=pct(s['disagree']),
                median=self.point_label(s['median']))
        ]
        eligible = [
            group_labels.get(g, g) for g, f in s["by_group"].items() if f["n"] >= rules["min_group"]
        ]
        if s["broad_consensus"]:
            parts.append(fmt("every stakeholder group with {min} or more answers agrees "
                             "({groups})", min=rules['min_group'], groups="; ".join(eligible)))
        else:
            low = [
                f"{group_labels.get(g, g)} {pct(f['agree'])}"
                for g, f in s["by_group"].items()
                if f["n"] >= rules["min_group"] and f["status"] != "consensus"
            ]
            if low:
                parts.append(fmt("not shared by every stakeholder group ({groups})",
                                 groups="; ".join(low)))
        e = s["ecosystems"]
        if e["of"]:
            parts.append(fmt("consensus in {reached} of {of} ecosystems (needed: {k})",
                             reached=e['reached'], of=e['of'], k=e['k']))
        return "; ".join(parts) + "."


def topics(report: dict[str, Any]) -> list[Topic]:
    """Every scale statement, consensus first by group-informed score, then
    contested, then the rest."""
    out = []
    countries: dict[str, str] = {}
    for s in report["sessions"]:
        countries.setdefault(s["country"], s["country"] or _("(no country)"))
    group_labels = {g["key"]: g["label"] for g in report["groups"]}
    for q in report["questions"]:
        if not q.get("scale") or "statements" not in q:
            continue
        points = q["scale"]["points"]
        keys = [p["key"] for p in points]
        agree_idx = [keys.index(k) for k in q["scale"]["agree"] if k in keys]
        disagree_idx = [keys.index(k) for k in q["scale"]["disagree"] if k in keys]
        for st in q["statements"]:
            t = Topic(q, st, points, agree_idx, disagree_idx)

            def label(i: int | None, pts: list[dict[str, str]] = points) -> str:
                return "-" if i is None else pts[i]["label"]

            t.rows.append(FigureRow("overall", "", _("All answers"), st, label(st["median"])))
            for g, f in st["by_group"].items():
                t.rows.append(FigureRow("group", g, group_labels.get(g, g), f, label(f["median"])))
            for c, f in st["by_country"].items():
                t.rows.append(FigureRow("country", c, countries.get(c, c or _("(no country)")), f,
                                        label(f["median"])))
            out.append(t)
    out.sort(key=lambda t: topic_order(t.statement["status"], t.statement["group_informed"]))
    return out


#: The order of the statuses in the "other statements" part.
OTHER_ORDER = ("consensus_against", "majority", "no_consensus", "too_few")


def sections(report: dict[str, Any]) -> dict[str, list[Topic]]:
    """Topics split into the document's parts: consensus, contested, the rest
    (consensus against first), and the statements nobody answered."""
    all_topics = topics(report)
    other = [t for t in all_topics
             if t.statement["status"] in OTHER_ORDER and t.statement["n"] > 0]
    other.sort(key=lambda t: (OTHER_ORDER.index(t.statement["status"]),
                              -t.statement["group_informed"]))
    return {
        "consensus": [t for t in all_topics if t.statement["status"] == "consensus"],
        "contested": [t for t in all_topics if t.statement["status"] == "contested"],
        "other": other,
        "unanswered": [t for t in all_topics if t.statement["n"] == 0],
    }


def group_label(report: dict[str, Any], key: str) -> str:
    for g in report["groups"]:
        if g["key"] == key:
            return str(g["label"])
    return key or _("not split by group")


def scope(report: dict[str, Any]) -> str:
    """"8 sessions in 4 countries, 86 participants" - the report's one-line scope."""
    ss = report["sessions"]
    countries = sorted({s["country"] for s in ss if s["country"]})
    people = sum(s["participants"] for s in ss)
    sessions = nfmt("{n} session", "{n} sessions", len(ss))
    if countries:
        sessions = nfmt("{sessions} in {n} country", "{sessions} in {n} countries",
                        len(countries), sessions=sessions)
    return sessions + ", " + nfmt("{n} registered participant", "{n} registered participants",
                                  people)


def rules_text(rules: dict[str, Any]) -> str:
    k = rules["k"] if rules["k"] is not None else _("ceil(0.8 x ecosystems with answers)")
    return fmt(
        "consensus when at least {threshold} agree; at least {min_answers} answers per "
        "statement; groups of at least {min_group} answers for broad consensus; ecosystems "
        "needed: {k}", threshold=pct(rules['threshold']), min_answers=rules['min_answers'],
        min_group=rules['min_group'], k=k)


def sources(report: dict[str, Any], answer: dict[str, Any]) -> str:
    """Where an answer came from: "Sofia, Policy makers; Oulu, Industry", or for
    answers given in many places the sessions and the groups."""
    pairs = answer["from"]
    if len(pairs) <= 3:
        return "; ".join(f"{x['session']}, {group_label(report, x['group'])}" for x in pairs)
    groups = [group_label(report, g) for g in answer["groups"]]
    return fmt("{sessions} ({titles}); groups: {groups}",
               sessions=nfmt("{n} session", "{n} sessions", len(answer['sessions'])),
               titles=", ".join(answer['sessions']), groups="; ".join(groups) or "-")


def sentence_end(text: str) -> str:
    """Text ending in one full stop (people's text may end with one already)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def unanswered_text(unanswered: list[Topic]) -> str:
    """The statements nobody answered, by question: a whole question in one item."""
    by_ref: dict[str, list[Topic]] = {}
    for t in unanswered:
        by_ref.setdefault(t.question["ref"], []).append(t)
    parts = []
    for ref, ts in by_ref.items():
        q = ts[0].question
        if len(ts) == len(q["statements"]):
            n = len(ts)
            many = ", " + nfmt("{n} statement", "{n} statements", n) if n > 1 else ""
            parts.append(f"{q['text']} ({ref}{many})")
        else:
            parts.append(f"{', '.join(t.title for t in ts)} ({ref})")
    return "; ".join(parts)
