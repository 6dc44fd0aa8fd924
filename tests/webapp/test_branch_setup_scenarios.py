"""党支部成立 through the pages and through the JSON API (RULES.md §6.2, §6.5, §6.6): at each step the work
item is in the inbox of the unit that must act and nowhere else; on approval the branch exists, in the
same transaction as the reply, with its members, its secretary and the offer of its first election.

内科党总支 requests a branch under itself → 县人民医院党委 replies (its 基层党委) → 中共城关县委组织部 files
(the department above that committee). 城关镇党委 sets one up directly: it replies to itself.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from branch_driver import (
    CHANNELS,
    Flow,
    case_row,
    do,
    expect,
    member_ids,
    member_without_position,
    new_flow,
    positions,
    refused,
    start,
    start_response,
    step,
    tick,
    unit_named,
)
from recruitment_driver import FakeClock

from webapp.extensions import db
from webapp.models import AuditEvent, Case, Notification, SupervisionItem, User, WorkItem
from workflows.calendar import add_months


@pytest.fixture
def flow(request, app, client, demo, login, monkeypatch):
    return new_flow(request, app, client, demo, login, monkeypatch)


def member_of(flow: Flow, username: str) -> int:
    with flow.app.app_context():
        return db.session.get(User, flow.demo.user_ids[username]).member_id


def request_third_branch(flow: Flow, **overrides) -> int:
    """内科党总支 requests 内科第三党支部: three full members of 内科第一党支部 (周婷, who has a login, as its
    secretary) go there."""
    secretary = member_of(flow, "branch1_publicity")
    moving = [secretary, *member_without_position(flow, "branch1", 2)]
    data = step(flow, "O01_submit_request", branch_name="内科第三党支部", parent_id=flow.unit_id("internal_gb"),
                full_member_count=3, member_ids=moving, secretary_id=secretary, **overrides)
    return start(flow, "branch_setup", "internal_gb", data, "internal_gb_secretary")


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_branch_is_requested_replied_and_filed_and_exists_from_the_reply(flow):
    request_third_branch(flow)
    assert case_row(flow).title == "党支部成立 · 内科第三党支部 · 内科党总支"
    assert unit_named(flow, "内科第三党支部") is None
    do(flow, "O02_superior_reply", "hospital")

    branch = unit_named(flow, "内科第三党支部")
    assert (branch.kind, branch.parent_id, branch.status, branch.term_no) == (
        "branch", flow.unit_id("internal_gb"), "active", None)
    assert (branch.established_on, branch.established_by_case_id) == (flow.clock.today, flow.case_id)
    assert len(member_ids(flow, branch.id, "full_member")) == 3
    assert positions(flow, branch.id) == [(flow.demo.user_ids["branch1_publicity"], "secretary", None)]
    do(flow, "O04_file_setup", "county_org_dept")
    assert (case_row(flow).status, case_row(flow).outcome) == ("completed", "branch_established")


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_committee_sets_up_a_joint_branch_directly_and_replies_itself(flow):
    # 城关镇党委 decides directly (RULES.md §6.2 O2): its own 党委会 replies, the county files
    data = step(flow, "O01_submit_request", branch_name="城关镇个体商户联合党支部", parent_id=flow.unit_id("town"),
                branch_type="joint", covered_units="东街商户\n西街商户、南街商户", full_member_count=3,
                secretary_id=None, committee_plan="secretary_only")
    fields = refused_start(flow, "town", data, "town_org_member")
    assert "secretary_id" in fields  # 不设支委会的: a secretary is named
    town_member = member_ids(flow, "town_branch", "full_member")[-1]
    start(flow, "branch_setup", "town", {**data, "secretary_id": town_member, "member_ids": [town_member]},
          "town_org_member")
    do(flow, "O02_superior_reply", "town")
    do(flow, "O04_file_setup", "county_org_dept")
    branch = unit_named(flow, "城关镇个体商户联合党支部")
    assert (branch.is_joint, branch.covered_units, branch.parent_id) == (True, "东街商户、西街商户、南街商户",
                                                                         flow.unit_id("town"))


def refused_start(flow: Flow, unit: str, data: dict, username: str) -> dict[str, list[str]]:
    response = start_response(flow, "branch_setup", unit, data, username)
    assert response.status_code == (422 if flow.channel == "web" else 400), response.status_code
    if flow.channel == "web":
        from branch_driver import page_errors

        return page_errors(response)
    return response.json["errors"]


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_request_is_returned_revised_and_then_refused_and_sets_nothing_up(flow):
    request_third_branch(flow)
    assert "comments" in refused(flow, "O02_superior_reply", "hospital", decision="returned")  # says why
    do(flow, "O02_superior_reply", "hospital", decision="returned", comments="请补充各党员的现任职务")
    # back to the requesting unit, the 党总支, as 修改后重新请示
    secretary = member_of(flow, "branch1_publicity")
    do(flow, "O01b_revise_request", "internal_gb", step(
        flow, "O01b_revise_request", branch_name="内科第三党支部", parent_id=flow.unit_id("internal_gb"),
        full_member_count=3, member_ids=[secretary, *member_without_position(flow, "branch1", 2)],
        secretary_id=secretary))
    do(flow, "O02_superior_reply", "hospital", decision="refused", comments="科室调整尚未完成")
    assert (case_row(flow).status, case_row(flow).outcome) == ("rejected", "setup_refused")
    assert unit_named(flow, "内科第三党支部") is None
    assert member_of(flow, "branch1_publicity") in member_ids(flow, "branch1")


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_returned_filing_is_corrected_by_the_committee_without_setting_the_branch_up_twice(flow):
    request_third_branch(flow)
    do(flow, "O02_superior_reply", "hospital")
    do(flow, "O04_file_setup", "county_org_dept", result="returned", comments="缺党委会会议记录")
    do(flow, "O04b_correct_filing", "hospital")
    do(flow, "O04_file_setup", "county_org_dept")
    assert case_row(flow).status == "completed"
    with flow.app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(
            AuditEvent.case_id == flow.case_id, AuditEvent.kind == "org_change",
            AuditEvent.summary.like("成立%"))) == 1


@pytest.mark.parametrize("flow", CHANNELS, indirect=True)
def test_a_temporary_branch_keeps_its_members_home_and_is_dissolved_by_the_timer_at_the_end_of_its_task(flow):
    secretary = member_of(flow, "branch1_publicity")
    until = flow.clock.today + timedelta(days=60)
    data = step(flow, "O01_submit_request", branch_name="县人民医院对口支援临时党支部",
                parent_id=flow.unit_id("hospital"), branch_type="temporary", temporary_task="对口支援乡镇卫生院三个月",
                temporary_until=until.isoformat(), full_member_count=4, secretary_id=secretary)
    start(flow, "branch_setup", "hospital", data, "hospital_org_member")
    do(flow, "O02_superior_reply", "hospital")
    do(flow, "O04_file_setup", "county_org_dept")
    branch = unit_named(flow, "县人民医院对口支援临时党支部")
    assert (branch.is_temporary, branch.temporary_until, branch.status) == (True, until, "active")
    assert member_ids(flow, branch.id) == []  # nobody's relationship moves (RULES.md §6.6)
    assert positions(flow, branch.id) == [(flow.demo.user_ids["branch1_publicity"], "secretary", None)]
    assert case_row(flow).status == "running"  # it waits for the end of the task (TM22)

    flow.clock.move_to(until - timedelta(days=1))
    assert tick(flow) == 0
    flow.clock.move_to(until)
    assert tick(flow) == 1
    branch = unit_named(flow, "县人民医院对口支援临时党支部")
    assert (branch.status, branch.closed_on, branch.closed_by_case_id) == ("dissolved", until, flow.case_id)
    assert positions(flow, branch.id) == [(flow.demo.user_ids["branch1_publicity"], "secretary", until)]
    assert (case_row(flow).status, case_row(flow).outcome) == ("completed", "temporary_branch_dissolved")


def test_the_reply_a_month_late_is_overdue_and_put_before_the_department_above(app, client, demo, login,
                                                                               monkeypatch):
    # TM21: 上级党组织应当在1个月内批复; late, the escalation ladder puts it before the unit above
    flow = Flow(app, client, demo, login, FakeClock(monkeypatch))
    request_third_branch(flow)
    item_id = expect(flow, "O02_superior_reply", "hospital")
    due = add_months(flow.clock.today, 1)
    with app.app_context():
        assert db.session.get(WorkItem, item_id).due_on == due
    flow.clock.move_to(due + timedelta(days=1))
    tick(flow)
    with app.app_context():
        item = db.session.get(WorkItem, item_id)
        (supervision,) = db.session.scalars(db.select(SupervisionItem).filter_by(work_item_id=item_id)).all()
        assert (item.status, item.escalation_level) == ("open", 3)
        assert supervision.unit_id == demo.unit_ids["county_org_dept"]


def test_the_new_branch_s_secretary_and_committee_are_offered_its_first_election(app, client, demo, login,
                                                                                 monkeypatch):
    flow = Flow(app, client, demo, login, FakeClock(monkeypatch))
    request_third_branch(flow)
    do(flow, "O02_superior_reply", "hospital")
    branch = unit_named(flow, "内科第三党支部")
    link = f"/cases/new?process=term_election&unit={branch.id}"
    with app.app_context():
        offers = db.session.scalars(db.select(Notification).filter_by(kind="first_election"))
        told = {(n.user_id, n.link) for n in offers}
    # its designated secretary is taken to the election; the committee's officers, who may not start a case in
    # a unit below, to the branch's page
    assert told == {(demo.user_ids["branch1_publicity"], link)} | {
        (demo.user_ids[name], f"/orgs/{branch.id}") for name in ("hospital_secretary", "hospital_org_member")}

    page = flow.as_user("branch1_publicity").get("/notifications/").get_data(as_text=True)
    assert "内科第三党支部已成立，尚未选举：请召开党员大会进行第一次选举，点此发起换届选举" in page
    (notification_id,) = re.findall(r'href="/notifications/(\d+)/open"', page)
    opened = flow.as_user("branch1_publicity").get(f"/notifications/{notification_id}/open")
    assert opened.headers["Location"] == link
    unit_page = flow.as_user("branch1_publicity").get(f"/orgs/{branch.id}").get_data(as_text=True)
    assert f'<a class="btn btn-primary btn-election" href="{link.replace("&", "&amp;")}">发起换届选举</a>' in unit_page


def test_a_sibling_branch_may_not_request_a_branch_but_the_committee_above_may(app, client, demo, login,
                                                                              monkeypatch):
    flow = Flow(app, client, demo, login, FakeClock(monkeypatch))
    url = f"/cases/new?process=branch_setup&unit={demo.unit_ids['internal_gb']}"
    assert flow.as_user("town_org_member").get(url).status_code == 403
    assert flow.as_user("hospital_org_member").get(url).status_code == 200  # 上级党组织直接决定
    assert flow.as_user("internal_gb_secretary").get(url).status_code == 200


def test_a_refused_request_is_shown_again_with_the_rule_beside_the_field_and_nothing_is_created(
        app, client, demo, login, monkeypatch):
    flow = Flow(app, client, demo, login, FakeClock(monkeypatch))
    data = step(flow, "O01_submit_request", branch_name="内科第三党支部", parent_id=demo.unit_ids["internal_gb"],
                full_member_count=2, secretary_id=None)
    response = start_response(flow, "branch_setup", "internal_gb", data, "internal_gb_secretary")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不能单独成立党支部：可与邻近单位联合成立联合党支部" in html
    assert 'value="内科第三党支部"' in html  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0
        assert db.session.scalar(db.select(db.func.count()).select_from(WorkItem)) == 0
