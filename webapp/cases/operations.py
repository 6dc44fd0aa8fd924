"""The only code that joins the engine and the database: start a case, complete, claim, reassign.

Operations write but never commit: the view (or API endpoint) commits once, so a refused guard or
a stale version leaves nothing half-written. Every change of a case goes through ``CaseWrites``
(writes.py): the case row under a version check, then the rows the change adds or updates.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from workflows.calendar import parse_date
from workflows.engine import ReadyTask
from workflows.errors import EngineError, NoResponsibleUnit, StateUnreadable, TaskNotReady
from workflows.escalation import NONE, Ladder
from workflows.guards import violation
from workflows.i18n import N_
from workflows.org import OrgUnitRef
from workflows.procedures import PROCEDURES
from workflows.routing import intermediate_deliberators, resolve_unit
from workflows.specs import Definition

from .. import clock
from ..extensions import db
from ..models import Case, Member, OrgUnit, ProcessDefinition, Submission, User, WorkItem
from ..orgcache import OrgConfig
from ..runtime import runtime
from . import escalation
from .assignment import claim_work_item, reassign_candidates, reassign_work_item  # noqa: F401 (the views' API)
from .case_errors import ROUTING_ERROR, STOPPED_KINDS, engine_error_detail, error_text
from .case_org import CaseOrg, org_around
from .context import step_context, subject_from_start_form
from .history import record
from .locking import lock_case, lock_case_of, lock_case_unless_held, locked_open_items
from .org_changes import apply_org_changes
from .refusals import AlreadyHandled, CaseError, CaseInError, CaseStopped, GuardFailed, stale_means_already_handled
from .running import running_case_among
from .writes import CaseWrites


def current_definition(process_key: str) -> ProcessDefinition | None:
    return db.session.scalars(
        db.select(ProcessDefinition).filter_by(process_key=process_key, is_current=True)
        .order_by(ProcessDefinition.version.desc()).limit(1)
    ).first()


def start_case(definition_row: ProcessDefinition, unit: OrgUnit, data: dict[str, Any], actor: User) -> Case:
    """Create a case from the start form's data: check the guards, create the subject, run to the first waits."""
    rt = runtime()
    definition = rt.definition(definition_row)
    procedure = PROCEDURES[definition.process_id]
    org = org_around(unit.id)
    start = definition.start_step
    _refuse_a_second_running_case(procedure, unit)
    ctx = step_context(procedure, unit.id, data, {}, org.settings)
    violations = procedure.check(start.form_key, data, ctx)
    if violations:
        raise GuardFailed(violations)

    variables = {**procedure.derive(start.form_key, data, ctx), **_routing_facts(org.chain)}
    subject = subject_from_start_form(procedure, unit, data)
    if procedure.SUBJECT_KIND == "member" and (subject is None or subject.unit_id != unit.id):
        raise GuardFailed([violation("member_id", N_("所选党员不在%(unit)s的名册中，请从本组织的党员中选择。"),
                                     "subject", "", unit=unit.name)])
    try:
        workflow = rt.engine.start(definition, variables, org.settings, clock.now())
    except EngineError as err:
        raise CaseError(err) from err
    now = clock.now()
    case = Case(
        business_key=_business_key(procedure.BUSINESS_KEY_PREFIX), process_key=definition.process_id,
        definition_id=definition_row.id, unit_id=unit.id, top_org_id=unit.top_org_id,
        title=" · ".join(x for x in (definition.name, subject.name if subject else title_detail(procedure, variables),
                                     unit.name) if x),
        status="running", state="", variables={}, started_by_id=actor.id, started_at=now, updated_at=now,
        subject=subject,
    )
    db.session.add(case)
    db.session.flush()  # the case row and its subject exist from here; the rest is a change of them
    writes = CaseWrites(case)
    with db.session.no_autoflush:
        record(writes, "start", actor, step_code=start.step_code, summary=start.label, data=data)
        _save_submission(writes, None, start.step_code, start.form_key, data, actor)
        _apply_member_changes(writes, procedure, start.form_key, data, variables, variables)
        apply_org_changes(writes, procedure.org_changes(start.form_key, data, variables), actor)
        fired = rt.engine.fired_timer_events(workflow)
        _record_timers(writes, definition, fired)
        _apply_timer_changes(writes, procedure, fired, variables)
        _after_engine_step(writes, definition, workflow, [], org, actor)
        writes.write()
    # A timer a date already past fired within the start acts as if the worker had fired it.
    escalation.act_on_timers(case.id, fired, clock.today())
    return case


def _refuse_a_second_running_case(procedure, unit: OrgUnit) -> None:
    """A procedure whose ONE_RUNNING_PER_UNIT names process keys (an election: 换届选举 and 补选 together) runs
    one case at a time in a unit. The unit's row is locked first, so two starts at once cannot both pass."""
    keys = getattr(procedure, "ONE_RUNNING_PER_UNIT", ())
    if not keys:
        return
    db.session.execute(db.select(OrgUnit.id).where(OrgUnit.id == unit.id).with_for_update())
    running = running_case_among(keys, unit.id)
    if running is not None:
        raise GuardFailed([violation("", N_("%(unit)s已有一件正在办理的%(procedure)s（编号 %(key)s），"
                                            "办结后才能再发起。"),
                                     "one_running_case", "", unit=unit.name, procedure=running.definition.name,
                                     key=running.business_key)])


@stale_means_already_handled
def complete_work_item(item: WorkItem, data: dict[str, Any], actor: User) -> Case:
    """Complete a work item with the submitted form data; 409 (AlreadyHandled) when it is stale."""
    case, config, open_items = lock_case_of(item)
    now_open = next((i for i in open_items if i.id == item.id), None)  # as it is now, under the lock
    if now_open is None or (now_open.assignee_id is not None and now_open.assignee_id != actor.id):
        raise AlreadyHandled()
    if is_stopped(case):
        raise CaseInError(case)
    writes = CaseWrites(case)
    with db.session.no_autoflush:  # written at the end, once every change is known
        stopped, fired = _complete(writes, config, item, [i for i in open_items if i.id != item.id], data, actor)
        writes.write()
    if stopped:
        raise CaseStopped(case)
    # A timer a date already past fired within the step (a limit counted from a legal date entered late)
    # acts as if the worker had fired it: escalated, notified.
    escalation.act_on_timers(case.id, fired, clock.today())
    return case


def is_stopped(case: Case) -> bool:
    """The engine stopped the case (a failure, an unreadable state): nothing of it runs now."""
    return case.status == "error" and (case.error_detail or {}).get("kind") in STOPPED_KINDS


def _complete(writes: CaseWrites, config: OrgConfig, item: WorkItem, other_open_items: list, data: dict[str, Any],
              actor: User) -> tuple[bool, list[str]]:
    """Run the step: (True, []) when the engine stopped the case instead (then only the error is written),
    else (False, the timer events that fired within the step)."""
    case = writes.case
    rt = runtime()
    definition = rt.definition_of(case.definition_id)
    procedure = PROCEDURES[definition.process_id]
    org = org_around(case.unit_id, config)
    try:
        workflow = rt.serializer.loads(case.state)
    except StateUnreadable as err:
        _stop_case(writes, "state", item.step_code, item.title, err, actor)
        return True, []
    # The engine's variables as of the last step: written with the state, in the same statement,
    # so they are what rt.engine.case_data(workflow) would compute again.
    case_variables = dict(case.variables)
    ctx = step_context(procedure, case.unit_id, data, case_variables, org.settings)
    violations = procedure.check(item.form_key, data, ctx)
    if violations:
        raise GuardFailed(violations)

    derived = procedure.derive(item.form_key, data, ctx)
    try:
        fired = rt.engine.complete(workflow, item.task_id, {**derived, **_routing_facts(org.chain)}, org.settings,
                                   clock.now())
    except TaskNotReady as err:
        raise AlreadyHandled() from err
    except EngineError as err:
        _stop_case(writes, "engine", item.step_code, item.title, err, actor)
        return True, []
    # Unclaimed or claimed by the actor (complete_work_item checked): the actor is its assignee now.
    writes.update(WorkItem, item.id, status="completed", completed_at=clock.now(), completed_by_id=actor.id,
                  assignee_id=actor.id)
    record(writes, "complete", actor, step_code=item.step_code, summary=item.title, data=data)
    _save_submission(writes, item, item.step_code, item.form_key, data, actor)
    _apply_member_changes(writes, procedure, item.form_key, data, derived, {**case_variables, **derived})
    apply_org_changes(writes, procedure.org_changes(item.form_key, data, {**case_variables, **derived}), actor)
    _record_timers(writes, definition, fired)  # what the step did first, then the limits it found already past
    _apply_timer_changes(writes, procedure, fired, {**case_variables, **derived})
    _after_engine_step(writes, definition, workflow, other_open_items, org, actor)
    return False, fired


def _stop_case(writes: CaseWrites, kind: str, step_code: str | None, step_label: str | None, err: EngineError,
               actor: User | None) -> None:
    """异常: the case keeps its state as before the step (the failed run is never saved) and waits for
    an admin; the event names the step and the reason in words (the technical detail goes to the log)."""
    case = writes.case
    case.status = "error"
    case.error_detail = engine_error_detail(kind, step_label, err)
    case.error_message = error_text(case.error_detail, translate=lambda message: message)
    case.updated_at = clock.now()
    record(writes, "error", actor, step_code=step_code, summary=case.error_message)


@stale_means_already_handled
def fire_due_timers(case_id: int, now: datetime) -> list[str]:
    """时限到期: fire the case's timers due at ``now`` and run it on (work items, record); the ids of the
    timer events that fired. A case another worker holds is passed over (its worker fires it); under
    the case's lock the due time is checked again, so a timer another worker fired meanwhile is not
    fired twice; the caller commits each case on its own."""
    case = lock_case_unless_held(case_id)
    if case is None or case.status != "running" or case.next_timer_at is None or clock.as_utc(case.next_timer_at) > now:
        return []
    locked = locked_open_items(case.id)
    rt = runtime()
    definition = rt.definition_of(case.definition_id)
    org = org_around(case.unit_id, locked.config)
    writes = CaseWrites(case)
    with db.session.no_autoflush:
        try:
            workflow = rt.serializer.loads(case.state)
            fired = rt.engine.fire_timers(workflow, now, org.settings)
        except EngineError as err:
            _stop_case(writes, "state" if isinstance(err, StateUnreadable) else "engine", None, None, err, None)
            writes.write()
            return []
        _record_timers(writes, definition, fired)
        _apply_timer_changes(writes, PROCEDURES[definition.process_id], fired, dict(case.variables))
        _after_engine_step(writes, definition, workflow, locked.open_items, org, None)
        writes.write()
    return fired


@stale_means_already_handled
def reroute_case(case: Case, actor: User) -> bool:
    """重新路由 / 恢复办件: after an admin fixed the tree, the lane registry or what stopped the engine,
    route the ready tasks of a case in error again; True when every ready task found its unit and the
    case runs on. A case whose state cannot be read stays in error."""
    case = lock_case(case.id)
    if case.status != "error":
        raise AlreadyHandled()
    locked = locked_open_items(case.id)
    rt = runtime()
    definition = rt.definition_of(case.definition_id)
    org = org_around(case.unit_id, locked.config)
    try:
        workflow = rt.serializer.loads(case.state)
    except StateUnreadable:
        return False
    kind = "resume" if is_stopped(case) else "reroute"
    writes = CaseWrites(case)
    with db.session.no_autoflush:
        case.status, case.error_message, case.error_detail = "running", None, None
        _sync_work_items(writes, definition, rt.engine.snapshot(definition, workflow), locked.open_items, org, actor)
        running = case.status == "running"
        if running:
            record(writes, kind, actor, summary=case.current_step)
        writes.write()
    return running


def _routing_facts(chain: list[OrgUnitRef]) -> dict[str, Any]:
    """Facts of the organisation tree the definition's gateways and multi-instance steps read."""
    return {"deliberating_units": [u.id for u in intermediate_deliberators(chain)]}


def _after_engine_step(writes: CaseWrites, definition: Definition, workflow, open_items: list, org: CaseOrg,
                       actor) -> None:
    """Persist the engine state and project the ready user tasks into work items."""
    case = writes.case
    rt = runtime()
    snapshot = rt.engine.snapshot(definition, workflow)
    case.state = rt.serializer.dumps(workflow)
    case.variables = snapshot.variables
    case.next_timer_at = snapshot.next_timer_at
    case.updated_at = clock.now()
    if snapshot.ready:
        case.stage = snapshot.ready[0].step.stage or case.stage
        case.current_step = "、".join(t.step.label for t in snapshot.ready)
    if snapshot.finished:
        case.outcome = snapshot.end_event
        case.status = PROCEDURES[definition.process_id].END_STATUS.get(case.outcome, "completed")
        case.current_step, case.finished_at = None, clock.now()
        end = definition.steps.get(case.outcome)
        record(writes, "finish", None, step_code=case.outcome, summary=end.label if end else case.outcome)
    _sync_work_items(writes, definition, snapshot, open_items, org, actor)


def _sync_work_items(writes: CaseWrites, definition, snapshot, open_items, org: CaseOrg, actor) -> None:
    """Close the open items (``id``, ``task_id``) whose task is no longer ready; open one, routed, for
    each newly ready task."""
    case = writes.case
    ready_ids = {t.task_id for t in snapshot.ready}
    for item in open_items:
        if item.task_id not in ready_ids:
            # A step the flow left behind (a lapsed approval, a periodic review that the conclusion of
            # 培养教育考察 replaced): closed and recorded, never dropped silently (RULES.md §2.9).
            writes.update(WorkItem, item.id, status="cancelled")
            record(writes, "cancel", actor, step_code=item.step_code, summary=item.title)
    known = {item.task_id for item in open_items}
    lane_rules = org.config.lanes()
    procedure = PROCEDURES[definition.process_id]
    today = clock.today()
    for task in snapshot.ready:
        if task.task_id in known:
            continue
        rule = lane_rules.get(task.step.lane)
        try:
            if rule is None:
                raise NoResponsibleUnit(task.step.lane or "", org.chain[0].name, "—")
            unit = resolve_unit(rule, org.tree, case.unit_id, snapshot.variables, task.variables)
        except NoResponsibleUnit as err:
            _put_in_error(writes, task, err, actor)
            continue
        deadline = task.step.deadline
        due = procedure.due_dates(deadline, today, snapshot.variables, org.settings) if deadline else None
        due_on, hard_due_on, remind_on = due or (None, None, None)
        escalate_on = Ladder.from_settings(org.settings).next_on(NONE, due_on, remind_on)
        writes.insert(
            WorkItem, case_id=case.id, top_org_id=case.top_org_id, task_id=task.task_id, step_code=task.step_code,
            title=task.step.label, lane=rule.key, form_key=task.step.form_key, stage=task.step.stage,
            unit_id=unit.id, positions=WorkItem.encode_positions(rule.positions), status="open",
            due_on=due_on, hard_due_on=hard_due_on, remind_on=remind_on, escalate_on=escalate_on,
            opened_at=clock.now(),
        )


def _put_in_error(writes: CaseWrites, task: ReadyTask, err: NoResponsibleUnit, actor) -> None:
    # Never a lost task: the engine state keeps the ready task; the case waits for an admin.
    case = writes.case
    case.status = "error"
    case.error_detail = {"kind": "routing", "step": task.step.label, "lane": err.lane, "selector": err.selector,
                         "unit": err.unit_name}
    case.error_message = ROUTING_ERROR % case.error_detail
    record(writes, "error", actor, step_code=task.step_code, summary=case.error_message)


def _record_timers(writes: CaseWrites, definition: Definition, fired: list[str]) -> None:
    """时限到期: each timer event that fired, an event of the case's record under its label."""
    for bpmn_id in fired:
        event = definition.steps.get(bpmn_id)
        record(writes, "timer", None, step_code=bpmn_id, summary=event.label if event else bpmn_id)


def _apply_timer_changes(writes: CaseWrites, procedure, fired: list[str], variables: dict[str, Any]) -> None:
    """What the timer events that fired change in the organisation, as the procedure says (its
    ``org_changes`` for the event's id: a temporary branch dissolved at the end of its task, TM22)."""
    for bpmn_id in fired:
        apply_org_changes(writes, procedure.org_changes(bpmn_id, {}, variables), None)


def title_detail(procedure, variables: dict[str, Any]) -> str | None:
    """What a case's title names when its subject is no member (the branch a set-up proposes), if anything."""
    detail = getattr(procedure, "title_detail", None)
    return detail(variables) if detail else None


def _save_submission(writes: CaseWrites, item, step_code, form_key, data, actor) -> None:
    writes.insert(
        Submission, case_id=writes.case.id, work_item_id=item.id if item else None, step_code=step_code,
        form_key=form_key, data=data, submitted_by_id=actor.id, submitted_at=clock.now(),
    )


def _apply_member_changes(writes: CaseWrites, procedure, form_key, data, derived, case_variables) -> None:
    """What the step changes in the subject's member record (the applicant's stage and dates)."""
    subject_id = writes.case.subject_member_id
    if subject_id is None:
        return
    changes = procedure.member_changes(form_key, data, derived, case_variables)
    values = {field: parse_date(value) if field != "stage" and isinstance(value, str) else value
              for field, value in changes.items()}
    if values:
        writes.update(Member, subject_id, **values)


def _business_key(prefix: str) -> str:
    return f"{prefix}-{clock.today():%Y%m%d}-{secrets.token_hex(3).upper()}"
