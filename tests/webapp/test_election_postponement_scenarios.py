"""延期或提前换届 through the pages and the JSON API (each scenario both ways): 内科党总支 asks 县人民医院党委 to
hold its election early; the reply moves the end of its term, or returns the request for correction, or
refuses it; at every step the work item is in the 待办 of the responsible unit only (RULES.md §4.4, §12 C3).
A refused request leaves the term to end as it was: the day after, the timer worker flags it 未按期换届 (§4.5).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from election_driver import (
    API,
    Election,
    FakeClock,
    answers,
    as_user,
    do,
    expect,
    holders,
    open_items,
    refusals,
    start,
    started,
)

from webapp import clock
from webapp.cases import timer_worker
from webapp.cases.formkit import formdata_from_json
from webapp.extensions import db
from webapp.models import AuditEvent, Case, OrgUnit, RuleOverride
from workflows.calendar import add_months


@pytest.fixture(params=["page", "api"])
def via(request):
    return request.param


@pytest.fixture
def run(app, demo, login, monkeypatch, via) -> Election:
    found = Election(app, demo, login, FakeClock(monkeypatch), via=via, unit="internal_gb",
                     process="election_postponement")
    found.users["joint_branch"] = "joint_secretary"
    return found


def unit(run: Election, key: str = "internal_gb") -> OrgUnit:
    with run.app.app_context():
        return run.demo.unit(key)


def case(run: Election) -> Case:
    with run.app.app_context():
        return db.session.get(Case, run.case_id)


def complete(run: Election, item_id: int, username: str, data: dict):
    """The step's form submitted as ``username``, on the page or through the API."""
    if run.via == "api":
        return run.api.client.post(f"{API}/work-items/{item_id}/complete", headers=run.api.as_user(username),
                                   json={"data": data})
    return as_user(run, username).post(f"/inbox/{item_id}", data=formdata_from_json(data))


def tick(run: Election, day: date) -> None:
    with run.app.app_context():
        timer_worker.tick(datetime.combine(day, time(10), clock.LOCAL_ZONE))


def request_early(run: Election) -> date:
    """内科党总支 asks to hold its election three months before its term ends; that day."""
    early = unit(run).term_due_on - timedelta(days=90)
    started(run, new_election_date=early.isoformat())
    return early


def test_an_early_election_approved_by_the_upper_organisation_moves_the_end_of_the_term(run):
    due = unit(run).term_due_on
    request_early(run)
    expect(run, "P02_approve_shift", check_inboxes=True)  # 县人民医院党委's 待办 and no other

    do(run, "P02_approve_shift")

    early = due - timedelta(days=90)
    assert (unit(run).term_due_on, case(run).status) == (early, "completed")
    with run.app.app_context():
        changes = db.session.scalars(db.select(AuditEvent.summary).filter_by(case_id=run.case_id, kind="org_change"))
        assert list(changes) == [f"内科党总支经批准提前换届：任期届满日期由 {due} 调整为 {early}"]


def test_a_returned_request_is_revised_by_the_unit_and_a_refusal_changes_nothing(run):
    due = unit(run).term_due_on
    early = request_early(run)
    do(run, "P02_approve_shift", decision="returned", opinion="请说明委员缺额情况")
    expect(run, "P03_revise_request", check_inboxes=True)  # back in 内科党总支's own 待办
    do(run, "P03_revise_request", new_election_date=early.isoformat())
    do(run, "P02_approve_shift", decision="refused", opinion="应按期换届，缺额委员及时补选")

    assert (case(run).status, unit(run).term_due_on, open_items(run)) == ("rejected", due, [])


def test_a_refused_postponement_leaves_the_term_to_be_flagged_the_day_after_it_ends(run):
    run.unit = "joint_branch"  # 内科联合党支部: its term ends within two months
    due = unit(run, "joint_branch").term_due_on
    started(run, shift_kind="postpone", new_election_date=(due + timedelta(days=120))
            .isoformat(), reasons="党员多数外出学习")
    with run.app.app_context():
        item_unit = db.session.get(OrgUnit, open_items(run)[0][2]).name
    assert item_unit == "内科党总支"
    do(run, "P02_approve_shift", check_inboxes=False, decision="refused", opinion="应按期换届")

    run.clock.move_to(due + timedelta(days=1))
    tick(run, run.clock.today)

    assert unit(run, "joint_branch").term_overdue_since == due + timedelta(days=1)


def test_an_approved_postponement_is_not_flagged_at_the_old_end_but_at_the_new_one(run):
    run.unit = "joint_branch"
    due = unit(run, "joint_branch").term_due_on
    later = due + timedelta(days=120)
    started(run, shift_kind="postpone", new_election_date=later.isoformat(),
            reasons="党员多数外出学习")
    do(run, "P02_approve_shift", check_inboxes=False)

    run.clock.move_to(due + timedelta(days=1))
    tick(run, run.clock.today)
    assert unit(run, "joint_branch").term_overdue_since is None
    run.clock.move_to(later + timedelta(days=1))
    tick(run, run.clock.today)
    assert unit(run, "joint_branch").term_overdue_since == later + timedelta(days=1)


def test_where_the_organisation_says_so_the_committee_above_replies(run, app):
    with app.app_context():
        db.session.add(RuleOverride(unit_id=run.demo.unit_ids["county"], key="election.postponement_approver",
                                    value="upper_committee"))
        db.session.commit()
    run.unit = "joint_branch"  # its direct superior is 内科党总支, the committee above it 县人民医院党委
    due = unit(run, "joint_branch").term_due_on
    started(run, shift_kind="postpone", new_election_date=(due + timedelta(days=60))
            .isoformat(), reasons="党员多数外出学习")

    ((item_id, step_code, unit_id),) = open_items(run)
    assert (step_code, unit_id) == ("P02b_approve_shift", run.demo.unit_ids["hospital"])
    assert holders(run, item_id) == ["hospital"]
    response = complete(run, item_id, "hospital_org_member", answers(run, "P02b_approve_shift"))
    assert response.status_code in (200, 302), refusals(run, response)
    assert unit(run, "joint_branch").term_due_on == due + timedelta(days=60)


def test_a_date_beyond_the_limit_is_refused_beside_its_field_and_nothing_is_started(run):
    due = unit(run).term_due_on
    too_early = add_months(due, -12) - timedelta(days=1)

    response = start(run, new_election_date=too_early.isoformat())

    assert response.status_code in (400, 422)
    assert any("提前换届一般不超过12个月" in text for text in refusals(run, response)["new_election_date"])
    with run.app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id)).filter_by(process_key="election_postponement")) == 0


def test_a_second_request_waits_for_the_reply_to_the_first(run):
    early = request_early(run)
    first = case(run).business_key
    run.case_id = None

    response = start(run, new_election_date=early.isoformat())

    assert response.status_code in (400, 422)
    assert f"内科党总支已有一件正在办理的延期或提前换届（编号 {first}）" in str(refusals(run, response))


def test_the_unit_page_offers_the_request_to_its_officers_only(run):
    page = as_user(run, "internal_gb_secretary").get(f"/orgs/{run.demo.unit_ids['internal_gb']}").get_data(True)
    other = as_user(run, "branch1_secretary").get(f"/orgs/{run.demo.unit_ids['internal_gb']}").get_data(True)

    assert "申请延期或提前换届" in page and "/cases/new?process=election_postponement" in page
    assert "申请延期或提前换届" not in other
