"""The diverging bar of the HTML report: agreement right of the middle,
disagreement left, other points across the middle; half the width is 100%."""

from __future__ import annotations

import pytest

from coworkshop.report.html import AGREE_COLOURS, DISAGREE_COLOURS, NEUTRAL, diverging_bar


def spans(
    counts: list[int], agree: list[int], disagree: list[int]
) -> list[tuple[float, float, str]]:
    labels = [f"p{i}" for i in range(len(counts))]
    return [(round(s.x, 2), round(s.width, 2), s.colour)
            for s in diverging_bar(counts, labels, agree, disagree, width=100)]


def test_relevance_three_points() -> None:
    # great 2, some 1, none 1 (n 4): a quarter of the answers is 12.5 of the 50 each side
    assert spans([2, 1, 1], [0, 1], [2]) == [
        (50.0, 12.5, AGREE_COLOURS[1]),  # "some" next to the middle, lighter
        (62.5, 25.0, AGREE_COLOURS[0]),  # "great" at the end, darkest
        (37.5, 12.5, DISAGREE_COLOURS[0]),  # "none" to the left
    ]


def test_a_middle_point_is_split_across_the_middle() -> None:
    # likert 5: 1, 1, 2, 1, 1 (n 6); half the width (50) is 100%, so the 2 neutral
    # answers are 16.67 wide, centred on 50
    out = spans([1, 1, 2, 1, 1], [0, 1], [3, 4])
    assert out[0] == (41.67, 16.67, NEUTRAL)
    agree = [s for s in out if s[2] in AGREE_COLOURS]
    disagree = [s for s in out if s[2] in DISAGREE_COLOURS]
    assert min(x for x, _w, _c in agree) == pytest.approx(58.33, abs=0.01)
    assert max(x + w for x, w, _c in disagree) == pytest.approx(41.67, abs=0.02)
    assert sum(w for _x, w, _c in out) == pytest.approx(50.0, abs=0.05)


def test_no_answers_no_bar() -> None:
    assert spans([0, 0, 0], [0, 1], [2]) == []
