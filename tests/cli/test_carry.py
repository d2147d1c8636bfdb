"""`coworkshop new ... --carry-from OLD.cws`: a standing group's next session."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from coworkshop.cli import app
from coworkshop.core import checklist as cl
from coworkshop.core import sessions
from coworkshop.core import stakeholders as sh
from coworkshop.core.store import Store
from helpers.db import commit

runner = CliRunner()


def test_new_session_carries_the_register_map_and_checklist(tmp_path: Path) -> None:
    old = tmp_path / "june.cws"
    made = runner.invoke(app, ["new", "mastery-policy-cocreation", "--title", "June",
                               "--date", "2025-06-12", "-o", str(old)])
    assert made.exit_code == 0, made.output
    store = Store.open(old)
    session = store.only_session()
    acts = {a.kind: a for a in commit(store, sessions.activities, session.id)}
    with store.db() as db:
        s = sh.add_stakeholder(db, session, "Chamber of Commerce", "intermediary")
        sh.rate(db, acts["stakeholder_map"], s.id, 2, 5)
        cl.set_entry(db, acts["checklist"], "q08-coordinator", status="partly")
        db.commit()
    store.close()

    new = tmp_path / "sept.cws"
    result = runner.invoke(app, ["new", "mastery-policy-cocreation", "--title", "September",
                                 "--carry-from", str(old), "-o", str(new)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(new)
    assert ("carried from 'June' (2025-06-12): 1 stakeholders, 1 places on the map, "
            "1 checklist answers") in result.stderr
    store = Store.open(new)
    session = store.only_session()
    acts = {a.kind: a for a in commit(store, sessions.activities, session.id)}
    with store.db() as db:
        data = sh.map_data(db, session, acts["stakeholder_map"])
        assert [(e.name, e.power, e.interest) for e in data.entries] == [
            ("Chamber of Commerce", 2, 5)]
        states = {x.item.key: x for x in cl.state(db, session, acts["checklist"])}
        assert states["q08-coordinator"].previous == "partly"
    store.close()


def test_carry_from_a_bad_file_creates_nothing(tmp_path: Path) -> None:
    empty = tmp_path / "empty.cws"
    assert runner.invoke(app, ["new", "blank", "--title", "E", "-o", str(empty)]).exit_code == 0
    target = tmp_path / "next.cws"
    result = runner.invoke(app, ["new", "blank", "--title", "N", "--carry-from", str(empty),
                                 "-o", str(target)])
    assert result.exit_code == 1
    assert "has no stakeholders or checklist to carry" in result.stderr
    assert not target.exists()
    result = runner.invoke(app, ["new", "blank", "--title", "N", "--carry-from",
                                 str(tmp_path / "missing.cws"), "-o", str(target)])
    assert result.exit_code == 1 and "no such session file" in result.stderr
    assert not target.exists()
