"""Command palette entries ("category: verb") for the screen in front."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from coworkshop.i18n import _

if TYPE_CHECKING:
    from .app import CoworkshopApp


class CoworkshopCommands(Provider):
    """Offers the actions of the current screen by name."""

    def _entries(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = cast("CoworkshopApp", self.app)
        # in the app's language: the entries are written in English
        return [(_(name), _(help_text), callback)
                for name, help_text, callback in app.palette_entries(self.screen)]

    async def discover(self) -> Hits:
        for name, help_text, callback in self._entries():
            yield DiscoveryHit(name, partial(callback), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._entries():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(name), partial(callback), text=name, help=help_text
                )
            elif (in_help := matcher.match(help_text)) > 0:
                # People search by their own words ("count", "projector"): an
                # entry whose description holds them is found too, ranked after
                # the entries whose names match.
                yield Hit(in_help / 2, name, partial(callback), text=name,
                          help=help_text)
