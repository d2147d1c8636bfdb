"""QR codes of the join link: SVG for a page, text lines for a terminal."""

from __future__ import annotations

import segno

# Half blocks draw two rows of modules per line of text, so the code stays
# square in a terminal cell (about twice as tall as wide).
_BLOCKS = {(False, False): " ", (True, False): "\u2580", (False, True): "\u2584",
           (True, True): "\u2588"}


def qr_svg(url: str, scale: int = 8) -> str:
    """An inline ``<svg>`` of ``url`` (dark on light, quiet zone included)."""
    return str(segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff"))


def qr_text_lines(url: str, border: int = 2, invert: bool = True) -> list[str]:
    """The QR code of ``url`` as lines of block characters.

    With ``invert`` (the default, for light text on a dark terminal) the light
    modules are drawn, so phones read the code as dark-on-light. Each line has
    the same width; there are about half as many lines as modules.
    """
    qr = segno.make(url, error="m")
    rows = [[bool(v) for v in row] for row in qr.matrix_iter(border=border)]
    if invert:
        rows = [[not v for v in row] for row in rows]
    if len(rows) % 2:
        rows.append([False] * len(rows[0]))
    return ["".join(_BLOCKS[(top, bottom)] for top, bottom in zip(rows[i], rows[i + 1],
                                                                   strict=True))
            for i in range(0, len(rows), 2)]
