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
    stack_width = size.stack_indent + size.node_width

    def columns(node: int) -> list[tuple[str, list[int]]]:
        """The node's children as columns: ("tree", [child]) each, and ("stack", leaves) for its leaves
        when there are stack_min of them beside children that have children of their own."""
        leaves = [c for c in kids[node] if not kids[c]]
        if len(leaves) < size.stack_min:
            return [("tree", [c]) for c in kids[node]]
        return [("tree", [c]) for c in kids[node] if kids[c]] + [("stack", leaves)]

    def is_stacked(node: int) -> bool:
        """All children are leaves, and enough of them: a column right under the node."""
        return columns(node) == [("stack", kids[node])] if kids[node] else False

    @cache
    def extent(node: int) -> float:
        """The width of the node's column: its box, or its children side by side, whichever is wider."""
        if is_stacked(node):
            return stack_width
        return max(size.node_width, _span(node))

    def _span(node: int) -> float:
        widths = [extent(group[0]) if kind == "tree" else stack_width for kind, group in columns(node)]
        return sum(widths) + size.h_gap * (len(widths) - 1) if widths else 0

    boxes: dict[int, Box] = {}
    links: list[Link] = []

    def stack(node: int, leaves: list[int], left: float, top: float, head) -> None:
        """``leaves`` in a column from ``top``, hanging from a trunk at ``left`` + indent/2 that ``head(trunk)``
        (the first points of each connector) joins to the parent."""
        trunk = left + size.stack_indent / 2
        for index, leaf in enumerate(leaves):
            y = top + index * (size.node_height + size.stack_gap)
            boxes[leaf] = Box(leaf, left + size.stack_indent, y, size.node_width, size.node_height)
            middle = y + size.node_height / 2
            links.append(Link(node, leaf, (*head(trunk), (trunk, middle), (left + size.stack_indent, middle))))

    def place(node: int, left: float, top: float) -> None:
        row = top + size.node_height + size.v_gap
        if is_stacked(node):
            boxes[node] = Box(node, left, top, size.node_width, size.node_height)
            bottom = top + size.node_height
            stack(node, kids[node], left, bottom + size.stack_gap, lambda trunk: ((trunk, bottom),))
            return
        cursor, anchors = left + (extent(node) - _span(node)) / 2, []
        for kind, group in columns(node):
            if kind == "tree":
                place(group[0], cursor, row)
                anchors.append(boxes[group[0]].center_x)
                cursor += extent(group[0]) + size.h_gap
            else:
                anchors.append(cursor + size.stack_indent / 2)
                cursor += stack_width + size.h_gap
        center = (anchors[0] + anchors[-1]) / 2 if anchors else left + size.node_width / 2
        boxes[node] = Box(node, center - size.node_width / 2, top, size.node_width, size.node_height)
        bottom, bus = top + size.node_height, top + size.node_height + size.v_gap / 2
        for (kind, group), anchor in zip(columns(node), anchors, strict=True):
            if kind == "stack":
                stack(node, group, anchor - size.stack_indent / 2, row,
                      lambda trunk: ((center, bottom), (center, bus), (trunk, bus)))  # noqa: B023 (called at once)
                continue
            below = boxes[group[0]]
            links.append(Link(node, group[0], ((center, bottom), (center, bus), (below.center_x, bus),
                                               (below.center_x, below.y))))

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
