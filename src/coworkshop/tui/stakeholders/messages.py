"""What happened on a stakeholder map or a checklist (all already saved)."""

from __future__ import annotations

from textual.message import Message


class MapChanged(Message):
    """Something on a stakeholder map was saved (base of the messages below)."""

    def __init__(self, stakeholder_id: str = "") -> None:
        super().__init__()
        self.stakeholder_id = stakeholder_id


class StakeholderAdded(MapChanged):
    """A stakeholder joined the register."""


class StakeholderEdited(MapChanged):
    """A stakeholder's name, group, organisation or notes changed."""


class StakeholderDeleted(MapChanged):
    """A stakeholder left the register (its ratings stay in the file)."""


class StakeholderMoved(MapChanged):
    """A stakeholder's rating changed (an arrow key, or its understanding)."""


class QuestionnaireFilled(MapChanged):
    """A questionnaire was filled for a stakeholder and placed it."""


class RoundStarted(MapChanged):
    """A new mapping round began."""


class RegisterCarried(MapChanged):
    """Stakeholders came from the template or a previous session."""


class ChecklistChanged(Message):
    """A checklist item's status, note, owner or due date was saved."""

    def __init__(self, item_key: str = "") -> None:
        super().__init__()
        self.item_key = item_key
