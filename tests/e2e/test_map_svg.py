"""The stakeholder map as SVG renders in real headless Chromium, with every
stakeholder, the quadrant labels, the legend, and names escaped."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from coworkshop.core import map_svg, sessions, templates
from coworkshop.core import stakeholders as sh
from coworkshop.core.store import Store
from helpers.db import commit

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")

NASTY = 'Ministry <Culture> & "Arts" </svg><script>window.hacked=1</script>'


@pytest.fixture
def svg() -> str:
    tpl = templates.load(REPO / "canvases" / "saccord-stakeholder-mapping.toml")
    store = Store.memory()
    session = commit(store, sessions.create_session, tpl, sessions.SessionDetails(title="Brno"))
    act = next(a for a in commit(store, sessions.activities, session.id)
               if a.kind == "stakeholder_map")
    qs = sh.questions(session, act)
    with store.db() as db:
        a = sh.add_stakeholder(db, session, NASTY, "public")
        b = sh.add_stakeholder(db, session, "Academy of Arts", "education")
        sh.add_stakeholder(db, session, "Not yet mapped", "learners")
        answers = {q.key: (q.n_points - 1 if q.points else 1) for q in qs}
        sh.submit_questionnaire(db, session, act, a.id, answers)
        sh.rate(db, act, b.id, 2, 4)
        sh.new_round(db, act)
        sh.nudge(db, act, b.id, d_power=2)
        data = sh.map_data(db, session, act)
    return map_svg.map_svg(data)


@pytest.fixture
def page() -> Iterator[object]:
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser.new_page()
        finally:
            browser.close()


def test_map_svg_renders_with_escaped_names(svg: str, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    path = tmp_path / "map.svg"
    path.write_text(svg, encoding="utf-8")
    page.goto(path.as_uri())
    # parsed as an SVG document: a parse error would show Chromium's error page
    assert page.evaluate("document.documentElement.tagName") == "svg"
    assert page.evaluate("document.querySelectorAll('parsererror').length") == 0
    assert page.evaluate("window.hacked") is None and errors == []
    names = page.eval_on_selector_all("g.mark", "els => els.map(e => e.dataset.name)")
    assert names == [NASTY, "Academy of Arts"]  # the unmapped one is only in the legend
    legend = page.eval_on_selector_all("text.legend-name", "els => els.map(e => e.textContent)")
    assert legend[0] == f"1 {NASTY} (manage closely)"
    assert legend[2] == "3 Not yet mapped (not placed)"
    text = page.evaluate("document.documentElement.textContent")
    for label in ("scenario 1", "scenario 2", "scenario 3", "scenario 4", "manage closely",
                  "keep satisfied", "keep informed", "monitor", "Understanding",
                  "Public authorities and policy makers"):
        assert label in text
    moved = page.eval_on_selector_all("text.movement", "els => els.map(e => e.textContent)")
    assert moved == ["Academy of Arts: keep informed → manage closely (influence ↑2→4)"]
    assert page.eval_on_selector_all("g.ghost", "els => els.length") == 1
    box = page.evaluate("(() => { const b = document.documentElement.getBBox(); "
                        "return [b.width, b.height]; })()")
    assert box[0] > 400 and box[1] > 400
