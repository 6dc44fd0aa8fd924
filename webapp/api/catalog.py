"""API endpoints for what cases are made from: the current process definitions and the organisation tree."""

from __future__ import annotations

from flask import jsonify, request

from workflows.errors import Problem

from .. import permissions
from ..admin.operations import PublishRefused, publish_definition
from ..extensions import db
from ..i18n import problem_text
from ..models import OrgUnit, ProcessDefinition
from . import serializers
from .auth import api_user
from .responses import api_error


def list_processes():
    """Current process definitions with their start form's fields and their stages."""
    rows = db.session.scalars(
        db.select(ProcessDefinition).filter_by(is_current=True).order_by(ProcessDefinition.process_key)
    ).all()
    return {"processes": [serializers.process(row) for row in rows]}


def list_org_units():
    """The organisation tree the user may see (as on the 组织 page, without dissolved units) as a flat list;
    parent_id links a unit to its parent."""
    units = db.session.scalars(permissions.visible_units_query(api_user()).where(OrgUnit.status == "active")).all()
    return {"units": [serializers.org_unit(unit) for unit in units]}


def publish_process():
    """发布流程版本 (admins): the request body (or its multipart ``file``) is a .bpmn document; the
    answer is the new current version (201), or every problem found, element by element (422)."""
    if not api_user().is_admin:
        return api_error(403, "只有系统管理员可以发布流程定义。")
    upload = request.files.get("file")
    data = upload.read() if upload is not None else request.get_data()
    if not data:
        return api_error(400, "请求中没有 BPMN 文件：请以请求体（application/xml）或表单字段 file 上传。")
    try:
        row = publish_definition(data, api_user())
    except PublishRefused as refused:
        db.session.rollback()
        message = f"流程定义未发布：发现 {len(refused.problems)} 个问题，未作任何改动。"
        return jsonify({"error": 422, "message": message, "problems": [_problem(p) for p in refused.problems]}), 422
    db.session.commit()
    return serializers.process(row), 201


def _problem(problem: Problem) -> dict:
    return {"element_id": problem.element_id, "element_name": problem.element_name, "kind": problem.kind,
            "line": problem.line, "message": problem_text(problem)}
