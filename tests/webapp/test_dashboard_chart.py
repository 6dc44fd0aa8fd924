"""The pipeline chart's geometry (webapp/dashboard/chart.py): round ticks, bars proportional to the
counts on one scale, segments side by side in order, empty segments left out."""

from __future__ import annotations

import pytest

from webapp.dashboard.chart import Frame, nice_step, stacked_bars

FRAME = Frame()


@pytest.mark.parametrize(("maximum", "step"), [(1, 1), (5, 1), (6, 2), (10, 2), (11, 5), (25, 5), (26, 10),
                                               (48, 10), (51, 20), (100, 20), (101, 50), (4999, 1000)])
def test_the_tick_step_is_the_smallest_round_number_covering_the_maximum_in_five_steps(maximum, step):
    assert nice_step(maximum) == step


def test_bars_share_one_scale_and_their_segments_follow_each_other_in_order():
    chart = stacked_bars([("applicant", [("lt3m", 3), ("3to6m", 0), ("ge2y", 2)]),
                          ("activist", [("lt3m", 1), ("3to6m", 2), ("ge2y", 0)])])
    applicant, activist = chart.bars

    # the longest bar is 5: the scale runs to 5 in steps of 1 over the plot's 520 units, 104 a person
    assert [t.value for t in chart.ticks] == [0, 1, 2, 3, 4, 5]
    assert [t.x for t in chart.ticks] == [120, 224, 328, 432, 536, 640]
    assert [(s.key, s.count, s.x, s.width) for s in applicant.segments] == [
        ("lt3m", 3, 120, 312), ("ge2y", 2, 432, 208)]
    assert [(s.key, s.x, s.width) for s in activist.segments] == [("lt3m", 120, 104), ("3to6m", 224, 208)]
    assert (applicant.total, applicant.end, activist.total, activist.end) == (5, 640, 3, 432)
    assert (applicant.y, activist.y) == (FRAME.top, FRAME.top + FRAME.bar_height + FRAME.bar_gap)
    assert applicant.segments[0].middle == 276


def test_the_scale_ends_at_the_next_round_value_above_the_longest_bar():
    chart = stacked_bars([("a", [("x", 7)]), ("b", [("x", 3)])])

    assert [t.value for t in chart.ticks] == [0, 2, 4, 6, 8]
    assert chart.bars[0].segments[0].width == 7 * FRAME.plot_width / 8 == 455


def test_a_bar_as_long_as_a_round_value_fills_the_plot():
    chart = stacked_bars([("a", [("x", 10)])])

    assert chart.bars[0].segments[0].width == FRAME.plot_width
    assert chart.ticks[-1].value == 10 and chart.ticks[-1].x == FRAME.label_width + FRAME.plot_width


def test_the_chart_is_as_wide_as_its_frame_and_tall_enough_for_its_bars_and_axis():
    chart = stacked_bars([(key, [("x", 1)]) for key in "abcd"])

    assert chart.width == FRAME.label_width + FRAME.plot_width + FRAME.note_width
    assert chart.axis_y == FRAME.top + 4 * (FRAME.bar_height + FRAME.bar_gap) - FRAME.bar_gap / 2
    assert chart.height == chart.axis_y + FRAME.axis_height
    assert chart.bars[-1].y + FRAME.bar_height < chart.axis_y


def test_no_people_draws_no_segments_on_a_scale_of_one():
    chart = stacked_bars([("a", [("x", 0)]), ("b", [])])

    assert [bar.segments for bar in chart.bars] == [(), ()]
    assert [t.value for t in chart.ticks] == [0, 1]
