"""GET /api/v1/openapi.json: the OpenAPI 3.1 description of every API route (public, no token)."""

from __future__ import annotations

from typing import Any

from flask import request

from .openapi_schemas import INT, SCHEMAS, obj, ref

SERVER_PREFIX = "/api/v1"


def _json(schema_name: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": ref(schema_name)}}}


def _error(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/responses/{name}"}


RESPONSES = {
    "ValidationFailed": _json("ValidationError", "表单校验或业务规则未通过，errors 按字段列出原因；办件未作任何改动"),
    "Unauthorized": _json("Error", "缺少、无效或过期的访问令牌（或用户已停用）"),
    "Forbidden": _json("Error", "无权查看或办理"),
    "NotFound": _json("Error", "不存在"),
    "Conflict": _json("Error", "此事项已被他人办理或认领，或状态已变化（请刷新后重试）"),
    "ServerError": _json("Error", "系统或流程引擎无法完成操作；办件未作任何改动"),
    "Busy": _json("Error", "其他人正在办理同一办件或系统繁忙：未作任何改动，请稍后重新提交"
                           "（响应头 Retry-After 为建议等待的秒数）"),
}


def _body(schema_name: str) -> dict[str, Any]:
    return {"required": True, "content": {"application/json": {"schema": ref(schema_name)}}}


def _id(name: str, what: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "description": what, "schema": INT}


def _op(summary: str, ok: dict[str, dict], *errors: str, body: str | None = None,
        parameters: list | None = None, public: bool = False) -> dict[str, Any]:
    responses = dict(ok)
    if not public:
        responses["401"] = _error("Unauthorized")
    for code in errors:
        responses[code] = _error({"400": "ValidationFailed", "403": "Forbidden", "404": "NotFound",
                                  "409": "Conflict", "500": "ServerError"}[code])
    # Any request may wait for a lock another holds and give up after DATABASE_LOCK_TIMEOUT (webapp/errors.py).
    responses["503"] = _error("Busy")
    operation: dict[str, Any] = {"summary": summary, "responses": responses}
    if public:
        operation["security"] = []
    if body:
        operation["requestBody"] = _body(body)
    if parameters:
        operation["parameters"] = parameters
    return operation


CASE_ID, ITEM_ID = _id("case_id", "办件编号"), _id("item_id", "事项编号")


def _publish_operation() -> dict[str, Any]:
    operation = _op("发布流程版本（仅系统管理员）：BPMN 文件经发布检查后成为该流程的当前版本",
                    {"201": _json("Process", "新的当前版本")}, "403")
    operation["requestBody"] = {"required": True, "content": {
        "application/xml": {"schema": {"type": "string", "description": "BPMN 2.0 文件，最大 2 MB"}},
        "multipart/form-data": {"schema": obj({"file": {"type": "string", "format": "binary"}})},
    }}
    operation["responses"]["422"] = _json("PublishRefused", "未通过发布检查；逐个列出元素和规则，未作任何改动")
    operation["responses"]["400"] = _json("Error", "请求中没有 BPMN 文件")
    operation["responses"]["413"] = _json("Error", "文件超过 2 MB")
    return operation


def _token_operation() -> dict[str, Any]:
    operation = _op("用用户名和密码换取访问令牌", {"200": _json("Token", "访问令牌")}, "400", body="TokenRequest",
                    public=True)
    operation["responses"]["401"] = _json("Error", "用户名或密码不正确（或用户已停用）")
    operation["responses"]["429"] = _json(
        "Error", "登录失败次数过多，该用户名或来源地址暂时锁定（正确的密码也不受理）；响应头 Retry-After 为剩余秒数")
    return operation


def _case_operation() -> dict[str, Any]:
    operation = _op("办件详情：变量、提交记录、待办、全程纪实", {"200": _json("Case", "办件")}, "403", "404",
                    parameters=[CASE_ID])
    operation["description"] = ("身份证号码（变量、提交记录和全程纪实中的 id_number）只对系统管理员和办件对象所在组织的"
                                "书记、副书记、组织委员完整显示，其他人看到的是隐去中间部分的号码。")
    return operation


PATHS: dict[str, dict[str, Any]] = {
    "/auth/token": {"post": _token_operation()},
    "/openapi.json": {"get": _op(
        "本接口说明（OpenAPI 3.1）", {"200": {"description": "OpenAPI document",
                                      "content": {"application/json": {"schema": {"type": "object"}}}}},
        public=True)},
    "/processes": {"get": _op("当前版本的流程定义（开始表单字段、阶段、环节）",
                              {"200": _json("ProcessList", "流程定义")})},
    "/processes/publish": {"post": _publish_operation()},
    "/cases": {"post": _op(
        "发起办件（与页面相同的表单校验和业务规则）", {"201": _json("Case", "新办件")}, "400", "403", "404", "500",
        body="StartCaseRequest")},
    "/cases/{case_id}": {"get": _case_operation()},
    "/work-items": {"get": _op(
        "我的待办（status=open）或我已办结的事项（status=completed）",
        {"200": _json("WorkItemPage", "事项列表")}, "400",
        parameters=[
            {"name": "status", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["open", "completed"], "default": "open"}},
            {"name": "page", "in": "query", "required": False, "schema": {**INT, "minimum": 1, "default": 1}},
            {"name": "per_page", "in": "query", "required": False,
             "schema": {**INT, "minimum": 1, "maximum": 100, "default": 20}},
        ])},
    "/work-items/{item_id}": {"get": _op(
        "事项详情（含表单字段）", {"200": _json("WorkItemDetail", "事项")}, "403", "404", parameters=[ITEM_ID])},
    "/work-items/{item_id}/claim": {"post": _op(
        "认领事项", {"200": _json("WorkItem", "已认领")}, "403", "404", "409", parameters=[ITEM_ID])},
    "/work-items/{item_id}/complete": {"post": _op(
        "提交表单并办结事项", {"200": _json("CompleteResult", "已办结；返回办件和后续待办")},
        "400", "403", "404", "409", "500", body="CompleteRequest", parameters=[ITEM_ID])},
    "/work-items/{item_id}/reassign": {"post": _op(
        "转办给本单位另一位可办理此事项的人", {"200": _json("WorkItem", "已转办")}, "400", "403", "404", "409",
        body="ReassignRequest", parameters=[ITEM_ID])},
    "/org-units": {"get": _op("本人可见的组织架构，与「组织」页相同（扁平列表，parent_id 指向上级）",
                              {"200": _json("OrgUnitList", "组织")})},
}


def build_document(server_url: str = SERVER_PREFIX) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "PartyFlow API", "version": "1",
            "description": "基层党组织流程审批 JSON 接口。先 POST /auth/token 取得令牌，之后每个请求带 "
                           "Authorization: Bearer <令牌>。错误响应为 {error, message, errors?}。",
        },
        "servers": [{"url": server_url}],
        "security": [{"bearerAuth": []}],
        "paths": PATHS,
        "components": {
            "securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer",
                                               "description": "POST /auth/token 取得的令牌"}},
            "schemas": SCHEMAS,
            "responses": RESPONSES,
        },
    }


def document():
    return build_document(request.script_root + SERVER_PREFIX)
