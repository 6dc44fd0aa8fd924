"""API endpoints for cases: start one, show one."""

from __future__ import annotations

from flask import current_app, url_for
from flask_babel import gettext

from workflows.org import UNIT_KINDS
from workflows.procedures import PROCEDURES

from .. import permissions
from ..cases import formkit, operations
from ..extensions import db
from ..models import Case, OrgUnit
from ..params import db_id
from ..runtime import runtime
from . import serializers
from .auth import api_user
from .fields import build_api_form, data_errors
from .responses import api_error, json_body, validation_error


def start_case():
    """POST /cases {process_key, unit_id, data}: the start form, validated like the page's."""
    body = json_body()
    row = operations.current_definition(str(body.get("process_key") or ""))
    if row is None:
        return api_error(404, "找不到该流程，请检查 process_key。")
    unit = _unit(body.get("unit_id"))
    if unit is None:
        return api_error(404, "找不到该组织，请检查 unit_id。")
    user = api_user()
    procedure = PROCEDURES[row.process_key]
    if unit.kind not in procedure.START_UNIT_KINDS or unit.status != "active":
        kinds = "、".join(gettext(UNIT_KINDS[kind]) for kind in procedure.START_UNIT_KINDS)
        return api_error(403, f"「{unit.name}」不是在册的{kinds}：此流程只能在{kinds}发起。")
    if not permissions.can_start_in(user, unit, procedure):
        return api_error(403, f"您不是「{unit.name}」的书记、副书记或组织委员，不能在该组织发起办件。")
    start = runtime().definition(row).start_step
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    form = build_api_form(row.process_key, start.form_key, unit.id, data)
    errors = data_errors(form, data)
    if errors:
        return validation_error(errors)
    try:
        case = operations.start_case(row, unit, formkit.submitted_data(form) if form else {}, user)
    except operations.GuardFailed as refused:
        return validation_error(formkit.violations_by_field(refused.violations))
    except operations.CaseError as err:
        db.session.rollback()
        current_app.logger.error("starting a %s case failed in the engine: %s", row.process_key, err)
        return api_error(500, f"流程引擎无法发起此办件：{err.reason()}。办件没有创建，"
                              "请联系系统管理员检查流程定义或设置。")
    db.session.commit()
    body = serializers.case_detail(case, permissions.can_see_id_numbers(user, case))
    return body, 201, {"Location": url_for("api.get_case", case_id=case.id)}


def get_case(case_id: int):
    case = db.get_or_404(Case, case_id)
    user = api_user()
    if not permissions.can_view_case(user, case):
        return api_error(403, "您没有查看此办件的权限。")
    return serializers.case_detail(case, permissions.can_see_id_numbers(user, case))


def _unit(value) -> OrgUnit | None:
    unit_id = db_id(value)
    return db.session.get(OrgUnit, unit_id) if unit_id is not None else None
