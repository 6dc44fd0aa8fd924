"""A run-time cap on multi-instance tasks, checked before SpiffWorkflow creates the instances.

SpiffWorkflow expands a multi-instance over whatever collection or count it finds in the case data,
when the task becomes ready (inside the run of the task before it), so a check between engine steps
comes too late. Each multi-instance spec of a parsed definition gets this check in front of its
``_update_hook``; the limit comes from the workflow's script engine (``CaseEngine`` sets it from its
``Budget``), so one parsed definition serves engines with different budgets.
"""

from __future__ import annotations

from functools import cache

from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask

from .errors import BudgetExceeded
from .i18n import N_


def instance_count(spec: MultiInstanceTask, task) -> int | None:
    """How many instances ``spec`` creates for ``task``: its input collection's length, or its
    loopCardinality evaluated (restricted language) over the case data; None when it cannot tell yet."""
    if spec.data_input is not None:
        collection = spec.data_input.get(task) if spec.data_input.exists(task) else None
        return len(collection) if hasattr(collection, "__len__") else None
    if spec.cardinality is not None:
        count = task.workflow.script_engine.evaluate(task, spec.cardinality)
        return count if isinstance(count, int) else None
    return None


class _CappedInstances:
    def _update_hook(self, my_task):
        limit = getattr(my_task.workflow.script_engine, "max_instances", None)
        if limit is None:
            return super()._update_hook(my_task)
        my_task._inherit_data()  # what TaskSpec._update_hook does first: the case data as of now
        count = instance_count(self, my_task)
        if count is not None and count > limit:
            raise BudgetExceeded(f"{count} instances of {self.bpmn_id}",
                                 N_("多实例环节 %(element)s 要展开 %(count)s 个实例，超过上限 %(limit)s"),
                                 element=self.bpmn_id, count=count, limit=limit)
        return super()._update_hook(my_task)


@cache
def _capped(spec_class: type) -> type:
    return type(f"Capped{spec_class.__name__}", (_CappedInstances, spec_class), {})


def cap_instances(task_specs) -> None:
    """Give every multi-instance spec among ``task_specs`` the run-time cap (specs are never
    serialized with a case, see serialization.py, so their class is ours to choose)."""
    for spec in task_specs:
        if isinstance(spec, MultiInstanceTask) and not isinstance(spec, _CappedInstances):
            spec.__class__ = _capped(type(spec))
