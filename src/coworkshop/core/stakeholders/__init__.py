"""Stakeholder register and maps: power/interest (MASTERY) and knowledge and
power (SACCORD).

The rules, in one place (the README and the map's help repeat them):

* Direct ratings are whole numbers from 1 to 5 on two axes: power/influence
  (vertical) and interest/support (horizontal). **4 and 5 are high, 1 and 2
  are low, 3 is the middle**: a 3 counts as *low* for the quadrant (high has
  to be earned) and the stakeholder is shown *on the line*, a candidate to
  watch or discuss.
* SACCORD's yes/no questionnaires: a strict majority of "yes" is high, a
  strict majority of "no" is low, a tie (2 of 4 influence questions) is *on
  the line* and, like a 3, counts as low. The answers also place the
  stakeholder on the 1-5 axes: every answer yes -> 5, a majority of yes -> 4,
  a tie -> 3, a minority of yes -> 2, no yes at all -> 1.
* Knowledge: each answer counts as high (the best answer of its scale), medium
  (the one below it) or low (anything lower); a yes/no knowledge question is
  high for yes, low for no. The understanding is the average of those levels
  (low 1, medium 2, high 3): up to 1.5 is low, from 2.5 is high, in between is
  medium. With SACCORD's four questions that is a total of 4-6 low, 7-9
  medium, 10-12 high.
* Quadrants and strategies: high power and high interest: promoters, manage
  closely (SACCORD scenario 2); high power, low interest: keep satisfied
  (scenario 1); low power, high interest: keep informed (scenario 4); low
  power, low interest: monitor (scenario 3).
* A round is a dated mapping. A new round starts from the previous ratings
  (a stakeholder keeps its place until rated again); round 0 holds the places
  carried from the group's previous session. Movement is a change of quadrant
  from one round to the next.

Functions that change the file take the database session ``db`` and do not
commit: the caller commits once.
"""

from __future__ import annotations

from .mapdata import (
    MapData,
    MapEntry,
    Movement,
    map_data,
    movements,
)
from .register import (
    Place,
    Rating,
    add_stakeholder,
    add_template_register,
    carry_places,
    carry_register,
    current_round,
    delete_stakeholder,
    last_answers,
    new_round,
    nudge,
    places,
    rate,
    register,
    rounds,
    set_understanding,
    submit_questionnaire,
    template_register,
    update_stakeholder,
)
from .rules import (
    AXES,
    AXIS_NAMES,
    HIGH,
    LOW,
    MAX_NAME,
    MAX_NOTES,
    MIDDLE,
    PARTS,
    QUADRANTS,
    RULES_TEXT,
    SHAPE_TEXT,
    SHAPES,
    UNDERSTANDING,
    UNDERSTANDING_VALUE,
    MapQuestion,
    Quadrant,
    Score,
    answer_level,
    check_rating,
    is_high,
    level,
    majority,
    quadrant,
    questions,
    score,
    understanding,
    value_from_yes,
)

__all__ = [
    "AXES",
    "AXIS_NAMES",
    "HIGH",
    "LOW",
    "MAX_NAME",
    "MAX_NOTES",
    "MIDDLE",
    "MapData",
    "MapEntry",
    "MapQuestion",
    "Movement",
    "PARTS",
    "Place",
    "QUADRANTS",
    "Quadrant",
    "RULES_TEXT",
    "Rating",
    "SHAPES",
    "SHAPE_TEXT",
    "Score",
    "UNDERSTANDING",
    "UNDERSTANDING_VALUE",
    "add_stakeholder",
    "add_template_register",
    "answer_level",
    "carry_places",
    "carry_register",
    "check_rating",
    "current_round",
    "delete_stakeholder",
    "is_high",
    "last_answers",
    "level",
    "majority",
    "map_data",
    "movements",
    "new_round",
    "nudge",
    "places",
    "quadrant",
    "questions",
    "rate",
    "register",
    "rounds",
    "score",
    "set_understanding",
    "submit_questionnaire",
    "template_register",
    "understanding",
    "update_stakeholder",
    "value_from_yes",
]
