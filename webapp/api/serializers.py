"""Models → JSON-ready dicts. Dates are ISO dates, instants ISO 8601 in UTC; labels are translated."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import gettext

from workflows.org import UNIT_KINDS
from workflows.procedures import PROCEDURES

from .. import clock
from ..audit import verify_case
from ..extensions import db
from ..models import AuditEvent, Case, OrgUnit, ProcessDefinition, Submission, User, WorkItem
from ..models.case import CASE_STATUSES
from ..models.member import STAGES
from ..privacy import mask_id_numbers
from ..runtime import runtime
from .fields import form_fields


def iso_date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def iso_instant(value: datetime | None) -> str | None:
    return clock.as_utc(value).isoformat() if value is not None else None


def unit_ref(unit: OrgUnit | None) -> dict[str, Any] | None:
    return {"id": unit.id, "name": unit.name} if unit is not None else None


def user_ref(user: User | None) -> dict[str, Any] | None:
    return {"id": user.id, "display_name": user.display_name} if user is not None else None


def org_unit(unit: OrgUnit) -> dict[str, Any]:
    return {
        "id": unit.id, "name": unit.name, "kind": unit.kind,
        "kind_label": gettext(UNIT_KINDS.get(unit.kind, unit.kind)), "parent_id": unit.parent_id,
        "can_approve_admission": unit.can_approve_admission, "status": unit.status,
        "is_joint": bool(unit.is_joint), "is_temporary": bool(unit.is_temporary),
        "temporary_until": unit.temporary_until.isoformat() if unit.temporary_until else None,
    }


def process(row: ProcessDefinition) -> dict[str, Any]:
    """A current process definition: its start form (with fields) and its stages."""
    definition = runtime().definition(row)
    start = definition.start_step
    procedure = PROCEDURES.get(definition.process_id)
    stages = getattr(procedure, "STAGES", None) or [(s, s) for s in _stages_in_order(definition)]
    return {
        "key": row.process_key, "name": row.name, "version": row.version, "published_at": iso_instant(row.published_at),
        "start": {"step_code": start.step_code, "label": start.label, "form_key": start.form_key,
                  "fields": form_fields(row.process_key, start.form_key, None)},
        "stages": [{"key": key, "label": gettext(label)} for key, label in stages],
        "steps": [{"step_code": s.step_code, "label": s.label, "lane": s.lane, "stage": s.stage,
                   "form_key": s.form_key} for s in definition.user_steps()],
    }


def _stages_in_order(definition) -> list[str]:
    return list(dict.fromkeys(s.stage for s in definition.user_steps() if s.stage))


def case_summary(case: Case) -> dict[str, Any]:
    return {
        "id": case.id, "business_key": case.business_key, "title": case.title, "process_key": case.process_key,
        "status": case.status, "status_label": gettext(CASE_STATUSES.get(case.status, case.status)),
        "stage": case.stage, "current_step": case.current_step, "unit": unit_ref(case.unit),
    }


def case_detail(case: Case, full_id_numbers: bool = False) -> dict[str, Any]:
    """Everything about a case: its data, what was submitted, what is open, its full record (全程纪实).

    ID numbers in the variables, the submissions and the record are masked unless ``full_id_numbers``
    (permissions.can_see_id_numbers).
    """
    subject = case.subject
    body = {
        **case_summary(case),
        "version": case.definition.version, "outcome": case.outcome, "error_message": case.error_message,
        "subject": {"id": subject.id, "name": subject.name, "stage": subject.stage,
                    "stage_label": gettext(STAGES.get(subject.stage, subject.stage))} if subject else None,
        "variables": case.variables or {},
        "started_by": user_ref(case.started_by), "started_at": iso_instant(case.started_at),
        "updated_at": iso_instant(case.updated_at), "finished_at": iso_instant(case.finished_at),
        "submissions": [submission(s) for s in db.session.scalars(
            db.select(Submission).filter_by(case_id=case.id).order_by(Submission.id))],
        "open_work_items": open_work_items(case),
        "history": [audit_event(e) for e in db.session.scalars(
            db.select(AuditEvent).filter_by(case_id=case.id).order_by(AuditEvent.seq))],
        "record_intact": verify_case(case.id) is None,
    }
    return body if full_id_numbers else mask_id_numbers(body)


def open_work_items(case: Case) -> list[dict[str, Any]]:
    return [work_item_brief(item) for item in case.work_items if item.is_open]


def submission(row: Submission) -> dict[str, Any]:
    return {"id": row.id, "step_code": row.step_code, "form_key": row.form_key, "work_item_id": row.work_item_id,
            "data": row.data, "by": user_ref(row.submitted_by), "at": iso_instant(row.submitted_at)}


def audit_event(event: AuditEvent) -> dict[str, Any]:
    return {"seq": event.seq, "at": iso_instant(event.at), "actor": event.actor_name, "actor_id": event.actor_id,
            "kind": event.kind, "step_code": event.step_code, "summary": event.summary, "data": event.data}


def work_item_brief(item: WorkItem) -> dict[str, Any]:
    return {"id": item.id, "step_code": item.step_code, "title": item.title, "unit": unit_ref(item.unit),
            "due_on": iso_date(item.due_on), "assignee": user_ref(item.assignee)}


def work_item(item: WorkItem, with_fields: bool = True) -> dict[str, Any]:
    """A work item with its case and, when open, the fields of its form (member pickers filled)."""
    case = item.case
    body = {
        **work_item_brief(item),
        "case": {"id": case.id, "business_key": case.business_key, "title": case.title,
                 "process_key": case.process_key},
        "status": item.status, "lane": item.lane, "positions": item.position_list, "form_key": item.form_key,
        "stage": item.stage, "hard_due_on": iso_date(item.hard_due_on),
        "overdue_days": item.days_overdue(clock.today()),
        "opened_at": iso_instant(item.opened_at), "claimed_at": iso_instant(item.claimed_at),
        "completed_at": iso_instant(item.completed_at), "completed_by": user_ref(item.completed_by),
    }
    if with_fields:
        body["fields"] = form_fields(case.process_key, item.form_key, case.unit_id) if item.is_open else []
    return body
