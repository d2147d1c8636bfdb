"""`coworkshop report`: four formats from several files, bad input in one line."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from coworkshop.cli import app
from unit import workshops

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def test_all_four_formats_from_several_files(tmp_path: Path) -> None:
    files = workshops.make_files(tmp_path)
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files}

    md = run("report", *files)  # Markdown on standard output
    assert md.exit_code == 0, md.output
    assert md.output.startswith("# Consensus report: Workshop A, Workshop B, Workshop C")
    assert md.output.index("Public support") < md.output.index("Recognition")

    for fmt in ("html", "json", "csv", "md"):
        out = tmp_path / f"report.{fmt}"
        result = run("report", *files, "-f", fmt, "-o", out)
        assert result.exit_code == 0, result.output
        assert out.exists() and str(out) in result.output
    data = json.loads((tmp_path / "report.json").read_text())
    assert [s["title"] for s in data["sessions"]] == ["Workshop A", "Workshop B", "Workshop C"]
    rate = next(q for q in data["questions"] if q["ref"] == "vote/rate")
    assert [(s["key"], s["n"], s["status"]) for s in rate["statements"]] == [
        ("cp1", 18, "consensus"), ("cp2", 17, "contested")
    ]
    html = (tmp_path / "report.html").read_text()
    assert html.startswith("<!doctype html>") and "<svg" in html
    assert "<link" not in html and "src=" not in html and "url(" not in html  # no asset
    assert "Education &lt;providers&gt;" in html and "<providers>" not in html  # escaped
    assert "Adults &lt;learn&gt; at work" in html
    rows = list(csv.DictReader(io.StringIO((tmp_path / "report.csv").read_text())))
    assert sum(int(r["count"]) for r in rows if r["statement"] == "cp1") == 18
    assert (tmp_path / "report.md").read_text() == md.output
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files} == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(("-wal", "-shm", ".tmp"))]


def test_rules_and_session_options(tmp_path: Path) -> None:
    files = workshops.make_files(tmp_path)
    data = json.loads(run("report", *files, "-f", "json").output)
    first = data["sessions"][0]["id"]
    result = run("report", *files, "-f", "json", "--session", first, "--threshold", "0.9",
                 "--min-answers", "3", "--min-group", "2", "--k", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["rules"] == {**data["rules"], "threshold": 0.9, "min_answers": 3,
                             "min_group": 2, "k": 1}
    assert [s["title"] for s in data["sessions"]] == ["Workshop A"]
    rate = next(q for q in data["questions"] if q["ref"] == "vote/rate")
    cp1 = rate["statements"][0]  # A: [5,1,1], 6/7 = 0.857 < 0.9
    assert (cp1["n"], cp1["status"], cp1["ecosystems"]["passes"]) == (7, "majority", False)


def test_bad_input_is_one_line_and_exit_1(tmp_path: Path) -> None:
    tmp_path = tmp_path / "in"
    tmp_path.mkdir()
    files = workshops.make_files(tmp_path, "A")
    junk = tmp_path / "junk.cws"
    junk.write_text("hello")
    cases = [
        (["report", files[0], junk], "not a coworkshop session file"),
        (["report", tmp_path / "missing.cws"], "no such session file"),
        (["report", files[0], "-f", "pdf"], "unknown format 'pdf'"),
        (["report", files[0], "--threshold", "1.5"], "--threshold"),
        (["report", files[0], "--session", "nope"], "no session nope"),
        (["report", files[0], "-o", files[0]], "is one of the inputs"),
        (["report", files[0], "-o", tmp_path / "no" / "r.md"], "no such folder"),
    ]
    before = files[0].read_bytes()
    for args, said in cases:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert said in result.output
        assert result.output.strip().count("\n") == 0, result.output
    assert files[0].read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["junk.cws", "workshop-A.cws"]
