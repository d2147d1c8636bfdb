"""The app in the session's language (issue 13): a Finnish room at 80x24, where
long words must not break the layout; COWORKSHOP_LANG before the session's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from coworkshop import i18n
from coworkshop.core.sessions import SessionDetails, create_session_file, default_path
from coworkshop.tui.common.help import HelpScreen
from coworkshop.tui.session.session import SessionScreen

from .helpers import flat, make_app, open_activity, screen_text, settle


def mastery_session(sessions_dir: Path, templates_dir: Path, language: str) -> Path:
    details = SessionDetails(title="Työpaja Hämeenlinnassa", date="2025-06-12",
                             place="Hämeenlinna", country="Suomi", language=language)
    path = default_path(sessions_dir, details)
    store, _ = create_session_file(path, templates_dir / "mastery-policy-cocreation.toml",
                                   details)
    store.close()
    return path


def finnish_texts() -> set[str]:
    """Every text of the Finnish catalogue (binding descriptions among them)."""
    from babel.messages.pofile import read_po

    path = i18n.LOCALE_DIR / "fi" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as fh:
        return {m.string for m in read_po(fh) if m.id and isinstance(m.string, str)}


def footer_items(line: str) -> list[tuple[str, str]]:
    """(key, description) pairs of a footer line such as "s Aloita f Valmis ? Ohje";
    a description cut at the edge is not a whole Finnish text, and fails."""
    shown = finnish_texts()
    items, words = [], line.split()
    i = 0
    while i < len(words):
        key = words[i]
        for n in range(len(words) - i - 1, 0, -1):  # the longest description that matches
            if " ".join(words[i + 1:i + 1 + n]) in shown:
                items.append((key, " ".join(words[i + 1:i + 1 + n])))
                i += 1 + n
                break
        else:
            raise AssertionError(f"{' '.join(words[i:])!r}: not whole keys and descriptions")
    return items


async def test_a_finnish_room_at_80x24_keeps_whole_words(
        sessions_dir: Path, templates_dir: Path) -> None:
    path = mastery_session(sessions_dir, templates_dir, "fi")
    app = make_app(sessions_dir, templates_dir, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        lines = screen_text(app).splitlines()
        assert len(lines) == 24 and all(len(line) <= 80 for line in lines)
        text = flat("\n".join(lines))
        # the agenda and the activity read in Finnish: the template's and the app's words
        assert "Keitä salissa on?" in text and "ÄÄNESTYS" in text
        assert "ei aloitettu · 10 min" in text and "äänestys · 10 min" in text
        assert "Äänestys · 3 kysymystä" in text and "yksi valinta, nimetön" in text
        assert "Ohjelma" in text and "Agenda" not in text
        items = footer_items(lines[-1])
        assert items[0] == ("?", "Ohje") and ("s", "Aloita") in items

        # a canvas has more keys than 80 columns hold in Finnish: the footer shows
        # whole ones (a word cut at the edge would fail footer_items), help first
        await open_activity(pilot, "Polku: mitattavat, vertailukelpoiset ja ymmärrettävät "
                                   "mikrotutkinnot")
        lines = screen_text(app).splitlines()
        items = footer_items(lines[-1])
        assert items[:4] == [("?", "Ohje"), ("a", "Lisää"), ("e", "Muokkaa"), ("x", "Poista")]
        assert len(" ".join(f"{k} {d}" for k, d in items)) <= 80
        text = flat("\n".join(lines))
        assert "Politiikkavisio" in text and "Läpinäkyvyys: jokainen mikrotutkinto" in text
        assert "Ei vielä kortteja. Lisää painamalla a." in text

        # the help lists every key, the long Finnish words wrapped whole
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app)
        assert "Ohje · " in help_text
        for word in ("Muokkaa", "korostettua", "korttia;", "historiaan."):
            assert re.search(rf"(^|\s){re.escape(word)}(\s|$)", help_text, re.M), word
        assert "Kommentti" in help_text and "Kirjaa toisen ryhmän palaute" in flat(help_text)


async def test_coworkshop_lang_comes_before_the_sessions_language(
        sessions_dir: Path, templates_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COWORKSHOP_LANG", "bg")
    path = mastery_session(sessions_dir, templates_dir, "it")
    app = make_app(sessions_dir, templates_dir, path)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        text = flat(screen_text(app))
        assert "Програма" in text and "Изход" in text  # the app's words in Bulgarian
        assert "Chi c'è in sala?" in text  # the session's texts as stored, in Italian


async def test_the_finnish_map_keeps_its_quadrant_names_whole(
        sessions_dir: Path, templates_dir: Path) -> None:
    path = mastery_session(sessions_dir, templates_dir, "fi")
    app = make_app(sessions_dir, templates_dir, path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_activity(pilot, "Kuka voi viedä mikrotutkintoja eteenpäin? "
                                   "Valta-kiinnostuskartta")
        lines = screen_text(app).splitlines()
        text = "\n".join(lines)
        # "pidä tyytyväisinä" and "hoida tiiviisti" do not fit on one 30-column
        # line: each stays whole, on its own line, not wrapped mid-name
        for name in ("pidä tyytyväisinä", "hoida tiiviisti", "seuraa", "pidä ajan tasalla"):
            assert any(name in line for line in lines), name
        assert "Valta/kiinnostus ↑valta →kiinnostus" in text
        items = footer_items(lines[-1])
        assert items[0] == ("?", "Ohje") and ("n", "Uusi kierros") in items


def test_the_time_left_card_tags_and_network_names_follow_the_language() -> None:
    """Small words on screen that were left in English: the countdown, a card's
    comment tags and the names of the laptop's networks on the join screen."""
    from datetime import UTC, datetime, timedelta

    from coworkshop.core.models import Activity
    from coworkshop.server.netinfo import Address
    from coworkshop.tui.session.agenda_list import countdown

    now = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    act = Activity(session_id="s", key="a", kind="canvas", title="t", position=0,
                   status="running", timebox_minutes=10, started_at=now - timedelta(minutes=3))
    with i18n.using("fi"):
        assert countdown(act, now).plain == "07:00 jäljellä"
        assert Address("127.0.0.1", "", "loopback").label == "Vain tämä kannettava 127.0.0.1"
        assert Address("192.168.1.2", "wlp2s0", "wifi").where == "Wi-Fi (wlp2s0)"
    with i18n.using("bg"):
        assert countdown(act, now).plain == "остават 07:00"
    with i18n.using("en"):
        assert countdown(act, now).plain == "07:00 left"
