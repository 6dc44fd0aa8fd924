"""The escalation ladder of a work item with a time limit (RULES.md §2.9).

``L0`` remind the assignee ``lead`` days before the due date (or on the step's own reminder date) →
``L1`` the day after the due date: overdue, the assignee and the acting unit's officers are told →
``L2`` ``grace`` days later: a 督办 (supervision item) in the unit above, in its inbox and dashboard.
Overdue never cancels the task: the work must still be done (a peer's rationale: blocking would push
clerks off the system). Hard legal limits are timers of the definition (the approval that lapses).

A work item remembers the highest level it reached and the day of its next one (``escalate_on``), so
the timer worker only looks at items whose day has come, and no level is ever skipped or repeated.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .calendar import add_days
from .errors import NoResponsibleUnit
from .org import OrgTree, OrgUnitRef, chain_of
from .routing import LaneRule, resolve_unit

NONE, REMINDED, OVERDUE, SUPERVISED = 0, 1, 2, 3


@dataclass(frozen=True)
class Ladder:
    """The organisation's settings of the ladder: days of warning before, days of grace after."""

    reminder_lead_days: int
    grace_days: int

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Ladder:
        return cls(settings["sla.reminder_lead_days"], settings["sla.escalation_grace_days"])

    def level_on(self, today: date, due_on: date | None, remind_on: date | None) -> int:
        """The level an item with these dates has reached on ``today``."""
        if due_on is None:
            return NONE
        if today > add_days(due_on, self.grace_days):
            return SUPERVISED
        if today > due_on:
            return OVERDUE
        return REMINDED if today >= self.remind_on(due_on, remind_on) else NONE

    def next_on(self, level: int, due_on: date | None, remind_on: date | None) -> date | None:
        """The day an item at ``level`` reaches the next one; None when there is none."""
        if due_on is None or level >= SUPERVISED:
            return None
        if level < REMINDED:
            return self.remind_on(due_on, remind_on)
        if level < OVERDUE:
            return add_days(due_on, 1)
        return add_days(due_on, self.grace_days + 1)

    def remind_on(self, due_on: date, remind_on: date | None) -> date:
        return min(remind_on, due_on) if remind_on is not None else add_days(due_on, -self.reminder_lead_days)


def supervising_unit(lane_rules: Iterable[LaneRule], tree: OrgTree, case_unit_id: int, late_unit: OrgUnitRef,
                     case_variables: Mapping[str, Any]) -> tuple[OrgUnitRef, LaneRule] | None:
    """督办 goes to the next lane up: of the lanes of the registry that resolve, for this case, to a unit
    above the late one, the nearest (a branch's → its 党总支 or 基层党委; a 基层党委's → the 组织部门
    that files its admissions). None at the top of the tree."""
    above = {}  # unit id → how far above the late unit (an ancestor's 组织部 counts as the ancestor)
    for depth, unit in enumerate(chain_of(tree, late_unit.id)[1:]):
        above.setdefault(unit.id, depth)
        for department in tree.departments(unit.id):
            above.setdefault(department.id, depth)
    found = []
    for rule in lane_rules:
        if rule.selector.startswith("task_unit:"):
            continue  # a unit named by one task's data (a deliberating unit): no standing supervisor
        try:
            unit = resolve_unit(rule, tree, case_unit_id, case_variables, {})
        except NoResponsibleUnit:  # a lane that resolves to nothing for this case is no candidate
            continue
        if unit.id in above:
            found.append((above[unit.id], unit, rule))
    if not found:
        return None
    _depth, unit, rule = min(found, key=lambda entry: entry[0])
    return unit, rule
