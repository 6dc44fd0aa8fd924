"""Run cases: start, complete a user task with data, run engine steps, list what is ready."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.specs.defaults import EndEvent
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.task import TaskState

from .clock import engine_time
from .errors import BudgetExceeded, EngineError, TaskNotReady
from .expressions import ExpressionError, restricted_script_engine, settings_in_force
from .i18n import N_
from .specs import Definition, Step


@dataclass(frozen=True)
class ReadyTask:
    """A user task waiting for a person, as the application sees it."""

    task_id: str
    step: Step
    variables: Mapping[str, Any]

    @property
    def step_code(self) -> str:
        return self.step.step_code


@dataclass(frozen=True)
class CaseSnapshot:
    """What the application persists after an engine step, read in one walk over the task tree."""

    ready: list[ReadyTask]
    variables: dict[str, Any]
    next_timer_at: datetime | None
    finished: bool
    end_event: str | None


@dataclass(frozen=True)
class Budget:
    """What one engine call (start, complete) may do. SpiffWorkflow itself runs a loop of gateways for
    ever and expands a multi-instance over any collection it is given; a definition is untrusted, so
    every call counts its steps and its time, and each multi-instance checks its count (instances.py)."""

    max_steps: int = 200
    max_seconds: float = 5.0
    # The same cap as a literal loopCardinality at publish time (specs.MAX_CARDINALITY).
    max_instances: int = 500
    # SpiffWorkflow's task iterator silently stops at depth 1000 (util/task.py, max_depth): a task
    # deeper in the tree would never be seen as ready. A case stops well before that.
    max_depth: int = 900


class CaseEngine:
    """Stateless facade over SpiffWorkflow; the caller persists what it returns."""

    def __init__(self, budget: Budget | None = None):
        self.budget = budget or Budget()
        self.script_engine = restricted_script_engine()
        self.script_engine.max_instances = self.budget.max_instances  # read by instances.py

    def start(self, definition: Definition, data: Mapping[str, Any],
              settings: Mapping[str, Any] | None = None, now: datetime | None = None) -> BpmnWorkflow:
        """Create a case's workflow with the start form's data and run it to the first waits;
        ``settings`` are the rule settings in force for the case (timers read them), ``now`` the
        instant of the call (timers count from it)."""
        workflow = BpmnWorkflow(definition.spec, dict(definition.subprocess_specs), script_engine=self.script_engine)
        workflow.definition_sha256 = definition.sha256
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        with _case_context(settings, now):
            self._run(workflow)
        return workflow

    def complete(self, workflow: BpmnWorkflow, task_id: str, data: Mapping[str, Any],
                 settings: Mapping[str, Any] | None = None, now: datetime | None = None) -> list[str]:
        """Complete the ready user task ``task_id`` with ``data`` and run the engine on; the ids of the
        timer events that fired on the way (a date already past when the step reached them)."""
        task = self._ready_user_task(workflow, task_id)
        task.data.update(data)
        with _case_context(settings, now):
            try:
                task.run()
            except Exception as err:
                raise _engine_error(err) from err
            return self._run(workflow)

    @staticmethod
    def fired_timer_events(workflow: BpmnWorkflow) -> list[str]:
        """The ids of the timer events the workflow has fired so far, in order (after ``start``: those a
        date already past fired at once)."""
        fired = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if _is_timer_event(t)]
        return [t.task_spec.bpmn_id for t in sorted(fired, key=lambda t: t.last_state_change)]

    def fire_timers(self, workflow: BpmnWorkflow, now: datetime,
                    settings: Mapping[str, Any] | None = None) -> list[str]:
        """Fire the case's timers that are due at ``now`` and run the engine on; the ids of the timer
        events that fired, a cycle's once for each round that came (several, when the worker was down
        for more than one), empty when none was due."""
        before = self._pending_timers(workflow)
        with _case_context(settings, now):
            try:
                workflow.refresh_timers()
            except Exception as err:
                raise _engine_error(err) from err
            self._run(workflow)
        after = self._pending_timers(workflow)
        fired = []
        for task_id, (bpmn_id, value) in before.items():
            fired.extend([bpmn_id] * _rounds(value, after.get(task_id, (None, None))[1]))
        return fired

    @staticmethod
    def _pending_timers(workflow: BpmnWorkflow) -> dict[Any, tuple[str, Any]]:
        """Waiting timer tasks by id: their event and its pending value (a cycle's changes as it comes round)."""
        pending = {}
        for task in workflow.get_tasks(state=TaskState.WAITING):
            if isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
                value = task._get_internal_data("event_value")
                pending[task.id] = (task.task_spec.bpmn_id, dict(value) if isinstance(value, dict) else value)
        return pending

    def snapshot(self, definition: Definition, workflow: BpmnWorkflow) -> CaseSnapshot:
        """Ready user tasks, case variables, next timer and end event of the case, in one walk."""
        ready, timers, completed_ends, latest_ready = [], [], [], None
        for task in workflow.get_tasks():
            if task.state == TaskState.READY:
                if latest_ready is None or task.last_state_change > latest_ready.last_state_change:
                    latest_ready = task
                if isinstance(task.task_spec, UserTask):
                    ready.append(ReadyTask(str(task.id), definition.steps[task.task_spec.bpmn_id], task.data))
            elif task.state == TaskState.WAITING:
                timers.extend(self._timer_instants(task))
            elif task.state == TaskState.COMPLETED and isinstance(task.task_spec, EndEvent):
                completed_ends.append(task)
        source = latest_ready or workflow.last_task
        end = max(completed_ends, key=lambda t: t.last_state_change) if workflow.completed and completed_ends else None
        return CaseSnapshot(
            ready=ready, variables=dict(source.data) if source is not None else dict(workflow.data),
            next_timer_at=min(timers) if timers else None, finished=workflow.completed,
            end_event=end.task_spec.bpmn_id if end is not None else None,
        )

    def ready_tasks(self, definition: Definition, workflow: BpmnWorkflow) -> list[ReadyTask]:
        """The user tasks that wait for a person now."""
        ready = []
        for task in workflow.get_tasks(state=TaskState.READY):
            if isinstance(task.task_spec, UserTask):
                step = definition.steps[task.task_spec.bpmn_id]
                ready.append(ReadyTask(str(task.id), step, task.data))
        return ready

    def case_data(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        """The case variables as the latest ready task (or else the last finished one) sees them."""
        ready = workflow.get_tasks(state=TaskState.READY)
        source = max(ready, key=lambda t: t.last_state_change) if ready else workflow.last_task
        return dict(source.data) if source is not None else dict(workflow.data)

    def next_timer_at(self, workflow: BpmnWorkflow) -> datetime | None:
        """The earliest instant a waiting timer of the case fires, or None."""
        instants = [i for task in workflow.get_tasks(state=TaskState.WAITING) for i in self._timer_instants(task)]
        return min(instants) if instants else None

    @staticmethod
    def _timer_instants(task) -> list[datetime]:
        """When a waiting timer task fires, in UTC (a date timer may carry China's offset, and the
        database keeps instants in UTC: SQLite drops the offset)."""
        definition = getattr(task.task_spec, "event_definition", None)
        if isinstance(definition, TimerEventDefinition):
            value = task._get_internal_data("event_value")
            if isinstance(value, dict):  # a cycle: its next round, until the rounds are done
                value = value["next"] if value.get("cycles") else None
            if value:
                return [TimerEventDefinition.get_datetime(value)]
        return []

    def is_finished(self, workflow: BpmnWorkflow) -> bool:
        return workflow.completed

    def end_event(self, workflow: BpmnWorkflow) -> str | None:
        """The id of the end event the case finished at, if it has finished."""
        if not workflow.completed:
            return None
        ends = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if isinstance(t.task_spec, EndEvent)]
        return max(ends, key=lambda t: t.last_state_change).task_spec.bpmn_id if ends else None

    def _ready_user_task(self, workflow: BpmnWorkflow, task_id: str):
        try:
            task = workflow.get_task_from_id(UUID(task_id))
        except Exception as err:
            raise TaskNotReady(task_id) from err
        if task is None or task.state != TaskState.READY or not isinstance(task.task_spec, UserTask):
            raise TaskNotReady(task_id)
        return task

    def _run(self, workflow: BpmnWorkflow) -> list[str]:
        """do_engine_steps within the budget: BudgetExceeded stops the call before the step that
        would go over it; the caller then keeps the case's previous state (it never saves this one).
        The ids of the timer events that fired during the run."""
        budget, steps, deadline = self.budget, 0, time.monotonic() + self.budget.max_seconds
        fired: list[str] = []

        def before_step(task) -> None:
            nonlocal steps
            steps += 1
            if _is_timer_event(task):
                fired.append(task.task_spec.bpmn_id)
            if steps > budget.max_steps:
                raise BudgetExceeded(f"more than {budget.max_steps} engine steps",
                                     N_("一次运行超过 %(limit)s 步（流程中可能有不经过人工环节的循环）"),
                                     limit=budget.max_steps)
            if time.monotonic() > deadline:
                raise BudgetExceeded(f"more than {budget.max_seconds} s", N_("一次运行超过 %(limit)s 秒"),
                                     limit=budget.max_seconds)

        try:
            workflow.do_engine_steps(will_complete_task=before_step)
        except EngineError:
            raise
        except Exception as err:
            raise _engine_error(err) from err
        depth = _depth(workflow.last_task)
        if depth > budget.max_depth:
            raise BudgetExceeded(f"task tree {depth} deep", N_("流程任务树深度达到 %(depth)s，超过上限 %(limit)s"),
                                 depth=depth, limit=budget.max_depth)
        return fired


def _rounds(before: Any, after: Any) -> int:
    """How many times a waiting timer fired between two readings of its pending value: a date or a
    duration once when its value changed or it stopped waiting; a cycle once for each round that came."""
    if before == after:
        return 0
    if not isinstance(before, dict):
        return 1
    if isinstance(after, dict) and after.get("duration"):
        elapsed = datetime.fromisoformat(after["next"]) - datetime.fromisoformat(before["next"])
        return max(round(elapsed.total_seconds() / after["duration"]), 1)
    return max(before.get("cycles") or 0, 1)  # the last rounds: the cycle is done and no longer waits


def _is_timer_event(task) -> bool:
    return isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition)


@contextmanager
def _case_context(settings: Mapping[str, Any] | None, now: datetime | None) -> Iterator[None]:
    with settings_in_force(settings), engine_time(now):
        yield


def _depth(task) -> int:
    """How deep ``task`` is in its workflow's task tree (the last task run is the deepest there is)."""
    depth = 0
    while task is not None:
        depth, task = depth + 1, task.parent
    return depth


def _engine_error(err: Exception) -> EngineError:
    """The EngineError for what SpiffWorkflow raised; an expression the restricted language refused
    (a definition stored before the publish checks, or loaded from a fixture) says so."""
    cause: BaseException | None = err
    while cause is not None:
        if isinstance(cause, EngineError):
            return cause
        if isinstance(cause, ExpressionError):
            return EngineError(str(err), N_("流程定义中的表达式或脚本不被允许：%(detail)s"))
        cause = getattr(cause, "exception", None) or cause.__cause__ or cause.__context__
    return EngineError(str(err))
