"""What an approved election changes, in the transaction of the approving step: the unit's new term and the
posts of its committee. The rights follow the posts at once: the new 书记 finds the unit's work in 待办, the
outgoing one no longer does; an elected member without an account gets the post recorded on the member,
the admins are told, and opening the account gives the post. The term reminder offers the election, and the
pages offer 发起换届选举 to those who may start it."""

from __future__ import annotations

from datetime import date

import pytest
from election_driver import (
    UPPER,
    Election,
    FakeClock,
    as_user,
    do,
    drive,
    expect,
    holders,
    member_id,
    refusals,
    start,
    started,
    variables,
)

from webapp.admin.operations import add_position, set_override
from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db
from webapp.models import AuditEvent, Notification, OrgUnit, PendingPosition, Position, User

NEW_COMMITTEE = ("刘芳", "杨帆", "周婷", "郑海燕", "高雪梅")  # 陈晓明 and 吴国庆 do not stand again


@pytest.fixture
def run(app, demo, login, monkeypatch) -> Election:
    return Election(app, demo, login, FakeClock(monkeypatch))


def elect_new_committee(run: Election) -> None:
    """内科第一党支部 elects 刘芳 书记, 杨帆 副书记, 周婷 组织委员, 郑海燕 and 高雪梅 (no accounts) 宣传、纪检委员."""
    ids = {name: member_id(run, name) for name in (*NEW_COMMITTEE, "林伟")}
    started(run)
    do(run, "E03_request_approval")
    do(run, "E04_nominate", candidate_ids=[ids[n] for n in (*NEW_COMMITTEE, "林伟")],
       secretary_candidate_id=ids["刘芳"], deputy_candidate_id=ids["杨帆"])
    drive(run, ["E04b_review_shortlist", "E05_assembly_election"])
    assert variables(run)["elected_ids"] == [ids[n] for n in NEW_COMMITTEE]
    do(run, "E06_elect_officers", secretary_id=ids["刘芳"], deputy_id=ids["杨帆"], org_member_id=ids["周婷"],
       publicity_member_id=ids["郑海燕"], discipline_member_id=ids["高雪梅"])
    drive(run, ["E07_report_results", "E07b_approve_results"])


def posts(run: Election, key: str = "branch1") -> set[tuple[str, str]]:
    """(name, post) of the unit's committee today, accounts and pending posts alike."""
    today = run.clock.today
    with run.app.app_context():
        unit = run.demo.unit_ids[key]
        held = {(p.user.display_name, p.role) for p in db.session.scalars(db.select(Position).filter_by(unit_id=unit))
                if p.is_active_on(today)}
        pending = {(p.member.name, p.role) for p in db.session.scalars(db.select(PendingPosition).filter_by(
            unit_id=unit, granted_position_id=None)) if p.is_active_on(today)}
    return held | pending


def test_the_new_secretary_acts_at_once_and_the_outgoing_one_loses_the_units_work(run):
    assert ("陈晓明", "secretary") in posts(run)
    elect_new_committee(run)
    assert posts(run) == {("刘芳", "secretary"), ("杨帆", "deputy_secretary"), ("周婷", "org_member"),
                          ("郑海燕", "publicity_member"), ("高雪梅", "discipline_member")}
    run.users["branch1"] = "branch1_deputy"  # 刘芳, the new 书记
    item = expect(run, "E08_handover_archive")  # in 刘芳's 待办, in no other unit's
    assert "branch1" in holders(run, item)
    outgoing = as_user(run, "branch1_secretary")  # 陈晓明 is no longer an officer of the branch
    assert f'href="/inbox/{item}"' not in outgoing.get("/inbox/").get_data(as_text=True)
    assert outgoing.post(f"/inbox/{item}", data={}).status_code == 403
    do(run, "E08_handover_archive")
    with run.app.app_context():
        ended = db.session.scalars(db.select(Position).join(User).where(
            User.username == "branch1_secretary", Position.role == "secretary")).one()
        assert ended.ended_on == date.fromordinal(run.clock.today.toordinal() - 1)  # the day before the new term


def test_the_approval_records_each_change_in_the_case_history(run):
    elect_new_committee(run)
    with run.app.app_context():
        changes = [e.summary for e in db.session.scalars(db.select(AuditEvent).filter_by(
            case_id=run.case_id, kind="org_change").order_by(AuditEvent.seq))]
    # the superior's decision in the words of the national rule (election.committee_member_result "file")
    assert changes[0] == ("内科第一党支部新当选的委员刘芳、杨帆、周婷、郑海燕、高雪梅报上级党组织备案；"
                          "书记刘芳、副书记杨帆经上级党组织批准")
    assert changes[1].startswith("内科第一党支部第6届任期自 ")
    assert "陈晓明（书记）" in changes[2] and "吴国庆（纪检委员）" in changes[2]
    assert "刘芳任内科第一党支部书记" in changes[3]
    assert any("郑海燕任内科第一党支部宣传委员" in c and "尚无登录账号" in c for c in changes)
    page = as_user(run, "branch1_deputy").get(f"/cases/{run.case_id}").get_data(as_text=True)
    assert "组织变更" in page  # the kind of those events in 全程纪实
    assert "刘芳任内科第一党支部书记" in page


def test_an_elected_member_without_an_account_gets_the_post_when_the_admin_opens_one(run, client, login):
    elect_new_committee(run)
    zheng = member_id(run, "郑海燕")
    with run.app.app_context():
        (notice,) = db.session.scalars(db.select(Notification).filter_by(kind="account_needed").join(User).where(
            User.username == "admin", Notification.link == f"/admin/users/new?member={zheng}")).all()
    admin = as_user(run, "admin")
    page = admin.get(notice.link).get_data(as_text=True)
    assert "为 郑海燕 开通账号" in page and "宣传委员" in page
    taken = admin.post(notice.link, data={"username": "branch1_org", "display_name": "郑海燕", "password": "a" * 10})
    assert taken.status_code == 422 and "已被使用" in taken.get_data(as_text=True)
    response = admin.post(notice.link, data={"username": "zheng_haiyan", "display_name": "郑海燕",
                                             "password": "partyflow-1"})
    assert response.status_code == 302
    assert ("郑海燕", "publicity_member") in posts(run)
    with run.app.app_context():
        user = db.session.scalars(db.select(User).filter_by(username="zheng_haiyan")).one()
        assert [(p.role, p.started_on) for p in user.positions] == [("publicity_member", run.clock.today)]
        assert db.session.scalars(db.select(PendingPosition).filter_by(member_id=zheng)).one().granted_position_id
    assert login(app_client := run.app.test_client(), "zheng_haiyan", "partyflow-1").status_code == 302
    assert "内科第一党支部" in app_client.get("/").get_data(as_text=True)
    # the unit's page lists the posts still waiting for an account (高雪梅), not 郑海燕's any more
    unit_page = admin.get(f"/orgs/{run.demo.unit_ids['branch1']}").get_data(as_text=True)
    assert "当选但尚未开通账号" in unit_page and "高雪梅" in unit_page


def test_the_new_term_follows_the_approval_date_when_the_setting_says_so(run):
    with run.app.app_context():
        set_override(run.demo.unit("hospital"), "election.term_start_event", "approval_date",
                     db.session.get(User, run.demo.user_ids["admin"]))
        db.session.commit()
    started(run)
    drive(run, ["E03_request_approval", "E04_nominate", "E04b_review_shortlist", "E05_assembly_election",
                "E06_elect_officers", "E07_report_results"])
    run.clock.move_to(date.fromordinal(run.clock.today.toordinal() + 10))
    do(run, "E07b_approve_results")
    with run.app.app_context():
        unit = run.demo.unit("branch1")
        assert unit.term_started_on == run.clock.today and unit.term_no == 6


def test_the_term_reminder_offers_the_election_to_the_units_officers(run, runner):
    with run.app.app_context():
        unit = run.demo.unit("branch1")
        unit.term_due_on = date.fromordinal(run.clock.today.toordinal() + 30)
        db.session.commit()
    assert runner.invoke(args=["timers", "tick", "--now", f"{run.clock.today.isoformat()}T08:00"]).exit_code == 0
    branch = run.demo.unit_ids["branch1"]
    with run.app.app_context():
        links = dict(db.session.execute(db.select(User.username, Notification.link).join(Notification.user)
                                        .where(Notification.key.like(f"term:reminder:{branch}:%"))).all())
    assert links["branch1_secretary"] == f"/cases/new?process=term_election&unit={branch}"
    assert links["internal_gb_secretary"] == f"/orgs/{branch}"
    form = as_user(run, "branch1_secretary").get(links["branch1_secretary"])
    assert form.status_code == 200 and "委员名额" in form.get_data(as_text=True)


def test_the_unit_page_the_list_and_the_dashboard_offer_the_election_where_one_may_start_it(run):
    branch = run.demo.unit_ids["joint_branch"]  # its term ends in two months
    start_link = f'href="/cases/new?process=term_election&amp;unit={branch}"'
    secretary = as_user(run, "joint_secretary")
    for url in (f"/orgs/{branch}", "/orgs/", "/dashboard/"):
        assert start_link in secretary.get(url).get_data(as_text=True), url
    superior = as_user(run, "internal_gb_secretary")  # supervises it, is not its officer
    assert start_link not in superior.get(f"/orgs/{branch}").get_data(as_text=True)
    assert start_link not in superior.get("/dashboard/").get_data(as_text=True)
    run.unit = "joint_branch"
    started(run, starter="joint_secretary", committee_seats=0)
    running = f'href="/cases/{run.case_id}"'
    for page in (secretary.get(f"/orgs/{branch}"), superior.get("/dashboard/"), secretary.get("/orgs/")):
        text = page.get_data(as_text=True)
        assert running in text and "换届选举办理中" in text and start_link not in text


def test_a_temporary_branch_holds_no_election(run):
    with run.app.app_context():
        db.session.get(OrgUnit, run.demo.unit_ids["town_branch"]).is_temporary = True
        db.session.commit()
    branch = run.demo.unit_ids["town_branch"]
    page = as_user(run, "town_branch_secretary")
    assert page.get(f"/cases/new?process=term_election&unit={branch}").status_code == 403
    assert "发起换届选举" not in page.get(f"/orgs/{branch}").get_data(as_text=True)


def test_the_case_page_shows_each_candidates_votes_by_name(run):
    started(run)
    drive(run, ["E03_request_approval", "E04_nominate", "E04b_review_shortlist", "E05_assembly_election"])
    page = as_user(run, "branch1_secretary").get(f"/cases/{run.case_id}").get_data(as_text=True)
    assert "陈晓明：13" in page and "得票数" in page
    assert "党员大会选举" in page  # the key dates of the case: its election day


def test_an_admin_without_a_member_sees_the_members_waiting_for_an_account(run):
    elect_new_committee(run)
    page = as_user(run, "admin").get("/admin/users/new").get_data(as_text=True)
    assert "郑海燕" in page and "高雪梅" in page and DEMO_PASSWORD not in page


def test_the_api_lists_the_ballots_candidates_in_the_order_its_counts_are_taken(app, demo, login, monkeypatch):
    run = Election(app, demo, login, FakeClock(monkeypatch), via="api")
    started(run)
    drive(run, ["E03_request_approval", "E04_nominate", "E04b_review_shortlist"])
    item = expect(run, "E05_assembly_election")
    body = run.api.client.get(f"/api/v1/work-items/{item}", headers=run.api.as_user("branch1_secretary")).json
    (votes,) = [f for f in body["fields"] if f["name"] == "votes"]
    assert votes["type"] == "counts"
    assert [int(c["value"]) for c in votes["choices"]] == variables(run)["ballot_candidate_ids"]
    refused = run.api.client.post(f"/api/v1/work-items/{item}/complete", headers=run.api.as_user("branch1_secretary"),
                                  json={"data": {"votes": {"12": 3}}})
    assert refused.status_code == 400 and "votes" in refused.json["errors"]  # an object: not a list of counts


def test_a_primary_committee_elects_in_its_members_assembly_and_asks_the_working_committee_above_it(run):
    """县人民医院党委 (members in every branch below it) requests its 换届 from 卫生健康工委, its direct superior."""
    with run.app.app_context():
        admin = db.session.get(User, run.demo.user_ids["admin"])
        add_position(db.session.get(User, run.demo.user_ids["county_org_staff"]), run.demo.unit("health_wc"),
                     "org_member", run.clock.today, admin)  # the demo has nobody in 卫生健康工委
        db.session.commit()
    run.unit = "hospital"
    run.users = {"hospital": "hospital_secretary", "health_wc": "county_org_staff", "branch1": "branch1_secretary"}
    UPPER["hospital"] = "health_wc"
    try:
        refused = start(run, starter="hospital_secretary", committee_seats=4)
        assert refused.status_code == 422
        assert "委员名额应为 5 至 9 名" in " ".join(refusals(run, refused)["committee_seats"])
        started(run, starter="hospital_secretary", committee_seats=7)
        assert variables(run)["has_committee"] is True
        expect(run, "E03_request_approval")
    finally:
        del UPPER["hospital"]
