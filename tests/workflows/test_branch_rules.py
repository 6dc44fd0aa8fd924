"""The rules of 党支部设置 at the edges of every number (RULES.md §6.1, §4.2, §6.6) and the organisation
changes each decision makes, without Flask: form data and the facts of the units concerned in, the
violated rules out."""

from datetime import date

import pytest

from workflows.guards import MemberFacts, StepContext, UnitFacts
from workflows.org_changes import (
    CASE_NEW_UNIT,
    AppointOfficer,
    CreateUnit,
    DissolveUnit,
    MoveMember,
    MoveUnit,
    OfferFirstElection,
    RenameUnit,
    UpgradeUnit,
)
from workflows.procedures import PROCEDURES, branch_change, branch_dissolution, branch_setup
from workflows.settings import RuleSettings

TODAY = date(2026, 12, 1)
HOSPITAL = UnitFacts(5, "县人民医院党委", "primary_committee", 3, ancestor_ids=(3, 1), child_names=("内科党总支",))
GENERAL = UnitFacts(8, "内科党总支", "general_branch", 5, ancestor_ids=(5, 3, 1),
                    child_names=("内科第一党支部", "内科联合党支部"))
BRANCH = UnitFacts(9, "内科第一党支部", "branch", 8, ancestor_ids=(8, 5, 3, 1), roster=(31, 32, 33, 34, 35, 36, 37),
                   full_members=6, probationary_members=1)
OTHER = UnitFacts(10, "内科联合党支部", "branch", 8, ancestor_ids=(8, 5, 3, 1), is_joint=True)
TEMPORARY = UnitFacts(11, "抗疫临时党支部", "branch", 5, ancestor_ids=(5, 3, 1), is_temporary=True)
TOWN = UnitFacts(4, "城关镇党委", "primary_committee", 1, ancestor_ids=(1,), child_names=("城关镇机关党支部",))
UNITS = {u.id: u for u in (HOSPITAL, GENERAL, BRANCH, OTHER, TEMPORARY, TOWN)}


def member(member_id, stage="full_member", since=date(2015, 7, 1), unit_id=9, good=True):
    return MemberFacts(member_id, f"党员{member_id}", stage, good, stage == "full_member" and good, unit_id, since)


MEMBERS = {m.id: m for m in (*(member(i) for i in range(31, 37)), member(37, "probationary_member", None))}


def context(unit=GENERAL, case_data=None, settings=None, members=MEMBERS, units=UNITS):
    return StepContext(today=TODAY, case_data=case_data or {}, members=members, voting_members=0,
                       settings=RuleSettings(settings or {}), units=units, unit_id=unit.id)


def request(**overrides):
    data = {"branch_name": "内科第三党支部", "branch_type": "single", "parent_id": GENERAL.id, "full_member_count": 3,
            "probationary_member_count": 0, "committee_plan": "secretary_only", "secretary_id": 31,
            "member_ids": [31, 32, 33], "reasons": "扩编", "requested_on": "2026-11-30"}
    return {k: v for k, v in {**data, **overrides}.items() if v is not None}


def refusals(procedure, step, data, ctx=None):
    return {(v.field, v.rule) for v in procedure.check(step, data, ctx or context())}


def test_a_complete_request_passes():
    assert refusals(branch_setup, "O01_submit_request", request()) == set()


@pytest.mark.parametrize(("full", "refused"), [(2, True), (3, False)])
def test_a_branch_needs_three_full_members(full, refused):
    data = request(full_member_count=full, member_ids=[31, 32][:full])
    assert (("full_member_count", "branch.min_full_members") in refusals(branch_setup, "O01_submit_request", data)) \
        is refused


def test_fewer_than_three_full_members_are_told_to_join_a_joint_branch():
    (violation,) = branch_setup.check("O01_submit_request", request(full_member_count=2, member_ids=[31, 32]),
                                      context())
    assert "联合党支部" in violation.text() and "第三十条" in violation.text()


def test_a_local_rule_may_ask_for_more_full_members():
    data = request(full_member_count=3)
    assert ("full_member_count", "branch.min_full_members") in refusals(
        branch_setup, "O01_submit_request", data, context(settings={"branch.min_full_members": 4}))


@pytest.mark.parametrize(("count", "refused"), [(5, False), (6, True)])
def test_a_joint_branch_covers_at_most_five_units(count, refused):
    units = "、".join(f"单位{i}" for i in range(count))
    data = request(branch_type="joint", covered_units=units)
    assert (("covered_units", "branch.joint_max_units") in refusals(branch_setup, "O01_submit_request", data)) \
        is refused


def test_a_joint_branch_names_at_least_two_units_one_per_line_or_separated_by_commas():
    assert ("covered_units", "joint_units") in refusals(branch_setup, "O01_submit_request",
                                                        request(branch_type="joint", covered_units="内科门诊"))
    assert refusals(branch_setup, "O01_submit_request",
                    request(branch_type="joint", covered_units="内科门诊\n内科病房，药剂科")) == set()


def test_a_joint_branch_still_needs_three_full_members_together():
    data = request(branch_type="joint", covered_units="甲、乙", full_member_count=2, member_ids=[31, 32])
    assert ("full_member_count", "branch.min_full_members") in refusals(branch_setup, "O01_submit_request", data)


@pytest.mark.parametrize(("full", "plan", "refused"), [
    (6, "secretary_only", False), (6, "committee", True), (7, "committee", False), (7, "secretary_only", True)])
def test_seven_full_members_set_up_a_committee_fewer_a_secretary(full, plan, refused):
    data = request(full_member_count=full, committee_plan=plan)
    assert (("committee_plan", "branch.committee_min_full_members") in
            refusals(branch_setup, "O01_submit_request", data)) is refused


@pytest.mark.parametrize(("members", "reason", "refused"), [
    (50, None, False), (51, None, True), (51, "一个车间", False)])
def test_more_than_fifty_members_need_a_reason(members, reason, refused):
    data = request(full_member_count=members - 1, probationary_member_count=1, committee_plan="committee",
                   size_reason=reason)
    assert (("size_reason", "branch.max_members") in refusals(branch_setup, "O01_submit_request", data)) is refused


@pytest.mark.parametrize(("since", "refused"), [(date(2025, 12, 1), True), (date(2025, 11, 30), False)])
def test_the_secretary_has_a_year_of_party_standing_on_the_day_of_the_request(since, refused):
    # 2026-11-30: one day short of a year since 2025-12-01, exactly a year since 2025-11-30
    members = {**MEMBERS, 31: member(31, since=since)}
    found = refusals(branch_setup, "O01_submit_request", request(), context(members=members))
    assert (("secretary_id", "branch.secretary_min_standing_years") in found) is refused


def test_the_secretary_is_a_full_member_in_good_standing_who_joins_the_branch():
    members = {**MEMBERS, 31: member(31, good=False)}
    assert ("secretary_id", "secretary_eligibility") in refusals(
        branch_setup, "O01_submit_request", request(), context(members=members))
    assert ("secretary_id", "secretary_member") in refusals(branch_setup, "O01_submit_request",
                                                            request(member_ids=[32, 33, 34]))
    assert ("secretary_id", "required") in refusals(branch_setup, "O01_submit_request", request(secretary_id=None))


def test_a_name_taken_under_the_parent_is_refused():
    assert ("branch_name", "unit_name_unique") in refusals(branch_setup, "O01_submit_request",
                                                           request(branch_name="内科联合党支部"))


def test_a_branch_is_set_up_under_a_general_branch_or_a_committee_only():
    assert ("parent_id", "parent_kind") in refusals(branch_setup, "O01_submit_request", request(parent_id=BRANCH.id))


def test_more_members_picked_than_declared_is_refused():
    assert ("member_ids", "member_counts") in refusals(branch_setup, "O01_submit_request",
                                                       request(member_ids=[31, 32, 33, 34]))


def test_a_temporary_branch_has_a_task_an_end_a_designated_secretary_and_moves_nobody():
    data = request(branch_type="temporary", member_ids=None, temporary_task="防汛",
                   temporary_until="2027-03-31")
    assert refusals(branch_setup, "O01_submit_request", data) == set()
    found = refusals(branch_setup, "O01_submit_request", {**data, "member_ids": [31], "temporary_until": None,
                                                           "temporary_task": None, "secretary_id": None})
    assert {("member_ids", "temporary_members"), ("temporary_until", "required"), ("temporary_task", "required"),
            ("secretary_id", "required")} <= found
    assert ("temporary_until", "date_order") in refusals(branch_setup, "O01_submit_request",
                                                         {**data, "temporary_until": "2026-11-29"})


def test_the_reply_says_why_it_returns_or_refuses_and_is_not_dated_before_the_request():
    ctx = context(case_data={"requested_on": "2026-11-30", "parent_id": GENERAL.id, "branch_name": "内科第三党支部"})
    assert refusals(branch_setup, "O02_superior_reply", {"decided_on": "2026-12-01", "decision": "approved"},
                    ctx) == set()
    assert ("comments", "required") in refusals(branch_setup, "O02_superior_reply",
                                                {"decided_on": "2026-12-01", "decision": "returned"}, ctx)
    assert ("decided_on", "date_order") in refusals(branch_setup, "O02_superior_reply",
                                                    {"decided_on": "2026-11-29", "decision": "refused",
                                                     "comments": "不具备条件"}, ctx)


def test_an_approval_checks_the_name_again_against_the_tree_of_the_day():
    ctx = context(case_data={"requested_on": "2026-11-30", "parent_id": GENERAL.id, "branch_name": "内科联合党支部"})
    assert ("decision", "unit_name_unique") in refusals(branch_setup, "O02_superior_reply",
                                                        {"decided_on": "2026-12-01", "decision": "approved"}, ctx)


@pytest.mark.parametrize(("months", "due"), [(1, date(2026, 12, 30)), (3, date(2027, 2, 28))])
def test_the_reply_is_due_within_the_months_of_the_setting(months, due):
    # TM21: counted in calendar months from the request (RULES.md §2.8)
    assert branch_setup.due_dates("setup_reply", TODAY, {"requested_on": "2026-11-30"},
                                  RuleSettings({"branch.reply_months": months})) == (due, None, None)


def test_on_approval_the_branch_is_set_up_its_members_move_in_its_secretary_takes_office_and_elects_later():
    variables = branch_setup.derive("O01_submit_request", request(), context())
    variables.update(branch_setup.derive("O02_superior_reply", {"decided_on": "2026-12-01", "decision": "approved"},
                                         context()))
    assert branch_setup.org_changes("O02_superior_reply", {}, variables) == [
        CreateUnit("内科第三党支部", GENERAL.id, "2026-12-01"),
        MoveMember(31, CASE_NEW_UNIT), MoveMember(32, CASE_NEW_UNIT), MoveMember(33, CASE_NEW_UNIT),
        AppointOfficer(CASE_NEW_UNIT, 31, "secretary", "2026-12-01"),
        OfferFirstElection(CASE_NEW_UNIT, member_ids=(31,)),
    ]
    assert branch_setup.org_changes("O02_superior_reply", {}, {**variables, "reply_decision": "returned"}) == []


def test_a_temporary_branch_moves_nobody_elects_nobody_and_ends_on_its_day():
    data = request(branch_type="temporary", member_ids=None, temporary_task="防汛", temporary_until="2027-03-31")
    variables = {**branch_setup.derive("O01_submit_request", data, context()),
                 "reply_decision": "approved", "replied_on": "2026-12-01"}
    assert branch_setup.org_changes("O02_superior_reply", {}, variables) == [
        CreateUnit("内科第三党支部", GENERAL.id, "2026-12-01", is_temporary=True, temporary_until="2027-03-31"),
        AppointOfficer(CASE_NEW_UNIT, 31, "secretary", "2026-12-01"),
    ]
    assert branch_setup.org_changes("temporary_task_ended", {}, variables) == [DissolveUnit(CASE_NEW_UNIT,
                                                                                            "2027-03-31")]


# ---------- 调整 ----------


def change(kind, **fields):
    return {"change_kind": kind, "reasons": "工作需要", "requested_on": "2026-11-30", **fields}


def change_refusals(data, **kwargs):
    return refusals(branch_change, "O21_submit_change", data, context(unit=BRANCH, **kwargs))


def test_a_new_name_is_new_and_free_among_the_siblings():
    assert change_refusals(change("rename", new_name="内科心血管党支部")) == set()
    assert ("new_name", "unit_name_changed") in change_refusals(change("rename", new_name="内科第一党支部"))
    assert ("new_name", "unit_name_unique") in change_refusals(change("rename", new_name="内科联合党支部"))
    assert ("new_name", "required") in change_refusals(change("rename"))


def test_a_branch_moves_under_another_committee_never_under_itself_or_its_present_superior():
    assert change_refusals(change("move", new_parent_id=TOWN.id)) == set()
    assert ("new_parent_id", "move_changes_parent") in change_refusals(change("move", new_parent_id=GENERAL.id))
    assert ("new_parent_id", "parent_kind") in change_refusals(change("move", new_parent_id=OTHER.id))
    below = UnitFacts(12, "内科第一党支部下属党总支", "general_branch", 9, ancestor_ids=(9, 8, 5, 3, 1))
    assert ("new_parent_id", "move_not_below_itself") in change_refusals(
        change("move", new_parent_id=below.id), units={**UNITS, below.id: below})


@pytest.mark.parametrize(("members", "reason", "refused"), [
    (50, None, True), (51, None, False), (50, "工作需要", False)])
def test_a_general_branch_has_more_than_fifty_members_or_a_reason(members, reason, refused):
    big = UnitFacts(**{**BRANCH.__dict__, "full_members": members - 1, "probationary_members": 1})
    found = change_refusals(change("upgrade", upgrade_reason=reason), units={**UNITS, big.id: big})
    assert (("upgrade_reason", "general_branch.min_members") in found) is refused


@pytest.mark.parametrize(("leaving", "refused"), [([31, 32, 33], False), ([31, 32], True), ([31, 32, 33, 34], True)])
def test_a_split_leaves_both_branches_three_full_members(leaving, refused):
    # 内科第一党支部 has six full members: 3 + 3 fits, 2 + 4 and 4 + 2 do not
    found = change_refusals(change("split", new_name="内科第二党支部", member_ids=leaving))
    assert (("member_ids", "branch.min_full_members") in found) is refused


def test_a_split_moves_only_people_of_the_branch_and_its_secretary_goes_with_them():
    outsider = {**MEMBERS, 40: member(40, unit_id=OTHER.id)}
    assert ("member_ids", "member_in_unit") in change_refusals(
        change("split", new_name="内科第二党支部", member_ids=[31, 32, 40]), members=outsider)
    assert ("new_secretary_id", "secretary_member") in change_refusals(
        change("split", new_name="内科第二党支部", member_ids=[31, 32, 33], new_secretary_id=34))


def test_a_branch_merges_into_another_existing_branch_never_a_temporary_one_nor_itself():
    assert change_refusals(change("merge", target_unit_id=OTHER.id)) == set()
    assert ("target_unit_id", "merge_target") in change_refusals(change("merge", target_unit_id=TEMPORARY.id))
    assert ("target_unit_id", "merge_target") in change_refusals(change("merge", target_unit_id=BRANCH.id))
    assert ("target_unit_id", "merge_target") in change_refusals(change("merge", target_unit_id=GENERAL.id))


def approved(kind, **fields):
    ctx = context(unit=BRANCH)
    variables = branch_change.derive("O21_submit_change", change(kind, **fields), ctx)
    reply = branch_change.derive("O22_superior_reply", {"decided_on": "2026-12-01", "decision": "approved"},
                                 context(unit=BRANCH, case_data=variables))
    return branch_change.org_changes("O22_superior_reply", {}, {**variables, **reply})


def test_what_each_approved_change_does_to_the_organisation():
    assert approved("rename", new_name="内科心血管党支部") == [RenameUnit(BRANCH.id, "内科心血管党支部")]
    assert approved("move", new_parent_id=TOWN.id) == [MoveUnit(BRANCH.id, TOWN.id)]
    assert approved("upgrade") == [UpgradeUnit(BRANCH.id), OfferFirstElection(BRANCH.id, upgraded=True)]
    assert approved("merge", target_unit_id=OTHER.id) == [
        *(MoveMember(member_id, OTHER.id) for member_id in BRANCH.roster),
        DissolveUnit(BRANCH.id, "2026-12-01", merged_into_id=OTHER.id)]
    assert approved("split", new_name="内科第二党支部", member_ids=[31, 32, 33], new_secretary_id=31) == [
        CreateUnit("内科第二党支部", GENERAL.id, "2026-12-01"),
        MoveMember(31, CASE_NEW_UNIT), MoveMember(32, CASE_NEW_UNIT), MoveMember(33, CASE_NEW_UNIT),
        AppointOfficer(CASE_NEW_UNIT, 31, "secretary", "2026-12-01"),
        OfferFirstElection(CASE_NEW_UNIT, member_ids=(31,))]


# ---------- 撤销 ----------


def test_nobody_is_left_without_a_branch_the_branch_closes_only_once_its_roster_is_empty():
    # 党章第八条: every member belongs to a branch
    close = {"outcome": "close", "closed_on": "2026-12-01"}
    assert ("outcome", "no_member_left") in refusals(branch_dissolution, "O15_close_branch", close,
                                                     context(unit=BRANCH))
    empty = UnitFacts(**{**BRANCH.__dict__, "roster": (), "full_members": 0, "probationary_members": 0})
    assert refusals(branch_dissolution, "O15_close_branch", close, context(unit=empty, units={9: empty})) == set()
    assert ("outcome", "transfer_needed") in refusals(branch_dissolution, "O15_close_branch",
                                                      {**close, "outcome": "transfer_more"},
                                                      context(unit=empty, units={9: empty}))


def test_people_are_transferred_in_rounds_to_existing_branches():
    ctx = context(unit=BRANCH, case_data={"replied_on": "2026-11-30"})
    data = {"member_ids": [31, 32], "target_unit_id": OTHER.id, "transferred_on": "2026-12-01"}
    assert refusals(branch_dissolution, "O13_transfer_members", data, ctx) == set()
    assert branch_dissolution.derive("O13_transfer_members", data, ctx) == {"members_remain": True}
    assert branch_dissolution.derive("O13_transfer_members", {**data, "member_ids": list(BRANCH.roster)}, ctx) == {
        "members_remain": False}
    assert branch_dissolution.org_changes("O13_transfer_members", data, {}) == [MoveMember(31, OTHER.id),
                                                                              MoveMember(32, OTHER.id)]
    assert ("target_unit_id", "transfer_target") in refusals(
        branch_dissolution, "O13_transfer_members", {**data, "target_unit_id": TEMPORARY.id}, ctx)


def test_the_handover_names_what_was_not_handed_over():
    data = {"items": ["seal"], "receiver": "常玉梅", "handed_over_on": "2026-12-01"}
    assert ("notes", "handover_complete") in refusals(branch_dissolution, "O14_handover", data)
    assert refusals(branch_dissolution, "O14_handover", {**data, "notes": "台账已随党员转出"}) == set()


def test_the_closing_dissolves_the_branch_on_its_day():
    assert branch_dissolution.org_changes("O15_close_branch", {}, {"unit_id": 9, "close_outcome": "close",
                                                                   "closed_on": "2026-12-01"}) == [
        DissolveUnit(9, "2026-12-01")]
    assert branch_dissolution.org_changes("O15_close_branch", {}, {"unit_id": 9,
                                                                   "close_outcome": "transfer_more"}) == []


@pytest.mark.parametrize("key", ["branch_setup", "branch_change", "branch_dissolution"])
def test_the_procedures_are_registered_and_say_where_they_start(key):
    procedure = PROCEDURES[key]
    assert procedure.SUBJECT_KIND == "unit" and procedure.STARTED_BY_SUPERIORS
    # 临时党支部: not reorganised, but it may end before its day
    assert procedure.STARTS_IN_TEMPORARY_BRANCHES is (key == "branch_dissolution")
