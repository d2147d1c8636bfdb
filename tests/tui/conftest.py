"""TUI fixtures: a private templates folder, session files made by the core,
and helpers that read what the user sees."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.templates import CROSSPOINTS, canvas, grid, poll, question, template_toml

REPO = Path(__file__).resolve().parents[2]

# A small plan with one of every activity, so that the TUI tests do not depend
# on the wording of the bundled templates (which change as they are written).
TEST_TEMPLATE = template_toml(
    canvas("canvas-cp1", "Pathway: transparency", timebox=30, crosspoint="cp1",
           prompts={"change": "Who behaves differently once micro-credentials are transparent?"}),
    grid("grid", "CREDEX grid", timebox=20,
         timeframes=[{"key": "short", "label": "Short term"},
                     {"key": "long", "label": "Long term"}]),
    poll(
        "relevance",
        "Relevance of the cross-points",
        question("rel", "scale_statements", "How far does each vision answer the need?",
                 scale="agreement", statements_from="crosspoints"),
        question("stage", "single", "Where do you stand?", options=["Not started", "Piloting"]),
        timebox=10,
        description="Let everyone rate all cross-points.",
    ),
    {"key": "map", "kind": "stakeholder_map", "title": "Power and interest",
     "method": "power_interest", "max_actors": 8},
    {"key": "check", "kind": "checklist", "title": "Group checklist",
     "stages": [{"key": "stage1", "title": "Stage 1 - Set up",
                 "items": [{"key": "coordinator", "text": "Appoint a coordinator",
                            "help": "Someone who can organise and mediate."}]}]},
    name="tui-test",
    title="TUI test workshop",
    source="written for the TUI tests",
    groups=[
        {"key": "policy", "label": "Policy makers", "color": "blue"},
        {"key": "industry", "label": "Industry", "color": "tan"},
    ],
    scales={"agreement": {"label": "Agreement",
                          "points": ["Agree", "Can live with it", "Disagree"],
                          "agree": ["Agree", "Can live with it"],
                          "disagree": ["Disagree"]}},
    crosspoints=CROSSPOINTS,
)


@pytest.fixture(autouse=True)
def tui_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Private sessions and templates folders; no animations."""
    sessions = tmp_path / "sessions"
    sessions.mkdir(exist_ok=True)
    templates = tmp_path / "templates"
    templates.mkdir()
    for toml in (REPO / "canvases").glob("*.toml"):
        shutil.copy(toml, templates / toml.name)
    (templates / "tui-test.toml").write_text(TEST_TEMPLATE, encoding="utf-8")
    monkeypatch.setenv("COWORKSHOP_SESSIONS", str(sessions))
    monkeypatch.setenv("COWORKSHOP_TEMPLATES", str(templates))
    monkeypatch.setenv("TEXTUAL_ANIMATIONS", "none")
    yield


@pytest.fixture
def sessions_dir(tmp_path: Path) -> Path:
    return tmp_path / "sessions"


@pytest.fixture
def templates_dir(tmp_path: Path) -> Path:
    return tmp_path / "templates"


@pytest.fixture
def session_file(sessions_dir: Path, templates_dir: Path) -> Path:
    """A session made from the test template by the core, as the CLI would."""
    from coworkshop.core.sessions import SessionDetails, create_session_file, default_path

    details = SessionDetails(
        title="Sofia validation", date="2025-06-12", place="Sofia", country="Bulgaria",
        facilitator="Mariya",
    )
    path = default_path(sessions_dir, details)
    store, _ = create_session_file(path, templates_dir / "tui-test.toml", details)
    store.close()
    return path
