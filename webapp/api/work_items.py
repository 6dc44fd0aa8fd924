"""API endpoints for work items (待办): list, show, claim, complete, reassign.

Each endpoint: load → permission → validate → one operation → commit → JSON.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext
from sqlalchemy.orm.exc import StaleDataError

from workflows.org import POSITIONS

from .. import clock, permissions
from ..cases import formkit, operations
from ..cases.case_errors import case_error_text
from ..extensions import db
from ..models import User, WorkItem
from ..params import db_id, page_number
from . import serializers
from .auth import api_user
from .fields import build_api_form, data_errors
from .responses import api_error, json_body, validation_error

ALREADY_HANDLED = "此事项已被他人办理或认领，或状态已发生变化，请刷新后查看最新情况。"
NOT_YOURS = "您在此事项的办理单位没有可办理此事项的职务，不能认领或办理。"


def list_work_items():
    """My open work items (待办), or with ?status=completed the ones I completed (已办)."""
    user = api_user()
    status = request.args.get("status", "open")
    query = db.select(WorkItem)
    if status == "open":
        query = query.where(permissions.inbox_filter(user)).order_by(
            WorkItem.due_on.is_(None), WorkItem.due_on, WorkItem.id)
    elif status == "completed":
        query = query.where(WorkItem.completed_by_id == user.id, WorkItem.status == "completed").order_by(
            WorkItem.completed_at.desc(), WorkItem.id.desc())
    else:
        return validation_error({"status": ["status 只能是 open 或 completed。"]})
    page = db.paginate(query, page=page_number(), max_per_page=100, error_out=False)
    return {"items": [serializers.work_item(item) for item in page.items], "total": page.total,
            "page": page.page, "per_page": page.per_page}


def get_work_item(item_id: int):
    item = db.get_or_404(WorkItem, item_id)
    user = api_user()
    if not permissions.can_see_item(user, item):
        return api_error(403, "您没有查看此事项的权限。")
    return {**serializers.work_item(item), "can_act": item.is_open and permissions.can_act(user, item)}


def claim_work_item(item_id: int):
    item = db.get_or_404(WorkItem, item_id)
    user = api_user()
    refused = _refuse_acting(user, item)
    if refused is not None:
        return refused
    if item.assignee_id != user.id:  # claiming one's own item again changes nothing
        try:
            operations.claim_work_item(item, user)
        except operations.AlreadyHandled:
            db.session.rollback()
            return api_error(409, ALREADY_HANDLED)
        db.session.commit()
    return serializers.work_item(item)


def complete_work_item(item_id: int):
    """Validate the step's form exactly as the page does, then complete the item."""
    item = db.get_or_404(WorkItem, item_id)
    user = api_user()
    refused = _refuse_acting(user, item)
    if refused is not None:
        return refused
    body = json_body()
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    case, case_id = item.case, item.case_id
    form = build_api_form(case.process_key, item.form_key, case.unit_id, data)
    errors = data_errors(form, data)
    if errors:
        return validation_error(errors)
    try:
        case = operations.complete_work_item(item, formkit.submitted_data(form) if form else {}, user)
        db.session.commit()
    except operations.GuardFailed as refused_by_rule:
        return validation_error(formkit.violations_by_field(refused_by_rule.violations))
    except (operations.AlreadyHandled, StaleDataError):
        db.session.rollback()
        return api_error(409, ALREADY_HANDLED)
    except operations.CaseStopped as stopped:
        db.session.commit()  # the case is 异常 now: admins must see it
        current_app.logger.error("case %s stopped at work item %s: %s", case_id, item_id, stopped)
        return api_error(409, f"提交未生效：{case_error_text(stopped.case)}")
    except operations.CaseInError as in_error:
        db.session.rollback()
        return api_error(409, f"提交未生效：{case_error_text(in_error.case)}")
    return {"case": serializers.case_summary(case), "next_work_items": serializers.open_work_items(case)}


def reassign_work_item(item_id: int):
    """转办 {user_id}: to another holder of an acting position in the item's unit."""
    item = db.get_or_404(WorkItem, item_id)
    user = api_user()
    if not permissions.can_reassign(user, item):
        return api_error(403, "只有系统管理员和此事项办理单位的书记可以转办。")
    if not item.is_open:
        return api_error(409, ALREADY_HANDLED)
    target = _user(json_body().get("user_id"))
    if target is None:
        return validation_error({"user_id": ["找不到该用户，或该用户已停用。"]})
    if not target.acting_roles_in(item.unit_id, clock.today()) & set(item.position_list):
        roles = "、".join(gettext(POSITIONS.get(p, p)) for p in item.position_list)
        return validation_error({"user_id": [
            f"{target.display_name}在「{item.unit.name}」没有可办理此事项的职务（{roles}），不能转办给他/她。"]})
    try:
        operations.reassign_work_item(item, target, user)
        db.session.commit()
    except (operations.AlreadyHandled, StaleDataError):
        db.session.rollback()
        return api_error(409, ALREADY_HANDLED)
    return serializers.work_item(item)


def _refuse_acting(user: User, item: WorkItem):
    """403 when the user could never act on the item; 409 when someone else got to it first."""
    if item.assignee_id != user.id and not permissions.is_eligible(user, item):
        return api_error(403, NOT_YOURS)
    if not item.is_open or not permissions.can_act(user, item):
        return api_error(409, ALREADY_HANDLED)
    return None


def _user(value) -> User | None:
    user_id = db_id(value)
    user = db.session.get(User, user_id) if user_id is not None else None
    return user if user is not None and user.is_enabled else None
