"""Small builders for core tests."""

from __future__ import annotations

from pathlib import Path

from coworkshop.core import sessions, templates
from coworkshop.core.models import Activity, Session
from coworkshop.core.store import Store
from helpers.db import commit
from helpers.templates import canvas, grid, poll, question, template_toml

TEMPLATE = template_toml(
    canvas("canvas-1", "Pathway 1", timebox=30, crosspoint="cp1"),
    grid(),
    poll(
        "poll",
        "Relevance",
        question(
            "rate",
            "scale_statements",
            "How relevant is each vision?",
            scale="rel",
            statements_from="crosspoints",
        ),
    ),
    scales={"rel": {"label": "Relevance", "points": ["great", "some", "none"]}},
    crosspoints=[
        {
            "key": "cp1",
            "title": "Public support",
            "vision": "Public support for companies using micro-credentials",
            "need": "Upskilling for green jobs",
        }
    ],
)




def make_session(path: Path | None = None) -> tuple[Store, Session]:
    tpl = templates.parse_text(TEMPLATE, "test.toml")
    store = Store.create(path) if path else Store.memory()
    session = commit(
        store,
        sessions.create_session,
        tpl,
        sessions.SessionDetails(title="Sofia", date="2025-06-12", country="Bulgaria"),
    )
    return store, session


def activity(store: Store, session: Session, key: str) -> Activity:
    with store.db() as db:
        return next(a for a in sessions.activities(db, session.id) if a.key == key)

