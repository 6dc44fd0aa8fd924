"""The organisation chart's layout (webapp/orgs/layout.py): boxes never overlap, parents sit above and
centred over their children, leaf children stack in a column, connectors join the right boxes."""

from __future__ import annotations

from itertools import combinations

from webapp.orgs.layout import Size, tree_layout

SIZE = Size()


def county_tree() -> tuple[list[int], dict[int, list[int]]]:
    """A county of 4 levels and 51 units: 5 committees, each with 2 general branches of 3 to 5 branches
    (groups under some of them) and 1 branch of its own."""
    children: dict[int, list[int]] = {1: []}
    next_id = 2

    def add(parent: int) -> int:
        nonlocal next_id
        children.setdefault(parent, []).append(next_id)
        children[next_id] = []
        next_id += 1
        return next_id - 1

    for committee_no in range(5):
        committee = add(1)
        for gb_no in range(2):
            general_branch = add(committee)
            for branch_no in range(3 + (committee_no + gb_no) % 3):
                branch = add(general_branch)
                if branch_no == 0 and committee_no < 2:
                    add(branch), add(branch)  # two party groups
        add(committee)
    return [1], children


def overlaps(a, b) -> bool:
    return a.x < b.right and b.x < a.right and a.y < b.bottom and b.y < a.bottom


def test_fifty_units_on_four_levels_get_one_box_each_and_no_two_boxes_overlap():
    roots, children = county_tree()
    layout = tree_layout(roots, children)

    assert len(layout.boxes) == len(children) >= 50
    assert [pair for pair in combinations(layout.boxes.values(), 2) if overlaps(*pair)] == []
    assert all(box.x >= SIZE.margin and box.y >= SIZE.margin for box in layout.boxes.values())
    assert all(box.right <= layout.width - SIZE.margin and box.bottom <= layout.height - SIZE.margin
               for box in layout.boxes.values())
    # stacking the leaves keeps the chart less than half as wide as one box per branch and group side by side
    leaves = sum(1 for kids in children.values() if not kids)
    assert layout.width < 0.5 * leaves * (SIZE.node_width + SIZE.h_gap)


def test_a_parent_sits_above_its_children_and_a_row_of_children_is_centred_under_it():
    roots, children = county_tree()
    layout = tree_layout(roots, children)
    boxes = layout.boxes

    for parent, kids in children.items():
        for kid in kids:
            assert boxes[kid].y >= boxes[parent].bottom + SIZE.stack_gap
    committees = children[1]
    assert {boxes[c].y for c in committees} == {SIZE.margin + SIZE.node_height + SIZE.v_gap}
    middle = (boxes[committees[0]].center_x + boxes[committees[-1]].center_x) / 2
    assert boxes[1].center_x == middle
    assert [boxes[c].x for c in committees] == sorted(boxes[c].x for c in committees)  # in the given order


def test_two_or_more_leaf_children_stack_in_a_column_indented_under_their_parent():
    layout = tree_layout([1], {1: [2, 3, 4], 2: [], 3: [], 4: []})
    parent, stacked = layout.boxes[1], [layout.boxes[i] for i in (2, 3, 4)]

    assert {box.x for box in stacked} == {parent.x + SIZE.stack_indent}
    assert [box.y for box in stacked] == [parent.bottom + SIZE.stack_gap + i * (SIZE.node_height + SIZE.stack_gap)
                                          for i in range(3)]
    assert layout.width == SIZE.margin * 2 + SIZE.stack_indent + SIZE.node_width


def test_a_single_leaf_child_sits_right_below_its_parent():
    layout = tree_layout([1], {1: [2]})

    assert layout.boxes[2].x == layout.boxes[1].x
    assert layout.boxes[2].y == layout.boxes[1].bottom + SIZE.v_gap


def test_each_connector_runs_from_its_parents_bottom_to_its_childs_top_or_side():
    roots, children = county_tree()
    layout = tree_layout(roots, children)
    boxes = layout.boxes

    assert len(layout.links) == sum(len(kids) for kids in children.values())
    for link in layout.links:
        (x0, y0), (x1, y1) = link.points[0], link.points[-1]
        parent, child = boxes[link.parent], boxes[link.child]
        assert y0 == parent.bottom and parent.x <= x0 <= parent.right
        assert (y1 == child.y and x1 == child.center_x) or (x1 == child.x and y1 == child.y + child.height / 2)
        # orthogonal: every segment is horizontal or vertical
        assert all(a[0] == b[0] or a[1] == b[1] for a, b in zip(link.points, link.points[1:], strict=False))
    assert layout.links[0].svg_points.count(",") == len(layout.links[0].points)


def test_several_roots_stand_side_by_side():
    layout = tree_layout([1, 2], {1: [3, 4], 3: [5], 4: [], 2: []})

    assert layout.boxes[1].right < layout.boxes[2].x
    assert layout.boxes[2].y == layout.boxes[1].y
    assert not any(overlaps(a, b) for a, b in combinations(layout.boxes.values(), 2))


def test_an_empty_tree_is_an_empty_picture():
    layout = tree_layout([], {})

    assert layout.boxes == {} and layout.links == ()


def test_leaves_beside_children_with_children_of_their_own_stack_in_one_column_after_them():
    layout = tree_layout([1], {1: [2, 3, 4, 5], 2: [6], 3: [], 4: [], 5: [], 6: []})
    boxes = layout.boxes

    assert boxes[2].y == boxes[3].y == boxes[1].bottom + SIZE.v_gap
    assert {boxes[i].x for i in (3, 4, 5)} == {boxes[2].right + SIZE.h_gap + SIZE.stack_indent}
    assert [boxes[i].y for i in (3, 4, 5)] == [boxes[3].y + i * (SIZE.node_height + SIZE.stack_gap) for i in range(3)]
    assert not any(overlaps(a, b) for a, b in combinations(boxes.values(), 2))
    trunk = boxes[2].right + SIZE.h_gap + SIZE.stack_indent / 2
    assert boxes[1].center_x == (boxes[2].center_x + trunk) / 2  # centred over its columns
