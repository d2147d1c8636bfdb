"""A lived-in demo session, so that a newcomer sees a workshop in progress.

Built from the bundled MASTERY policy co-creation template through the same
core functions the TUI uses (so it also exercises them): participants of every
stakeholder group, two breakout groups, three canvases with linked pathways,
feedback comments and a revision after feedback, a stakeholder map in two
rounds and a checklist, and the first two polls answered by 13 phones (plus a
show of hands) so that results and reports have something to show.
"""

from __future__ import annotations

import random
from pathlib import Path

from sqlmodel import Session as DBSession

from .core import canvas, sessions, templates
from .core.models import Session
from .core.store import Store

DEMO_TEMPLATE = "mastery-policy-cocreation"

PARTICIPANTS = [
    ("policy", "Elena Petrova", "Ministry of Education and Science", "Bulgaria", "Group A"),
    ("policy", "", "Regional Development Agency", "Bulgaria", "Group B"),
    ("policy", "Georgi Ivanov", "Municipality of Sofia, skills unit", "Bulgaria", "Group A"),
    (
        "industry",
        "Martin Dimitrov",
        "Builders Association, training committee",
        "Bulgaria",
        "Group B",
    ),
    ("industry", "", "Green retrofit contractor (SME)", "Bulgaria", "Group A"),
    ("industry", "Iva Koleva", "Precast concrete manufacturer", "Bulgaria", "Group B"),
    ("industry", "Nikolai Stoyanov", "Energy-efficiency installer", "Bulgaria", "Group A"),
    ("education", "Prof. Maria Todorova", "University of Architecture", "Bulgaria", "Group B"),
    ("education", "Stefan Angelov", "Vocational school for construction", "Bulgaria", "Group A"),
    ("education", "", "Adult learning centre", "Bulgaria", "Group B"),
    ("intermediary", "Daniela Popova", "Chamber of Commerce", "Bulgaria", "Group A"),
    ("intermediary", "Petar Nikolov", "Employment agency, regional office", "Bulgaria", "Group B"),
    ("intermediary", "", "Trade union, construction branch", "Bulgaria", "Group A"),
]

# One pathway per canvas: (change, [(how, [what, ...]), ...]) for up to two changes.
PATHWAYS = [
    [
        (
            "Small construction firms use short, certified courses to upskill site staff "
            "in energy-efficient retrofitting",
            [
                (
                    "Run a voucher pilot with the regional agency that pays for a first "
                    "micro-credential per employee",
                    ["Voucher scheme guide for SMEs", "40 employees certified in the pilot"],
                ),
                ("Match firms to providers at chamber events", ["Calendar of matchmaking days"]),
            ],
        ),
        (
            "The ministry recognises green retrofit micro-credentials in public tender criteria",
            [("Draft a policy brief with the builders association", ["Policy brief (8 pages)"])],
        ),
    ],
    [
        (
            "Providers describe every micro-credential with the same elements: outcomes, "
            "workload, level, assessment",
            [
                (
                    "Agree a one-page description template with VET schools and universities",
                    ["Shared description template", "Catalogue of 25 described offers"],
                ),
            ],
        ),
    ],
    [
        (
            "Employers tell providers each year which green skills they are missing",
            [
                ("Hold a yearly skills-needs survey through the chamber", ["Skills-needs report"]),
                ("Set up a standing employer panel at the vocational school", []),
            ],
        ),
    ],
]

COMMENTS = [
    (0, 0, "Group B", "Who pays after the pilot? Name a funding line."),
    (0, 1, "Group B", "Tender criteria need the procurement office at the table."),
    (1, 0, "Group A", "Add the EQF level to the template, employers asked for it."),
]


def build_demo(path: Path, templates_dir: Path) -> Store:
    """Create ``path`` holding a demo session; returns the open store."""
    tpath = templates.resolve(DEMO_TEMPLATE, templates_dir)
    details = sessions.SessionDetails(
        title="Validation workshop: green skills in construction",
        date="2025-06-12",
        place="Sofia",
        country="Bulgaria",
        sector="Construction",
        language="en",
        facilitator="Mariya Hristova",
    )
    store, session = sessions.create_session_file(path, tpath, details)
    try:
        # the polls first, as the day ran: opening a question runs its
        # activity, which would finish the canvas _fill leaves running
        _vote(store, session)
        with store.unit() as db:
            _fill(db, session)
    except Exception:
        store.close()
        raise
    return store


# How the room rated the eight cross-points' relevance (0 "to a great extent",
# 1 "to some extent", 2 "does not respond at all"), one string per statement,
# one character per phone: a clear consensus, a contested one, the rest between.
RELEVANCE = [
    "0010001001000",
    "0100100110010",
    "1212021201220",
    "0001000010011",
    "1110110121111",
    "2122012221102",
    "0000100001000",
    "1201102101112",
]
STAGES = [1, 2, 1, 0, 1, 3, 2, 2, 3, 1, 2, 1, 2]
WORDS = ["flexibility", "recognition", "Flexibility", "trust", "stackable", "quality",
         "recognition", "speed", "flexibility", "portability", "recognition", "trust"]


def _vote(store: Store, session: Session) -> None:
    """The welcome and relevance polls as phones answered them: 13 phones,
    anonymous (pseudonyms, as the participants' server stores them), plus a
    show of hands for the stage question from two people without a phone."""
    from .core import polls as voting

    by_ref = {p.ref: p for p in voting.polls(store, session.id)}
    refs = ["welcome/stage", "welcome/first-word", "relevance/cp-relevance"]
    if not all(r in by_ref for r in refs):
        return  # the demo template changed: leave the polls as drafts
    rng = random.Random(2025)
    groups = [group for group, *_ in PARTICIPANTS]
    voters = [voting.Voter(f"anon-{rng.getrandbits(128):032x}", g) for g in groups]
    # one activity at a time, as in the room: opening the relevance poll runs
    # its activity, which finishes the welcome and closes its questions
    welcome, relevance = refs[:2], refs[2:]
    with store.unit() as db:
        for ref in welcome:
            voting.open_poll(db, by_ref[ref].id)
    opened = {p.ref: p for p in voting.polls(store, session.id)}
    for i, voter in enumerate(voters):
        voting.cast_ballot(store, opened["welcome/stage"], voter, STAGES[i % len(STAGES)])
        if i < len(WORDS):
            voting.cast_ballot(store, opened["welcome/first-word"], voter, WORDS[i])
    with store.unit() as db:
        voting.set_tally(db, opened["welcome/stage"], 1, 2, source="hands")
        for ref in welcome:
            voting.close_question(db, opened[ref].id)
        for ref in relevance:
            voting.open_poll(db, by_ref[ref].id)
    opened = {p.ref: p for p in voting.polls(store, session.id)}
    for i, voter in enumerate(voters):
        ratings = {str(s): int(row[i]) for s, row in enumerate(RELEVANCE) if i < len(row)}
        voting.cast_ballot(store, opened["relevance/cp-relevance"], voter, ratings)
    with store.unit() as db:
        # finishing the activity closes its question and shows the results
        sessions.set_activity_status(db, opened["relevance/cp-relevance"].activity_id, "done")


def _fill(db: DBSession, session: Session) -> None:
    """People, cards, comments and a revision: one transaction."""
    for group, name, org, country, breakout in PARTICIPANTS:
        sessions.add_participant(db, session, group, name, org, country, breakout)
    canvases = [a for a in sessions.activities(db, session.id) if a.kind == "canvas"]
    first_cards: list[list[str]] = []
    for i, (act, pathway) in enumerate(zip(canvases, PATHWAYS, strict=False)):
        group = "Group A" if i % 2 == 0 else "Group B"
        sessions.set_activity_group(db, act.id, group)
        ids: list[str] = []
        for change_text, hows in pathway:
            change = canvas.add_card(db, act.id, "change", change_text, group=group)
            ids.append(change.id)
            for how_text, whats in hows:
                how = canvas.add_card(
                    db, act.id, "how", how_text, link_id=change.id, group=group
                )
                for what_text in whats:
                    canvas.add_card(db, act.id, "what", what_text, link_id=how.id, group=group)
        first_cards.append(ids)
    for canvas_no, card_no, group, text in COMMENTS:
        if canvas_no < len(first_cards) and card_no < len(first_cards[canvas_no]):
            canvas.add_comment(db, first_cards[canvas_no][card_no], text, group)
    if first_cards and first_cards[0]:
        # the owning group took the first comment on board
        canvas.revise_card(
            db,
            first_cards[0][0],
            PATHWAYS[0][0][0] + ", funded by the regional skills programme after the pilot",
            group="Group A",
        )
    acts = sessions.activities(db, session.id)
    if acts:
        sessions.set_activity_status(db, acts[0].id, "done")
    if canvases:
        sessions.set_activity_status(db, canvases[0].id, "done")
        if len(canvases) > 1:
            sessions.set_activity_status(db, canvases[1].id, "running")
    add_demo_map_and_checklist(db, session)


# Eight actors of a construction ecosystem, as a group would map them: name,
# stakeholder group, organisation, (power, interest) in round 1 and round 2.
MAP = [
    ("Ministry of Education and Science", "policy", "VET directorate", (5, 4), (5, 4)),
    ("Ministry of Regional Development", "policy", "", (4, 2), (4, 2)),
    ("Bulgarian Construction Chamber", "intermediary", "", (4, 5), (4, 5)),
    ("Employment Agency", "intermediary", "regional office", (3, 3), (4, 4)),
    ("VET school for construction", "education", "Sofia", (2, 5), (2, 5)),
    ("University of Architecture and Civil Engineering", "education", "", (3, 4), (3, 4)),
    ("Large contractors", "industry", "", (4, 3), (4, 3)),
    ("SME builders' association", "industry", "", (2, 4), (2, 4)),
]
CHECKLIST = [
    ("q01-identified", "yes", "Eight actors mapped today", ""),
    ("q03-analysed", "partly", "Power/interest done; expectations not yet", "Mariya Hristova"),
    ("q08-coordinator", "no", "Ask the ministry to name someone", "Ministry of Education"),
]


def add_demo_map_and_checklist(db: DBSession, session: Session) -> None:
    """Two rounds of the power/interest map (one actor moves) and a few answers."""
    from .core import checklist as cl
    from .core import stakeholders as sh

    acts = sessions.activities(db, session.id)
    the_map = next((a for a in acts if a.kind == "stakeholder_map"), None)
    check = next((a for a in acts if a.kind == "checklist"), None)
    if the_map is not None:
        sh.new_round(db, the_map, "2025-06-12", "first mapping")
        ids = []
        for name, group, org, (p, i), _later in MAP:
            s = sh.add_stakeholder(db, session, name, group, org)
            sh.rate(db, the_map, s.id, p, i)
            ids.append(s.id)
        sh.new_round(db, the_map, "2025-06-12", "end of the workshop")
        for sid, (_n, _g, _o, first, later) in zip(ids, MAP, strict=True):
            if later != first:
                sh.rate(db, the_map, sid, *later)
    if check is not None:
        for key, status, note, owner in CHECKLIST:
            cl.set_entry(db, check, key, status=status, note=note, owner=owner)
