"""Three workshops with known answers, for the report tests.

Scale "rel": great / some / none; agreement = great + some, disagreement = none.
Groups: policy, industry, education (education never answers).

cp1 "Public support" (worked out in test_report_model):
  A (Italy/automotive): policy phones great 3, some 1 (one of them first said none,
      then changed to great); industry phones great 2; tally without group none 1.
  B (Italy/energy): policy great 1, none 1; industry some 2, none 2.
  C (Spain/energy): tally industry great 4, some 1.
cp2 "Recognition":
  A: policy great 2, some 1, none 1; industry great 1, none 1; tally without group great 2
     -> 6 agreeing of 8 = exactly 0.75.
  B: policy great 2; industry great 1, none 2 -> n exactly 5.
  C: tally industry great 2, none 2 -> 2 agreeing of 4.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from coworkshop.core import canvas, sessions, templates
from coworkshop.core import polls as voting
from coworkshop.core.store import Store

TEMPLATE = """
[template]
name = "t3"
title = "Three rooms"

[[stakeholder_groups]]
key = "policy"
label = "Policy makers"

[[stakeholder_groups]]
key = "industry"
label = "Industry"

[[stakeholder_groups]]
key = "education"
label = "Education <providers>"

[scales.rel]
label = "Relevance"
points = ["To a great extent", "To some extent", "Does not respond at all"]
agree = ["To a great extent", "To some extent"]
disagree = ["Does not respond at all"]

[[crosspoints]]
key = "cp1"
title = "Public support"
vision = "Public support for companies using micro-credentials"
need = "Upskilling"

[[crosspoints]]
key = "cp2"
title = "Recognition"
vision = "Recognition of micro-credentials"
need = "Mobility"

[[agenda]]
key = "canvas-1"
kind = "canvas"
title = "Pathway 1"
crosspoint = "cp1"

[[agenda]]
key = "grid"
kind = "canvas"
shape = "grid"
title = "Theory of Change Grid"
levels = [{key = "systemic", label = "Systemic"}, {key = "learners", label = "Learners"}]
timeframes = [{key = "short", label = "1-3 years"}, {key = "long", label = "6+ years"}]

[[agenda]]
key = "vote"
kind = "poll"
title = "Relevance"

[[agenda.questions]]
key = "rate"
type = "scale_statements"
text = "How relevant is each vision?"
scale = "rel"
statements_from = "crosspoints"

[[agenda.questions]]
key = "pick"
type = "single"
text = "Go on?"
options = ["Yes", "No", "Maybe"]

[[agenda.questions]]
key = "many"
type = "multiple"
text = "Which two?"
options = ["A", "B", "C", "D"]
max_choices = 2

[[agenda.questions]]
key = "order"
type = "ranking"
text = "Rank them"
options = ["X", "Y", "Z"]

[[agenda.questions]]
key = "say"
type = "open"
text = "What is missing?"

[[agenda.questions]]
key = "ask"
type = "qa"
text = "Questions?"
"""

def core(store: Store, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a core function whether it takes the store or a unit of work (``db``)
    that the caller commits: the core is moving from the first to the second."""
    if next(iter(inspect.signature(fn).parameters)) == "db":
        with store.unit() as db:  # type: ignore[attr-defined]
            return fn(db, *args, **kwargs)
    return fn(store, *args, **kwargs)


GREAT, SOME, NONE = 0, 1, 2
CP1, CP2 = 0, 1

SESSIONS = {
    "A": {"country": "Italy", "sector": "automotive", "date": "2025-03-01"},
    "B": {"country": "Italy", "sector": "energy", "date": "2025-04-01"},
    "C": {"country": "Spain", "sector": "energy", "date": "2025-05-01"},
}


def _polls(store: Store, session_id: str) -> dict[str, voting.PollInfo]:
    out = {}
    for p in voting.polls(store, session_id):
        out[p.question.key] = core(store, voting.open_poll, p.id)
    return out


def _rate(
    store: Store, session: Any, polls: dict[str, voting.PollInfo], group: str,
    ratings: dict[int, int],
) -> voting.Voter:
    v = voting.join(store, session, group).voter
    voting.cast_ballot(store, polls["rate"], v, {str(k): x for k, x in ratings.items()})
    return v


def fill_a(store: Store, session: Any) -> None:
    polls = _polls(store, session.id)
    # policy: cp1 great 3, some 1; cp2 great 2, some 1, none 1
    p1 = _rate(store, session, polls, "policy", {CP1: NONE, CP2: GREAT})
    voting.cast_ballot(store, polls["rate"], p1, {str(CP1): GREAT})  # changed: counts once
    p2 = _rate(store, session, polls, "policy", {CP1: GREAT, CP2: GREAT})
    p3 = _rate(store, session, polls, "policy", {CP1: GREAT, CP2: SOME})
    p4 = _rate(store, session, polls, "policy", {CP1: SOME, CP2: NONE})
    # industry: cp1 great 2; cp2 great 1, none 1
    i1 = _rate(store, session, polls, "industry", {CP1: GREAT, CP2: GREAT})
    i2 = _rate(store, session, polls, "industry", {CP1: GREAT, CP2: NONE})
    rate = polls["rate"]
    core(store, voting.set_tally, rate, NONE, 1, statement=CP1)
    core(store, voting.set_tally, rate, GREAT, 2, statement=CP2)
    # single: Yes 3, No 1
    for v, choice in ((p1, 0), (p2, 0), (p3, 0), (i1, 1)):
        voting.cast_ballot(store, polls["pick"], v, choice)
    for v, choice in ((p1, [0, 1]), (p2, [0]), (i1, [1, 2])):
        voting.cast_ballot(store, polls["many"], v, choice)
    voting.cast_ballot(store, polls["order"], p1, [0, 1, 2])
    voting.cast_ballot(store, polls["order"], i2, [1, 0, 2])
    voting.cast_ballot(store, polls["say"], p4, "Skills ")
    voting.cast_ballot(store, polls["say"], i1, "Green jobs")
    item = voting.qa_submit(store, polls["ask"], p2, "Who pays?")
    voting.qa_upvote(store, item.id, p3)
    voting.qa_upvote(store, item.id, i1)


def fill_b(store: Store, session: Any) -> None:
    polls = _polls(store, session.id)
    _rate(store, session, polls, "policy", {CP1: GREAT, CP2: GREAT})
    _rate(store, session, polls, "policy", {CP1: NONE, CP2: GREAT})
    i1 = _rate(store, session, polls, "industry", {CP1: SOME, CP2: GREAT})
    _rate(store, session, polls, "industry", {CP1: SOME, CP2: NONE})
    _rate(store, session, polls, "industry", {CP1: NONE, CP2: NONE})
    _rate(store, session, polls, "industry", {CP1: NONE})
    core(store, voting.set_tally, polls["pick"], 0, 2)  # Yes 2 by show of hands
    voting.cast_ballot(store, polls["say"], i1, "skills")


def fill_c(store: Store, session: Any) -> None:
    polls = _polls(store, session.id)
    rate = polls["rate"]
    core(store, voting.set_tally, rate, GREAT, 4, statement=CP1, stakeholder_group="industry")
    core(store, voting.set_tally, rate, SOME, 1, statement=CP1, stakeholder_group="industry")
    core(store, voting.set_tally, rate, GREAT, 2, statement=CP2, stakeholder_group="industry")
    core(store, voting.set_tally, rate, NONE, 2, statement=CP2, stakeholder_group="industry")


FILL = {"A": fill_a, "B": fill_b, "C": fill_c}


def add_session(store: Store, name: str) -> Any:
    tpl = templates.parse_text(TEMPLATE, "t3.toml")
    details = sessions.SessionDetails(title=f"Workshop {name}", place=f"Place {name}",
                                      **SESSIONS[name])
    session = core(store, sessions.create_session, tpl, details, TEMPLATE)
    FILL[name](store, session)
    if name == "A":
        act = next(a for a in core(store, sessions.activities, session.id)
                   if a.key == "canvas-1")
        change = core(store, canvas.add_card, act.id, "change", "More firms use micro-credentials")
        how = core(store, canvas.add_card, act.id, "how", "Vouchers", link_id=change.id)
        core(store, canvas.add_card, act.id, "what", "A voucher scheme", link_id=how.id)
        core(store, canvas.edit_card, how.id, "Vouchers for SMEs")
        core(store, canvas.add_comment, how.id, "Who pays for them?", from_group="g2")
        grid = next(a for a in core(store, sessions.activities, session.id) if a.key == "grid")
        core(store, canvas.add_card, grid.id, "learners/short", "Adults <learn> at work",
             stakeholders="VET providers")
    return session


def make_files(folder: Path, names: str = "ABC") -> list[Path]:
    """One file per workshop, closed as the app leaves them (no side files)."""
    paths = []
    for name in names:
        path = folder / f"workshop-{name}.cws"
        store = Store.create(path)
        add_session(store, name)
        store.close()
        paths.append(path)
    return paths


def make_merged(path: Path, names: str = "ABC") -> Path:
    """All workshops in one file, as a merged file holds them."""
    store = Store.create(path)
    for name in names:
        add_session(store, name)
    store.close()
    return path
