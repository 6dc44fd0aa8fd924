"""Does each case agree with itself? `flask cases check`, for admins after a crash, a restore or a repair.

An operation writes a case's engine state, its work items, its submissions and its record
(全程纪实) in one transaction, so they can only disagree if that promise was broken (a bug, a
half-restored backup, a hand edit). This check compares them, case by case, and says how they
disagree. It only reads: each case's engine state is loaded and walked, no engine step runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..audit import verify_case
from ..extensions import db
from ..models import AuditEvent, Case, Submission, WorkItem
from ..runtime import runtime


@dataclass(frozen=True)
class CaseProblem:
    case_id: int
    business_key: str
    problem: str


def check_all_cases() -> list[CaseProblem]:
    """The problems of every case, in case order; an empty list when every case agrees with itself."""
    problems = []
    for case_id in db.session.scalars(db.select(Case.id).order_by(Case.id)).all():
        case = db.session.get(Case, case_id)
        problems += [CaseProblem(case.id, case.business_key, text) for text in check_case(case)]
        db.session.expunge(case)  # one case's engine state in memory at a time
    return problems


def check_case(case: Case) -> list[str]:
    """How ``case``'s record, engine state, work items and submissions disagree (Chinese sentences)."""
    items = db.session.execute(
        db.select(WorkItem.id, WorkItem.task_id, WorkItem.step_code, WorkItem.title, WorkItem.status)
        .where(WorkItem.case_id == case.id).order_by(WorkItem.id)
    ).all()
    events = db.session.execute(
        db.select(AuditEvent.kind, AuditEvent.step_code).where(AuditEvent.case_id == case.id)
        .order_by(AuditEvent.seq)
    ).all()
    submissions = db.session.execute(
        db.select(Submission.work_item_id, Submission.step_code).where(Submission.case_id == case.id)
    ).all()
    return [*_record_problems(case, events), *_engine_problems(case, items, events),
            *_step_problems(items, events, submissions)]


def _record_problems(case: Case, events) -> list[str]:
    broken = verify_case(case.id)
    found = [f"全程纪实校验未通过：第 {broken.seq} 条记录（{broken.reason}）"] if broken else []
    if not events or events[0].kind != "start":
        found.append("全程纪实的第一条记录不是发起记录")
    return found


def _engine_problems(case: Case, items, events) -> list[str]:
    """The engine state against the case's status, its open work items and its finish event."""
    rt = runtime()
    try:
        snapshot = rt.engine.snapshot(rt.definition_of(case.definition_id), rt.serializer.loads(case.state))
    except Exception as err:  # any failure to read the state is what this check reports
        return [f"引擎状态无法读取：{type(err).__name__}: {err}"]
    found = []
    ready = {task.task_id: task for task in snapshot.ready}
    open_items = {item.task_id: item for item in items if item.status == "open"}
    for task_id, item in open_items.items():
        if task_id not in ready:
            found.append(f"待办事项 {item.id}「{item.title}」在引擎中已不是待办理的环节")
    # A case in error keeps ready tasks that found no unit; every other running case has an item for each.
    if case.status == "running":
        for task_id, task in ready.items():
            if task_id not in open_items:
                found.append(f"引擎中待办理的环节「{task.step.label}」（{task.step_code}）没有待办事项")
    finish_events = sum(1 for event in events if event.kind == "finish")
    if snapshot.finished:
        if case.status == "running":
            found.append("流程在引擎中已结束，办件状态却仍为办理中")
        if finish_events != 1:
            found.append(f"流程在引擎中已结束，全程纪实中的办结记录却有 {finish_events} 条")
    elif finish_events:
        found.append("全程纪实中有办结记录，流程在引擎中却未结束")
    return found


def _step_problems(items, events, submissions) -> list[str]:
    """Each completed work item has its one submission and its one completion event, and nothing else does."""
    found = []
    completed = {item.id: item for item in items if item.status == "completed"}
    submitted = Counter(s.work_item_id for s in submissions if s.work_item_id is not None)
    for item_id, item in completed.items():
        if submitted[item_id] != 1:
            found.append(f"已办事项 {item_id}「{item.title}」有 {submitted[item_id]} 份提交的表单（应为 1 份）")
    for item_id in submitted.keys() - completed.keys():
        found.append(f"提交的表单指向未办结的待办事项 {item_id}")
    done_steps = Counter(item.step_code for item in completed.values())
    recorded_steps = Counter(event.step_code for event in events if event.kind == "complete")
    for step_code in sorted(done_steps.keys() | recorded_steps.keys()):
        if done_steps[step_code] != recorded_steps[step_code]:
            found.append(f"环节 {step_code}：已办事项 {done_steps[step_code]} 个，"
                         f"全程纪实中的办理记录 {recorded_steps[step_code]} 条")
    return found
