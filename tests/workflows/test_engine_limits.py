"""Defence in depth: a definition that skipped the publish checks (an older version, a fixture) still
runs no code, and no engine call runs for ever or expands a multi-instance over a huge collection."""

from pathlib import Path

import pytest

from workflows.engine import Budget, CaseEngine
from workflows.errors import BudgetExceeded, EngineError
from workflows.specs import load_definition

LEAVE_XML = (Path(__file__).parent / "data" / "leave_request.bpmn").read_text(encoding="utf-8")


def leave_variant(old: str, new: str):
    assert old in LEAVE_XML
    return load_definition(LEAVE_XML.replace(old, new))


def ask_then_approve(engine, definition, days, decision="refuse"):
    workflow = engine.start(definition, {})
    (ask,) = engine.ready_tasks(definition, workflow)
    engine.complete(workflow, ask.task_id, {"days": days})
    (approve, *_) = engine.ready_tasks(definition, workflow)
    engine.complete(workflow, approve.task_id, {"decision": decision})
    return workflow


# The refusal path loops back into its own gateway: nothing in the loop waits for a person.
BUSY_LOOP = ('<bpmn:sequenceFlow id="f5" name="不同意" sourceRef="approved" targetRef="refused" />',
             '<bpmn:sequenceFlow id="f5" name="不同意" sourceRef="approved" targetRef="approved" />'
             '<bpmn:sequenceFlow id="f7" sourceRef="approved" targetRef="refused">'
             '<bpmn:conditionExpression>False</bpmn:conditionExpression></bpmn:sequenceFlow>')


def test_a_loop_without_a_wait_is_stopped_by_the_step_budget():
    definition = leave_variant(*BUSY_LOOP)
    with pytest.raises(BudgetExceeded) as stopped:
        ask_then_approve(CaseEngine(Budget(max_steps=50)), definition, [1])
    assert stopped.value.params["limit"] == 50
    assert "50" in stopped.value.reason % stopped.value.params


def test_the_time_budget_stops_a_call_that_runs_too_long(monkeypatch):
    definition = leave_variant(*BUSY_LOOP)
    clock = iter(range(0, 10**6, 2))  # each look at the clock is two seconds later
    monkeypatch.setattr("workflows.engine.time.monotonic", lambda: next(clock))
    with pytest.raises(BudgetExceeded) as stopped:
        ask_then_approve(CaseEngine(Budget(max_steps=10**6, max_seconds=5)), definition, [1])
    assert stopped.value.params["limit"] == 5


def test_a_normal_case_stays_well_within_the_default_budget():
    definition = load_definition(LEAVE_XML)
    workflow = ask_then_approve(CaseEngine(), definition, [1])
    assert CaseEngine().is_finished(workflow)


MULTI_OVER_DAYS = ('<bpmn:outgoing>f3</bpmn:outgoing>\n    </bpmn:userTask>',
                   '<bpmn:outgoing>f3</bpmn:outgoing>\n      <bpmn:multiInstanceLoopCharacteristics>'
                   '<bpmn:loopDataInputRef>days</bpmn:loopDataInputRef><bpmn:inputDataItem id="day" />'
                   '</bpmn:multiInstanceLoopCharacteristics>\n    </bpmn:userTask>')


def start_multi(definition, days, budget=Budget()):
    engine = CaseEngine(budget)
    workflow = engine.start(definition, {})
    (ask,) = engine.ready_tasks(definition, workflow)
    engine.complete(workflow, ask.task_id, {"days": days})
    return engine.ready_tasks(definition, workflow)


def test_a_multi_instance_over_case_data_is_capped_at_the_setting():
    definition = leave_variant(*MULTI_OVER_DAYS)
    assert len(start_multi(definition, list(range(500)))) == 500
    with pytest.raises(BudgetExceeded) as stopped:
        start_multi(definition, list(range(501)))
    assert stopped.value.params == {"detail": "501 instances of approve", "element": "approve", "count": 501,
                                    "limit": 500}
    with pytest.raises(BudgetExceeded):
        start_multi(definition, list(range(4)), Budget(max_instances=3))


def test_a_cardinality_expression_is_capped_at_run_time():
    definition = leave_variant(MULTI_OVER_DAYS[0], MULTI_OVER_DAYS[1].replace(
        '<bpmn:loopDataInputRef>days</bpmn:loopDataInputRef><bpmn:inputDataItem id="day" />',
        "<bpmn:loopCardinality>len(days) * 10</bpmn:loopCardinality>"))
    assert len(start_multi(definition, [1, 2])) == 20
    with pytest.raises(BudgetExceeded, match="510 instances"):
        start_multi(definition, list(range(51)))


def test_a_stored_script_task_runs_no_code():
    definition = leave_variant(
        '<bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="approve" />',
        '<bpmn:scriptTask id="hack"><bpmn:incoming>f2</bpmn:incoming><bpmn:outgoing>f2b</bpmn:outgoing>'
        '<bpmn:script>open("/tmp/partyflow-pwned", "w")</bpmn:script></bpmn:scriptTask>'
        '<bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="hack" />'
        '<bpmn:sequenceFlow id="f2b" sourceRef="hack" targetRef="approve" />')
    engine = CaseEngine()
    workflow = engine.start(definition, {})
    (ask,) = engine.ready_tasks(definition, workflow)
    with pytest.raises(EngineError) as refused:
        engine.complete(workflow, ask.task_id, {"days": [1]})
    assert refused.value.reason.startswith("流程定义中的表达式或脚本不被允许")
    assert not Path("/tmp/partyflow-pwned").exists()


@pytest.mark.parametrize("condition", [
    "decision.__class__.__mro__",
    "__import__('os').system('true')",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "'x' * 10**10",
])
def test_a_stored_condition_outside_the_language_is_refused_when_it_runs(condition):
    definition = leave_variant('decision == "approve" and len(days) &lt;= 3',
                               condition.replace("&", "&amp;").replace("<", "&lt;"))
    with pytest.raises(EngineError) as refused:
        ask_then_approve(CaseEngine(), definition, [1], decision="approve")
    assert refused.value.reason.startswith("流程定义中的表达式或脚本不被允许")


def test_a_case_stops_before_its_task_tree_is_too_deep_for_spiffworkflow_to_see():
    # 不同意 goes back to 填写申请: each round adds three tasks below the last; SpiffWorkflow's task
    # iterator stops looking at depth 1000, so a deeper ready task would be lost without a word.
    definition = leave_variant('sourceRef="approved" targetRef="refused"', 'sourceRef="approved" targetRef="ask"')
    engine = CaseEngine(Budget(max_depth=30))
    workflow = engine.start(definition, {})
    rounds = 0
    with pytest.raises(BudgetExceeded) as stopped:
        while True:
            (ask,) = engine.ready_tasks(definition, workflow)
            engine.complete(workflow, ask.task_id, {"days": [1]})
            (approve,) = engine.ready_tasks(definition, workflow)
            engine.complete(workflow, approve.task_id, {"decision": "refuse"})
            rounds += 1
    assert 5 < rounds < 15 and stopped.value.params["limit"] == 30
