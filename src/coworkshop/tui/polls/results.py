"""Results drawn to be read from the back of a room on a projector.

Choices are horizontal bars with the count and the percentage; a rating of
several statements is one stacked bar per statement; a ranking is ordered by
mean position; words of a word cloud grow bolder and brighter with their count.
Scale answers also show the report's figures (agreeing share, median, status:
:mod:`coworkshop.core.consensus`), overall and by stakeholder group, and the
statements can be ordered by agreement.
Everything is computed by the core (:func:`coworkshop.core.polls.results`);
this module only draws it, for the width it is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from coworkshop.core import consensus
from coworkshop.i18n import _, fmt, format_percent, nfmt
from coworkshop.tui.colors import DEFAULT as GREY

if TYPE_CHECKING:
    from coworkshop.core.polls import PollInfo, QAView, Results, Row

#: One colour per option: distinct hues that read on a dark projector.
OPTION_COLORS = ["#5b9cf0", "#f29b38", "#5cc46b", "#d67ad6", "#4fc8d8", "#e6c94a",
                 "#ec6262", "#a883e8", "#c29060", "#f08cb8"]
#: Points of a scale, in order. Hues move one way (blue to yellow) without
#: saying which end is "good": a scale may start with its best or worst point.
SCALE_STOPS = ["#4f7fe0", "#9a72d8", "#d66fb0", "#f0876a", "#e6c94a"]
EIGHTHS = " ▏▎▍▌▋▊▉"
TRACK = "grey30"


STATUS_STYLES = {
    "consensus": "bold green",
    "consensus_against": "bold red",
    "contested": "bold yellow",
    "majority": "green",
    "no_consensus": "",
    "too_few": "dim",
}
#: One-cell marks of a group's status beside its bar.
STATUS_MARKS = {
    "consensus": "✓",
    "consensus_against": "✗",
    "contested": "±",
    "majority": "+",
    "no_consensus": "·",
    "too_few": " ",
}


def scale_sides(poll: PollInfo) -> tuple[list[int], list[int]]:
    """Positions of the scale's agreement and disagreement points."""
    scale = poll.scale or {}
    keys = list(poll.choice_keys)
    return (
        [keys.index(k) for k in scale.get("agree", []) if k in keys],
        [keys.index(k) for k in scale.get("disagree", []) if k in keys],
    )


def _hex(c: str) -> tuple[int, int, int]:
    return int(c[1:3], 16), int(c[3:5], 16), int(c[5:7], 16)


def scale_colors(n: int) -> list[str]:
    """``n`` colours spread over :data:`SCALE_STOPS`."""
    if n <= 1:
        return SCALE_STOPS[:1] * n
    out = []
    for i in range(n):
        pos = i * (len(SCALE_STOPS) - 1) / (n - 1)
        lo = int(pos)
        hi = min(lo + 1, len(SCALE_STOPS) - 1)
        t = pos - lo
        a, b = _hex(SCALE_STOPS[lo]), _hex(SCALE_STOPS[hi])
        out.append("#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b,
                                                                                strict=True)))
    return out


def option_color(i: int) -> str:
    return OPTION_COLORS[i % len(OPTION_COLORS)]


def pct(value: float) -> str:
    """A share 0-100 as a whole percentage, as the app's language writes it."""
    return format_percent(round(value) / 100)


def bar(fraction: float, width: int, color: str) -> Text:
    """A bar of ``width`` cells filled to ``fraction`` (eighths of a cell)."""
    width = max(width, 1)
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, part = divmod(eighths, 8)
    text = Text("█" * full, style=color)
    if part:
        text.append(EIGHTHS[part], style=color)
    rest = width - full - (1 if part else 0)
    if rest > 0:
        text.append("░" * rest, style=TRACK)
    return text


def _split(counts: Sequence[int], width: int) -> list[int]:
    """Cells per segment, summing to ``width`` (largest remainders)."""
    total = sum(counts)
    if total <= 0:
        return [0] * len(counts)
    exact = [c * width / total for c in counts]
    cells = [int(x) for x in exact]
    order = sorted(range(len(counts)), key=lambda i: exact[i] - cells[i], reverse=True)
    for i in order[: width - sum(cells)]:
        cells[i] += 1
    return cells


def stacked_bar(counts: Sequence[int], width: int, colors: Sequence[str]) -> Text:
    """One bar split by scale point, each segment labelled with its share if it fits."""
    total = sum(counts)
    if total <= 0:
        return Text("░" * max(width, 1), style=TRACK)
    text = Text()
    for count, cells, color in zip(counts, _split(counts, width), colors, strict=False):
        if cells <= 0:
            continue
        share = pct(100 * count / total)
        label = share if cells >= len(share) + 2 else (str(count) if cells >= 2 else "")
        text.append(label.center(cells), style=f"bold #101010 on {color}")
    return text


def _fit(label: str, width: int) -> str:
    if cell_len(label) <= width:
        return label + " " * (width - cell_len(label))
    out = ""
    for ch in label:
        if cell_len(out + ch) > width - 1:
            break
        out += ch
    return out + "…" + " " * (width - cell_len(out) - 1)


def _legend(labels: Iterable[str], colors: Sequence[str], width: int = 0) -> Text:
    """Coloured squares and labels; lines break between entries, not inside one."""
    text = Text()
    used = 0
    for i, (label, color) in enumerate(zip(labels, colors, strict=False)):
        entry = 2 + cell_len(label)
        if i and width and used + 3 + entry > width:
            text.append("\n")
            used = 0
        elif i:
            text.append("   ")
            used += 3
        text.append("■ ", style=color)
        text.append(label)
        used += entry
    return text


def _tail(count: int, percent: float, count_width: int) -> str:
    return f" {count:>{count_width}} {pct(percent):>4}"


class Chart:
    """Draws one :class:`Results` at a given width."""

    def __init__(self, res: Results, width: int, by_group: bool,
                 group_colors: dict[str, str], by_agreement: bool = False) -> None:
        self.res = res
        self.width = max(width, 24)
        self.by_group = by_group
        self.group_colors = group_colors
        self.by_agreement = by_agreement  # statements ordered by agreeing share
        self.agree, self.disagree = scale_sides(res.poll)

    def figures(self, counts: Sequence[int]) -> consensus.Figures:
        return consensus.figures(counts, self.agree, self.disagree, consensus.Rules())

    def consensus_line(self, counts: Sequence[int]) -> Text:
        """Agreement share, median and status (the report's figures, live)."""
        if not self.agree:
            return Text("")
        f = self.figures(counts)
        points = list(self.res.poll.choices)
        line = Text("  ")
        line.append(fmt("agree {n}%", n=round(f.agree * 100)), style="bold")
        line.append(fmt(" · disagree {n}%", n=round(f.disagree * 100)), style="dim")
        if f.median is not None:
            line.append(_(" · median "), style="dim")
            line.append(_fit(points[f.median], max(8, self.width // 3)))
        line.append(" · ")
        line.append(consensus.STATUS_LABELS[f.status], style=STATUS_STYLES.get(f.status, ""))
        return line

    # ------------------------------------------------------------ helpers

    def groups(self, respondents: dict[str, int]) -> list[str]:
        """The stakeholder groups that answered, in the session's order."""
        return [g for g in self.res.groups if respondents.get(g, 0) > 0]

    def group_label(self, key: str) -> str:
        return self.res.group_labels.get(key, key) or "Not split by group"

    def group_color(self, key: str) -> str:
        return self.group_colors.get(key, GREY)

    def summary(self) -> Text:
        res = self.res
        text = Text.assemble((nfmt("{n} person answered", "{n} people answered",
                                          res.respondents), "bold"))
        parts = []
        if res.ballots:
            parts.append(fmt("{ballots} from phones", ballots=res.ballots))
        if res.tallied:
            parts.append(fmt("{tallied} counted by hand or on paper", tallied=res.tallied))
        if parts and (res.ballots and res.tallied):
            text.append("  (" + " + ".join(parts) + ")", style="dim")
        elif res.tallied and not res.ballots:
            text.append(_("  (counted by hand or on paper)"), style="dim")
        if res.poll.type == "multiple" and res.respondents:
            text.append(_("\nSeveral choices each: shares add up to more than 100%."),
                        style="dim italic")
        return text

    # ------------------------------------------------------------ kinds

    def render(self) -> RenderableType:
        res = self.res
        kind = res.poll.type
        if kind == "qa":
            return Group(*[qa_line(i, self.group_colors, self.res.group_labels)
                           for i in res.items]) if res.items else Text(_("No questions yet."),
                                                                       style="dim")
        if res.respondents == 0 and not res.texts:
            return Text(_("No answers yet."), style="dim italic")
        parts: list[RenderableType] = [self.summary(), Text("")]
        if kind == "scale_statements":
            parts += self.statements()
        elif kind == "ranking":
            parts += self.ranking()
        elif kind == "open":
            parts += self.texts()
        elif kind == "wordcloud":
            parts += self.words()
        else:
            parts += self.choices(res.rows, res.respondents, res.group_respondents)
        return Group(*parts)

    def choices(self, rows: list[Row], respondents: int,
                group_respondents: dict[str, int]) -> list[RenderableType]:
        scale = self.res.poll.type == "scale"
        colors = scale_colors(len(rows)) if scale else [option_color(i) for i in range(len(rows))]
        count_width = len(str(max([r.count for r in rows] + [respondents, 1])))
        tail_width = len(_tail(0, 100, count_width))
        out: list[RenderableType] = []
        if self.by_group:
            groups = self.groups(group_respondents)
            if groups:
                legend = Text(_("Share of each group: "), style="dim")
                legend.append_text(_legend(
                    [f"{self.group_label(g)} ({group_respondents[g]})" for g in groups],
                    [self.group_color(g) for g in groups], self.width - legend.cell_len))
                out += [legend, Text("")]
            label_width = min(max((cell_len(self.group_label(g)) for g in groups), default=8),
                              max(8, self.width // 3))
            for i, row in enumerate(rows):
                head = Text.assemble(("■ ", colors[i]), (row.label, "bold"))
                head.append(fmt("   {count} · {pct} overall",
                                count=row.count, pct=pct(row.percent)), style="dim")
                out.append(head)
                for g in groups:
                    line = Text("  ")
                    line.append(_fit(self.group_label(g), label_width), style=self.group_color(g))
                    line.append(" ")
                    width = self.width - 3 - label_width - tail_width
                    line.append_text(bar(row.group_percent.get(g, 0) / 100, width,
                                         self.group_color(g)))
                    line.append(_tail(row.by_group.get(g, 0), row.group_percent.get(g, 0),
                                      count_width))
                    out.append(line)
            return out
        if scale and self.agree and respondents:
            out_tail: list[RenderableType] = [self.consensus_line([r.count for r in rows])]
        else:
            out_tail = []
        longest = max((cell_len(r.label) for r in rows), default=0)
        label_width = min(longest, max(12, self.width * 2 // 5))
        bar_width = self.width - label_width - 1 - tail_width
        one_line = longest <= label_width and bar_width >= 10
        for i, row in enumerate(rows):
            tail = Text(_tail(row.count, row.percent, count_width), style="bold")
            if one_line:
                line = Text(_fit(row.label, label_width) + " ", style="bold")
                line.append_text(bar(row.percent / 100, bar_width, colors[i]))
                line.append_text(tail)
                out.append(line)
            else:
                out.append(Text(row.label, style="bold"))
                line = bar(row.percent / 100, self.width - tail_width, colors[i])
                line.append_text(tail)
                out.append(line)
        return out + out_tail

    def statements(self) -> list[RenderableType]:
        res = self.res
        points = list(res.poll.choices)
        colors = scale_colors(len(points))
        out: list[RenderableType] = [_legend(points, colors, self.width), Text("")]
        numbered = list(enumerate(res.statements, 1))
        if self.by_agreement and self.agree:
            out.insert(1, Text(_("Ordered by agreement (v: in the agenda's order)."),
                               style="dim italic"))
            numbered.sort(key=lambda ns: -self.figures([r.count for r in ns[1].rows]).agree)
        for n, st in numbered:
            out.append(Text.assemble((f"{n}. ", "bold"), (st.statement, "bold")))
            counts = [r.count for r in st.rows]
            n_text = f" n={st.respondents}"
            line = stacked_bar(counts, self.width - len(n_text), colors)
            line.append(n_text, style="dim")
            out.append(line)
            if st.respondents:
                out.append(self.consensus_line(counts))
            if self.by_group:
                groups = self.groups(st.group_respondents)
                label_width = min(max((cell_len(self.group_label(g)) for g in groups),
                                      default=8), max(8, self.width // 3))
                for g in groups:
                    line = Text("  ")
                    line.append(_fit(self.group_label(g), label_width), style=self.group_color(g))
                    line.append(" ")
                    group_counts = [r.by_group.get(g, 0) for r in st.rows]
                    n_text = f" n={st.group_respondents[g]}"
                    if self.agree:
                        f = self.figures(group_counts)
                        n_text += f" {round(f.agree * 100):>3}% {STATUS_MARKS[f.status]}"
                    width = self.width - 3 - label_width - len(n_text)
                    line.append_text(stacked_bar(group_counts, width, colors))
                    line.append(n_text, style="dim")
                    out.append(line)
            out.append(Text(""))
        return out

    def ranking(self) -> list[RenderableType]:
        rows = self.res.rows
        n = len(rows)
        out: list[RenderableType] = [
            Text(_("Ordered by average position (1 = always first)."), style="dim italic"),
            Text(""),
        ]
        for place, row in enumerate(rows, 1):
            color = option_color(place - 1)
            out.append(Text.assemble((f"{place}. ", "bold"), (row.label, "bold")))
            mean = row.mean_rank
            score = (n - mean) / (n - 1) if mean is not None and n > 1 else 0.0
            tail = Text(f" avg {mean:.1f}" if mean is not None else " avg -", style="bold")
            tail.append(fmt(" · first for {count} ({pct})",
                            count=row.count, pct=pct(row.percent)), style="dim")
            width = max(10, self.width - tail.cell_len)
            line = bar(score, width, color)
            line.append_text(tail)
            out.append(line)
            if self.by_group:
                firsts = [(g, c) for g, c in row.by_group.items() if c]
                if firsts:
                    line = Text(_("  first choice of: "), style="dim")
                    for i, (g, c) in enumerate(firsts):
                        if i:
                            line.append(" · ", style="dim")
                        line.append(f"{self.group_label(g)} {c}", style=self.group_color(g))
                    out.append(line)
        return out

    def texts(self) -> list[RenderableType]:
        grid = Table.grid(padding=(0, 1), expand=True)
        grid.add_column(width=1, no_wrap=True)
        grid.add_column(ratio=1)
        # newest first: what was just sent is what the room looks for
        for answer in reversed(self.res.texts):
            color = self.group_color(answer.stakeholder_group) if self.by_group else "bold"
            grid.add_row(Text("■" if self.by_group else "•", style=color), Text(answer.text))
        out: list[RenderableType] = [grid]
        if self.by_group:
            groups = self.groups(self.res.group_respondents)
            out.insert(0, _legend([self.group_label(g) for g in groups],
                                  [self.group_color(g) for g in groups], self.width))
        return out

    def words(self) -> list[RenderableType]:
        rows = self.res.rows
        out: list[RenderableType] = [word_cloud(rows, self.width)]
        if self.by_group:
            out.append(Text(""))
            for g in self.groups(self.res.group_respondents):
                line = Text.assemble(("■ ", self.group_color(g)),
                                     (f"{self.group_label(g)}: ", "bold"))
                top = sorted((r for r in rows if r.by_group.get(g)),
                             key=lambda r: -r.by_group[g])[:6]
                line.append(", ".join(f"{r.label} ({r.by_group[g]})" for r in top))
                out.append(line)
        return out


def word_tier(count: int, top: int) -> int:
    """1 (the most said) to 4 (said once, when others were said often)."""
    if top <= 1:
        return 2
    ratio = count / top
    if ratio >= 0.75:
        return 1
    if ratio >= 0.45:
        return 2
    if ratio >= 0.2:
        return 3
    return 4


def word_cloud(rows: list[Row], width: int) -> Text:
    """Words ordered by count, the most said largest: a chip on a colour, then
    bold, plain and dim words, laid out in lines of ``width`` cells."""
    if not rows:
        return Text(_("No words yet."), style="dim italic")
    top = rows[0].count
    text = Text(justify="center")
    line_width = 0
    last_tier = 0
    for i, row in enumerate(rows):
        tier = word_tier(row.count, top)
        color = option_color(i)
        label = row.label.upper() if tier == 1 else row.label
        chip = Text()
        if tier == 1:
            chip.append(f" {label} ", style=f"bold #101010 on {color}")
            chip.append(f" {row.count}", style=f"bold {color}")
        elif tier == 2:
            chip.append(label, style=f"bold {color}")
            chip.append(f" {row.count}", style="dim")
        elif tier == 3:
            chip.append(label, style=color)
            chip.append(f" {row.count}", style="dim")
        else:
            chip.append(label, style="dim")
        gap = 3
        if line_width and (line_width + gap + chip.cell_len > width or tier != last_tier == 1):
            # the biggest words get lines of their own, with air around them
            text.append("\n\n" if last_tier == 1 else "\n")
            line_width = 0
        elif line_width:
            text.append(" " * gap)
            line_width += gap
        text.append_text(chip)
        line_width += chip.cell_len
        last_tier = tier
    return text


def qa_line(item: QAView, group_colors: dict[str, str], group_labels: dict[str, str],
            show_group: bool = False) -> Text:
    """One Q&A item: the highlighted one stands out, answered ones fade."""
    if item.highlighted:
        mark, style = "★ ", "bold"
    elif item.answered:
        mark, style = "✓ ", "dim"
    else:
        mark, style = "  ", ""
    text = Text(mark, style="bold yellow" if item.highlighted else "dim")
    text.append(f"▲ {item.upvotes:>2}  ", style="bold cyan" if not item.answered else "dim")
    if show_group and item.stakeholder_group:
        text.append("■ ", style=group_colors.get(item.stakeholder_group, GREY))
    body = Text(item.text, style=style)
    if item.highlighted:
        body.stylize("reverse")
    if item.hidden:
        body.stylize("strike dim")
    text.append_text(body)
    if item.answered:
        text.append("  answered", style="dim italic")
    if item.hidden:
        text.append(_("  hidden from the room"), style="dim italic")
    return text


class ResultsChart(Widget):
    """The results of one poll, redrawn for the width it has."""

    DEFAULT_CSS = """
    ResultsChart {
        height: auto;
    }
    """

    def __init__(self, **kwargs: str | None) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.results: Results | None = None
        self.by_group = False
        self.group_colors: dict[str, str] = {}
        self._height = -1  # lines drawn at the last show (-1: not known)
        self.by_agreement = False

    def show(self, res: Results | None, by_group: bool, group_colors: dict[str, str],
             by_agreement: bool = False) -> None:
        self.results, self.by_group, self.group_colors = res, by_group, group_colors
        self.by_agreement = by_agreement
        # New counts seldom change the chart's height: the screen's layout is
        # redone only when they do (a layout pass holds the event loop, which
        # the phones' answers share, for several milliseconds).
        width = self.content_size.width if self.display else 0
        height = self.get_content_height(self.size, self.size, width) if width else -1
        self.refresh(layout=height < 0 or height != self._height)
        self._height = height

    def chart(self, width: int) -> RenderableType:
        if self.results is None:
            return Text("")
        return Chart(self.results, width, self.by_group, self.group_colors,
                     self.by_agreement).render()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # measured at the width it will be drawn at (Textual caches by width only)
        if not width:
            return 0
        console = self.app.console
        return len(console.render_lines(self.chart(width), console.options.update_width(width),
                                        pad=False))

    def render(self) -> RenderableType:
        return self.chart(self.content_size.width or 60)
