"""Positions of the boxes of the organisation chart (结构图): a top-down tree without overlaps.

Plain arithmetic on ids, no Flask and no database. Every subtree gets its own column range, as wide as
its widest level, and a parent is centred over its children, so boxes of different subtrees never
meet. Children that are all leaves (the branches of a committee, the groups of a branch) are stacked
in a column under their parent when there are ``stack_min`` or more of them: a committee with twenty
branches stays one box wide instead of twenty (the chart grows down, where pages scroll anyway).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Size:
    node_width: float = 184
    node_height: float = 100
    h_gap: float = 20  # between neighbouring subtrees
    v_gap: float = 48  # between a parent and a row of children
    stack_indent: float = 28  # stacked children sit this far right of their parent
    stack_gap: float = 14  # between stacked boxes
    stack_min: int = 2  # this many leaf children or more are stacked
    margin: float = 16


@dataclass(frozen=True)
class Box:
    id: int
    x: float
    y: float
    width: float
    height: float

    @property
    def right(self) -> float:
        return self.x + self.width

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def center_x(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Link:
    """An orthogonal connector from a parent's box to a child's, as polyline points."""

    parent: int
    child: int
    points: tuple[tuple[float, float], ...]

    @property
    def svg_points(self) -> str:
        return " ".join(f"{x:g},{y:g}" for x, y in self.points)


@dataclass(frozen=True)
class Layout:
    boxes: dict[int, Box]
    links: tuple[Link, ...]
    width: float
    height: float


def tree_layout(roots: Sequence[int], children: Mapping[int, Sequence[int]], size: Size = Size()) -> Layout:
    """Boxes and connectors for the trees under ``roots`` (side by side); ``children`` in display order."""
    kids = {node: list(children.get(node, ())) for node in _all_nodes(roots, children)}

    def is_stacked(node: int) -> bool:
        return len(kids[node]) >= size.stack_min and all(not kids[c] for c in kids[node])

    @cache
    def extent(node: int) -> float:
        """The width of the node's column: its box, or its children side by side, whichever is wider."""
        if not kids[node]:
            return size.node_width
        if is_stacked(node):
            return size.stack_indent + size.node_width
        span = sum(extent(c) for c in kids[node]) + size.h_gap * (len(kids[node]) - 1)
        return max(size.node_width, span)

    boxes: dict[int, Box] = {}
    links: list[Link] = []

    def place(node: int, left: float, top: float) -> None:
        if is_stacked(node):
            boxes[node] = Box(node, left, top, size.node_width, size.node_height)
            trunk = left + size.stack_indent / 2
            for index, child in enumerate(kids[node]):
                y = top + size.node_height + size.stack_gap + index * (size.node_height + size.stack_gap)
                boxes[child] = Box(child, left + size.stack_indent, y, size.node_width, size.node_height)
                middle = y + size.node_height / 2
                links.append(Link(node, child, ((trunk, top + size.node_height), (trunk, middle),
                                                (left + size.stack_indent, middle))))
            return
        span = sum(extent(c) for c in kids[node]) + size.h_gap * (len(kids[node]) - 1) if kids[node] else 0
        cursor = left + (extent(node) - span) / 2
        for child in kids[node]:
            place(child, cursor, top + size.node_height + size.v_gap)
            cursor += extent(child) + size.h_gap
        if kids[node]:
            first, last = boxes[kids[node][0]], boxes[kids[node][-1]]
            center = (first.center_x + last.center_x) / 2
        else:
            center = left + size.node_width / 2
        boxes[node] = Box(node, center - size.node_width / 2, top, size.node_width, size.node_height)
        bus = top + size.node_height + size.v_gap / 2
        for child in kids[node]:
            below = boxes[child]
            links.append(Link(node, child, ((center, top + size.node_height), (center, bus),
                                            (below.center_x, bus), (below.center_x, below.y))))

    cursor = size.margin
    for root in roots:
        place(root, cursor, size.margin)
        cursor += extent(root) + size.h_gap
    width = max((box.right for box in boxes.values()), default=0) + size.margin
    height = max((box.bottom for box in boxes.values()), default=0) + size.margin
    return Layout(boxes, tuple(links), width, height)


def _all_nodes(roots: Sequence[int], children: Mapping[int, Sequence[int]]) -> list[int]:
    found, frontier = [], list(roots)
    while frontier:
        node = frontier.pop()
        found.append(node)
        frontier.extend(children.get(node, ()))
    return found
