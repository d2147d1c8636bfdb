"""A stakeholder map as a standalone SVG for reports: the four quadrants with
their names and strategies, each stakeholder in its group's colour with the
shape of its understanding (triangle low, rectangle medium, circle high, a
diamond when unknown), where it was in the previous round (a dashed ghost),
and a legend naming every numbered mark.

Plain string building; every text from a person goes through html.escape.
"""

from __future__ import annotations

from html import escape

from .stakeholders import HIGH, LOW, QUADRANTS, MapData, MapEntry

COLORS = {
    "blue": "#2f6fd0", "navy": "#2a3f9a", "orange": "#e07b10", "green": "#2e9a45",
    "lime": "#7cae2a", "magenta": "#b0409f", "purple": "#7a4fc4", "violet": "#7a4fc4",
    "red": "#d03434", "pink": "#d9528a", "yellow": "#c9a400", "gold": "#c99400",
    "cyan": "#1e9fb0", "teal": "#1a8a80", "brown": "#8a5a2b", "tan": "#b08850",
    "orchid": "#b050b0", "black": "#333333", "grey": "#888888", "gray": "#888888",
    "white": "#999999",
}
CELL = 80
LEFT, TOP = 70, 40
GRID = CELL * (HIGH - LOW + 1)


def color(name: str) -> str:
    value = (name or "").strip().lower()
    if value.startswith("#") and len(value) == 7:
        return value
    return COLORS.get(value, "#888888")


def _xy(power: int, interest: int) -> tuple[float, float]:
    x = LEFT + (interest - LOW + 0.5) * CELL
    y = TOP + (HIGH - power + 0.5) * CELL
    return x, y


def _shape(kind: str, x: float, y: float, fill: str, extra: str = "", r: float = 11) -> str:
    if kind == "low":
        pts = (f"{x:.1f},{y - r:.1f} {x + r:.1f},{y + r * 0.8:.1f} "
               f"{x - r:.1f},{y + r * 0.8:.1f}")
        return f'<polygon points="{pts}" fill="{fill}" {extra}/>'
    if kind == "medium":
        return (f'<rect x="{x - r:.1f}" y="{y - r * 0.8:.1f}" width="{2 * r}" '
                f'height="{1.6 * r:.1f}" fill="{fill}" {extra}/>')
    if kind == "high":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}" {extra}/>'
    pts = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
    return f'<polygon points="{pts}" fill="{fill}" {extra}/>'


def _offsets(entries: list[MapEntry]) -> dict[str, tuple[float, float]]:
    """Spread the marks that share a cell so each stays readable."""
    cells: dict[tuple[int, int], list[MapEntry]] = {}
    for e in entries:
        if e.placed:
            assert e.power is not None and e.interest is not None
            cells.setdefault((e.power, e.interest), []).append(e)
    out = {}
    for (p, i), group in cells.items():
        x, y = _xy(p, i)
        n = len(group)
        cols = 1 if n == 1 else 2 if n <= 4 else 3
        step = 24
        rows = (n + cols - 1) // cols
        for k, e in enumerate(group):
            cx = x + (k % cols - (cols - 1) / 2) * step
            cy = y + (k // cols - (rows - 1) / 2) * step
            out[e.id] = (cx, cy)
    return out


def map_svg(data: MapData) -> str:
    """The map as an SVG document (a string)."""
    names = data.axis_names
    legend_x = LEFT + GRID + 30
    rows = len(data.entries) + len(data.groups) + len(data.movements) + 12
    height = max(TOP + GRID + 60, TOP + 40 + 18 * rows)
    width = legend_x + 520
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12" '
        f'role="img" aria-label="{escape(data.title)}">',
        f'<title>{escape(data.title)}</title>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    title = data.title
    if data.round_number is not None:
        title += f" · round {data.round_number} ({data.round_date})"
    out.append(f'<text x="{LEFT}" y="22" font-size="15" font-weight="bold">'
               f'{escape(title)}</text>')
    # quadrants: high power at the top, high interest on the right
    half = GRID / 2
    tints = {"satisfy": "#fff4e0", "manage": "#e6f4e6", "monitor": "#f2f2f2",
             "inform": "#e6eefb"}
    for key, (qx, qy) in {"satisfy": (0, 0), "manage": (1, 0), "monitor": (0, 1),
                          "inform": (1, 1)}.items():
        q = QUADRANTS[key]
        x, y = LEFT + qx * half, TOP + qy * half
        lines = [q.name] if data.method == "power_interest" else [
            f"scenario {q.scenario}", q.scenario_name]
        if q.strategy not in lines:
            lines.append(q.strategy)
        out.append(f'<rect class="quadrant" data-quadrant="{key}" x="{x}" y="{y}" '
                   f'width="{half}" height="{half}" fill="{tints[key]}"/>')
        for n, line in enumerate(lines):
            style = 'font-weight="bold"' if n == 0 else 'font-style="italic"'
            out.append(f'<text x="{x + 6}" y="{y + 16 + 14 * n}" fill="#555" {style}>'
                       f'{escape(line)}</text>')
    out.append(f'<rect x="{LEFT}" y="{TOP}" width="{GRID}" height="{GRID}" fill="none" '
               'stroke="#999"/>')
    mid = LEFT + half
    out.append(f'<line x1="{mid}" y1="{TOP}" x2="{mid}" y2="{TOP + GRID}" stroke="#999" '
               'stroke-dasharray="4 3"/>')
    out.append(f'<line x1="{LEFT}" y1="{TOP + half}" x2="{LEFT + GRID}" y2="{TOP + half}" '
               'stroke="#999" stroke-dasharray="4 3"/>')
    for v in range(LOW, HIGH + 1):
        x, _ = _xy(LOW, v)
        _, y = _xy(v, LOW)
        out.append(f'<text x="{x:.0f}" y="{TOP + GRID + 16}" text-anchor="middle" '
                   f'fill="#555">{v}</text>')
        out.append(f'<text x="{LEFT - 10}" y="{y + 4:.0f}" text-anchor="end" '
                   f'fill="#555">{v}</text>')
    out.append(f'<text x="{LEFT + half}" y="{TOP + GRID + 34}" text-anchor="middle">'
               f'{escape(names["interest"])} →</text>')
    out.append(f'<text x="18" y="{TOP + half}" text-anchor="middle" '
               f'transform="rotate(-90 18 {TOP + half})">{escape(names["power"])} →</text>')
    # ghosts: where a stakeholder was in the previous round
    offsets = _offsets(data.entries)
    for e in data.entries:
        if e.placed and e.before is not None and e.before != (e.power, e.interest):
            gx, gy = _xy(*e.before)
            x, y = offsets[e.id]
            fill = color(e.color)
            out.append(f'<g class="ghost"><line x1="{gx:.1f}" y1="{gy:.1f}" x2="{x:.1f}" '
                       f'y2="{y:.1f}" stroke="{fill}" stroke-dasharray="3 3"/>'
                       + _shape(e.understanding, gx, gy, "none",
                                f'stroke="{fill}" stroke-dasharray="2 2"') + "</g>")
    for e in data.entries:
        if not e.placed:
            continue
        x, y = offsets[e.id]
        fill = color(e.color)
        out.append(f'<g class="mark" data-name="{escape(e.name)}">'
                   f'<title>{escape(e.name)}</title>'
                   + _shape(e.understanding, x, y, fill, 'stroke="#333" stroke-width="0.5"')
                   + f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="10" '
                   f'fill="#fff" font-weight="bold">{e.number}</text></g>')
    # legend
    y = TOP + 4
    out.append(f'<text x="{legend_x}" y="{y}" font-weight="bold">Stakeholder groups</text>')
    for g in data.groups:
        y += 18
        out.append(f'<rect x="{legend_x}" y="{y - 10}" width="12" height="12" '
                   f'fill="{color(str(g.get("color", "")))}"/>'
                   f'<text x="{legend_x + 18}" y="{y}">{escape(str(g.get("label", "")))}</text>')
    y += 26
    out.append(f'<text x="{legend_x}" y="{y}" font-weight="bold">Understanding</text>')
    for kind, label in (("low", "low"), ("medium", "medium"), ("high", "high"),
                        ("", "not known")):
        y += 18
        out.append(_shape(kind, legend_x + 6, y - 4, "#777", r=6) +
                   f'<text x="{legend_x + 22}" y="{y}">{label}</text>')
    y += 26
    out.append(f'<text x="{legend_x}" y="{y}" font-weight="bold">Stakeholders</text>')
    for e in data.entries:
        y += 18
        where = (f" ({QUADRANTS[e.quadrant].strategy})" if e.quadrant else " (not placed)")
        out.append(f'<text class="legend-name" x="{legend_x}" y="{y}">'
                   f'<tspan font-weight="bold" fill="{color(e.color)}">{e.number}</tspan> '
                   f'{escape(e.name)}{escape(where)}</text>')
    if data.movements:
        y += 26
        out.append(f'<text x="{legend_x}" y="{y}" font-weight="bold">Moved since round '
                   f'{data.previous_round}</text>')
        for m in data.movements:
            y += 18
            out.append(f'<text class="movement" x="{legend_x}" y="{y}">'
                       f'{escape(m.text(data.method))}</text>')
    out.append("</svg>")
    return "\n".join(out)
