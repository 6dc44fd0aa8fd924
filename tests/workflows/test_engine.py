"""The engine core without Flask: start, complete, ready tasks, timers, serialization."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from workflows.engine import CaseEngine
from workflows.errors import EngineError, StateUnreadable, TaskNotReady
from workflows.serialization import CaseSerializer
from workflows.settings import RuleSettings
from workflows.specs import load_definition

LEAVE_XML_TEXT = (Path(__file__).parent / "data" / "leave_request.bpmn").read_text(encoding="utf-8")
LEAVE = load_definition(LEAVE_XML_TEXT)


@pytest.fixture
def engine():
    return CaseEngine()


@pytest.fixture
def serializer():
    return CaseSerializer(lambda sha256: {LEAVE.sha256: LEAVE}[sha256])


def round_trip(serializer, workflow):
    return serializer.loads(serializer.dumps(workflow))


def only_ready(engine, workflow):
    (task,) = engine.ready_tasks(LEAVE, workflow)
    return task


def test_a_started_case_waits_at_its_first_user_task_with_the_start_data(engine):
    workflow = engine.start(LEAVE, {"applicant": "张三"})
    task = only_ready(engine, workflow)
    assert task.step_code == "ask"
    assert task.step.lane == "branch_secretary"
    assert task.step.form_key == "leave_ask"
    assert task.variables["applicant"] == "张三"


def test_completing_a_task_moves_the_case_to_the_next_lane(engine, serializer):
    workflow = engine.start(LEAVE, {})
    workflow = round_trip(serializer, workflow)
    engine.complete(workflow, only_ready(engine, workflow).task_id, {"days": [1]})
    workflow = round_trip(serializer, workflow)
    task = only_ready(engine, workflow)
    assert (task.step_code, task.step.lane, task.step.deadline) == ("approve", "approving_committee", "approval")
    assert engine.case_data(workflow)["days"] == [1]


def test_a_completed_task_cannot_be_completed_again(engine):
    workflow = engine.start(LEAVE, {})
    task_id = only_ready(engine, workflow).task_id
    engine.complete(workflow, task_id, {"days": []})
    with pytest.raises(TaskNotReady):
        engine.complete(workflow, task_id, {})
    with pytest.raises(TaskNotReady):
        engine.complete(workflow, "not-a-uuid", {})


def test_the_default_flow_ends_the_case_at_its_end_event(engine):
    workflow = engine.start(LEAVE, {})
    engine.complete(workflow, only_ready(engine, workflow).task_id, {"days": []})
    engine.complete(workflow, only_ready(engine, workflow).task_id, {"decision": "refuse"})
    assert engine.is_finished(workflow)
    assert engine.end_event(workflow) == "refused"


def test_the_next_timer_instant_is_reported_and_survives_serialization(engine, serializer):
    workflow = engine.start(LEAVE, {})
    assert engine.next_timer_at(workflow) is None
    engine.complete(workflow, only_ready(engine, workflow).task_id, {"days": [1, 2]})
    engine.complete(workflow, only_ready(engine, workflow).task_id, {"decision": "approve"})
    expected = datetime(2030, 1, 1, 8, tzinfo=UTC)
    assert engine.next_timer_at(workflow) == expected
    assert engine.next_timer_at(round_trip(serializer, workflow)) == expected
    assert not engine.is_finished(workflow)


def test_a_condition_on_a_missing_variable_is_an_engine_error(engine):
    workflow = engine.start(LEAVE, {})
    engine.complete(workflow, only_ready(engine, workflow).task_id, {})
    with pytest.raises(EngineError):
        engine.complete(workflow, only_ready(engine, workflow).task_id, {"decision": "approve"})


def test_the_serialized_case_holds_a_reference_to_its_definition_not_the_spec(engine, serializer):
    state = serializer.dumps(engine.start(LEAVE, {}))
    document = json.loads(state)
    assert document["spec_ref"] == LEAVE.sha256
    assert "spec" not in document and "subprocess_specs" not in document
    assert "填写申请" not in state


def test_a_state_of_an_unknown_format_is_refused(serializer):
    with pytest.raises(StateUnreadable) as refused:
        serializer.loads(json.dumps({"serializer_version": "1.5", "tasks": {}}))
    assert refused.value.params["version"] == "1.5"


@pytest.mark.parametrize("state", [
    "{not json", "[]", "null", json.dumps({"serializer_version": "partyflow-1"}),
    json.dumps({"serializer_version": "partyflow-1", "typename": "datetime", "value": "2020-01-01"}),
    json.dumps({"serializer_version": "partyflow-1", "typename": "BpmnWorkflow", "spec_ref": "0" * 64}),
])
def test_a_damaged_state_is_reported_unreadable_and_nothing_is_built(serializer, state):
    with pytest.raises(StateUnreadable):
        serializer.loads(state)


def test_a_damaged_task_tree_is_reported_unreadable(engine, serializer):
    stored = json.loads(serializer.dumps(engine.start(LEAVE, {})))
    for task in stored["tasks"].values():
        task["parent"] = "not-a-uuid"
    with pytest.raises(StateUnreadable):
        serializer.loads(json.dumps(stored))


def test_a_timer_that_refers_to_a_setting_waits_as_long_as_the_organisations_setting_says(engine):
    definition = load_definition(LEAVE_XML_TEXT.replace(
        '<bpmn:timeDate>"2030-01-01T08:00:00+00:00"</bpmn:timeDate>',
        '<bpmn:timeDuration>months(setting("activist.review_interval_months"))</bpmn:timeDuration>'))

    def approved_waits_until(settings):
        workflow = engine.start(definition, {}, settings)
        (ask,) = engine.ready_tasks(definition, workflow)
        engine.complete(workflow, ask.task_id, {"days": [1]}, settings)
        (approve,) = engine.ready_tasks(definition, workflow)
        before = datetime.now(UTC)
        engine.complete(workflow, approve.task_id, {"decision": "approve"}, settings)
        return (engine.next_timer_at(workflow) - before).days

    assert 180 <= approved_waits_until(None) <= 185  # the default: 6 months
    assert 59 <= approved_waits_until(RuleSettings({"activist.review_interval_months": 2})) <= 63
