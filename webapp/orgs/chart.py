"""结构图: what each box of the organisation chart says, placed by layout.tree_layout.

Each box: the unit's name (on two lines at most), its kind, its secretary, its members (a branch's
own, a committee's of all its branches) and its term with the term's status (ok, ending within
TERM_WARNING_MONTHS, overdue).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from workflows.org import UNIT_KINDS
from workflows.procedures.branch_setup import BRANCH_TYPES

from ..models import OrgUnit
from ..templating import long_date
from .layout import Box, Layout, Size, tree_layout
from .term_status import term_status

SIZE = Size()
NAME_UNITS = 11.5  # characters of the 14-unit name font in a box (a Latin letter counts as 0.55)
LINE_UNITS = 13.5  # characters of the 12-unit detail font
NO_SECRETARY_KINDS = ("party_group", "org_department")  # no 书记 to be missing, no members of their own


@dataclass(frozen=True)
class Node:
    unit: OrgUnit
    box: Box
    name_lines: tuple[str, ...]
    lines: tuple[tuple[str, str], ...]  # (css class, text) under the name
    status: str | None  # term_status of the unit


def org_chart(roots: list[OrgUnit], children: dict, counts: dict, totals: dict, secretaries: dict,
              today: date) -> tuple[Layout, list[Node]]:
    """The layout of the tree under ``roots`` and one Node per unit, top to bottom (the first root first)."""
    layout = tree_layout([u.id for u in roots], _child_ids(roots, children), SIZE)
    units = {u.id: u for u in _walk(roots, children)}
    boxes = sorted(layout.boxes.values(), key=lambda box: (box.y, box.x))
    return layout, [_node(units[box.id], box, counts, totals, secretaries, today) for box in boxes]


def _child_ids(roots, children) -> dict[int, list[int]]:
    return {unit.id: [c.id for c in children.get(unit.id, ())] for unit in _walk(roots, children)}


def _walk(roots, children):
    for unit in roots:
        yield unit
        yield from _walk(children.get(unit.id, ()), children)


def _node(unit: OrgUnit, box: Box, counts: dict, totals: dict, secretaries: dict, today: date) -> Node:
    kind = _(kind_label(unit))
    lines = []
    if unit.kind in NO_SECRETARY_KINDS:
        lines.append(("org-chart-kind", kind))
    elif unit.id in secretaries:
        lines.append(("org-chart-kind", fit(f"{kind} · {_('书记')}{_('：')}{secretaries[unit.id]}", LINE_UNITS)))
    else:
        lines.append(("org-chart-warn", fit(f"{kind} · {_('书记空缺')}", LINE_UNITS)))
    if unit.kind not in NO_SECRETARY_KINDS:  # members are counted in branches and summed above them
        lines.append(("org-chart-facts", fit(_members_line(unit, counts, totals), LINE_UNITS)))
    status = term_status(unit.term_due_on, today, unit.id)
    if status is not None:
        lines.append((f"org-chart-term-{status}", fit(_term_line(unit, status, today), LINE_UNITS)))
    return Node(unit, box, wrap(unit.name, NAME_UNITS, 2), tuple(lines), status)


def kind_label(unit: OrgUnit) -> str:
    """The unit's kind as the tree says it: 联合党支部 and 临时党支部 are branches of their own sort (RULES.md §6.5,
    §6.6)."""
    if unit.kind == "branch" and unit.is_temporary:
        return BRANCH_TYPES["temporary"]
    if unit.kind == "branch" and unit.is_joint:
        return BRANCH_TYPES["joint"]
    return UNIT_KINDS.get(unit.kind, unit.kind)


def _members_line(unit: OrgUnit, counts: dict, totals: dict) -> str:
    if unit.kind == "branch":
        members = counts.get(unit.id, {}).get("members", 0)
        probationary = counts.get(unit.id, {}).get("probationary", 0)
        text = _("党员 %(n)s 名", n=members)
    else:
        members, probationary = totals["members"].get(unit.id, 0), totals["probationary"].get(unit.id, 0)
        text = _("所属党员 %(n)s 名", n=members)
    if probationary:
        text += _("（") + _("预备 %(n)s", n=probationary) + _("）")
    return text


def _term_line(unit: OrgUnit, status: str, today: date) -> str:
    if status == "overdue":
        return _("任期已届满 %(n)s 天", n=(today - unit.term_due_on).days)
    if status == "ending":
        return _("%(date)s 任期届满", date=long_date(unit.term_due_on))
    return _("任期至 %(date)s", date=long_date(unit.term_due_on))


def text_units(text: str) -> float:
    """Width of ``text`` in font sizes: a CJK character is one, a Latin letter or digit about half."""
    return sum(0.55 if ord(char) < 0x2E80 else 1.0 for char in text)


def wrap(text: str, max_units: float, max_lines: int) -> tuple[str, ...]:
    """``text`` cut into lines of at most ``max_units``; the last line ends in … when text is left over."""
    lines, current = [], ""
    for char in text:
        if text_units(current + char) > max_units:
            lines.append(current)
            current = ""
        current += char
    lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = fit(lines[-1] + "…", max_units)
    return tuple(lines)


def fit(text: str, max_units: float) -> str:
    """``text`` shortened to ``max_units``, ending in … when cut."""
    if text_units(text) <= max_units:
        return text
    while text and text_units(text + "…") > max_units:
        text = text[:-1]
    return text + "…"
