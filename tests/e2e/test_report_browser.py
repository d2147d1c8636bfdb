"""The HTML report in real headless Chromium: it renders, logs no error, and
the numbers on the page are the numbers of the JSON."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from coworkshop import report
from coworkshop.report.view import pct
from unit import workshops

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not os.path.exists(CHROMIUM) and not os.environ.get("CI"):
    pytest.skip("Debian's chromium is not installed (.ci/run installs it)",
                allow_module_level=True)

sync_api = pytest.importorskip("playwright.sync_api")


def test_html_report_renders_and_matches_the_json(tmp_path: Path) -> None:
    files = workshops.make_files(tmp_path)
    page_file = tmp_path / "report.html"
    page_file.write_text(report.render(files, "html"), encoding="utf-8")
    data = json.loads(report.render(files, "json"))

    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            problems: list[str] = []
            page.on("pageerror", lambda e: problems.append(str(e)))
            page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
            requests: list[str] = []
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            page.wait_for_selector("#consensus article")

            assert problems == []
            assert requests == [page_file.as_uri()]  # self-contained: nothing else is fetched
            # the consensus section comes first and holds cp1, the contested one cp2
            assert page.locator("#consensus article").get_attribute("data-statement") == "cp1"
            assert page.locator("#contested article").get_attribute("data-statement") == "cp2"

            checked = 0
            for q in data["questions"]:
                for st in q.get("statements", []):
                    art = page.locator(f'article[data-ref="{q["ref"]}"]'
                                       f'[data-statement="{st["key"]}"]')
                    rows = {"overall": ("", st), **{f"group:{g}": (g, f)
                            for g, f in st["by_group"].items()},
                            **{f"country:{c}": (c, f) for c, f in st["by_country"].items()}}
                    for name, (key, f) in rows.items():
                        kind = name.split(":")[0]
                        row = art.locator(f'tr[data-row="{kind}"][data-key="{key}"]')
                        assert row.locator('[data-field="n"]').inner_text() == str(f["n"])
                        counts = row.locator('[data-field="count"]').all_inner_texts()
                        assert counts == [str(c) for c in f["counts"]]
                        assert row.locator('[data-field="agree"]').inner_text() == pct(f["agree"])
                        assert (row.locator('[data-field="disagree"]').inner_text()
                                == pct(f["disagree"]))
                        status = row.locator('[data-field="status"]').get_attribute("data-status")
                        assert status == f["status"]
                        checked += 1
                    gi = art.locator('[data-field="group_informed"]').inner_text()
                    assert gi == f"{st['group_informed']:.2f}"
                for o in q.get("options", []):
                    if q["type"] == "ranking":
                        continue
                    row = page.locator(f'div[data-ref="{q["ref"]}"] tr[data-option="{o["key"]}"]')
                    assert row.locator('[data-field="count"]').inner_text() == str(o["count"])
                    assert row.locator('[data-field="share"]').inner_text() == pct(o["share"])
                    checked += 1
            assert checked == 2 * 6 + 3 + 4
            # the diverging bars are drawn: agreement right of the middle line
            bar = page.locator('#consensus tr[data-row="overall"] svg.bar')
            box = bar.bounding_box()
            assert box and box["width"] > 100
            greens = bar.locator('rect[fill="#1b7837"]')
            assert float(greens.first.get_attribute("x") or 0) >= 60  # right half of 120
            for s in data["sessions"]:
                cell = page.locator(f'tr[data-session="{s["id"]}"] [data-field="participants"]')
                assert cell.inner_text() == str(s["participants"])
            # prints on A4
            pdf = page.pdf(format="A4")
            assert pdf[:4] == b"%PDF"
        finally:
            browser.close()
