"""The map drawn in the terminal: a 5x5 grid (power up, interest right) with
the four quadrants tinted and named, the middle row and column (a rating of 3,
"on the line") in grey, and each stakeholder as its understanding shape in its
group's colour with its number. Pure functions over the core's map data."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text

from coworkshop.i18n import _, fmt

from ...core import stakeholders as sh
from ..colors import group_color

CELL_W, CELL_H = 6, 2
TINTS = {"manage": "#1d3a25", "satisfy": "#3b301a", "inform": "#1a2c45", "monitor": "#2b2b2b",
         "line": "#3a3a3a"}
UNKNOWN = "•"
SHORT = {"manage": "manage", "satisfy": "satisfy", "inform": "inform", "monitor": "monitor"}


def shape(understanding: str, text: bool = False) -> str:
    if text:
        return sh.SHAPE_TEXT.get(understanding, "?")
    return sh.SHAPES.get(understanding, UNKNOWN)


def _tint(power: int, interest: int) -> str:
    if power == sh.MIDDLE or interest == sh.MIDDLE:
        return TINTS["line"]
    return TINTS[sh.quadrant(power, interest).key]


def _pack(tokens: list[tuple[str, str]], width: int, lines: int) -> list[list[tuple[str, str]]]:
    """Fill ``lines`` rows of ``width`` with (text, style) tokens; what does
    not fit becomes "+n" (the list beside the grid names everyone)."""
    rows: list[list[tuple[str, str]]] = [[] for _ in range(lines)]
    used = [0] * lines
    row = 0
    for n, (tok, style) in enumerate(tokens):
        while row < lines and used[row] + len(tok) > width:
            row += 1
        if row >= lines:
            rest = len(tokens) - n
            more = f"+{rest}"
            last = rows[-1]
            while last and used[-1] + len(more) > width:
                gone = last.pop()
                used[-1] -= len(gone[0])
                more = f"+{len(tokens) - n + 1}"
                rest += 1
            last.append((more, "bold"))
            used[-1] += len(more)
            break
        rows[row].append((tok, style))
        used[row] += len(tok)
    return rows


def grid(data: sh.MapData, selected: str | None = None, text_symbols: bool = False) -> Text:
    """The grid as Rich text, 32 columns by 13 lines (the axes are named in
    the map's head)."""
    cells: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for e in data.entries:
        if e.before is not None and e.placed and e.before != (e.power, e.interest):
            cells.setdefault(e.before, []).append((f"∘{e.number}", "dim"))
    marks: dict[tuple[int, int], list[tuple[str, str]]] = {}
    for e in data.entries:
        if not e.placed:
            continue
        assert e.power is not None and e.interest is not None
        style = f"bold {group_color(e.color)}"
        if e.id == selected:
            style += " reverse"
        marks.setdefault((e.power, e.interest), []).append(
            (f"{shape(e.understanding, text_symbols)}{e.number}", style))
    q = sh.QUADRANTS
    out = Text()
    width = CELL_W * 5
    _ends(out, _(q["satisfy"].strategy), "bold #e6b84a", _(q["manage"].strategy),
          "bold #5cc46b", width)
    out.append("\n")
    for power in range(sh.HIGH, sh.LOW - 1, -1):
        for line in range(CELL_H):
            out.append(f"{power} " if line == 0 else "  ", style="dim")
            for interest in range(sh.LOW, sh.HIGH + 1):
                bg = _tint(power, interest)
                # marks first, then ghosts where they still fit
                tokens = marks.get((power, interest), []) + cells.get((power, interest), [])
                rows = _pack(tokens, CELL_W - 1, CELL_H)
                out.append(" ", style=f"on {bg}")
                used = 1
                for tok, style in rows[line]:
                    out.append(tok, style=f"{style} on {bg}")
                    used += len(tok)
                out.append(" " * (CELL_W - used), style=f"on {bg}")
            out.append("\n")
    _ends(out, _(q["monitor"].strategy), "bold #a8a8a8", _(q["inform"].strategy),
          "bold #5b9cf0", width)
    out.append("\n  ")
    for v in range(sh.LOW, sh.HIGH + 1):
        out.append(f"{v}".center(CELL_W), style="dim")
    return out


def window(count: int, cursor: int, height: int) -> range:
    """The rows of a list to show so that the cursor stays visible."""
    if height <= 0 or count <= height:
        return range(count)
    start = min(max(0, cursor - height // 2), count - height)
    return range(start, start + height)


def entry_line(e: sh.MapEntry, selected: bool, width: int, text_symbols: bool = False,
               dim_unrated: bool = False) -> Text:
    """One stakeholder in the list beside the grid."""
    line = Text()
    line.append("▸" if selected else " ", style="bold")
    line.append(f"{e.number:>2} ", style="bold")
    line.append(shape(e.understanding, text_symbols), style=f"bold {group_color(e.color)}")
    line.append(" ")
    if e.placed:
        tail = f" {e.power}/{e.interest} {SHORT[e.quadrant]:<7}{'~' if e.on_the_line else ' '}"
    else:
        tail = " not placed"
    room = max(4, width - 7 - len(tail))
    name = e.name if len(e.name) <= room else e.name[: room - 1] + "…"
    style = "reverse" if selected else ("dim" if dim_unrated and not e.rated_this_round else "")
    line.append(name.ljust(room), style=style)
    line.append(tail, style="dim" if not e.placed else "")
    return line


def _ends(out: Text, left: str, left_style: str, right: str, right_style: str,
          width: int) -> None:
    """Two quadrant names at the ends of a line as wide as the grid; names too
    long for one line (Finnish, Bulgarian) take two, whole, the right one
    right-aligned, rather than wrap in the middle of a word."""
    out.append("  ")
    out.append(left, style=left_style)
    if cell_len(left) + 1 + cell_len(right) > width:
        out.append("\n  " + " " * max(0, width - cell_len(right)))
    else:
        out.append(" " * max(1, width - cell_len(left) - cell_len(right)))
    out.append(right, style=right_style)


def detail(e: sh.MapEntry, data: sh.MapData) -> Text:
    """The chosen stakeholder in one line: ratings first, then the group."""
    names = data.axis_names
    text = Text()
    name = e.name if len(e.name) <= 26 else e.name[:25] + "…"
    text.append(f"{e.number} {name}", style=f"bold {group_color(e.color)}")
    if e.placed:
        assert e.power is not None and e.interest is not None
        for axis, v in (("power", e.power), ("interest", e.interest)):
            text.append(f" · {_(names[axis])} {v}")
            if v == sh.MIDDLE:
                text.append(_(" (on the line)"), style="italic")
        q = sh.QUADRANTS[e.quadrant]
        text.append(f" · {_(q.strategy)}", style="bold")
        if data.method == "saccord":
            text.append(fmt(" (scenario {scenario})", scenario=q.scenario), style="dim")
        elif q.key == "manage":
            text.append(_(" (promoter)"), style="dim")
    else:
        text.append(_(" · not placed yet"), style="italic")
    if e.understanding:
        text.append(fmt(" · understanding {understanding}", understanding=e.understanding))
    text.append(f" · {e.group_label}", style="dim")
    return text
