"""Lanes resolve to the right level of trees of any depth (RULES.md §1.2)."""

from pathlib import Path

import pytest

from workflows.errors import NoResponsibleUnit
from workflows.org import OrgUnitRef, chain_of
from workflows.routing import (
    LaneRule,
    approving_committee,
    intermediate_deliberators,
    load_lane_rules,
    resolve_unit,
)


class Tree:
    def __init__(self, *units: OrgUnitRef):
        self.units = {u.id: u for u in units}

    def get(self, unit_id):
        return self.units.get(unit_id)

    def departments(self, unit_id):
        return [u for u in self.units.values() if u.parent_id == unit_id and u.kind == "org_department"]


COUNTY = OrgUnitRef(1, "城关县委", "county_committee", None)
DEPARTMENT = OrgUnitRef(2, "城关县委组织部", "org_department", 1)
HOSPITAL = OrgUnitRef(3, "县人民医院党委", "primary_committee", 1, can_approve_admission=True)
GENERAL = OrgUnitRef(4, "内科党总支", "general_branch", 3)
BRANCH = OrgUnitRef(5, "内科第一党支部", "branch", 4)
TOWN = OrgUnitRef(6, "城关镇党委", "primary_committee", 1, can_approve_admission=True)
TOWN_BRANCH = OrgUnitRef(7, "城关镇机关党支部", "branch", 6)
COMMUNITY = OrgUnitRef(8, "东街社区党委", "primary_committee", 6, can_approve_admission=False)
COMMUNITY_BRANCH = OrgUnitRef(9, "东街社区第一党支部", "branch", 8)
ORPHAN = OrgUnitRef(10, "无上级党支部", "branch", None)
TREE = Tree(COUNTY, DEPARTMENT, HOSPITAL, GENERAL, BRANCH, TOWN, TOWN_BRANCH, COMMUNITY, COMMUNITY_BRANCH, ORPHAN)

APPROVING = LaneRule("approving_committee", "基层党委", "approving_committee", ("secretary",))
DEPARTMENT_LANE = LaneRule("organisation_department", "组织部", "filing_department", ("staff",))


def test_approving_committee_skips_the_general_branch():
    assert approving_committee(chain_of(TREE, BRANCH.id)) == HOSPITAL


def test_approving_committee_skips_a_committee_without_admission_authority():
    assert approving_committee(chain_of(TREE, COMMUNITY_BRANCH.id)) == TOWN


def test_a_branch_directly_under_its_committee_has_no_deliberator():
    assert intermediate_deliberators(chain_of(TREE, TOWN_BRANCH.id)) == []


def test_the_general_branch_deliberates_for_its_branches():
    assert intermediate_deliberators(chain_of(TREE, BRANCH.id)) == [GENERAL]


def test_a_community_committee_without_authority_deliberates():
    assert intermediate_deliberators(chain_of(TREE, COMMUNITY_BRANCH.id)) == [COMMUNITY]


@pytest.mark.parametrize("branch", [BRANCH, TOWN_BRANCH, COMMUNITY_BRANCH])
def test_filing_goes_to_the_department_above_the_approving_committee(branch):
    assert resolve_unit(DEPARTMENT_LANE, TREE, branch.id, {}, {}) == DEPARTMENT


def test_a_lane_without_unit_names_the_lane_and_the_unit():
    with pytest.raises(NoResponsibleUnit) as raised:
        resolve_unit(APPROVING, TREE, ORPHAN.id, {}, {})
    assert raised.value.lane == "approving_committee"
    assert raised.value.unit_name == "无上级党支部"


def test_a_task_variable_selects_the_deliberating_unit():
    rule = LaneRule("deliberating_org", "审议", "task_unit:deliberating_unit", ("secretary",))
    assert resolve_unit(rule, TREE, BRANCH.id, {}, {"deliberating_unit": GENERAL.id}) == GENERAL


def test_the_shipped_registry_has_valid_selectors():
    rules = load_lane_rules(Path(__file__).parents[2] / "bpmn" / "lanes.json")
    assert {"branch_secretary", "branch_committee", "approving_committee", "organisation_department"} <= {
        r.key for r in rules
    }
    assert all(r.positions for r in rules)


def test_an_unknown_selector_is_refused():
    from workflows.routing import lane_rule_from_dict

    with pytest.raises(ValueError):
        lane_rule_from_dict({"key": "x", "label": "x", "selector": "everyone", "positions": ["secretary"]})


@pytest.mark.parametrize(("unit", "upper"), [(BRANCH, GENERAL), (GENERAL, HOSPITAL), (COMMUNITY_BRANCH, COMMUNITY)])
def test_the_upper_org_is_the_direct_parent_whatever_its_kind(unit, upper):
    rule = LaneRule("upper_org", "上级党组织", "upper_org", ("secretary",))
    assert resolve_unit(rule, TREE, unit.id, {}, {}) == upper


def test_a_unit_without_parent_has_no_upper_org():
    rule = LaneRule("upper_org", "上级党组织", "upper_org", ("secretary",))
    with pytest.raises(NoResponsibleUnit):
        resolve_unit(rule, TREE, ORPHAN.id, {}, {})


RECEIVING_COMMITTEE = LaneRule("receiving_committee", "接收方基层党委", "approving_committee_of:receiving_unit_id",
                               ("secretary",))
RECEIVING_BRANCH = LaneRule("receiving_branch", "接收方党支部", "case_unit:receiving_branch_id", ("secretary",))


@pytest.mark.parametrize(("receiving_unit", "committee"), [
    (TOWN_BRANCH, TOWN),  # a branch named as the destination: its committee receives
    (COMMUNITY_BRANCH, TOWN),  # a community committee without authority: the town committee receives
    (TOWN, TOWN),  # the committee itself named as the destination
])
def test_the_receiving_committee_is_the_approving_committee_of_the_destination(receiving_unit, committee):
    unit = resolve_unit(RECEIVING_COMMITTEE, TREE, BRANCH.id, {"receiving_unit_id": receiving_unit.id}, {})
    assert unit == committee


def test_the_receiving_branch_is_the_unit_the_case_names():
    assert resolve_unit(RECEIVING_BRANCH, TREE, BRANCH.id, {"receiving_branch_id": TOWN_BRANCH.id}, {}) == TOWN_BRANCH


def test_a_receiving_lane_without_its_case_variable_names_the_lane():
    with pytest.raises(NoResponsibleUnit) as raised:
        resolve_unit(RECEIVING_COMMITTEE, TREE, BRANCH.id, {}, {})
    assert raised.value.lane == "receiving_committee"


def test_a_destination_without_approving_committee_has_no_receiving_committee():
    with pytest.raises(NoResponsibleUnit):
        resolve_unit(RECEIVING_COMMITTEE, TREE, BRANCH.id, {"receiving_unit_id": ORPHAN.id}, {})
UNIT_COMMITTEE = LaneRule("unit_committee", "基层党委", "unit_committee", ("secretary",))
UNIT_COMMITTEE_DEPARTMENT = LaneRule("unit_committee_department", "组织部", "unit_committee_department", ("staff",))
HOSPITAL_DEPARTMENT = OrgUnitRef(11, "县人民医院党委组织部", "org_department", 3)


@pytest.mark.parametrize(("unit", "committee"), [
    (BRANCH, HOSPITAL), (GENERAL, HOSPITAL), (HOSPITAL, HOSPITAL), (TOWN_BRANCH, TOWN),
    (COMMUNITY_BRANCH, COMMUNITY), (COMMUNITY, COMMUNITY)])
def test_a_unit_belongs_to_its_nearest_committee_or_is_one(unit, committee):
    # 成立 / 调整 / 撤销支部: the 基层党委 approves, admission authority or not (RULES.md §1.3)
    assert resolve_unit(UNIT_COMMITTEE, TREE, unit.id, {}, {}) == committee


@pytest.mark.parametrize("unit", [BRANCH, GENERAL, HOSPITAL, TOWN_BRANCH, COMMUNITY_BRANCH, COMMUNITY])
def test_the_filing_of_a_branch_change_goes_to_the_department_above_its_committee(unit):
    assert resolve_unit(UNIT_COMMITTEE_DEPARTMENT, TREE, unit.id, {}, {}) == DEPARTMENT


def test_the_committee_s_own_department_does_not_file_what_the_committee_approved():
    tree = Tree(*TREE.units.values(), HOSPITAL_DEPARTMENT)
    assert resolve_unit(UNIT_COMMITTEE_DEPARTMENT, tree, BRANCH.id, {}, {}) == DEPARTMENT


def test_a_branch_without_committee_above_has_no_approver_nor_filing():
    for rule in (UNIT_COMMITTEE, UNIT_COMMITTEE_DEPARTMENT):
        with pytest.raises(NoResponsibleUnit):
            resolve_unit(rule, TREE, ORPHAN.id, {}, {})


@pytest.mark.parametrize(("unit", "committee"), [(BRANCH, HOSPITAL), (GENERAL, HOSPITAL), (HOSPITAL, COUNTY),
                                                  (COMMUNITY_BRANCH, COMMUNITY), (COMMUNITY, TOWN)])
def test_the_upper_committee_is_the_nearest_committee_strictly_above(unit, committee):
    rule = LaneRule("upper_committee", "上级党委", "upper_committee", ("secretary",))
    assert resolve_unit(rule, TREE, unit.id, {}, {}) == committee
