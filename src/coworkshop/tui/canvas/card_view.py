"""One card on a board, drawn like a sticky note."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import Static

if TYPE_CHECKING:
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
            body.append("\nwith: ", style="dim")
            body.append(display_text(card.stakeholders), style="italic")
        tags = []
        if link_label:
            tags.append(f"→ {link_label}")
        if unlinked:
            tags.append("⚠ link deleted" if broken else "⚠ unlinked")
            self.add_class("-unlinked")
        if comments:
            word = "comment" if comments == 1 else "comments"
            tag = f"{comments} {word}"
            if open_comments:
                tag += " •"
            tags.append(tag)
        if compact:
            head = Text.assemble((f"{label} ", "bold"))
            if tags:
                body.append(f"  [{' · '.join(tags)}]", style="dim")
            self.update(head + body)
        else:
            self.border_title = label
            self.border_subtitle = " · ".join(tags)
            self.update(body)
