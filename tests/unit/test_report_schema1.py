"""A schema-1 file (made by the released code) reports the answers it reported
then, read without being changed or migrated."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from coworkshop import report
from coworkshop.report import model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_schema1_file_reports_the_counts_it_reported(tmp_path: Path) -> None:
    path = tmp_path / "old.cws"
    shutil.copy(FIXTURES / "schema1.cws", path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    expected: dict[str, Any] = json.loads((FIXTURES / "schema1_results.json").read_text())

    rep = model.build([path])
    questions = {q["ref"]: q for q in rep["questions"]}
    checked = 0
    for ref, old in expected.items():
        q = questions[ref]
        if "options" in q and q["type"] != "ranking":
            assert [o["count"] for o in q["options"]] == [r["count"] for r in old["rows"]], ref
            assert q["respondents"] == old["respondents"], ref
            checked += 1
        elif q["type"] == "scale":
            (st,) = q["statements"]
            assert st["counts"] == [r["count"] for r in old["rows"]], ref
            assert st["n"] == old["respondents"], ref
            checked += 1
        elif q["type"] == "scale_statements":
            for st, old_st in zip(q["statements"], old["statements"], strict=True):
                assert st["counts"] == [r["count"] for r in old_st["rows"]], (ref, st["key"])
                assert st["n"] == old_st["respondents"], (ref, st["key"])
            checked += 1
        elif q["type"] == "ranking":
            mean = {o["label"]: round(o["mean_rank"], 2) for o in q["options"]}
            assert mean == {r["label"]: r["mean_rank"] for r in old["rows"]}, ref
            checked += 1
        elif q["type"] == "qa":
            assert sorted((a["text"], a["upvotes"]) for a in q["answers"]) == sorted(
                (text, votes) for text, votes in old["items"]
            ), ref
            checked += 1
        elif q["type"] == "open":
            assert sum(a["count"] for a in q["answers"]) == len(old["texts"]), ref
            checked += 1
        elif q["type"] == "wordcloud":
            assert sum(a["count"] for a in q["answers"]) == sum(r["count"] for r in old["rows"])
            checked += 1
    assert checked == len(expected) == 13
    # cross-point statements keep their cross-point keys
    rel = questions["relevance/cp-relevance"]
    assert all(not s["key"].isdigit() for s in rel["statements"])
    assert rel["scale"]["agree"]  # the MASTERY relevance scale has its agreement points
    for fmt in report.FORMATS:
        report.render([path], fmt)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.cws", "sessions"]
