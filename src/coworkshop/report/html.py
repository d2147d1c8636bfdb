"""The report as one self-contained HTML page (Jinja2, autoescaped, inline SVG).

No external asset: styles and charts are in the page, so it opens offline,
attaches to an e-mail and prints on A4 (each part starts on a new page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..i18n import _, current, fmt, language_name, nfmt
from . import view

AGREE_COLOURS = ["#1b7837", "#5aae61", "#a6dba0", "#d9f0d3"]  # strongest first
DISAGREE_COLOURS = ["#b2182b", "#ef8a62", "#f4a582", "#fddbc7"]
NEUTRAL = "#c8c8c8"
BAR_WIDTH = 120


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    title: str


def _mild_first(points: list[int], towards: list[int]) -> list[int]:
    # A point is milder the closer its index is to the other side's points.
    if not towards:
        return sorted(points)
    centre = sum(towards) / len(towards)
    return sorted(points, key=lambda i: (abs(i - centre), i))


def colours(points: int, agree: list[int], disagree: list[int]) -> dict[int, str]:
    """Each scale point's colour: greens for agreement, reds for disagreement
    (darker = stronger), grey for the rest."""
    out = {i: NEUTRAL for i in range(points)}
    for palette, side, other in ((AGREE_COLOURS, agree, disagree),
                                 (DISAGREE_COLOURS, disagree, agree)):
        ordered = _mild_first(side, other)
        for rank, i in enumerate(ordered):
            out[i] = palette[max(0, min(len(palette) - 1, len(ordered) - 1 - rank))]
    return out


def diverging_bar(
    counts: list[int], labels: list[str], agree: list[int], disagree: list[int],
    width: int = BAR_WIDTH,
) -> list[Segment]:
    """Rectangles of a diverging stacked bar: agreement to the right of the
    middle, disagreement to the left, other points split across the middle.

    Half the width is 100% of the answers. The mildest points sit next to
    the middle, the strongest at the ends.
    """
    n = sum(counts)
    if not n:
        return []
    half = width / 2
    unit = half / n
    colour = colours(len(counts), agree, disagree)
    neutral = [i for i in range(len(counts)) if i not in agree and i not in disagree]
    segs: list[Segment] = []
    neutral_w = sum(counts[i] for i in neutral) * unit
    left, right = half - neutral_w / 2, half + neutral_w / 2
    x = left
    for i in neutral:
        if counts[i]:
            segs.append(Segment(x, counts[i] * unit, colour[i], _tip(labels[i], counts[i], n)))
            x += counts[i] * unit
    for i in _mild_first(agree, disagree):
        if counts[i]:
            segs.append(Segment(right, counts[i] * unit, colour[i], _tip(labels[i], counts[i], n)))
            right += counts[i] * unit
    for i in _mild_first(disagree, agree):
        if counts[i]:
            left -= counts[i] * unit
            segs.append(Segment(left, counts[i] * unit, colour[i], _tip(labels[i], counts[i], n)))
    return segs


def _tip(label: str, count: int, n: int) -> str:
    return fmt("{label}: {count} of {n} ({share})", label=label, count=count, n=n,
               share=view.pct(count / n))


def legend(points: list[dict[str, str]], agree: list[int], disagree: list[int]) -> list[Segment]:
    """The colour of every point, for the legend under a statement's chart."""
    colour = colours(len(points), agree, disagree)
    return [Segment(0, 0, colour[i], p["label"]) for i, p in enumerate(points)]


def render(report: dict[str, Any]) -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("coworkshop.report", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["pct"] = view.pct
    env.globals.update(
        diverging_bar=diverging_bar,
        legend=legend,
        status_label=view.status_label,
        group_label=lambda key: view.group_label(report, key),
        sources=lambda answer: view.sources(report, answer),
        sentence_end=view.sentence_end,
        unanswered_text=view.unanswered_text,
        bar_width=BAR_WIDTH,
        _=_,
        fmt=fmt,
        nfmt=nfmt,
        num=view.num,
        day=view.day,
        language_name=language_name,
    )
    template = env.get_template("report.html.j2")
    return template.render(
        lang=current(),
        r=report,
        parts=view.sections(report),
        glabel={g["key"]: g["label"] for g in report["groups"]},
        scope=view.scope(report),
        rules_text=view.rules_text(report["rules"]),
    )
