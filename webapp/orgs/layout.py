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
    tree = _Tree(roots, children, size)
    cursor = size.margin
    for root in roots:
        tree.place(root, cursor, size.margin)
        cursor += tree.extent(root) + size.h_gap
    width = max((box.right for box in tree.boxes.values()), default=0) + size.margin
    height = max((box.bottom for box in tree.boxes.values()), default=0) + size.margin
    return Layout(tree.boxes, tuple(tree.links), width, height)


class _Tree:
    """One layout in the making: the children of each node, and the boxes and links placed so far."""

    def __init__(self, roots: Sequence[int], children: Mapping[int, Sequence[int]], size: Size):
        self.kids = {node: list(children.get(node, ())) for node in _all_nodes(roots, children)}
        self.size = size
        self.stack_width = size.stack_indent + size.node_width
        self.boxes: dict[int, Box] = {}
        self.links: list[Link] = []
        self._extents: dict[int, float] = {}

    def columns(self, node: int) -> list[tuple[str, list[int]]]:
        """The node's children as columns: ("tree", [child]) each, and ("stack", leaves) for its leaves
        when there are stack_min of them beside children that have children of their own."""
        kids = self.kids[node]
        leaves = [c for c in kids if not self.kids[c]]
        if len(leaves) < self.size.stack_min:
            return [("tree", [c]) for c in kids]
        return [("tree", [c]) for c in kids if self.kids[c]] + [("stack", leaves)]

    def is_stacked(self, node: int) -> bool:
        """All children are leaves, and enough of them: a column right under the node."""
        return bool(self.kids[node]) and self.columns(node) == [("stack", self.kids[node])]

    def extent(self, node: int) -> float:
        """The width of the node's column: its box, or its children side by side, whichever is wider."""
        if node not in self._extents:
            wide = self.stack_width if self.is_stacked(node) else max(self.size.node_width, self.span(node))
            self._extents[node] = wide
        return self._extents[node]

    def span(self, node: int) -> float:
        """The width of the node's children side by side."""
        widths = [self.extent(group[0]) if kind == "tree" else self.stack_width for kind, group in self.columns(node)]
        return sum(widths) + self.size.h_gap * (len(widths) - 1) if widths else 0

    def place(self, node: int, left: float, top: float) -> None:
        """The node and everything below it, in the column from ``left``, the node's box at ``top``."""
        size = self.size
        bottom = top + size.node_height
        if self.is_stacked(node):
            self.boxes[node] = Box(node, left, top, size.node_width, size.node_height)
            self.stack(node, self.kids[node], left, bottom + size.stack_gap, (), bottom)
            return
        row, bus = bottom + size.v_gap, bottom + size.v_gap / 2
        cursor, anchors = left + (self.extent(node) - self.span(node)) / 2, []
        for kind, group in self.columns(node):
            if kind == "tree":
                self.place(group[0], cursor, row)
                anchors.append(self.boxes[group[0]].center_x)
                cursor += self.extent(group[0]) + size.h_gap
            else:  # the trunk of the stacked leaves
                anchors.append(cursor + size.stack_indent / 2)
                cursor += self.stack_width + size.h_gap
        center = (anchors[0] + anchors[-1]) / 2 if anchors else left + size.node_width / 2
        self.boxes[node] = Box(node, center - size.node_width / 2, top, size.node_width, size.node_height)
        head = ((center, bottom), (center, bus))
        for (kind, group), anchor in zip(self.columns(node), anchors, strict=True):
            if kind == "stack":
                self.stack(node, group, anchor - size.stack_indent / 2, row, head, bus)
            else:
                below = self.boxes[group[0]]
                self.links.append(Link(node, group[0], (*head, (below.center_x, bus), (below.center_x, below.y))))

    def stack(self, node: int, leaves: list[int], left: float, top: float, head: tuple, joint_y: float) -> None:
        """``leaves`` in a column from ``top``, hanging from a trunk at ``left`` + indent/2 that meets the
        parent's connector (``head``, its first points) at ``joint_y``."""
        size = self.size
        trunk = left + size.stack_indent / 2
        for index, leaf in enumerate(leaves):
            y = top + index * (size.node_height + size.stack_gap)
            self.boxes[leaf] = Box(leaf, left + size.stack_indent, y, size.node_width, size.node_height)
            middle = y + size.node_height / 2
            points = (*head, (trunk, joint_y), (trunk, middle), (left + size.stack_indent, middle))
            self.links.append(Link(node, leaf, points))


def _all_nodes(roots: Sequence[int], children: Mapping[int, Sequence[int]]) -> list[int]:
    found, frontier = [], list(roots)
    while frontier:
        node = frontier.pop()
        found.append(node)
        frontier.extend(children.get(node, ()))
    return found
