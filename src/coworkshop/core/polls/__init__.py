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
'''
