"""Timers counted from a legal date of the case (RULES.md §2.8, §9): date_after / date_before, their
publish checks, and the timers of the shipped recruitment definition through the engine alone."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workflows.engine import CaseEngine
from workflows.settings import RuleSettings
from workflows.specs import load_definition
from workflows.timer_checks import timer_value_problem
from workflows.timer_dates import TimerDateError, date_after, date_before

RECRUITMENT = load_definition((Path(__file__).parents[2] / "bpmn" / "recruitment.bpmn").read_bytes())
ENGINE = CaseEngine()
CHINA = timedelta(hours=8)


def test_a_timer_date_is_the_start_of_a_day_in_chinas_time_zone_counted_in_calendar_months():
    assert date_after("2026-01-31", "P1M") == "2026-02-28T00:00:00+08:00"  # clamped to the month's end
    assert date_after("2026-01-31", "P1M", "P1D") == "2026-03-01T00:00:00+08:00"
    assert date_after("2024-02-29", "P1Y") == "2025-02-28T00:00:00+08:00"
    assert date_before("2027-03-01", "P30D") == "2027-01-30T00:00:00+08:00"
    assert date_before("2027-03-01", "P0D") == "2027-03-01T00:00:00+08:00"


@pytest.mark.parametrize("value, shift", [(None, "P1D"), ("", "P1D"), ("not a date", "P1D"), ("2026-01-01", "PT1H"),
                                          ("2026-01-01", "P"), ("2026-01-01", 5)])
def test_a_missing_date_or_a_shift_that_is_no_whole_day_duration_is_refused(value, shift):
    with pytest.raises(TimerDateError):
        date_after(value, shift)


@pytest.mark.parametrize("text", [
    'date_after(resolution_date, months(setting("approval.sla_months")), days(1))',
    'date_after(activist_date, years(setting("candidate.min_cultivation_years")))',
    'date_before(probation_end, days(setting("regularization.reminder_days")))',  # 0 days is allowed
    'date_after(resolution_date, "P1D")',
])
def test_date_timers_from_case_dates_and_settings_may_be_published(text):
    assert timer_value_problem("timeDate", text) is None


@pytest.mark.parametrize("kind, text, says", [
    ("timeDuration", 'date_after(resolution_date, "P1D")', "只能用于日期定时器"),
    ("timeDate", 'date_after("2026-01-01", "P1D")', "日期变量名"),
    ("timeDate", 'date_after(_secret, "P1D")', "日期变量名"),
    ("timeDate", 'date_after(resolution_date, hours(setting("approval.sla_months")))', "整年、月、周、日"),
    ("timeDate", 'date_after(resolution_date, days(-1))', "整年、月、周、日"),
    ("timeDate", 'date_after(resolution_date, "PT5M")', "整年、月、周、日"),
    ("timeDate", 'date_after(resolution_date, months(setting("no.such.setting")))', "整年、月、周、日"),
    # 5 years of cultivation at most, twice: more than 5 years over the setting's range
    ("timeDate", 'date_after(d, years(setting("candidate.min_cultivation_years")), '
                 'years(setting("candidate.min_cultivation_years")))', "超过 5 年"),
])
def test_date_timers_that_cannot_be_computed_or_move_too_far_are_refused(kind, text, says):
    message, _params = timer_value_problem(kind, text)
    assert says in message


def waiting_after(workflow, answers, now):
    """Complete the ready tasks of the main path at ``now`` until the case waits for time alone."""
    while ready := ENGINE.ready_tasks(RECRUITMENT, workflow):
        (task,) = ready
        ENGINE.complete(workflow, task.task_id, answers.get(task.step_code, {}), None, now)
    return workflow


ACTIVIST_PATH = {
    "R03_designate_activist": {"activist_decision": "designate", "activist_date": "2026-03-02"},
    "R04_file_activist": {"activist_filing_result": "filed"},
    "R06_cultivation_review": {"cultivation_next": "propose_candidate"},
}


def test_the_candidate_step_waits_for_the_year_of_cultivation_and_opens_on_its_last_day():
    now = datetime(2026, 9, 1, 2, tzinfo=UTC)
    workflow = ENGINE.start(RECRUITMENT, {"deliberating_units": [], "application_date": "2026-01-05"}, None, now)
    waiting_after(workflow, ACTIVIST_PATH, now)
    # 2027-03-02 00:00 in China, which is the evening before in UTC
    year_done = datetime(2027, 3, 2, tzinfo=UTC) - CHINA
    assert ENGINE.next_timer_at(workflow) == year_done

    assert ENGINE.fire_timers(workflow, year_done - timedelta(seconds=1)) == []
    assert ENGINE.fire_timers(workflow, year_done + timedelta(seconds=1)) == ["cultivation_year_completed"]
    assert [t.step_code for t in ENGINE.ready_tasks(RECRUITMENT, workflow)] == ["R07_designate_candidate"]


def test_the_organisations_cultivation_setting_moves_the_day():
    now = datetime(2026, 9, 1, 2, tzinfo=UTC)
    settings = RuleSettings({"candidate.min_cultivation_years": 2})
    workflow = ENGINE.start(RECRUITMENT, {"deliberating_units": [], "application_date": "2026-01-05"}, settings, now)
    while ready := ENGINE.ready_tasks(RECRUITMENT, workflow):
        ENGINE.complete(workflow, ready[0].task_id, ACTIVIST_PATH.get(ready[0].step_code, {}), settings, now)
    assert ENGINE.next_timer_at(workflow) == datetime(2028, 3, 2, tzinfo=UTC) - CHINA


def test_the_first_talk_is_overdue_on_the_day_after_its_month():
    now = datetime(2026, 1, 5, 2, tzinfo=UTC)
    workflow = ENGINE.start(RECRUITMENT, {"deliberating_units": [], "application_date": "2026-01-05"}, None, now)
    overdue = datetime(2026, 2, 6, tzinfo=UTC) - CHINA  # 一个月内: up to 02-05 inclusive
    assert ENGINE.next_timer_at(workflow) == overdue
    assert ENGINE.fire_timers(workflow, overdue + timedelta(minutes=1)) == ["initial_talk_overdue"]
    # non-interrupting: the talk still waits for the branch
    assert [t.step_code for t in ENGINE.ready_tasks(RECRUITMENT, workflow)] == ["R02_initial_talk"]


def test_an_approval_overdue_after_three_months_stays_and_lapses_after_six_back_to_the_assembly_vote():
    """细则: 上级党委应在三个月内审批, 最长不超过六个月; after six the resolution lapses (RULES.md §3.3)."""
    from test_recruitment_flow import MAIN, START

    now = datetime(2026, 6, 1, 2, tzinfo=UTC)
    answers = {**MAIN, "R15_assembly_admission_vote": {"admission_vote_passed": True,
                                                       "resolution_date": "2026-06-01"}}
    workflow = ENGINE.start(RECRUITMENT, {**START, "application_date": "2024-01-05"}, None, now)
    while (ready := ENGINE.ready_tasks(RECRUITMENT, workflow))[0].step_code != "R17_committee_approval":
        ENGINE.complete(workflow, ready[0].task_id, answers.get(ready[0].step_code, {}), None, now)

    overdue, lapsed = datetime(2026, 9, 2, tzinfo=UTC) - CHINA, datetime(2026, 12, 2, tzinfo=UTC) - CHINA
    assert ENGINE.next_timer_at(workflow) == overdue
    assert ENGINE.fire_timers(workflow, overdue) == []
    assert ENGINE.fire_timers(workflow, overdue + timedelta(hours=1)) == ["admission_approval_overdue"]
    assert [t.step_code for t in ENGINE.ready_tasks(RECRUITMENT, workflow)] == ["R17_committee_approval"]
    assert ENGINE.next_timer_at(workflow) == lapsed

    assert ENGINE.fire_timers(workflow, lapsed + timedelta(hours=1)) == ["admission_approval_lapsed"]
    assert [t.step_code for t in ENGINE.ready_tasks(RECRUITMENT, workflow)] == ["R15_assembly_admission_vote"]
