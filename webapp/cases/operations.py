"""The only code that joins the engine and the database: start a case, complete, claim, reassign.

Operations flush but never commit: the view (or API endpoint) commits once, so a refused guard or
a stale version leaves nothing half-written.
"""

from __future__ import annotations

import functools
import secrets
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError

from workflows.engine import ReadyTask
from workflows.errors import EngineError, NoResponsibleUnit, TaskNotReady
from workflows.guards import Violation
from workflows.i18n import N_
from workflows.org import OrgUnitRef
from workflows.procedures import PROCEDURES
from workflows.routing import LaneRule, intermediate_deliberators, resolve_unit
from workflows.specs import Definition

from .. import clock
from ..audit import record_event
from ..extensions import db
from ..models import Case, LaneRuleRow, OrgUnit, Position, ProcessDefinition, Submission, User, WorkItem
from ..orgtree import DbOrgTree
from ..runtime import runtime
from .context import member_from_start_form, settings_for_chain, step_context


class GuardFailed(Exception):
    """A domain rule refused the submitted data; nothing was changed."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.message % v.params for v in violations))
        self.violations = violations


class AlreadyHandled(Exception):
    """The work item was completed, claimed or changed by someone else first (HTTP 409)."""


class CaseError(Exception):
    """The engine could not run the case on (e.g. a gateway condition failed); nothing was changed."""


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
    tree = DbOrgTree()
    chain = tree.load_chain(unit.id)
    settings = settings_for_chain(chain)
    start = definition.start_step
    ctx = step_context(procedure, unit.id, data, {}, settings)
    violations = procedure.check(start.form_key, data, ctx)
    if violations:
        raise GuardFailed(violations)

    variables = {**procedure.derive(start.form_key, data, ctx), **_routing_facts(chain)}
    subject = member_from_start_form(procedure, unit, data)
    try:
        workflow = rt.engine.start(definition, variables)
    except EngineError as err:
        raise CaseError(str(err)) from err
    now = clock.now()
    case = Case(
        business_key=_business_key(definition.process_id), process_key=definition.process_id,
        definition_id=definition_row.id, unit_id=unit.id, top_org_id=unit.top_org_id,
        title=" · ".join(x for x in (definition.name, subject.name if subject else None, unit.name) if x),
        status="running", state="", variables={}, started_by_id=actor.id, started_at=now, updated_at=now,
        subject=subject,
    )
    db.session.add(case)
    db.session.flush()
    record_event(case, "start", actor, step_code=start.step_code, summary=start.label, data=data)
    _save_submission(case, None, start.step_code, start.form_key, data, actor)
    _apply_member_changes(case, procedure, start.form_key, data, variables, variables)
    _after_engine_step(case, definition, workflow, [], chain, tree, settings, actor)
    db.session.flush()
    return case


def stale_means_already_handled(operation):
    """A version conflict anywhere in ``operation`` (at any flush) means someone else was first."""

    @functools.wraps(operation)
    def wrapper(*args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except StaleDataError as err:
            raise AlreadyHandled() from err

    return wrapper


@stale_means_already_handled
def complete_work_item(item: WorkItem, data: dict[str, Any], actor: User) -> Case:
    """Complete a work item with the submitted form data; 409 (AlreadyHandled) when it is stale."""
    case = _lock_case(item.case_id, with_open_items=True)
    open_items = list(case.work_items)  # only the open ones: see _lock_case
    item = next((i for i in open_items if i.id == item.id), None)  # as it is now, under the lock
    if item is None or (item.assignee_id is not None and item.assignee_id != actor.id):
        raise AlreadyHandled()
    with db.session.no_autoflush:  # one flush at the end, after every change is known
        _complete(case, item, open_items, data, actor)
    db.session.flush()
    db.session.expire(case, ["work_items"])  # drop the open-only view; the next read loads them all
    return case


def _complete(case: Case, item: WorkItem, open_items: list[WorkItem], data: dict[str, Any], actor: User) -> None:
    rt = runtime()
    definition = rt.definition_of(case.definition_id)
    procedure = PROCEDURES[definition.process_id]
    tree = DbOrgTree()
    chain = tree.load_chain(case.unit_id)
    settings = settings_for_chain(chain)
    workflow = rt.serializer.loads(case.state)
    case_variables = rt.engine.case_data(workflow)
    ctx = step_context(procedure, case.unit_id, data, case_variables, settings)
    violations = procedure.check(item.form_key, data, ctx)
    if violations:
        raise GuardFailed(violations)

    derived = procedure.derive(item.form_key, data, ctx)
    try:
        rt.engine.complete(workflow, item.task_id, {**derived, **_routing_facts(chain)})
    except TaskNotReady as err:
        raise AlreadyHandled() from err
    except EngineError as err:
        raise CaseError(str(err)) from err
    now = clock.now()
    item.status, item.completed_at, item.completed_by_id = "completed", now, actor.id
    item.assignee_id = item.assignee_id or actor.id
    record_event(case, "complete", actor, step_code=item.step_code, summary=item.title, data=data)
    _save_submission(case, item, item.step_code, item.form_key, data, actor)
    _apply_member_changes(case, procedure, item.form_key, data, derived, {**case_variables, **derived})
    _after_engine_step(case, definition, workflow, open_items, chain, tree, settings, actor)


@stale_means_already_handled
def reroute_case(case: Case, actor: User) -> bool:
    """重新路由: after an admin fixed the tree or the lane registry, route the ready tasks of a case in
    error again; True when every ready task found its unit and the case runs on."""
    case = _lock_case(case.id, with_open_items=True)
    if case.status != "error":
        raise AlreadyHandled()
    rt = runtime()
    definition = rt.definition_of(case.definition_id)
    tree = DbOrgTree()
    chain = tree.load_chain(case.unit_id)
    workflow = rt.serializer.loads(case.state)
    case.status, case.error_message, case.error_detail = "running", None, None
    with db.session.no_autoflush:
        _sync_work_items(case, definition, rt.engine.snapshot(definition, workflow), list(case.work_items),
                         chain, tree, settings_for_chain(chain), actor)
        if case.status == "running":
            record_event(case, "reroute", actor, summary=case.current_step)
    db.session.flush()
    db.session.expire(case, ["work_items"])
    return case.status == "running"


@stale_means_already_handled
def claim_work_item(item: WorkItem, actor: User) -> None:
    """认领: take an unclaimed item so colleagues see who is on it."""
    case = _lock_case(item.case_id)  # the claim is an event of the case's record
    claimed = db.session.execute(
        update(WorkItem).where(WorkItem.id == item.id, WorkItem.status == "open", WorkItem.assignee_id.is_(None))
        .values(assignee_id=actor.id, claimed_at=clock.now())
    ).rowcount
    if claimed != 1:
        raise AlreadyHandled()
    db.session.refresh(item)
    record_event(case, "claim", actor, step_code=item.step_code, summary=item.title)


def reassign_candidates(item: WorkItem) -> list[User]:
    """Holders (today) of one of the item's acting positions in its unit: who it may be handed to."""
    today = clock.today()
    return db.session.scalars(
        db.select(User).join(Position).where(
            Position.unit_id == item.unit_id, Position.role.in_(item.position_list), User.is_enabled,
            Position.started_on <= today, or_(Position.ended_on.is_(None), Position.ended_on >= today),
        ).distinct().order_by(User.display_name)
    ).all()


@stale_means_already_handled
def reassign_work_item(item: WorkItem, assignee: User, actor: User) -> None:
    """转办: hand an open item to another holder of an acting position in its unit."""
    case = _lock_case(item.case_id)
    if assignee not in reassign_candidates(item):
        raise ValueError("the assignee holds no acting position for this work item")
    previous = item.assignee.display_name if item.assignee else None
    moved = db.session.execute(
        update(WorkItem).where(WorkItem.id == item.id, WorkItem.status == "open")
        .values(assignee_id=assignee.id, claimed_at=clock.now())
    ).rowcount
    if moved != 1:
        raise AlreadyHandled()
    db.session.refresh(item)
    record_event(case, "reassign", actor, step_code=item.step_code, summary=item.title,
                 data={"from": previous, "to": assignee.display_name, "to_user_id": assignee.id})


def _lock_case(case_id: int, with_open_items: bool = False) -> Case:
    """The case, fresh and locked: a row lock on PostgreSQL; on SQLite the version counter
    (compare-and-swap at flush) decides. ``with_open_items`` loads ``case.work_items`` filtered to
    the open ones in the same query (what a completion changes); the commit expires that view."""
    options = [joinedload(Case.subject)]
    if with_open_items:
        options.append(joinedload(Case.work_items.and_(WorkItem.status == "open")))
    return db.session.execute(
        db.select(Case).where(Case.id == case_id).with_for_update(of=Case)
        .options(*options).execution_options(populate_existing=True)
    ).unique().scalar_one()


def _routing_facts(chain: list[OrgUnitRef]) -> dict[str, Any]:
    """Facts of the organisation tree the definition's gateways and multi-instance steps read."""
    return {"deliberating_units": [u.id for u in intermediate_deliberators(chain)]}


def _after_engine_step(case: Case, definition: Definition, workflow, open_items: list[WorkItem],
                       chain: list[OrgUnitRef], tree: DbOrgTree, settings, actor) -> None:
    """Persist the engine state and project the ready user tasks into work items."""
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
        record_event(case, "finish", None, step_code=case.outcome, summary=end.label if end else case.outcome)
    _sync_work_items(case, definition, snapshot, open_items, chain, tree, settings, actor)


def _sync_work_items(case, definition, snapshot, open_items, chain, tree, settings, actor) -> None:
    """Close the items whose task is no longer ready; open one, routed, for each newly ready task."""
    ready_ids = {t.task_id for t in snapshot.ready}
    for item in open_items:
        if item.is_open and item.task_id not in ready_ids:
            item.status = "cancelled"
    known = {item.task_id for item in open_items}
    lane_rules = lane_registry()
    procedure = PROCEDURES[definition.process_id]
    today = clock.today()
    for task in snapshot.ready:
        if task.task_id in known:
            continue
        rule = lane_rules.get(task.step.lane)
        try:
            if rule is None:
                raise NoResponsibleUnit(task.step.lane or "", chain[0].name, "—")
            unit = resolve_unit(rule, tree, case.unit_id, snapshot.variables, task.variables)
        except NoResponsibleUnit as err:
            _put_in_error(case, task, err, actor)
            continue
        deadline = task.step.deadline
        due = procedure.due_dates(deadline, today, snapshot.variables, settings) if deadline else None
        due_on, hard_due_on, remind_on = due or (None, None, None)
        db.session.add(WorkItem(
            case_id=case.id, top_org_id=case.top_org_id, task_id=task.task_id, step_code=task.step_code,
            title=task.step.label, lane=rule.key, form_key=task.step.form_key, stage=task.step.stage,
            unit_id=unit.id, positions=WorkItem.encode_positions(rule.positions), status="open",
            due_on=due_on, hard_due_on=hard_due_on, remind_on=remind_on, opened_at=clock.now(),
        ))


def lane_registry() -> dict[str, LaneRule]:
    """The lane registry as stored (admins edit it), read as plain rows."""
    rows = db.session.execute(
        db.select(LaneRuleRow.key, LaneRuleRow.label, LaneRuleRow.selector, LaneRuleRow.positions))
    return {row.key: LaneRule(row.key, row.label, row.selector, tuple(row.positions)) for row in rows}


ROUTING_ERROR = N_("环节「%(step)s」的泳道 %(lane)s（%(selector)s）在组织架构中找不到办理单位（办件单位：%(unit)s）。"
                   "请管理员检查组织架构或泳道配置后重新路由。")


def _put_in_error(case: Case, task: ReadyTask, err: NoResponsibleUnit, actor) -> None:
    # Never a lost task: the engine state keeps the ready task; the case waits for an admin.
    case.status = "error"
    case.error_detail = {"step": task.step.label, "lane": err.lane, "selector": err.selector, "unit": err.unit_name}
    case.error_message = ROUTING_ERROR % case.error_detail
    record_event(case, "error", actor, step_code=task.step_code, summary=case.error_message)


def _save_submission(case, item, step_code, form_key, data, actor) -> None:
    db.session.add(Submission(
        case=case, case_id=case.id, work_item_id=item.id if item else None, step_code=step_code, form_key=form_key,
        data=data, submitted_by_id=actor.id, submitted_at=clock.now(),
    ))


def _apply_member_changes(case, procedure, form_key, data, derived, case_variables) -> None:
    if case.subject is None:
        return
    from workflows.calendar import parse_date

    changes = procedure.member_changes(form_key, data, derived, case_variables)
    for field, value in changes.items():
        if field != "stage" and isinstance(value, str):
            value = parse_date(value)
        setattr(case.subject, field, value)


def _business_key(process_key: str) -> str:
    prefix = {"recruitment": "FZ"}.get(process_key, process_key[:2].upper())
    return f"{prefix}-{clock.today():%Y%m%d}-{secrets.token_hex(3).upper()}"
