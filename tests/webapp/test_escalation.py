"""督办 (RULES.md §2.9) through the timer worker: a late talk is reminded, marked overdue and put before the
unit above, once each; the unit above sees it, urges, and sees it done; an approval past its limit goes
to the organisation department, and past six months its resolution lapses back to the assembly vote."""

from datetime import datetime, time, timedelta

import pytest
from _at_once import at_once
from flask_babel import force_locale
from recruitment_driver import FakeClock, Scenario, as_user, drive, member, open_items, variables
from test_concurrency import start_recruitment, talk_data

from webapp import audit, clock
from webapp.cases import timer_worker
from webapp.extensions import db
from webapp.models import AuditEvent, Notification, SupervisionItem, User, WorkItem
from webapp.notifications.service import render
from workflows.calendar import add_days, add_months, parse_date

# 内科第一党支部's 书记、副书记、组织委员: the acting positions of its steps (lanes.json branch_secretary).
BRANCH1_OFFICERS = ["branch1_deputy", "branch1_org", "branch1_secretary"]


def at(day, hour=10):
    """10 o'clock of ``day`` in China, when the worker ticks in these tests."""
    return datetime.combine(day, time(hour), clock.LOCAL_ZONE)


def tick(app, day):
    with app.app_context():
        return timer_worker.tick(at(day))


def events(app, case_id):
    with app.app_context():
        return [(e.kind, e.summary) for e in db.session.scalars(
            db.select(AuditEvent).filter_by(case_id=case_id).order_by(AuditEvent.seq))]


def told(app, kind):
    """Usernames told of ``kind``, sorted."""
    with app.app_context():
        return sorted(db.session.scalars(db.select(User.username).join(Notification, Notification.user_id == User.id)
                                         .where(Notification.kind == kind)))


def supervision(app, case_id):
    with app.app_context():
        return [(s.unit.name, s.late_unit.name, s.title, s.due_on) for s in db.session.scalars(
            db.select(SupervisionItem).filter_by(case_id=case_id).order_by(SupervisionItem.id))]


def test_a_late_talk_is_reminded_then_overdue_then_put_before_the_general_branch_once_each(app, demo):
    case_id = start_recruitment(app, demo)  # the application is dated three days ago
    due = add_months(clock.today() - timedelta(days=3), 1)  # 细则第七条: a talk within a month
    with app.app_context():
        (item,) = db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id))
        assert (item.due_on, item.escalate_on, item.escalation_level) == (due, add_days(due, -7), 0)

    assert tick(app, add_days(due, -8)).escalated == 0
    assert tick(app, add_days(due, -7)).escalated == 1  # a week before: the branch's officers are reminded
    assert told(app, "due_soon") == BRANCH1_OFFICERS
    assert tick(app, add_days(due, -7)).escalated == 0
    assert tick(app, due).escalated == 0  # the last day is still in time

    result = tick(app, add_days(due, 1))
    assert (result.fired, result.escalated) == (1, 2)  # 谈话逾期 fires; overdue and 督办 at once (no grace)
    assert told(app, "overdue") == BRANCH1_OFFICERS
    assert supervision(app, case_id) == [("内科党总支", "内科第一党支部", "党组织派人谈话", due)]
    assert told(app, "supervision") == ["internal_gb_secretary"]
    assert [kind for kind, _summary in events(app, case_id)] == ["start", "due_soon", "timer", "overdue", "escalate"]

    for day in (add_days(due, 2), add_days(due, 30)):  # later ticks add nothing: every level once
        assert tick(app, day).escalated == 0
    assert len(supervision(app, case_id)) == 1 and len(told(app, "supervision")) == 1
    with app.app_context():
        item = db.session.get(WorkItem, item.id)
        assert (item.status, item.escalation_level, item.escalate_on) == ("open", 3, None)  # never cancelled
        assert audit.verify_case(case_id) is None


def test_a_setting_of_the_organisation_grants_days_of_grace_before_the_unit_above_is_told(app, demo, client, login):
    login(client, "admin")
    unit_id = demo.unit_ids["hospital"]
    response = client.post("/admin/settings", data={"unit": unit_id, "key": "sla.escalation_grace_days", "value": "5"})
    assert response.status_code == 302
    case_id = start_recruitment(app, demo)
    due = add_months(clock.today() - timedelta(days=3), 1)
    assert tick(app, add_days(due, 1)).escalated == 2  # the reminder's level (no news by now) and overdue
    assert told(app, "due_soon") == []
    assert supervision(app, case_id) == []
    assert tick(app, add_days(due, 5)).escalated == 0
    assert tick(app, add_days(due, 6)).escalated == 1
    assert len(supervision(app, case_id)) == 1


def test_the_unit_above_sees_the_overdue_item_urges_once_a_day_and_sees_it_done(app, demo, login):
    case_id = start_recruitment(app, demo)
    due = add_months(clock.today() - timedelta(days=3), 1)
    tick(app, add_days(due, 1))
    branch, above = app.test_client(), app.test_client()
    login(branch, "branch1_secretary")
    login(above, "internal_gb_secretary")
    assert "党组织派人谈话" not in branch.get("/supervision/").get_data(as_text=True)  # not theirs to supervise

    page = above.get("/supervision/").get_data(as_text=True)
    assert "内科第一党支部" in page and "党组织派人谈话" in page and "催办" in page
    with app.app_context():
        supervision_id = db.session.scalar(db.select(SupervisionItem.id).filter_by(case_id=case_id))
    assert above.post(f"/supervision/{supervision_id}/urge").status_code == 302
    assert told(app, "urge") == BRANCH1_OFFICERS
    again = above.post(f"/supervision/{supervision_id}/urge", follow_redirects=True).get_data(as_text=True)
    assert "今天已经催办过" in again
    assert [kind for kind, _ in events(app, case_id)].count("urge") == 1

    with app.app_context():
        item_id = db.session.scalar(db.select(WorkItem.id).filter_by(case_id=case_id, status="open"))
    assert branch.post(f"/inbox/{item_id}", data=talk_data(app, demo)).status_code == 302
    assert "没有需要督办的事项" in above.get("/supervision/").get_data(as_text=True)
    assert "党组织派人谈话" in above.get("/supervision/?show=done").get_data(as_text=True)
    with app.app_context():
        assert audit.verify_case(case_id) is None


def test_nobody_else_may_urge_and_a_missing_item_is_a_404(app, demo, client, login):
    case_id = start_recruitment(app, demo)
    tick(app, add_days(add_months(clock.today() - timedelta(days=3), 1), 1))
    with app.app_context():
        supervision_id = db.session.scalar(db.select(SupervisionItem.id).filter_by(case_id=case_id))
    login(client, "branch1_secretary")
    assert client.post(f"/supervision/{supervision_id}/urge").status_code == 404
    assert client.post("/supervision/999999/urge").status_code == 404
    assert told(app, "urge") == []


@pytest.fixture
def sc(app, demo, login, monkeypatch) -> Scenario:
    return Scenario(app, demo, login, FakeClock(monkeypatch))


def test_an_approval_past_three_months_goes_to_the_department_and_past_six_lapses_to_the_assembly_vote(sc):
    """细则: 上级党委三个月内审批, 特殊情况最长不超过六个月; RULES.md §3.3 "Approval > 6 months"."""
    from recruitment_driver import start

    start(sc, "town_branch")
    drive(sc, "R17_committee_approval")
    resolution = parse_date(variables(sc)["resolution_date"])

    sc.clock.move_to(add_days(add_months(resolution, 3), 1))
    with sc.app.app_context():
        assert timer_worker.tick(clock.now()).fired == 1
    assert supervision(sc.app, sc.case_id) == [("中共城关县委组织部", "城关镇党委", "上级党委审批",
                                                add_months(resolution, 3))]
    assert told(sc.app, "supervision") == ["county_org_staff"]
    dashboard = as_user(sc, "county_org_staff").get("/dashboard/").get_data(as_text=True)
    section = dashboard[dashboard.index('id="supervision-items"'):]
    assert "上级党委审批" in section and "城关镇党委" in section and "逾期 1 天" in section

    sc.clock.move_to(add_days(add_months(resolution, 6), 1))
    with sc.app.app_context():
        assert timer_worker.tick(clock.now()).fired == 1
    assert [code for _id, code, _unit in open_items(sc)] == ["R15_assembly_admission_vote"]
    assert member(sc).stage == "development_candidate"  # the person keeps the stage; the branch votes again
    assert ("timer", "超过六个月未审批") in events(sc.app, sc.case_id)
    assert "town_branch_secretary" in told(sc.app, "timer")
    with sc.app.app_context():
        still = db.session.scalars(db.select(SupervisionItem.step_code).where(
            SupervisionItem.work_item.has(WorkItem.status == "open"))).all()
        # The lapsed approval left 督办; the new vote is late by its own rule (a month after the pre-review).
        assert still == ["R15_assembly_admission_vote"]
        assert audit.verify_case(sc.case_id) is None


def test_two_workers_escalating_at_once_put_each_late_item_before_the_unit_above_once(app, demo):
    case_ids = [start_recruitment(app, demo, serial=n) for n in range(3)]
    late = add_days(add_months(clock.today() - timedelta(days=3), 1), 1)
    results = at_once(app, lambda: timer_worker.tick(at(late)))
    assert sum(r.fired for r in results) == 3 and sum(r.escalated for r in results) == 3 * 3
    for case_id in case_ids:
        assert len(supervision(app, case_id)) == 1
        assert [kind for kind, _ in events(app, case_id)].count("escalate") == 1
        with app.app_context():
            assert audit.verify_case(case_id) is None
    assert told(app, "supervision") == ["internal_gb_secretary"] * 3
    assert told(app, "overdue") == sorted(BRANCH1_OFFICERS * 3)
    assert told(app, "due_soon") == []  # the worker came after the due date: "due soon" would be no news


def test_an_overdue_notice_reads_in_the_readers_language_with_the_step_translated(app, demo):
    start_recruitment(app, demo)
    tick(app, add_days(add_months(clock.today() - timedelta(days=3), 1), 1))
    with app.test_request_context():
        notice = db.session.scalars(db.select(Notification).filter_by(kind="overdue")).first()
        chinese = render(notice)
        with force_locale("en"):
            english = render(notice)
    assert chinese.startswith("「党组织派人谈话」已逾期，应于 ")
    assert english.startswith("“Talk with the applicant” is overdue; it was due by ")


def test_a_limit_already_past_when_its_step_opens_escalates_within_that_step_not_at_the_next_tick(sc):
    """The branch records a 支部大会 resolution four months after the meeting: the approval is overdue from
    the moment it reaches the committee (细则: 三个月内审批), and goes to the department at once."""
    from recruitment_driver import do_step, start

    start(sc, "town_branch")
    drive(sc, "R15_assembly_admission_vote")
    meeting = sc.clock.today
    sc.clock.move_to(add_days(add_months(meeting, 4), 2))

    do_step(sc, "R15_assembly_admission_vote", resolution_date=meeting.isoformat())
    do_step(sc, "R16_committee_talk")  # the committee's talk; then the approval opens, already late

    with sc.app.app_context():
        (approval,) = db.session.scalars(db.select(WorkItem).filter_by(case_id=sc.case_id, status="open"))
        assert (approval.step_code, approval.escalation_level) == ("R17_committee_approval", 3)
    assert supervision(sc.app, sc.case_id) == [("中共城关县委组织部", "城关镇党委", "上级党委审批",
                                                add_months(meeting, 3))]
    assert told(sc.app, "supervision") == ["county_org_staff"]
    assert ("timer", "审批逾期") in events(sc.app, sc.case_id)
