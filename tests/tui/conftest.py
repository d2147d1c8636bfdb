"""TUI fixtures: a private templates folder, session files made by the core,
and helpers that read what the user sees."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

# A small plan with one of every activity, so that the TUI tests do not depend
# on the wording of the bundled templates (which change as they are written).
TEST_TEMPLATE = """
[template]
name = "tui-test"
title = "TUI test workshop"
language = "en"
source = "written for the TUI tests"

[[stakeholder_groups]]
key = "policy"
label = "Policy makers"
color = "blue"

[[stakeholder_groups]]
key = "industry"
label = "Industry"
color = "tan"

[scales.agreement]
label = "Agreement"
points = ["Agree", "Can live with it", "Disagree"]
agree = ["Agree", "Can live with it"]
disagree = ["Disagree"]

[[crosspoints]]
key = "cp1"
title = "Transparent micro-credentials"
vision = "Every micro-credential states its learning outcomes and workload."
need = "Employers hardly know what a micro-credential proves."

[[crosspoints]]
key = "cp2"
title = "Quality assurance that fits"
vision = "Quality assurance suits its purpose."
need = "Industry wants a real check of what was learned."

[[agenda]]
key = "canvas-cp1"
kind = "canvas"
title = "Pathway: transparency"
timebox = 30
crosspoint = "cp1"

[agenda.prompts]
change = "Who behaves differently once micro-credentials are transparent?"

[[agenda]]
key = "grid"
kind = "canvas"
shape = "grid"
title = "CREDEX grid"
timebox = 20
levels = [
  { key = "systemic", label = "Systemic" },
  { key = "learners", label = "Learners" },
]
timeframes = [
  { key = "short", label = "Short term" },
  { key = "long", label = "Long term" },
]

[[agenda]]
key = "relevance"
kind = "poll"
title = "Relevance of the cross-points"
timebox = 10
description = "Let everyone rate all cross-points."

[[agenda.questions]]
key = "rel"
type = "scale_statements"
text = "How far does each vision answer the need?"
scale = "agreement"
statements_from = "crosspoints"

[[agenda.questions]]
key = "stage"
type = "single"
text = "Where do you stand?"
options = ["Not started", "Piloting"]

[[agenda]]
key = "map"
kind = "stakeholder_map"
title = "Power and interest"
method = "power_interest"
max_actors = 8

[[agenda]]
key = "check"
kind = "checklist"
title = "Group checklist"

[[agenda.stages]]
key = "stage1"
title = "Stage 1 - Set up"

[[agenda.stages.items]]
key = "coordinator"
text = "Appoint a coordinator"
help = "Someone who can organise and mediate."
"""


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
