"""The figures of agreement, each worked out by hand.

Scale used throughout: relevance, points 0 "great", 1 "some", 2 "none";
agreement points {0, 1}, disagreement point {2}.
"""

from __future__ import annotations

import pytest

from coworkshop.core import consensus as c
from coworkshop.core.consensus import PHONE, TALLY, UNSPLIT, Cell, Rules

AGREE, DISAGREE = [0, 1], [2]
RULES = Rules()


def figs(counts: list[int], rules: Rules = RULES) -> c.Figures:
    return c.figures(counts, AGREE, DISAGREE, rules)


# ---------------------------------------------------------------- quantiles


def test_quantiles_are_the_first_point_where_the_cumulative_count_reaches_q_n() -> None:
    # n 4: q1 needs 1 -> point 0; median needs 2 -> point 1 (1+1); q3 needs 3 -> point 2
    f = figs([1, 1, 2])
    assert (f.q1, f.median, f.q3) == (0, 1, 2)
    # n 8, counts [4,2,2]: median needs 4 -> reached exactly at point 0
    f = figs([4, 2, 2])
    assert (f.q1, f.median, f.q3) == (0, 0, 1)
    # empty points are skipped over: [0, 3, 0]
    assert figs([0, 3, 0]).median == 1
    assert figs([0, 0, 0]).median is None


# ---------------------------------------------------------------- statuses and their boundaries


def test_exactly_three_quarters_agreeing_is_consensus_and_one_less_is_not() -> None:
    f = figs([3, 3, 2])  # 6 of 8 = 0.75 exactly
    assert (f.n, f.agreeing, f.agree) == (8, 6, 0.75)
    assert f.status == "consensus"
    f = figs([3, 2, 3])  # 5 of 8 = 0.625, disagree 0.375
    assert f.status == "contested"


def test_five_answers_are_enough_and_four_are_too_few() -> None:
    assert figs([5, 0, 0]).status == "consensus"  # n exactly 5
    assert figs([4, 0, 0]).status == "too_few"  # n 4 < 5, even if all agree


def test_two_agreeing_of_four_is_neither_majority_nor_consensus() -> None:
    rules = Rules(min_answers=4)
    f = figs([2, 0, 2], rules)  # agree 0.5, disagree 0.5
    assert (f.agree, f.disagree, f.status) == (0.5, 0.5, "contested")
    # 2 agreeing of 4 with the rest on no point of either set: not > 0.5, not contested
    four = c.figures([2, 2, 0], [0], [2], rules)  # agree only "great"
    assert (four.agree, four.disagree, four.status) == (0.5, 0.0, "no_consensus")
    # one more agreeing answer is a majority: 3 of 5 = 0.6
    assert c.figures([3, 2, 0], [0], [2], rules).status == "majority"
    # with the default min-answers, 4 answers are too few whatever they say
    assert figs([2, 0, 2]).status == "too_few"


def test_consensus_against() -> None:
    assert figs([1, 0, 3], Rules(min_answers=4)).status == "consensus_against"  # 3/4 disagree
    assert figs([0, 1, 4]).status == "consensus_against"  # 4/5 = 0.8
    assert figs([3, 1, 1]).status == "consensus"  # 4 of 5 = 0.8


def test_contested_is_tried_before_majority() -> None:
    f = c.figures([4, 0, 3], [0], [2], RULES)  # agree 4/7, disagree 3/7
    assert f.status == "contested"
    f = c.figures([4, 2, 1], [0], [2], RULES)  # agree 4/7, disagree 1/7
    assert f.status == "majority"
    f = c.figures([3, 3, 1], [0], [2], RULES)  # agree 3/7 (not > 0.5), disagree 1/7
    assert f.status == "no_consensus"


def test_threshold_is_a_rule_of_the_report() -> None:
    assert figs([3, 1, 1]).status == "consensus"  # 0.8 >= 0.75
    assert figs([3, 1, 1], Rules(threshold=0.85)).status == "majority"
    assert figs([4, 0, 1], Rules(threshold=0.8)).status == "consensus"  # exactly 0.8


# ---------------------------------------------------------------- groups, countries, ecosystems

GROUPS = ["policy", "industry", "education"]
ECO = {"A": ("Italy", "automotive"), "B": ("Italy", "energy"), "C": ("Spain", "energy")}


def cells() -> list[Cell]:
    """Three sessions answering one statement.

    A (Italy/automotive): policy great 3, some 1 (phones); industry great 2 (phones);
       a tally without group: none 1.                 A: [5, 1, 1] n 7, agree 6/7 consensus
    B (Italy/energy):     policy great 1, none 1; industry some 2, none 2.
                                                      B: [1, 2, 3] n 6, agree 3/6 contested
    C (Spain/energy):     industry great 4, some 1 (tally by group).
                                                      C: [4, 1, 0] n 5, agree 5/5 consensus
    """
    return [
        Cell("A", "policy", PHONE, 0, 3),
        Cell("A", "policy", PHONE, 1, 1),
        Cell("A", "industry", PHONE, 0, 2),
        Cell("A", UNSPLIT, TALLY, 2, 1),
        Cell("B", "policy", PHONE, 0, 1),
        Cell("B", "policy", PHONE, 2, 1),
        Cell("B", "industry", PHONE, 1, 2),
        Cell("B", "industry", PHONE, 2, 2),
        Cell("C", "industry", TALLY, 0, 4),
        Cell("C", "industry", TALLY, 1, 1),
    ]


def test_a_statement_over_three_sessions_worked_by_hand() -> None:
    s = c.statement_figures(cells(), 3, AGREE, DISAGREE, GROUPS, ECO, RULES)
    o = s.overall
    # overall [3+2+1+4, 1+2+1, 1+1+2] = [10, 4, 4], n 18
    assert (o.n, o.counts, o.agreeing, o.disagreeing) == (18, [10, 4, 4], 14, 4)
    assert o.agree == pytest.approx(14 / 18) and o.disagree == pytest.approx(4 / 18)
    assert (o.q1, o.median, o.q3) == (0, 0, 1)  # 4.5 -> 0; 9 -> 0 (10); 13.5 -> 1 (14)
    assert o.status == "consensus"  # 0.78
    assert (o.phone, o.tally) == (12, 6)

    # by group: every group of the template, the unsplit tally only overall
    assert list(s.by_group) == GROUPS
    p, i, e = s.by_group["policy"], s.by_group["industry"], s.by_group["education"]
    assert (p.counts, p.status) == ([4, 1, 1], "consensus")  # 5/6 = 0.83
    assert (i.counts, i.status) == ([6, 3, 2], "consensus")  # 9/11 = 0.82
    assert (e.n, e.counts, e.status, e.median) == (0, [0, 0, 0], "too_few", None)
    assert sum(g.n for g in s.by_group.values()) == o.n - 1  # the unsplit tally

    # group-informed: (5+1)/(6+2) x (9+1)/(11+2); education has no answers, left out
    assert s.group_informed == pytest.approx(6 / 8 * 10 / 13)
    assert s.broad_consensus is True  # policy 6 >= 3 and industry 11 >= 3 both >= 0.75

    # by country: Italy = A + B = [6, 3, 4] n 13 agree 9/13 = 0.69, disagree 0.31 -> contested
    it, es = s.by_country["Italy"], s.by_country["Spain"]
    assert (it.counts, it.status) == ([6, 3, 4], "contested")
    assert (es.counts, es.status) == ([4, 1, 0], "consensus")

    # ecosystems: A consensus, B contested, C consensus: reached 2 of 3; k = ceil(2.4) = 3
    eco = s.ecosystems
    assert (eco.reached, eco.of, eco.k, eco.passes) == (2, 3, 3, False)
    assert eco.names == ["Italy / automotive", "Spain / energy"]
    eco = c.statement_figures(cells(), 3, AGREE, DISAGREE, GROUPS, ECO, Rules(k=2)).ecosystems
    assert (eco.reached, eco.of, eco.k, eco.passes) == (2, 3, 2, True)


def test_broad_consensus_needs_every_group_with_min_group_answers() -> None:
    rules = Rules()
    agree_all = c.figures([3, 0, 0], AGREE, DISAGREE, rules)  # n 3, all agree
    two_of_four = c.figures([1, 1, 2], AGREE, DISAGREE, rules)  # 2 agreeing of 4
    small = c.figures([0, 0, 2], AGREE, DISAGREE, rules)  # n 2 < min_group: ignored
    assert c.broad_consensus({"a": agree_all, "b": small}, rules) is True
    assert c.broad_consensus({"a": agree_all, "b": two_of_four}, rules) is False
    assert c.broad_consensus({"b": small}, rules) is False  # no group is large enough
    # group-informed of 2 agreeing of 4 alone: (2+1)/(4+2) = 0.5
    assert c.group_informed({"b": two_of_four}) == 0.5
    assert c.group_informed({}) == 1.0


def test_ecosystems_without_answers_do_not_count() -> None:
    none = c.figures([0, 0, 0], AGREE, DISAGREE, RULES)
    yes = c.figures([5, 0, 0], AGREE, DISAGREE, RULES)
    e = c.ecosystems({("X", "a"): yes, ("Y", "b"): none}, RULES)
    assert (e.reached, e.of, e.k, e.passes) == (1, 1, 1, True)
    e = c.ecosystems({("X", "a"): none}, RULES)
    assert (e.reached, e.of, e.k, e.passes) == (0, 0, 0, False)
    # MASTERY: 4 of 5 ecosystems; k = ceil(0.8 x 5) = 4
    five = {(str(i), ""): yes if i < 4 else none for i in range(5)}
    five[("4", "")] = c.figures([0, 0, 5], AGREE, DISAGREE, RULES)
    e = c.ecosystems(five, RULES)
    assert (e.reached, e.of, e.k, e.passes) == (4, 5, 4, True)


# ---------------------------------------------------------------- options, ranking, texts


def test_options_share_is_of_those_who_answered() -> None:
    out = c.option_figures([3, 1, 0], 4)
    assert [(o.count, o.share) for o in out] == [(3, 0.75), (1, 0.25), (0, 0.0)]
    assert c.option_figures([0, 0], 0)[0].share == 0.0


def test_ranking_mean_rank_and_borda() -> None:
    # 3 options, 2 rankings: X,Y,Z and Y,X,Z -> X ranks 1+2, Y 2+1, Z 3+3
    out = c.ranking_figures([3, 3, 6], [2, 2, 2], 3)
    assert [o.mean_rank for o in out] == [1.5, 1.5, 3.0]
    assert [o.borda for o in out] == [3, 3, 0]  # X: (3-1)+(3-2)
    assert c.ranking_figures([0], [0], 3)[0].mean_rank is None


def test_identical_answers_are_counted_together_ignoring_case_and_spaces() -> None:
    out = c.group_answers(
        [
            ("Skills ", "A", "policy"),
            ("skills", "B", "industry"),
            ("  SKILLS", "A", "policy"),
            ("Green jobs", "B", "industry"),
            ("   ", "B", "industry"),
        ]
    )
    assert [(a.text, a.count, a.sessions, a.groups) for a in out] == [
        ("Skills", 3, ["A", "B"], ["policy", "industry"]),
        ("Green jobs", 1, ["B"], ["industry"]),
    ]
    qa = c.group_answers([("Why?", "A", "policy", 2), ("why?", "A", "", 3)])
    assert (qa[0].count, qa[0].upvotes, qa[0].groups) == (2, 5, ["policy"])


def test_topics_of_consensus_come_first_by_group_informed_score() -> None:
    items = [("no_consensus", 0.9), ("contested", 0.2), ("consensus", 0.3), ("consensus", 0.6)]
    ordered = sorted(items, key=lambda t: c.topic_order(*t))
    assert ordered == [
        ("consensus", 0.6),
        ("consensus", 0.3),
        ("contested", 0.2),
        ("no_consensus", 0.9),
    ]


def test_every_figure_has_a_definition() -> None:
    names = " ".join(n for n, _ in c.DEFINITIONS)
    for figure in ("n", "counts", "agree", "disagree", "median", "status", "by_group",
                   "group_informed", "broad_consensus", "by_country", "ecosystems"):
        assert figure in names
