"""Small builders for core tests."""

from __future__ import annotations

from pathlib import Path

from coworkshop.core import sessions, templates
from coworkshop.core.models import Session
from coworkshop.core.store import Store

TEMPLATE = """
[template]
name = "t"
title = "Test workshop"
language = "en"

[[stakeholder_groups]]
key = "policy"
label = "Policy makers"

[[stakeholder_groups]]
key = "industry"
label = "Industry"

[scales.rel]
label = "Relevance"
points = ["great", "some", "none"]

[[crosspoints]]
key = "cp1"
title = "Public support"
vision = "Public support for companies using micro-credentials"
need = "Upskilling for green jobs"

[[agenda]]
key = "canvas-1"
kind = "canvas"
title = "Pathway 1"
timebox = 30
crosspoint = "cp1"

[[agenda]]
key = "grid"
kind = "canvas"
shape = "grid"
title = "Grid"
levels = [{key = "systemic", label = "Systemic"}, {key = "learners", label = "Learners"}]
timeframes = [{key = "short", label = "1-3 years"}, {key = "long", label = "6+ years"}]

[[agenda]]
key = "poll"
kind = "poll"
title = "Relevance"

[[agenda.questions]]
key = "rate"
type = "scale_statements"
text = "How relevant is each vision?"
scale = "rel"
statements_from = "crosspoints"
"""


def make_session(path: Path | None = None) -> tuple[Store, Session]:
    tpl = templates.parse_text(TEMPLATE, "test.toml")
    store = Store.create(path) if path else Store.memory()
    session = sessions.create_session(
        store, tpl, sessions.SessionDetails(title="Sofia", date="2025-06-12", country="Bulgaria")
    )
    return store, session


def activity(store: Store, session: Session, key: str):  # type: ignore[no-untyped-def]
    return next(a for a in sessions.activities(store, session.id) if a.key == key)
