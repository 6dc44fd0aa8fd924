"""The branch's periodic reviews are cyclic timers (RULES.md §3.2 R06, R21; §9 TM02, TM11): while 培养教育考察
(R06) runs, a review of the activist (R06b) opens each time the half year comes round (细则第十一条), and while
继续教育考察 (R21) runs, a review of the probationary member (R21b) each quarter; the interval is the
organisation's setting. Through the engine alone, on the shipped definition."""

from datetime import UTC, datetime, timedelta

from test_recruitment_flow import MAIN, START
from test_timer_dates import ENGINE, RECRUITMENT

from workflows.settings import RuleSettings

OPENED = datetime(2026, 3, 10, 2, tzinfo=UTC)


def open_at(step_code, now=OPENED, settings=None):
    """A case driven on the main path at ``now`` until ``step_code`` is ready."""
    workflow = ENGINE.start(RECRUITMENT, START, settings, now)
    while (ready := ENGINE.ready_tasks(RECRUITMENT, workflow))[0].step_code != step_code:
        ENGINE.complete(workflow, ready[0].task_id, MAIN.get(ready[0].step_code, {}), settings, now)
    return workflow


def reviews_due(workflow, now, settings=None) -> int:
    """How many periodic reviews fell due at ``now`` (the 思想汇报 reminders run on their own cycle)."""
    fired = ENGINE.fire_timers(workflow, now, settings)
    return sum(1 for event in fired if event in ("activist_review_due", "probation_review_due"))


def waiting(workflow) -> list[str]:
    return sorted(t.step_code for t in ENGINE.ready_tasks(RECRUITMENT, workflow))


def test_the_activist_is_reviewed_when_the_half_year_comes_round_not_a_day_before():
    workflow = open_at("R06_cultivation_review")
    half_year = datetime(2026, 9, 10, 2, tzinfo=UTC)  # six calendar months after 培养教育考察 opened

    assert reviews_due(workflow, half_year - timedelta(days=1)) == 0
    assert waiting(workflow) == ["R06_cultivation_review"]
    assert reviews_due(workflow, half_year + timedelta(hours=1)) == 1
    assert waiting(workflow) == ["R06_cultivation_review", "R06b_periodic_review"]


def test_each_half_year_opens_another_review_while_the_cultivation_runs():
    workflow = open_at("R06_cultivation_review")
    ENGINE.fire_timers(workflow, OPENED + timedelta(days=185))
    (first,) = [t for t in ENGINE.ready_tasks(RECRUITMENT, workflow) if t.step_code == "R06b_periodic_review"]
    ENGINE.complete(workflow, first.task_id, {}, None, OPENED + timedelta(days=190))

    assert waiting(workflow) == ["R06_cultivation_review"]
    # SpiffWorkflow keeps the first interval's length (184 days here) for every later round
    assert reviews_due(workflow, OPENED + timedelta(days=367)) == 0
    assert reviews_due(workflow, OPENED + timedelta(days=369)) == 1
    assert waiting(workflow) == ["R06_cultivation_review", "R06b_periodic_review"]


def test_the_organisations_interval_setting_sets_the_cycle():
    settings = RuleSettings({"activist.review_interval_months": 2})
    workflow = open_at("R06_cultivation_review", settings=settings)

    assert reviews_due(workflow, OPENED + timedelta(days=55), settings) == 0
    assert reviews_due(workflow, OPENED + timedelta(days=63), settings) == 1


def test_concluding_the_cultivation_ends_the_cycle():
    workflow = open_at("R06_cultivation_review")
    ENGINE.fire_timers(workflow, OPENED + timedelta(days=185))
    (cultivation,) = [t for t in ENGINE.ready_tasks(RECRUITMENT, workflow) if t.step_code == "R06_cultivation_review"]

    ENGINE.complete(workflow, cultivation.task_id, MAIN["R06_cultivation_review"], None, OPENED + timedelta(days=200))

    assert "R06b_periodic_review" not in waiting(workflow)
    assert reviews_due(workflow, OPENED + timedelta(days=400)) == 0


def test_the_probationary_member_is_reviewed_every_quarter():
    workflow = open_at("R21_probation_review")

    assert reviews_due(workflow, OPENED + timedelta(days=88)) == 0
    assert reviews_due(workflow, OPENED + timedelta(days=93)) == 1
    assert waiting(workflow) == ["R21_probation_review", "R21b_periodic_review"]
    # the next quarter brings the next review, whether or not the last one was done
    assert reviews_due(workflow, OPENED + timedelta(days=185)) == 1
    assert waiting(workflow) == ["R21_probation_review", "R21b_periodic_review", "R21b_periodic_review"]
