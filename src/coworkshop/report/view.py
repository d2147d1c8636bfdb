"""What the documents print, derived from the report data only.

The Markdown and the HTML both read this, so they say the same thing and
nothing the JSON does not hold. Sentences here are written to be quoted as
they are in a deliverable.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.consensus import STATUS_LABELS, topic_order


def pct(x: float | None) -> str:
    """A share as a whole percentage: 0.7778 -> "78%"."""
    return "-" if x is None else f"{round(x * 100)}%"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


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
            return (
                f"\u201c{self.title}\u201d: {n} answers; the scale "
                f"\u201c{self.question['scale']['label']}\u201d names no agreement points, so "
                "agreement cannot be measured (name them with agree = [...] in the template's "
                "scale)."
            )
        if s["status"] == "too_few":
            return (
                f"\u201c{self.title}\u201d: too few answers to judge ({n}; at least "
                f"{rules['min_answers']} are needed)."
            )
        agree_names = " or ".join(f"\u201c{self.points[i]['label']}\u201d" for i in self.agree_idx)
        parts = [
            f"\u201c{self.title}\u201d: {status_label(s['status'])} \u2013 {pct(s['agree'])} of "
            f"{n} answers agree ({agree_names}), {pct(s['disagree'])} disagree; "
            f"median \u201c{self.point_label(s['median'])}\u201d"
        ]
        eligible = [
            group_labels.get(g, g) for g, f in s["by_group"].items() if f["n"] >= rules["min_group"]
        ]
        if s["broad_consensus"]:
            parts.append(f"every stakeholder group with {rules['min_group']} or more answers "
                         f"agrees ({'; '.join(eligible)})")
        else:
            low = [
                f"{group_labels.get(g, g)} {pct(f['agree'])}"
                for g, f in s["by_group"].items()
                if f["n"] >= rules["min_group"] and f["status"] != "consensus"
            ]
            if low:
                parts.append("not shared by every stakeholder group (" + "; ".join(low) + ")")
        e = s["ecosystems"]
        if e["of"]:
            parts.append(
                f"consensus in {e['reached']} of {e['of']} ecosystems (needed: {e['k']})"
            )
        return "; ".join(parts) + "."


def topics(report: dict[str, Any]) -> list[Topic]:
    """Every scale statement, consensus first by group-informed score, then
    contested, then the rest."""
    out = []
    countries: dict[str, str] = {}
    for s in report["sessions"]:
        countries.setdefault(s["country"], s["country"] or "(no country)")
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

            t.rows.append(FigureRow("overall", "", "All answers", st, label(st["median"])))
            for g, f in st["by_group"].items():
                t.rows.append(FigureRow("group", g, group_labels.get(g, g), f, label(f["median"])))
            for c, f in st["by_country"].items():
                t.rows.append(FigureRow("country", c, countries.get(c, c or "(no country)"), f,
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
    return key or "not split by group"


def scope(report: dict[str, Any]) -> str:
    """"8 sessions in 4 countries, 86 participants" - the report's one-line scope."""
    ss = report["sessions"]
    countries = sorted({s["country"] for s in ss if s["country"]})
    people = sum(s["participants"] for s in ss)
    where = ""
    if countries:
        where = f" in {len(countries)} countr{'y' if len(countries) == 1 else 'ies'}"
    return (
        f"{len(ss)} session{'s' if len(ss) != 1 else ''}{where}, "
        f"{people} registered participant{'s' if people != 1 else ''}"
    )


def rules_text(rules: dict[str, Any]) -> str:
    k = rules["k"] if rules["k"] is not None else "ceil(0.8 x ecosystems with answers)"
    return (
        f"consensus when at least {pct(rules['threshold'])} agree; at least "
        f"{rules['min_answers']} answers per statement; groups of at least "
        f"{rules['min_group']} answers for broad consensus; ecosystems needed: {k}"
    )


def sources(report: dict[str, Any], answer: dict[str, Any]) -> str:
    """Where an answer came from: "Sofia, Policy makers; Oulu, Industry", or for
    answers given in many places the sessions and the groups."""
    pairs = answer["from"]
    if len(pairs) <= 3:
        return "; ".join(f"{x['session']}, {group_label(report, x['group'])}" for x in pairs)
    groups = [group_label(report, g) for g in answer["groups"]]
    return (
        f"{len(answer['sessions'])} session{'s' if len(answer['sessions']) != 1 else ''} "
        f"({', '.join(answer['sessions'])}); groups: {'; '.join(groups) or '-'}"
    )


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
            parts.append(f"{q['text']} ({ref}{f', {n} statements' if n > 1 else ''})")
        else:
            parts.append(f"{', '.join(t.title for t in ts)} ({ref})")
    return "; ".join(parts)
