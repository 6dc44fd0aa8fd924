"""党支部调整 through the pages and through the JSON API (RULES.md §6.3, 撤并 §6.4): rename, move under
another superior, upgrade to a general branch, split, merge; at each step the work item is in the inbox
of the unit that must act and nowhere else, and the approval changes the organisation in its own
transaction.

内科第一党支部 → 县人民医院党委 (replies) → 中共城关县委组织部 (files); 东街社区第一党支部 → 东街社区党委 →
中共城关县委组织部.
"""

from __future__ import annotations

import pytest
from branch_driver import (
    CHANNELS,
    Flow,
    case_row,
    do,
    member_ids,
    member_without_position,
    new_flow,
    positions,
    refused,
    start,
    step,
    unit,
    unit_named,
)
from recruitment_driver import FakeClock

from webapp.extensions import db
from webapp.models import AuditEvent, Notification, OrgUnit, User


@pytest.fixture
def flow(request, app, client, demo, login, monkeypatch):
    return new_flow(request, app, client, demo, login, monkeypatch)


def request_change(flow: Flow, branch: str, username: str, kind: str, **fields) -> int:
    return start(flow, "branch_change", branch, step(flow, "O21_submit_change", change_kind=kind, **fields), username)


def history(flow: Flow) -> list[str]:
    with flow.app.app_context():
        return list(db.session.scalars(db.select(AuditEvent.summary).filter_by(case_id=flow.case_id,
                                                                               kind="org_change")))


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_branch_is_renamed_on_approval_and_the_change_is_filed(flow):
    request_change(flow, "branch1", "branch1_secretary", "rename", new_name="内科心血管党支部")
    assert case_row(flow).title == "党支部调整 · 更名 · 内科第一党支部"
    do(flow, "O22_superior_reply", "hospital")
    assert unit(flow, flow.unit_id("branch1")).name == "内科心血管党支部"
    assert history(flow) == ["内科第一党支部更名为内科心血管党支部"]
    do(flow, "O23_file_change", "county_org_dept")
    assert (case_row(flow).status, case_row(flow).outcome) == ("completed", "branch_changed")


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_community_branch_moves_under_the_township_committee(flow):
    request_change(flow, "community_branch", "community_branch_secretary", "move", new_parent_id=flow.unit_id("town"))
    do(flow, "O22_superior_reply", "community")  # its own 基层党委 replies
    assert unit(flow, flow.unit_id("community_branch")).parent_id == flow.unit_id("town")
    assert history(flow) == ["东街社区第一党支部改为隶属城关镇党委（原隶属东街社区党委）"]
    do(flow, "O23_file_change", "county_org_dept")
    assert case_row(flow).status == "completed"


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_branch_of_fifteen_members_becomes_a_general_branch_for_a_reason_and_elects_its_committee(flow):
    assert "upgrade_reason" in refused_start_fields(flow, "upgrade")  # 15 members: not over 50
    request_change(flow, "branch1", "branch1_secretary", "upgrade", upgrade_reason="内科将分设三个党支部")
    do(flow, "O22_superior_reply", "hospital")
    upgraded = unit(flow, flow.unit_id("branch1"))
    assert (upgraded.kind, upgraded.term_no, upgraded.term_due_on) == ("general_branch", None, None)
    with flow.app.app_context():
        messages = {n.message for n in db.session.scalars(db.select(Notification).filter_by(kind="first_election"))}
    assert messages == {"%(unit)s已升格为党总支：请召开党员大会选举党总支委员会，点此发起换届选举"}
    do(flow, "O23_file_change", "county_org_dept")


def refused_start_fields(flow: Flow, kind: str, **fields) -> set[str]:
    from branch_driver import refusals, start_response

    response = start_response(flow, "branch_change", "branch1", step(flow, "O21_submit_change", change_kind=kind,
                                                                     **fields), "branch1_secretary")
    assert response.status_code == (422 if flow.channel == "web" else 400)
    return set(refusals(flow, response))


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_branch_splits_in_two_the_members_who_go_move_and_the_new_branch_has_its_secretary(flow):
    with flow.app.app_context():
        secretary = db.session.get(User, flow.demo.user_ids["branch1_publicity"]).member_id
    going = [secretary, *member_without_position(flow, "branch1", 2)]
    assert "member_ids" in refused_start_fields(flow, "split", new_name="内科第二党支部", member_ids=going[:2])
    request_change(flow, "branch1", "branch1_secretary", "split", new_name="内科第二党支部", member_ids=going,
                   new_secretary_id=secretary)
    do(flow, "O22_superior_reply", "hospital")
    new = unit_named(flow, "内科第二党支部")
    assert (new.parent_id, new.established_by_case_id) == (flow.unit_id("internal_gb"), flow.case_id)
    assert member_ids(flow, new.id) == sorted(going)
    assert not set(going) & set(member_ids(flow, "branch1"))
    assert positions(flow, new.id) == [(flow.demo.user_ids["branch1_publicity"], "secretary", None)]
    do(flow, "O23_file_change", "county_org_dept")


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_the_committee_merges_the_joint_branch_into_the_first_branch_with_everyone_on_its_roster(flow):
    people = member_ids(flow, "joint_branch")
    assert len(people) == 5  # four full members and an activist
    # 上级党组织直接决定: the committee's 组织委员 starts it in the branch
    request_change(flow, "joint_branch", "hospital_org_member", "merge", target_unit_id=flow.unit_id("branch1"))
    do(flow, "O22_superior_reply", "hospital")
    merged = unit(flow, flow.unit_id("joint_branch"))
    assert (merged.status, merged.closed_on, merged.closed_by_case_id) == ("dissolved", flow.clock.today,
                                                                           flow.case_id)
    assert member_ids(flow, "joint_branch") == []
    assert set(people) <= set(member_ids(flow, "branch1"))
    assert positions(flow, merged.id) == [(flow.demo.user_ids["joint_secretary"], "secretary", flow.clock.today)]
    # the case of the closed branch still reaches its committee and the department above it
    do(flow, "O23_file_change", "county_org_dept", result="returned", comments="请附党员名单")
    do(flow, "O23b_correct_filing", "hospital")
    do(flow, "O23_file_change", "county_org_dept")
    assert case_row(flow).status == "completed"
    assert history(flow)[-1] == f"内科联合党支部并入内科第一党支部，于{flow.clock.today.isoformat()}撤销建制"


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_change_is_returned_revised_and_refused_and_changes_nothing(flow):
    request_change(flow, "branch1", "branch1_secretary", "rename", new_name="内科心血管党支部")
    do(flow, "O22_superior_reply", "hospital", decision="returned", comments="名称应与科室名称一致")
    do(flow, "O21b_revise_change", "branch1", change_kind="rename", new_name="内科心内科党支部")
    do(flow, "O22_superior_reply", "hospital", decision="refused", comments="暂不调整")
    assert (case_row(flow).status, case_row(flow).outcome) == ("rejected", "change_refused")
    assert unit(flow, flow.unit_id("branch1")).name == "内科第一党支部"
    assert history(flow) == []


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_an_approval_is_refused_when_the_name_was_taken_meanwhile(flow):
    request_change(flow, "branch1", "branch1_secretary", "rename", new_name="内科心血管党支部")
    with flow.app.app_context():
        db.session.get(OrgUnit, flow.unit_id("joint_branch")).name = "内科心血管党支部"
        db.session.commit()
    assert "decision" in refused(flow, "O22_superior_reply", "hospital")
    assert unit(flow, flow.unit_id("branch1")).name == "内科第一党支部"


def test_a_temporary_branch_is_not_reorganised_and_a_sibling_may_not_change_another_branch(
        app, client, demo, login, monkeypatch):
    flow = Flow(app, client, demo, login, FakeClock(monkeypatch))
    with app.app_context():
        db.session.get(OrgUnit, demo.unit_ids["joint_branch"]).is_temporary = True
        db.session.commit()
    temporary = f"/cases/new?process=branch_change&unit={demo.unit_ids['joint_branch']}"
    assert flow.as_user("joint_secretary").get(temporary).status_code == 403
    sibling = f"/cases/new?process=branch_change&unit={demo.unit_ids['branch1']}"
    assert flow.as_user("joint_secretary").get(sibling).status_code == 403
    assert flow.as_user("internal_gb_secretary").get(sibling).status_code == 200
