from __future__ import annotations

from pathlib import Path

import pytest

from coworkshop.core import templates
from coworkshop.core.errors import TemplateError

from .helpers import TEMPLATE

BUNDLED = Path(__file__).resolve().parents[2] / "canvases"


def test_every_bundled_template_validates_and_round_trips() -> None:
    found = sorted(BUNDLED.glob("*.toml"))
    names = {p.stem for p in found}
    assert {"blank", "mastery-policy-cocreation"} <= names
    for path in found:
        tpl = templates.load(path)
        assert tpl.template.name == path.stem
        assert tpl.template.source, f"{path.name} names no source methodology"
        assert templates.parse_text(templates.dump(tpl)) == tpl


def _error(text: str) -> str:
    with pytest.raises(TemplateError) as info:
        templates.parse_text(text, "w.toml")
    return str(info.value)


def test_syntax_error_names_file_and_line() -> None:
    msg = _error(TEMPLATE.replace('title = "Pathway 1"', 'title = "Pathway 1'))
    assert msg == "w.toml:28: TOML syntax: Illegal character '\\n' (column 19)"


def test_field_error_names_file_line_and_field() -> None:
    msg = _error(TEMPLATE.replace("timebox = 30", "timebox = -5"))
    assert msg.startswith("w.toml:29: field agenda[0].timebox:")


def test_unknown_reference_names_the_field() -> None:
    msg = _error(TEMPLATE.replace('crosspoint = "cp1"', 'crosspoint = "cp9"'))
    assert "w.toml:30: field agenda[0].crosspoint: unknown cross-point 'cp9'" == msg
    # "relevance" is a standard scale a template may name without defining it
    msg = _error(TEMPLATE.replace('scale = "rel"', 'scale = "relevancy"'))
    assert "field agenda[2].questions[0].scale: unknown scale 'relevancy'" in msg


def test_misspelt_field_is_reported() -> None:
    msg = _error(TEMPLATE.replace('kind = "poll"', 'kind = "poll"\ntimbox = 3'))
    assert "timbox" in msg and "Extra inputs are not permitted" in msg


def test_duplicate_keys_and_shape_rules() -> None:
    assert "duplicate key 'grid'" in _error(TEMPLATE.replace('key = "poll"', 'key = "grid"'))
    bad_poll = TEMPLATE.replace('type = "scale_statements"', 'type = "single"')
    assert "needs at least 2 options" in _error(bad_poll)
    no_levels = TEMPLATE.replace('shape = "grid"', 'shape = "grid"\nlevels = []')
    assert "Cannot overwrite" in _error(no_levels) or "levels" in _error(no_levels)


def test_resolve_by_name_or_path(tmp_path: Path) -> None:
    assert templates.resolve("blank", BUNDLED) == BUNDLED / "blank.toml"
    with pytest.raises(TemplateError, match="no template named 'nope'"):
        templates.resolve("nope", BUNDLED)
    with pytest.raises(TemplateError, match="no such template file"):
        templates.resolve(str(tmp_path / "x.toml"), BUNDLED)


def test_listing_survives_a_broken_file(tmp_path: Path) -> None:
    (tmp_path / "good.toml").write_text(TEMPLATE)
    (tmp_path / "bad.toml").write_text("[template\n")
    entries = {e.name: e for e in templates.list_templates(tmp_path)}
    assert entries["t"].activities == 3
    assert entries["bad"].error


def test_shared_crosspoints_stay_identical_across_mastery_templates() -> None:
    main = {
        c.key: c for c in templates.load(BUNDLED / "mastery-policy-cocreation.toml").crosspoints
    }
    kick = templates.load(BUNDLED / "mastery-kickstart.toml").crosspoints
    assert kick, "the kick-start template carries cross-points"
    for cp in kick:
        assert cp == main[cp.key], f"{cp.key} differs between the MASTERY templates"


def test_an_unknown_group_colour_is_refused() -> None:
    msg = _error(TEMPLATE.replace('label = "Industry"', 'label = "Industry"\ncolor = "orange"'))
    assert "stakeholder_groups[1].color" in msg


DUPLICATE_QUESTION = """
[[agenda.questions]]
key = "rate"
type = "open"
text = "Again"
"""


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda t: t.replace('key = "grid"', 'key = "canvas-1"'),
         "w.toml:33: field agenda[1].key: duplicate key 'canvas-1'"),
        (lambda t: t + DUPLICATE_QUESTION,
         "w.toml:53: field agenda[2].questions[1].key: duplicate key 'rate'"),
        (lambda t: t.replace('statements_from = "crosspoints"',
                             'statements = [{key = "a", text = "A"}, {key = "a", text = "B"}]'),
         "w.toml:50: field agenda[2].questions[0].statements[1].key: duplicate key 'a'"),
        (lambda t: t.replace('points = ["great", "some", "none"]',
                             'points = [{key = "g", label = "Great"}, '
                             '{key = "g", label = "Good"}]'),
         "w.toml:17: field scales.rel.points[1].key: duplicate key 'g'"),
        (lambda t: t + DUPLICATE_QUESTION.replace('"rate"', '"pick"').replace(
            'type = "open"', 'type = "single"\noptions = [{key = "x", label = "X"}, '
            '{key = "x", label = "Y"}]'),
         "w.toml:55: field agenda[2].questions[1].options[1].key: duplicate key 'x'"),
    ],
)
def test_duplicate_keys_are_refused_naming_file_line_and_field(change, expected) -> None:  # type: ignore[no-untyped-def]
    assert _error(change(TEMPLATE)) == expected
