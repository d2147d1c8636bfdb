"""What the poll view asks of its screen: a form to open or a choice to make.

The view presents and posts these; the screen (:mod:`.host`) pushes the form
and hands the result back to the view when the form closes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from coworkshop.core import polls as voting
    from coworkshop.core.models import Activity
    from coworkshop.tui.polls.poll_actions import PollActions


class PollViewRequest(Message):
    """The poll view ``view`` asks its screen for something."""

    def __init__(self, view: PollActions) -> None:
        super().__init__()
        self.view = view


class TallyRequested(PollViewRequest):
    """``e``: the facilitator wants to type counts from a show of hands or paper."""

    def __init__(self, view: PollActions, poll: voting.PollInfo) -> None:
        super().__init__(view)
        self.poll = poll


class QuestionRequested(PollViewRequest):
    """``a``: the facilitator wants to add a question to ``activity``."""

    def __init__(self, view: PollActions, activity: Activity) -> None:
        super().__init__(view)
        self.activity = activity


class NewPollRequested(PollViewRequest):
    """``n``: the facilitator wants a new poll activity at the end of the agenda."""


class HiddenItemsRequested(PollViewRequest):
    """``u``: the facilitator wants to bring back one of the hidden Q&A items."""

    def __init__(self, view: PollActions, items: list[voting.QAView]) -> None:
        super().__init__(view)
        self.items = items
