"""`?`: the keys of the screen behind, and how to use it."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from coworkshop.i18n import _, fmt

GENERAL = (
    "Everything is saved the moment you do it: there is no save key. "
    "Quit with q (or ctrl+q) and reopen the file to go on; in a form q is just a letter, "
    "and ctrl+q or escape ask before dropping text you typed. "
    "ctrl+p opens the command palette: type what you want to do."
)


def how_to_of(obj: object) -> str:
    """``obj``'s HOW_TO in the app's language. A subclass's text that ends with
    its base class's (``HOW_TO = "..." + Board.HOW_TO``) is translated in parts."""
    text = getattr(obj, "HOW_TO", "")
    if not text:
        return ""
    for base in type(obj).__mro__[1:]:
        tail = getattr(base, "HOW_TO", "")
        if tail and tail != text and text.endswith(tail):
            return _(text[: -len(tail)]) + _(tail)
    return _(text)


class HelpScreen(ModalScreen[None]):
    """Lists the active keys of a screen (and of its focused widget)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", id="help.close", tooltip="Close the help."),
    ]

    def __init__(self, screen: Screen[object]) -> None:
        super().__init__()
        self._keys = self._key_table(screen)
        parts = [how_to_of(screen)]
        focused = screen.focused
        while focused is not None and focused is not screen:
            how_to = how_to_of(focused)
            if how_to and how_to not in parts:
                parts.append(how_to)
            focused = focused.parent  # type: ignore[assignment]
        parts.append(_(GENERAL))
        self._how_to = "\n\n".join(p for p in parts if p)
        self._title = _(getattr(screen, "HELP_TITLE", "") or "Keys")

    def _key_table(self, screen: Screen[object]) -> Table:
        """One row per action: all its keys, what it does, the tooltip."""
        groups: dict[tuple[int, str, str], list[Binding]] = {}
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.system or not binding.description:
                continue
            # q is "quit('q')" (q does nothing in a form) and ctrl+q is "quit":
            # one row, as for any keys of one action that say the same
            action = binding.action.split("(")[0]
            groups.setdefault((id(active.node), action, binding.description), []).append(binding)
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for bindings in groups.values():
            # Textual's own bindings (tab, ctrl+c...) have no id; ours all do.
            if not any(b.id for b in bindings):
                continue
            bindings.sort(key=lambda b: b.id is None)  # our key first: q before ctrl+q
            first = bindings[0]
            keys = ", ".join(self.app.get_key_display(b) for b in bindings)
            text = Text.assemble((_(first.description), "bold"))
            if first.tooltip:
                text.append(f"  {_(first.tooltip)}", style="dim")
            table.add_row(keys, text)
        table.add_row("ctrl+p", Text.assemble((_("Command palette"), "bold"),
                                               (_("  Type what you want to do."), "dim")))
        return table

    def compose(self) -> ComposeResult:
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(fmt("Help · {title}", title=self._title), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                yield Static(self._keys, id="help-keys")
                yield Static(self._how_to, id="help-howto", markup=False)
            yield Static(_("escape closes"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#help-body").focus()
