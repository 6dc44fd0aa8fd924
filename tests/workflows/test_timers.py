"""Timers fire at the engine's time, not the machine's: a duration counts from the instant of the call
that set it, and fire_timers(now) fires what is due at ``now`` (issue "deadlines that act")."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

from workflows.engine import CaseEngine
from workflows.settings import RuleSettings
from workflows.specs import check_definition, load_definition

LEAVE_XML = (Path(__file__).parent / "data" / "leave_request.bpmn").read_text(encoding="utf-8")
TIMER_DATE = '<bpmn:timeDate>"2030-01-01T08:00:00+00:00"</bpmn:timeDate>'
SIX_MONTHS = '<bpmn:timeDuration>months(setting("activist.review_interval_months"))</bpmn:timeDuration>'
NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
ENGINE = CaseEngine()

# 审批 gets a reminder every review interval, twice, while it waits (a non-interrupting cycle).
REMINDERS = (
    '<bpmn:boundaryEvent id="remind" name="提醒" attachedToRef="approve" cancelActivity="false">'
    '<bpmn:outgoing>f_remind</bpmn:outgoing><bpmn:timerEventDefinition id="remind_timer"><bpmn:timeCycle>'
    'repeat(2, months(setting("probation.review_interval_months")))</bpmn:timeCycle></bpmn:timerEventDefinition>'
    '</bpmn:boundaryEvent><bpmn:endEvent id="reminded" name="已提醒"><bpmn:incoming>f_remind</bpmn:incoming>'
    '</bpmn:endEvent><bpmn:sequenceFlow id="f_remind" sourceRef="remind" targetRef="reminded" />'
)


def approved_on_new_year(definition, settings=None):
    workflow = ENGINE.start(definition, {}, settings, NEW_YEAR)
    (ask,) = ENGINE.ready_tasks(definition, workflow)
    ENGINE.complete(workflow, ask.task_id, {"days": [1]}, settings, NEW_YEAR)
    (approve,) = ENGINE.ready_tasks(definition, workflow)
    ENGINE.complete(workflow, approve.task_id, {"decision": "approve"}, settings, NEW_YEAR)
    return workflow


def test_a_duration_counts_from_the_engine_time_of_the_call_that_set_it():
    definition = load_definition(LEAVE_XML.replace(TIMER_DATE, SIX_MONTHS))
    workflow = approved_on_new_year(definition)
    assert ENGINE.next_timer_at(workflow) == datetime(2026, 7, 1, tzinfo=UTC)

    assert ENGINE.fire_timers(workflow, datetime(2026, 6, 30, 23, 59, tzinfo=UTC)) == []
    assert not ENGINE.is_finished(workflow)
    assert ENGINE.fire_timers(workflow, datetime(2026, 7, 1, 0, 1, tzinfo=UTC)) == ["wait"]
    assert ENGINE.end_event(workflow) == "done"


def test_the_organisations_setting_sets_the_wait():
    definition = load_definition(LEAVE_XML.replace(TIMER_DATE, SIX_MONTHS))
    workflow = approved_on_new_year(definition, RuleSettings({"activist.review_interval_months": 2}))
    assert ENGINE.next_timer_at(workflow) == datetime(2026, 3, 1, tzinfo=UTC)


def test_a_date_fires_once_the_engine_time_is_past_it():
    definition = load_definition(LEAVE_XML)
    workflow = approved_on_new_year(definition)
    assert ENGINE.fire_timers(workflow, datetime(2029, 12, 31, tzinfo=UTC)) == []
    assert ENGINE.fire_timers(workflow, datetime(2030, 1, 1, 9, tzinfo=UTC)) == ["wait"]
    assert ENGINE.fire_timers(workflow, datetime(2030, 1, 2, tzinfo=UTC)) == []  # once only


def test_a_cycle_comes_round_its_count_of_times_while_the_task_waits():
    xml = LEAVE_XML.replace('<bpmn:endEvent id="done"', REMINDERS + '<bpmn:endEvent id="done"')
    assert check_definition(xml, ["branch_secretary", "approving_committee"],
                            ["leave_start", "leave_ask", "leave_approve"]) == []  # publishable as it is
    definition = load_definition(xml)
    workflow = ENGINE.start(definition, {}, None, NEW_YEAR)
    (ask,) = ENGINE.ready_tasks(definition, workflow)
    ENGINE.complete(workflow, ask.task_id, {"days": [1]}, None, NEW_YEAR)
    first = ENGINE.next_timer_at(workflow)
    assert first is not None and timedelta(days=89) <= first - NEW_YEAR <= timedelta(days=92)  # 3 months

    rounds = [ENGINE.fire_timers(workflow, NEW_YEAR + timedelta(days=d)) for d in (30, 95, 100, 190, 300)]
    assert rounds == [[], ["remind"], [], ["remind"], []]
    assert [t.step_code for t in ENGINE.ready_tasks(definition, workflow)] == ["approve"]  # still waiting


def test_rounds_of_a_cycle_missed_while_no_worker_ran_are_each_counted():
    xml = LEAVE_XML.replace('<bpmn:endEvent id="done"', REMINDERS + '<bpmn:endEvent id="done"')
    definition = load_definition(xml)
    workflow = ENGINE.start(definition, {}, None, NEW_YEAR)
    (ask,) = ENGINE.ready_tasks(definition, workflow)
    ENGINE.complete(workflow, ask.task_id, {"days": [1]}, None, NEW_YEAR)

    fired = ENGINE.fire_timers(workflow, NEW_YEAR + timedelta(days=300))  # both rounds are past
    fired += ENGINE.fire_timers(workflow, NEW_YEAR + timedelta(days=300))  # whatever one call left
    assert fired == ["remind", "remind"]
    assert ENGINE.next_timer_at(workflow) is None
