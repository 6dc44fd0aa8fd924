"""党支部撤销 through the pages and through the JSON API (RULES.md §6.4 O11–O15): proposed, approved, filed,
everyone on the roster transferred (no member left without a branch, 党章第八条), handed over and closed;
at each step the work item is in the inbox of the unit that must act and nowhere else.

内科联合党支部 → 县人民医院党委 (replies, transfers, closes) → 中共城关县委组织部 (files).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from branch_driver import (
    CHANNELS,
    Flow,
    case_row,
    do,
    expect,
    member_ids,
    new_flow,
    open_items,
    positions,
    refused,
    start,
    step,
    tick,
    unit,
    unit_named,
)
from recruitment_driver import FakeClock

from webapp.cases.formkit import formdata_from_json
from webapp.extensions import db
from webapp.models import Case, Member, OrgUnit, User


@pytest.fixture
def flow(request, app, client, demo, login, monkeypatch):
    return new_flow(request, app, client, demo, login, monkeypatch)


def propose(flow: Flow, branch: str = "joint_branch", username: str = "joint_secretary") -> int:
    return start(flow, "branch_dissolution", branch, step(flow, "O11_propose_dissolution"), username)


def approve_and_file(flow: Flow) -> None:
    do(flow, "O12_superior_reply", "hospital")
    do(flow, "O12f_file_dissolution", "county_org_dept")


def transfer(flow: Flow, people: list[int], target: str) -> None:
    do(flow, "O13_transfer_members", "hospital", member_ids=people, target_unit_id=flow.unit_id(target))


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_branch_is_dissolved_once_everyone_on_its_roster_went_to_another_branch(flow):
    people = member_ids(flow, "joint_branch")
    propose(flow)
    approve_and_file(flow)
    transfer(flow, people[:3], "branch1")  # two rounds: two receiving branches
    transfer(flow, people[3:], "town_branch")
    assert member_ids(flow, "joint_branch") == []
    assert set(people[:3]) <= set(member_ids(flow, "branch1"))
    assert set(people[3:]) <= set(member_ids(flow, "town_branch"))
    do(flow, "O14_handover", "joint_branch")  # the branch hands over its seal, ledgers and records
    assert unit(flow, flow.unit_id("joint_branch")).status == "active"
    do(flow, "O15_close_branch", "hospital")

    closed = unit(flow, flow.unit_id("joint_branch"))
    assert (closed.status, closed.closed_on, closed.closed_by_case_id) == ("dissolved", flow.clock.today,
                                                                           flow.case_id)
    assert positions(flow, closed.id) == [(flow.demo.user_ids["joint_secretary"], "secretary", flow.clock.today)]
    assert (case_row(flow).status, case_row(flow).outcome) == ("completed", "branch_dissolved")


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_branch_is_never_closed_with_anyone_on_its_roster(flow):
    propose(flow)
    approve_and_file(flow)
    transfer(flow, member_ids(flow, "joint_branch"), "branch1")
    do(flow, "O14_handover", "joint_branch")
    with flow.app.app_context():  # someone's relationship arrived in the meantime
        db.session.add(Member(name="新转入党员", unit_id=flow.unit_id("joint_branch"), stage="full_member",
                              top_org_id=flow.unit_id("county")))
        db.session.commit()
    errors = refused(flow, "O15_close_branch", "hospital")
    assert any("名册中还有1人，不能撤销" in message for message in errors["outcome"])
    do(flow, "O15_close_branch", "hospital", outcome="transfer_more")
    transfer(flow, member_ids(flow, "joint_branch"), "branch1")
    do(flow, "O14_handover", "joint_branch")
    do(flow, "O15_close_branch", "hospital")
    assert unit(flow, flow.unit_id("joint_branch")).status == "dissolved"


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_people_are_transferred_only_to_an_existing_other_branch(flow):
    propose(flow)
    approve_and_file(flow)
    people = member_ids(flow, "joint_branch")
    assert "target_unit_id" in refused(flow, "O13_transfer_members", "hospital", member_ids=people,
                                       target_unit_id=flow.unit_id("joint_branch"))
    assert "target_unit_id" in refused(flow, "O13_transfer_members", "hospital", member_ids=people,
                                       target_unit_id=flow.unit_id("internal_gb"))
    assert member_ids(flow, "joint_branch") == people


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_proposal_is_returned_revised_and_refused_and_the_branch_stays(flow):
    propose(flow)
    do(flow, "O12_superior_reply", "hospital", decision="returned", comments="请说明党员去向")
    do(flow, "O11b_revise_proposal", "joint_branch")
    do(flow, "O12_superior_reply", "hospital", decision="refused", comments="科室合并推迟")
    assert (case_row(flow).status, case_row(flow).outcome) == ("rejected", "dissolution_refused")
    assert unit(flow, flow.unit_id("joint_branch")).status == "active"


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_returned_filing_goes_back_to_the_committee_s_reply(flow):
    propose(flow, username="hospital_org_member")  # the committee proposes it directly
    do(flow, "O12_superior_reply", "hospital")
    do(flow, "O12f_file_dissolution", "county_org_dept", result="returned", comments="缺党委会会议记录")
    do(flow, "O12_superior_reply", "hospital")
    do(flow, "O12f_file_dissolution", "county_org_dept")
    expect(flow, "O13_transfer_members", "hospital")


def test_a_temporary_branch_ended_early_has_nobody_to_transfer_and_its_timer_later_changes_nothing(
        app, client, demo, login, monkeypatch):
    flow = Flow(app, client, demo, login, FakeClock(monkeypatch))
    until = flow.clock.today + timedelta(days=30)
    with app.app_context():
        secretary = db.session.get(User, demo.user_ids["branch1_publicity"]).member_id
    setup_id = start(flow, "branch_setup", "hospital", step(
        flow, "O01_submit_request", branch_name="防汛临时党支部", parent_id=demo.unit_ids["hospital"],
        branch_type="temporary", temporary_task="防汛救灾", temporary_until=until.isoformat(), full_member_count=3,
        secretary_id=secretary), "hospital_org_member")
    do(flow, "O02_superior_reply", "hospital")
    do(flow, "O04_file_setup", "county_org_dept")
    temporary = unit_named(flow, "防汛临时党支部")

    flow.clock.move_to(flow.clock.today + timedelta(days=10))  # the flood is over early: 临时任务结束
    start(flow, "branch_dissolution", temporary.id, step(flow, "O11_propose_dissolution", grounds="task_finished"),
          "hospital_org_member")
    approve_and_file(flow)
    ((item_id, code, unit_id),) = open_items(flow)
    assert (code, unit_id) == ("O14_handover", temporary.id)  # no transfer: its members never left home
    # its designated secretary hands over
    response = flow.as_user("branch1_publicity").post(f"/inbox/{item_id}",
                                                      data=formdata_from_json(step(flow, "O14_handover")))
    assert response.status_code == 302
    do(flow, "O15_close_branch", "hospital")
    closed_on = flow.clock.today
    assert unit(flow, temporary.id).status == "dissolved"

    flow.clock.move_to(until)
    assert tick(flow) == 1  # the set-up case's TM22 timer: the branch is already dissolved
    with app.app_context():
        ended = db.session.get(OrgUnit, temporary.id)
        assert (ended.closed_on, ended.closed_by_case_id) == (closed_on, flow.case_id)
        assert db.session.get(Case, setup_id).status == "completed"
