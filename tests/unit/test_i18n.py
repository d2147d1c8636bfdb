"""The languages (issue 13): the catalogues are complete and compiled, the
page's script and the server agree, errors and file names in any language."""

from __future__ import annotations

import gettext
import os
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from coworkshop import i18n, i18n_tools
from coworkshop.core import sessions, templates
from coworkshop.core.errors import RuleError, TemplateError, UserError
from coworkshop.server import i18n as page_i18n

SERVER = Path(page_i18n.__file__).parent
TARGETS = [lang for lang in i18n.LANGUAGES if lang != i18n.SOURCE]


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def po(lang: str):  # type: ignore[no-untyped-def]
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """A fresh extraction of the source's messages (as the catalogues' tool does)."""
    out = tmp_path_factory.mktemp("pot") / "fresh.pot"
    here = os.getcwd()
    os.chdir(i18n_tools.ROOT)
    try:
        i18n_tools.extract(out)
    finally:
        os.chdir(here)
    with out.open("rb") as fh:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert len(ids) > 100  # the extraction found the page, the server and the core
    return ids


@pytest.mark.parametrize("lang", TARGETS)
def test_every_catalogue_translates_every_message_of_the_source(
        lang: str, source_messages: set[str]) -> None:
    catalogue = {m.id if isinstance(m.id, str) else m.id[0]: m for m in po(lang) if m.id}

    def forms(msgid: str) -> list[str]:
        found = catalogue[msgid].string
        return [found] if isinstance(found, str) else list(found)

    missing = sorted(m for m in source_messages
                     if m not in catalogue or not all(forms(m))
                     or "fuzzy" in catalogue[m].flags)
    assert missing == [], f"{lang}: run python -m coworkshop.i18n_tools all and translate"
    for msgid in source_messages:
        for text in forms(msgid):
            assert placeholders(text) == placeholders(msgid), (lang, msgid, text)


@pytest.mark.parametrize("lang", TARGETS)
def test_the_compiled_catalogue_says_what_its_po_file_says(lang: str) -> None:
    mo = gettext.GNUTranslations(
        (i18n.LOCALE_DIR / lang / "LC_MESSAGES" / f"{i18n.DOMAIN}.mo").open("rb"))
    stale = [m.id for m in po(lang) if m.id and (
        mo.gettext(m.id) != (m.string or m.id) if isinstance(m.id, str)
        else mo.ngettext(m.id[0], m.id[1], 2) != (m.string[-1] or m.id[1]))]
    assert stale == [], f"{lang}: .mo out of date, run python -m coworkshop.i18n_tools compile"


def test_the_page_script_and_the_server_agree_on_every_message() -> None:
    script = (SERVER / "static" / "app.js").read_text(encoding="utf-8")
    page = (SERVER / "templates" / "page.html").read_text(encoding="utf-8")
    server = (SERVER / "app.py").read_text(encoding="utf-8")
    calls = re.findall(r"\bt\(\"([a-z_]+)\"(?:,\s*\{([^}]*)\})?\)", script)
    used = ({key for key, _ in calls} | set(re.findall(r"texts\.([a-z_]+)", page))
            | set(re.findall(r"_text\(request, \"([a-z_]+)\"\)", server)))
    assert used == set(page_i18n.PAGE), "the script, the page and server/i18n.py differ"
    for key, params in calls:
        given = set(re.findall(r"([a-z_]+)\s*:", params))
        for lang in i18n.LANGUAGES:
            text = page_i18n.texts(lang)[key]
            assert placeholders(text) == given, (lang, key, text)


def test_the_page_speaks_every_language_and_falls_back_to_english() -> None:
    assert page_i18n.texts("bg")["join"] == "Включване"
    assert page_i18n.texts("fi-FI")["send"] == "Lähetä"
    assert page_i18n.texts("de")["join"] == "Join"
    assert {c["code"] for c in page_i18n.choices("it")} == set(i18n.LANGUAGES)


def test_a_core_error_carries_a_code_and_parameters_and_reads_in_any_language() -> None:
    err = UserError("choose at most {limit} options", limit=3)
    assert str(err) == "choose at most 3 options"  # logs and old callers: English
    assert err.code == "choose_at_most_limit_options" and err.params == {"limit": 3}
    assert i18n.error_text(err, "fi") == "valitse enintään 3 vaihtoehtoa"
    late = RuleError("this poll is closed: your answer was not counted")
    assert i18n.error_text(late, "bg") == "гласуването е затворено: отговорът ви не е отчетен"
    nested = UserError("name: {problem}", problem="the text contains control characters")
    assert i18n.error_text(nested, "es") == "nombre: el texto contiene caracteres de control"
    odd = UserError(f"no poll {'x'!r} here")  # formatted already: shown as it is
    assert i18n.error_text(odd, "it") == "no poll 'x' here"


def test_dates_and_numbers_follow_the_language() -> None:
    assert i18n.format_date("2025-06-12", "it") == "12 giugno 2025"
    assert i18n.format_date("2025-06-12", "fi") == "12. kesäkuuta 2025"
    assert i18n.format_number(1234.5, "fi", 1) == "1\xa0234,5"
    assert i18n.format_percent(0.78, "fi") == "78\xa0%"
    assert i18n.format_date("sometime", "es") == "sometime"


def test_file_names_from_titles_keep_their_letters(tmp_path: Path) -> None:
    details = sessions.SessionDetails(title="Семинар в София: строителство", date="2025-06-12")
    assert sessions.default_path(tmp_path, details).name == \
        "2025-06-12-семинар-в-софия-строителство.cws"
    assert sessions.slug("Työpaja / Hämeenlinna") == "työpaja-hämeenlinna"
    assert sessions.slug("?!") == "session"


MASTERY = Path(__file__).resolve().parents[2] / "canvases" / "mastery-policy-cocreation.toml"


@pytest.mark.parametrize("name", ["mastery-policy-cocreation", "mastery-kickstart"])
def test_the_mastery_templates_carry_the_five_languages(name: str) -> None:
    template = templates.load(MASTERY.with_name(f"{name}.toml"))
    assert set(template.translations) == set(TARGETS)
    for lang in TARGETS:
        italian = templates.in_language(template, lang)
        assert italian.template.language == lang
        assert italian.stakeholder_groups[0].label != "Policy makers"
        assert italian.translations["en"]["groups"]["policy"] == "Policy makers"
        assert [c.key for c in italian.crosspoints] == [c.key for c in template.crosspoints]
        # every question participants answer reads in the language
        for act, original in zip(italian.agenda, template.agenda, strict=True):
            for q, q0 in zip(act.questions, original.questions, strict=True):
                assert q.text != q0.text, (lang, q.key)
                assert [o.key for o in q.options] == [o.key for o in q0.options]
                assert all(o.label != o0.label for o, o0 in zip(q.options, q0.options,
                                                                strict=True))


def test_a_translation_of_nothing_is_named_by_file_line_and_field() -> None:
    text = MASTERY.read_text(encoding="utf-8").replace(
        'groups.industry = "Teollisuus', 'groups.industri = "Teollisuus')
    line = next(n for n, row in enumerate(text.splitlines(), 1)
                if row.startswith("groups.industri"))
    with pytest.raises(TemplateError) as err:
        templates.parse_text(text, "m.toml")
    assert str(err.value).startswith(f"m.toml:{line}: field translations.fi.groups.industri:")
    assert "education, industry, intermediary, policy" in str(err.value)


def test_a_poll_titled_in_cyrillic_gets_an_ascii_key() -> None:
    from coworkshop.core import polls as voting

    from .helpers import commit, make_session

    store, session = make_session()
    poll = commit(store, voting.add_poll_activity, session.id, "Заключителен кръг",
                  {"type": "wordcloud", "text": "Една дума за днес?"})
    assert poll.activity_key == "poll-2" and poll.activity_title == "Заключителен кръг"
    latin = commit(store, voting.add_poll_activity, session.id, "Ronda final",
                   {"type": "open", "text": "¿Qué falta?"})
    assert latin.activity_key == "poll-ronda-final"
