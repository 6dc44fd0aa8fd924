"""Geometry of the 督办 pipeline chart: horizontal stacked bars, one bar per stage and one segment per
bucket of waiting time, on a shared scale with round ticks.

Plain arithmetic, no Flask: the template draws what this computes as server-rendered SVG (no script,
so nothing for the page's CSP to refuse), and the tests check the numbers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    """The chart's sizes in SVG units: stage labels, then the bars, then a note (count, median, longest)."""

    label_width: float = 120
    plot_width: float = 520
    note_width: float = 300
    bar_height: float = 26
    bar_gap: float = 16
    top: float = 8
    axis_height: float = 26


@dataclass(frozen=True)
class Segment:
    key: str
    count: int
    x: float
    width: float

    @property
    def middle(self) -> float:
        return round(self.x + self.width / 2, 2)


@dataclass(frozen=True)
class Bar:
    key: str
    total: int
    y: float
    segments: tuple[Segment, ...]
    end: float  # x where the bar ends: its note starts after it


@dataclass(frozen=True)
class Tick:
    value: int
    x: float


@dataclass(frozen=True)
class Chart:
    width: float
    height: float
    frame: Frame
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    axis_y: float

    @property
    def plot_left(self) -> float:
        return self.frame.label_width

    @property
    def text_dy(self) -> float:
        """Baseline of a bar's text below the bar's top: about the middle for 13-unit text."""
        return round(self.frame.bar_height / 2 + 4.5, 2)


def nice_step(maximum: int, target_ticks: int = 5) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50 … that covers ``maximum`` in at most ``target_ticks`` steps."""
    step, factors = 1, (1, 2, 5)
    while True:
        for factor in factors:
            if step * factor * target_ticks >= maximum:
                return step * factor
        step *= 10


def stacked_bars(rows: Sequence[tuple[str, Sequence[tuple[str, int]]]], frame: Frame = Frame()) -> Chart:
    """The bars of ``rows`` = [(bar key, [(segment key, count), …]), …], top to bottom, segments left to
    right in the given order; a segment of 0 is left out. Widths are proportional to the counts on a
    scale from 0 to the smallest round value at or above the longest bar."""
    totals = [sum(count for _key, count in segments) for _bar, segments in rows]
    step = nice_step(max(totals, default=0) or 1)
    scale_max = step * max(1, -(-max(totals, default=0) // step))
    unit = frame.plot_width / scale_max
    bars = []
    for index, ((key, segments), total) in enumerate(zip(rows, totals, strict=True)):
        x, placed = frame.label_width, []
        for segment_key, count in segments:
            if count:
                placed.append(Segment(segment_key, count, round(x, 2), round(count * unit, 2)))
                x += count * unit
        y = frame.top + index * (frame.bar_height + frame.bar_gap)
        bars.append(Bar(key, total, round(y, 2), tuple(placed), round(x, 2)))
    axis_y = frame.top + len(rows) * (frame.bar_height + frame.bar_gap) - frame.bar_gap / 2
    ticks = tuple(Tick(value, round(frame.label_width + value * unit, 2)) for value in range(0, scale_max + 1, step))
    width = frame.label_width + frame.plot_width + frame.note_width
    return Chart(width, round(axis_y + frame.axis_height, 2), frame, tuple(bars), ticks, round(axis_y, 2))
