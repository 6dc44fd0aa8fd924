"""The branch's periodic reviews through the timer worker and the pages: while 培养教育考察 runs, a review of
the activist reaches the branch's 待办 when each half year comes round (细则第十一条), due within
``periodic_review.within_days``, escalated like any late work; concluding the cultivation withdraws a review
still open, on the record."""

from datetime import timedelta

import pytest
from recruitment_driver import FakeClock, Scenario, answers, as_user, drive, open_items, start

from webapp import clock
from webapp.cases import timer_worker
from webapp.cases.formkit import formdata_from_json
from webapp.extensions import db
from webapp.models import AuditEvent, WorkItem
from workflows.calendar import add_months


@pytest.fixture
def sc(app, demo, login, monkeypatch) -> Scenario:
    return Scenario(app, demo, login, FakeClock(monkeypatch))


def at_cultivation(sc: Scenario):
    start(sc)
    drive(sc, until="R06_cultivation_review")
    return sc.clock.today


def tick_on(sc: Scenario, day) -> None:
    sc.clock.move_to(day)
    with sc.app.app_context():
        timer_worker.tick(clock.now())


def periodic_reviews(sc: Scenario) -> list[WorkItem]:
    with sc.app.app_context():
        return db.session.scalars(db.select(WorkItem).filter_by(case_id=sc.case_id, step_code="R06b_periodic_review")
                                  .order_by(WorkItem.id)).all()


def test_the_half_year_brings_the_review_into_the_branchs_inbox_due_within_a_month(sc):
    opened = at_cultivation(sc)
    half_year = add_months(opened, 6)

    tick_on(sc, half_year - timedelta(days=1))
    assert periodic_reviews(sc) == []
    tick_on(sc, half_year + timedelta(days=1))

    (review,) = periodic_reviews(sc)
    assert (review.status, review.unit_id, review.lane) == ("open", sc.demo.unit_ids["branch1"], "branch_committee")
    assert review.due_on == sc.clock.today + timedelta(days=30)  # periodic_review.within_days
    inbox = as_user(sc, "branch1_secretary").get("/inbox/").get_data(as_text=True)
    assert f'href="/inbox/{review.id}"' in inbox and "支部定期考察入党积极分子" in inbox
    assert "培养教育考察" in inbox  # the cultivation itself still waits for its conclusion


def test_the_review_is_recorded_through_its_form_and_the_cultivation_goes_on(sc):
    opened = at_cultivation(sc)
    tick_on(sc, add_months(opened, 6) + timedelta(days=1))
    (review,) = periodic_reviews(sc)

    data = answers(sc, "R06b_periodic_review")
    response = as_user(sc, "branch1_secretary").post(f"/inbox/{review.id}", data=formdata_from_json(data))

    assert response.status_code == 302
    assert [(review.status, review.completed_by_id) for review in periodic_reviews(sc)] == [
        ("completed", sc.demo.user_ids["branch1_secretary"])]
    assert [code for _, code, _ in open_items(sc)] == ["R06_cultivation_review"]


def test_a_late_review_escalates_like_any_late_work(sc):
    opened = at_cultivation(sc)
    tick_on(sc, add_months(opened, 6) + timedelta(days=1))
    (review,) = periodic_reviews(sc)

    tick_on(sc, review.due_on + timedelta(days=1))

    (late,) = periodic_reviews(sc)
    assert late.escalation_level == 3  # overdue, and without grace put before 内科党总支 (督办)
    supervisor = as_user(sc, "internal_gb_secretary").get("/supervision/").get_data(as_text=True)
    assert "支部定期考察入党积极分子" in supervisor


def test_concluding_the_cultivation_withdraws_an_open_review_on_the_record(sc):
    opened = at_cultivation(sc)
    tick_on(sc, add_months(opened, 6) + timedelta(days=1))
    items = {code: item_id for item_id, code, _ in open_items(sc)}

    data = answers(sc, "R06_cultivation_review")  # 提请确定为发展对象
    response = as_user(sc, "branch1_secretary").post(f"/inbox/{items['R06_cultivation_review']}",
                                                      data=formdata_from_json(data))

    assert response.status_code == 302
    assert [review.status for review in periodic_reviews(sc)] == ["cancelled"]
    with sc.app.app_context():
        withdrawn = db.session.scalars(db.select(AuditEvent).filter_by(case_id=sc.case_id, kind="cancel")).all()
    assert [(e.step_code, e.summary) for e in withdrawn] == [("R06b_periodic_review", "支部定期考察入党积极分子")]
    page = as_user(sc, "branch1_secretary").get(f"/cases/{sc.case_id}").get_data(as_text=True)
    assert "撤销待办" in page
