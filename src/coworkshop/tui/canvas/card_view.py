"""One card on a board, drawn like a sticky note."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.measure import Measurement
from rich.text import Text
from textual.widgets import Static

from coworkshop.i18n import _, fmt, nfmt

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, RenderResult

    from coworkshop.core.models import Card

# Code points that join or restyle an emoji: the zero-width joiner, variation
# selectors, skin tones, tag characters and the keycap mark. Terminals do not
# agree on how wide the sequences they make are (tmux 3.3 draws 👩🏽‍🌾 four
# cells wide, Rich counts two, a modern terminal draws one glyph of two), so a
# card border drawn after one lands in the wrong place. Without them every
# emoji is a plain wide character, two cells everywhere: 👩🏽‍🌾 shows as 👩🌾.
_EMOJI_GLUE = re.compile("[\u200d\ufe0e\ufe0f\u20e3\U0001f3fb-\U0001f3ff\U000e0020-\U000e007f]")


def display_text(text: str) -> str:
    """``text`` as the board draws it: emoji sequences taken apart (see
    ``_EMOJI_GLUE``). What the person typed is stored untouched."""
    return _EMOJI_GLUE.sub("", text)


def short_words(text: str, width: int = 60) -> str:
    """One line of at most ``width`` terminal cells, cut between words.

    Counts cells, not characters (CJK and emoji take two), and ends with "…"
    when something was left out. A single word wider than ``width`` is the
    only thing ever cut inside a word.
    """
    line = " ".join(display_text(text).split())
    if cell_len(line) <= width:
        return line
    out = ""
    for word in line.split(" "):
        candidate = f"{out} {word}" if out else word
        if cell_len(candidate) > width - 1:
            break
        out = candidate
    if not out:  # one long word: cut it at the cell that still fits
        for ch in line:
            if cell_len(out + ch) > width - 1:
                break
            out += ch
    return out.rstrip(" ,;:.-") + "…"


def _pieces(plain: str, start: int, end: int, width: int) -> list[tuple[int, int]]:
    """A word (``plain[start:end]``) as pieces that each fit ``width`` cells:
    whole if it fits, else broken after its hyphens and slashes
    ("micro-" "credentials"), and only what is still too wide cut by cells."""
    if cell_len(plain[start:end]) <= width:
        return [(start, end)]
    parts: list[tuple[int, int]] = []
    part = start
    for i in range(start, end):
        if plain[i] in "-/" and i + 1 < end:
            parts.append((part, i + 1))
            part = i + 1
    parts.append((part, end))
    out: list[tuple[int, int]] = []
    for a, b in parts:
        while cell_len(plain[a:b]) > width:
            cut = a + 1
            while cut < b and cell_len(plain[a : cut + 1]) <= width:
                cut += 1
            out.append((a, cut))
            a = cut
        out.append((a, b))
    return out


def wrap_words(text: Text, width: int) -> Text:
    """``text`` with line breaks where a line of ``width`` cells is full:
    between words, counting terminal cells (CJK and emoji take two); a word
    wider than a line breaks after a hyphen or a slash if it has one. Styles
    are kept."""
    width = max(1, width)
    plain = text.plain
    spans: list[tuple[int, int]] = []
    offset = 0
    for para in plain.split("\n"):
        line: tuple[int, int] | None = None
        for word in re.finditer(r"\S+", para):
            ws, we = offset + word.start(), offset + word.end()
            for ps, pe in _pieces(plain, ws, we, width):
                if line is None:
                    line = (ps, pe)
                elif cell_len(plain[line[0] : pe]) <= width:
                    line = (line[0], pe)
                else:
                    spans.append(line)
                    line = (ps, pe)
        spans.append(line if line is not None else (offset, offset))
        offset += len(para) + 1
    return Text("\n").join(text[a:b] for a, b in spans)


class WordWrapped:
    """A Rich renderable: ``text`` wrapped by :func:`wrap_words` at the width
    it is drawn in (so a card in a narrow grid cell keeps its words whole)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield wrap_words(self.text, options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.text)


class CardView(Static):
    """A card: its label and link on the border, its text inside.

    The board owns the cursor; the current card carries the ``-current`` class.
    """

    DEFAULT_CSS = """
    CardView {
        height: auto;
        width: 1fr;
        border: round $panel-lighten-2;
        border-title-color: $text-muted;
        border-subtitle-color: $text-muted;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    CardView.-unlinked {
        border: round $warning 70%;
        border-subtitle-color: $warning;
    }
    CardView.-current {
        border: heavy $accent;
        border-title-color: $text;
        border-title-style: bold;
        background: $accent 15%;
    }
    CardView.-compact {
        border: none;
        margin: 0;
        padding: 0 1;
    }
    CardView.-compact.-current {
        border: none;
        background: $accent 40%;
        text-style: bold;
    }
    """

    def __init__(
        self,
        card: Card,
        label: str,
        link_label: str = "",
        unlinked: bool = False,
        broken: bool = False,
        comments: int = 0,
        open_comments: int = 0,
        compact: bool = False,
    ) -> None:
        super().__init__(classes="-compact" if compact else "")
        self.card_id = card.id
        self.label = label
        body = Text(display_text(card.text))
        if card.stakeholders:
            body.append("\n" + _("with: "), style="dim")
            body.append(display_text(card.stakeholders), style="italic")
        tags = []
        if link_label:
            tags.append(f"→ {link_label}")
        if unlinked:
            tags.append(_("⚠ link deleted") if broken else _("⚠ unlinked"))
            self.add_class("-unlinked")
        if comments:
            tag = nfmt("{n} comment", "{n} comments", comments)
            if open_comments:  # feedback not yet taken into account
                tag += (fmt(", {n} open", n=open_comments) if open_comments < comments
                        else _(", open"))
            tags.append(tag)
        if compact:
            head = Text.assemble((f"{label} ", "bold"))
            if tags:
                body.append(f"  [{' · '.join(tags)}]", style="dim")
            self.update(WordWrapped(head + body))
        else:
            self.border_title = label
            self.border_subtitle = " · ".join(tags)
            self.update(WordWrapped(body))
