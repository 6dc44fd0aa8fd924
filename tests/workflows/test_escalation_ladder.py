"""The escalation ladder of a time limit (RULES.md §2.9): reminder before, overdue after, 督办 in the
next lane up after the grace; each level on its own day, in order."""

from datetime import date
from pathlib import Path

import pytest
from test_routing import BRANCH, COMMUNITY, COMMUNITY_BRANCH, DEPARTMENT, GENERAL, HOSPITAL, ORPHAN, TOWN_BRANCH, TREE

from workflows.escalation import NONE, OVERDUE, REMINDED, SUPERVISED, Ladder, supervising_unit
from workflows.routing import load_lane_rules
from workflows.settings import RuleSettings

LANES = load_lane_rules(Path(__file__).parents[2] / "bpmn" / "lanes.json")
DUE = date(2027, 3, 31)
DEFAULT = Ladder.from_settings(RuleSettings({}))


def test_the_defaults_remind_a_week_before_and_escalate_the_day_after_the_due_date():
    assert DEFAULT == Ladder(reminder_lead_days=7, grace_days=0)
    assert DEFAULT.level_on(date(2027, 3, 23), DUE, None) == NONE
    assert DEFAULT.level_on(date(2027, 3, 24), DUE, None) == REMINDED
    assert DEFAULT.level_on(DUE, DUE, None) == REMINDED  # the last day is still in time
    assert DEFAULT.level_on(date(2027, 4, 1), DUE, None) == SUPERVISED  # overdue and, without grace, supervised


def test_a_grace_keeps_an_overdue_item_with_its_unit_for_that_many_days():
    ladder = Ladder(reminder_lead_days=7, grace_days=5)
    assert ladder.level_on(date(2027, 4, 1), DUE, None) == OVERDUE
    assert ladder.level_on(date(2027, 4, 5), DUE, None) == OVERDUE
    assert ladder.level_on(date(2027, 4, 6), DUE, None) == SUPERVISED


def test_the_step_s_own_reminder_date_comes_first_and_never_after_the_due_date():
    assert DEFAULT.level_on(date(2027, 3, 1), DUE, date(2027, 3, 1)) == REMINDED  # 30 days before (转正申请)
    assert DEFAULT.remind_on(DUE, date(2027, 5, 1)) == DUE


@pytest.mark.parametrize("level, next_on", [(NONE, date(2027, 3, 24)), (REMINDED, date(2027, 4, 1)),
                                            (OVERDUE, date(2027, 4, 1)), (SUPERVISED, None)])
def test_each_level_knows_the_day_of_the_next(level, next_on):
    assert DEFAULT.next_on(level, DUE, None) == next_on


def test_no_due_date_no_ladder():
    assert DEFAULT.level_on(date(2030, 1, 1), None, None) == NONE
    assert DEFAULT.next_on(NONE, None, None) is None


def test_a_branch_under_a_general_branch_is_supervised_by_it():
    unit, lane = supervising_unit(LANES, TREE, BRANCH.id, BRANCH, {})
    assert (unit, lane.key) == (GENERAL, "general_branch")


def test_a_branch_directly_under_its_committee_is_supervised_by_the_committee():
    unit, lane = supervising_unit(LANES, TREE, TOWN_BRANCH.id, TOWN_BRANCH, {})
    assert lane.key == "approving_committee" and unit.id == TOWN_BRANCH.parent_id


def test_a_community_branch_is_supervised_by_its_community_committee_though_it_cannot_approve():
    unit, lane = supervising_unit(LANES, TREE, COMMUNITY_BRANCH.id, COMMUNITY_BRANCH, {})
    assert (unit, lane.key) == (COMMUNITY, "upper_org")


def test_an_approving_committee_is_supervised_by_the_organisation_department_that_files_its_admissions():
    unit, lane = supervising_unit(LANES, TREE, BRANCH.id, HOSPITAL, {})
    assert unit == DEPARTMENT and lane.positions == ("staff",)


def test_at_the_top_of_the_tree_there_is_no_one_above():
    assert supervising_unit(LANES, TREE, ORPHAN.id, ORPHAN, {}) is None
