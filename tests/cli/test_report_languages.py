"""`coworkshop report --lang` (issue 13): an Italian and a Spanish room of the
MASTERY template, answered in their own languages, in one report in the
language asked for; the same statements by key, counted together."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from coworkshop.cli import app
from coworkshop.core import polls as voting
from coworkshop.core import sessions, templates
from coworkshop.core.store import Store
from helpers.db import commit

runner = CliRunner()
MASTERY = Path(__file__).resolve().parents[2] / "canvases" / "mastery-policy-cocreation.toml"
GREAT, SOME, NONE = 0, 1, 2


def room(path: Path, title: str, language: str, date: str, country: str,
         ratings: list[dict[str, int]]) -> None:
    """A session of the MASTERY template in ``language``; each phone rates cross-points."""
    store = Store.create(path)
    try:
        with store.unit() as db:
            session = sessions.create_session(
                db, templates.load(MASTERY), sessions.SessionDetails(
                    title=title, language=language, date=date, country=country,
                    sector="manufacturing"))
        polls = {p.ref: p for p in voting.polls(store, session.id)}
        poll = commit(store, voting.open_poll, polls["relevance/cp-relevance"].id)
        for i, rating in enumerate(ratings):
            voter = voting.join(store, session, "policy" if i % 2 else "industry").voter
            voting.cast_ballot(store, poll, voter, {str(k): v for k, v in rating.items()})
    finally:
        store.close()


def rooms(tmp_path: Path) -> list[Path]:
    italy, spain = tmp_path / "torino.cws", tmp_path / "valencia.cws"
    room(italy, "Laboratorio Torino", "it", "2025-06-12", "Italia",
         [{0: GREAT, 1: SOME}, {0: GREAT}, {0: SOME, 1: NONE}])
    room(spain, "Taller Valencia", "es", "2025-07-03", "España",
         [{0: GREAT}, {0: NONE, 1: GREAT}, {0: GREAT}, {0: GREAT}])
    return [italy, spain]


def run(*args: object):  # type: ignore[no-untyped-def]
    return runner.invoke(app, [str(a) for a in args])


def test_an_italian_and_a_spanish_room_in_one_report_in_italian(tmp_path: Path) -> None:
    files = rooms(tmp_path)
    result = run("report", *files, "--lang", "it")
    assert result.exit_code == 0, result.output
    md = result.output
    assert md.startswith("# Rapporto di consenso: Laboratorio Torino, Taller Valencia")
    assert "| Sessione | Data | Luogo | Paese | Settore | Lingua | Partecipanti |" in md
    assert "| Laboratorio Torino | 12 giugno 2025 |  | Italia | manufacturing | italiano | 3 |" \
        in md
    assert "| Taller Valencia | 3 luglio 2025 |  | España | manufacturing | spagnolo | 4 |" in md
    # the Spanish room's answers to cp1 count with the Italian room's, under the Italian title
    assert "### 1. Micro-credenziali misurabili, comparabili e comprensibili" in md
    assert "“Micro-credenziali misurabili, comparabili e comprensibili”: consenso – 86% di 7 " \
        "risposte d'accordo (“Risponde in gran parte” o “Risponde in parte”)" in md
    assert "*Per ogni punto di incrocio: quanto la visione politica risponde" in md
    assert "Microcredenciales medibles" not in md and "Topics of consensus" not in md


def test_the_same_rooms_in_spanish_and_as_json(tmp_path: Path) -> None:
    files = rooms(tmp_path)
    result = run("report", *files, "--lang", "es")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("# Informe de consenso: Laboratorio Torino, Taller Valencia")
    row = "| Laboratorio Torino | 12 de junio de 2025 |  | Italia | manufacturing | italiano | 3 |"
    assert row in result.output
    assert "“Microcredenciales medibles, comparables y comprensibles”: consenso – 86 % de 7 " \
        "respuestas de acuerdo" in result.output

    data = json.loads(run("report", *files, "-f", "json", "--lang", "es").output)
    assert [(s["title"], s["language"]) for s in data["sessions"]] == [
        ("Laboratorio Torino", "it"), ("Taller Valencia", "es")]
    assert data["report"]["language"] == "es"
    q = next(q for q in data["questions"] if q["ref"] == "relevance/cp-relevance")
    assert [p["label"] for p in q["scale"]["points"]] == [
        "Responde en gran medida", "Responde en cierta medida", "No responde en absoluto"]
    cp1, cp2 = q["statements"][:2]
    assert (cp1["key"], cp1["n"], cp1["counts"]) == ("cp1", 7, [5, 1, 1])
    assert (cp2["key"], cp2["n"], cp2["counts"]) == ("cp2", 3, [1, 1, 1])
    assert [g["label"] for g in data["groups"]][:2] == [
        "Responsables políticos", "Industria, empresas, negocios"]


def test_html_in_bulgarian_and_english_by_default(tmp_path: Path) -> None:
    files = rooms(tmp_path)
    html = run("report", *files, "-f", "html", "--lang", "bg").output
    assert '<html lang="bg">' in html and "<h1>Доклад за консенсуса</h1>" in html
    assert "Измерими, сравними и разбираеми микроквалификации" in html
    assert 'data-language="it">италиански</td>' in html

    english = run("report", *files).output  # no --lang: English words, stored texts
    assert english.startswith("# Consensus report: Laboratorio Torino, Taller Valencia")
    assert "| Laboratorio Torino | 2025-06-12 |  | Italia | manufacturing | Italian | 3 |" \
        in english


def test_an_unknown_language_is_refused_in_one_line(tmp_path: Path) -> None:
    files = rooms(tmp_path)
    result = run("report", *files, "--lang", "de")
    assert result.exit_code == 1
    assert "--lang: 'de' is not one of en, it, es, bg, fi" in result.output


def test_cli_errors_speak_coworkshop_lang(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COWORKSHOP_LANG", "fi")
    result = run("report", tmp_path / "nowhere.cws", "-o", tmp_path / "no" / "r.md")
    assert result.exit_code == 1
    assert result.output.startswith("virhe: ")
    assert "kansiota ei ole" in result.output
