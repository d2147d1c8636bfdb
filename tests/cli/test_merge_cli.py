"""``coworkshop merge`` as a coordinator types it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coworkshop.cli import app

runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def new(tmp: Path, place: str, country: str) -> Path:
    result = run("new", "blank", "--title", f"{place} workshop", "--place", place,
                 "--country", country, "-o", str(tmp / f"{place.lower()}.cws"))
    assert result.exit_code == 0, result.output
    return Path(result.output.strip())


def test_merge_prints_a_summary_per_source_and_refuses_to_overwrite(tmp_path: Path) -> None:
    a, b = new(tmp_path, "Sofia", "Bulgaria"), new(tmp_path, "Oulu", "Finland")
    out = tmp_path / "all.cws"
    result = run("merge", str(a), str(b), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "sofia.cws (Sofia workshop)" in result.output
    assert "added 1 session, 0 participants" in result.output
    assert "Total: added 2 sessions" in result.output and "0 conflicts" in result.output

    again = run("merge", str(a), "-o", str(out))
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        f"error: {out}: already exists; add --into to merge into it"
    ]
    into = run("merge", str(a), "-o", str(out), "--into", "--json")
    assert into.exit_code == 0
    data = json.loads(into.output)
    assert data["into"] is True and data["sessions_in_output"] == 2
    [source] = data["sources"]
    assert source["file"] == "sofia.cws" and source["added"]["sessions"] == 0
    assert source["duplicates"] > 0 and source["conflicts"] == 0
    assert set(data["totals"]) >= {"sessions", "participants", "ballots", "tallies", "cards",
                                   "other", "duplicates", "updated", "older", "conflicts"}


def test_a_bad_file_stops_the_merge_unless_skip_bad(tmp_path: Path) -> None:
    a = new(tmp_path, "Sofia", "Bulgaria")
    bad = tmp_path / "notes.cws"
    bad.write_text("hello")
    out = tmp_path / "all.cws"
    result = run("merge", str(a), str(bad), "-o", str(out))
    assert result.exit_code == 1 and str(bad) in result.output and not out.exists()
    result = run("merge", str(a), str(bad), "-o", str(out), "--skip-bad", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert [s["file"] for s in data["skipped"]] == [str(bad)]
    assert "not an SQLite database" in data["skipped"][0]["error"]
