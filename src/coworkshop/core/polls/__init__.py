'''Live voting: polls, scales, devices, ballot values, ballots, tallies, Q&A, results.

Identity rule (what the merge and the reports rely on)
-------------------------------------------------------
Sessions are compared by keys, never by positions in a list:

- the same question in two sessions = the same activity key + question key
  (``ACTIVITY_KEY/QUESTION_KEY``, the poll's ``ref``);
- the same statement = the same statement key (a cross-point's key where the
  statements come from the cross-points);
- the same option or scale point = the same key.

Keys come from the template (``{key = "...", label = "..."}``) or, for a plain
string, are derived once from the text (a slug, unique within its list) when
the session is made, and stored; a later change of the template's wording does
not change them.

Frozen definition
-----------------
When a question is made (with its session, or added in the app), its poll row
is made with its full definition frozen as JSON in ``poll.definition``;
results, the server and reports read that, never the template again::

    {
      "activity_key": "validation", "key": "importance",
      "type": "scale_statements",      # single multiple scale scale_statements
                                       # ranking open wordcloud qa
      "text": "How important is ...?",
      "options": [{"key": "funding", "label": "Funding"}],        # single, multiple, ranking
      "scale": {"key": "importance", "label": "Importance",       # scale types, else null
                "points": [{"key": "not-important", "label": "Not important"}, ...],
                "agree": ["very-important", "essential"],
                "disagree": ["not-important", "slightly-important"],
                "description": ""},
      "statements": [{"key": "cp1", "text": "Measurable, ..."}],  # scale_statements
      "statements_from": "crosspoints",                           # or ""
      "max_choices": 3, "max_length": 280, "anonymous": true
    }

Stored values
-------------
``ballot.statement_key`` is the statement's key ("" for a question without
statements); ``ballot.value`` is JSON by keys: single and scale - the option
or point key; multiple - a list of option keys (in the definition's order);
ranking - every option key once, most preferred first; scale_statements - the
point key (one row per statement); open and wordcloud - the text.
``tally.statement_key`` and ``tally.choice_key`` likewise.

The participants' phones keep sending positions (0 = first option, point or
statement), as the README documents; they are mapped to keys through the
frozen definition before anything is stored.

Modules, one job each: :mod:`.scales` (the scale resolver), :mod:`.polls`
(state, making polls, frozen definitions), :mod:`.devices` (joining, tokens),
:mod:`.values` (checking ballot values, positions <-> keys), :mod:`.ballots`
(the group-commit writer, answers), :mod:`.tallies`, :mod:`.qa`,
:mod:`.results` (a pure function over counted rows). The names below are the
package's API; callers write ``from coworkshop.core import polls as voting``.
To reach a module, import it by its full path
(``from coworkshop.core.polls.results import compute``): the package's
attributes ``polls`` and ``results`` are the functions of those names.
'''

from __future__ import annotations

from ..errors import RuleError, UserError
from ..rules import readable, text_problem
from .ballots import (
    BallotRequest,
    CastResult,
    Progress,
    answers_for,
    answers_of,
    ballot_history,
    cast_ballot,
    cast_ballots,
    live_ballots,
    progress,
)
from .devices import (
    Joined,
    Voter,
    hash_token,
    join,
    join_as,
    join_many,
    joined_count,
    new_join_code,
    voter_for_token,
)
from .polls import (
    POLL_STATES,
    PollInfo,
    add_poll_activity,
    add_question,
    close_poll,
    close_question,
    find_polls,
    freeze,
    get_poll,
    open_poll,
    open_polls,
    polls,
    set_results_visible,
)
from .qa import (
    MAX_QA_ITEMS_PER_PARTICIPANT,
    QAView,
    qa_items,
    qa_set,
    qa_submit,
    qa_upvote,
    upvoted_by,
)
from .results import (
    UNSPLIT,
    BallotCount,
    Results,
    Row,
    StatementResult,
    TallyCount,
    TextAnswer,
    compute,
    normalise_word,
    question_polls,
    results,
    results_across,
)
from .scales import STANDARD_SCALES, resolve_scale
from .tallies import MAX_TALLY, TALLY_SOURCES, TALLY_TYPES, set_tally, tallies
from .values import ballot_positions, check_value, to_keys, to_positions

__all__ = [
    "MAX_QA_ITEMS_PER_PARTICIPANT",
    "MAX_TALLY",
    "POLL_STATES",
    "STANDARD_SCALES",
    "TALLY_SOURCES",
    "TALLY_TYPES",
    "UNSPLIT",
    "BallotCount",
    "BallotRequest",
    "CastResult",
    "Joined",
    "PollInfo",
    "Progress",
    "QAView",
    "Results",
    "Row",
    "RuleError",
    "StatementResult",
    "TallyCount",
    "TextAnswer",
    "UserError",
    "Voter",
    "add_poll_activity",
    "add_question",
    "answers_for",
    "answers_of",
    "ballot_history",
    "ballot_positions",
    "cast_ballot",
    "cast_ballots",
    "check_value",
    "close_poll",
    "close_question",
    "compute",
    "find_polls",
    "freeze",
    "get_poll",
    "hash_token",
    "join",
    "join_as",
    "join_many",
    "joined_count",
    "live_ballots",
    "new_join_code",
    "normalise_word",
    "open_poll",
    "open_polls",
    "polls",
    "progress",
    "qa_items",
    "qa_set",
    "qa_submit",
    "qa_upvote",
    "readable",
    "resolve_scale",
    "results",
    "results_across",
    "question_polls",
    "set_results_visible",
    "set_tally",
    "tallies",
    "text_problem",
    "to_keys",
    "to_positions",
    "upvoted_by",
    "voter_for_token",
]
