"""JSON Schemas (OpenAPI 3.1 components) of the API's request and response bodies."""

from __future__ import annotations

from typing import Any


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(properties: dict[str, Any], required: tuple[str, ...] | None = None, **extra: Any) -> dict[str, Any]:
    """An object schema; every property is required unless ``required`` names fewer."""
    return {"type": "object", "properties": properties,
            "required": list(properties if required is None else required), **extra}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return {"oneOf": [schema, {"type": "null"}]}
    return {**schema, "type": [schema["type"], "null"]}


def array(items: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": items}


STR, INT, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "boolean"}
DATE = {"type": "string", "format": "date"}
INSTANT = {"type": "string", "format": "date-time", "description": "ISO 8601, UTC"}
ANY_OBJECT = {"type": "object", "additionalProperties": True}

SCHEMAS: dict[str, Any] = {
    "Error": obj({
        "error": {**INT, "description": "HTTP status code"},
        "message": {**STR, "description": "中文说明，告诉用户发生了什么、该怎么做"},
        "title": STR,
    }, required=("error", "message")),
    "ValidationError": obj({
        "error": {**INT, "const": 400},
        "message": STR,
        "errors": {"type": "object", "additionalProperties": array(STR),
                   "description": "字段名 → 错误信息；不属于单个字段的错误在 \"_form\" 下"},
    }),
    "TokenRequest": obj({"username": STR, "password": {**STR, "format": "password"}}),
    "Token": obj({"token": STR, "token_type": {**STR, "const": "Bearer"},
                  "expires_in": {**INT, "description": "seconds"}}),
    "UnitRef": obj({"id": INT, "name": STR}),
    "UserRef": obj({"id": INT, "display_name": STR}),
    "Choice": obj({"value": {"type": ["integer", "string"]}, "label": STR}),
    "FormField": obj({
        "name": STR,
        "type": {**STR, "enum": ["text", "textarea", "date", "integer", "number", "boolean", "choice",
                                 "multiple_choice"]},
        "required": {**BOOL, "description": "必填（按条件必填的字段由业务规则在提交时校验）"},
        "choices": {**nullable(array(ref("Choice"))),
                    "description": "可选值；人员选择项为办件所在支部的党员名单"},
        "label": STR, "description": STR,
    }),
    "Stage": obj({"key": STR, "label": STR}),
    "ProcessStep": obj({"step_code": STR, "label": STR, "lane": nullable(STR), "stage": nullable(STR),
                        "form_key": nullable(STR)}),
    "Process": obj({
        "key": STR, "name": STR, "version": INT, "published_at": nullable(INSTANT),
        "start": obj({"step_code": STR, "label": STR, "form_key": nullable(STR), "fields": array(ref("FormField"))}),
        "stages": array(ref("Stage")), "steps": array(ref("ProcessStep")),
    }),
    "ProcessList": obj({"processes": array(ref("Process"))}),
    "PublishProblem": obj({
        "element_id": nullable(STR), "element_name": nullable(STR), "kind": nullable(STR), "line": nullable(INT),
        "message": {**STR, "description": "哪个元素违反了哪条规则（中文）"},
    }),
    "PublishRefused": obj({"error": {**INT, "const": 422}, "message": STR, "problems": array(ref("PublishProblem"))}),
    "StartCaseRequest": obj({
        "process_key": STR, "unit_id": INT,
        "data": {**ANY_OBJECT, "description": "开始表单的字段（见 GET /processes 的 start.fields）"},
    }),
    "CaseSummary": obj({
        "id": INT, "business_key": STR, "title": STR, "process_key": STR,
        "status": {**STR, "enum": ["running", "completed", "rejected", "withdrawn", "suspended", "error"]},
        "status_label": STR, "stage": nullable(STR), "current_step": nullable(STR), "unit": ref("UnitRef"),
    }),
    "WorkItemBrief": obj({"id": INT, "step_code": STR, "title": STR, "unit": ref("UnitRef"),
                          "due_on": nullable(DATE), "assignee": nullable(ref("UserRef"))}),
    "Submission": obj({"id": INT, "step_code": STR, "form_key": STR, "work_item_id": nullable(INT),
                       "data": ANY_OBJECT, "by": nullable(ref("UserRef")), "at": INSTANT}),
    "AuditEvent": obj({"seq": INT, "at": INSTANT, "actor": nullable(STR), "actor_id": nullable(INT), "kind": STR,
                       "step_code": nullable(STR), "summary": nullable(STR), "data": ANY_OBJECT}),
    "Subject": obj({"id": INT, "name": STR, "stage": STR, "stage_label": STR}),
    "Case": {"allOf": [ref("CaseSummary"), obj({
        "version": {**INT, "description": "version of the process definition the case runs on"},
        "outcome": nullable(STR), "error_message": nullable(STR), "subject": nullable(ref("Subject")),
        "variables": ANY_OBJECT, "started_by": nullable(ref("UserRef")), "started_at": INSTANT,
        "updated_at": INSTANT, "finished_at": nullable(INSTANT), "submissions": array(ref("Submission")),
        "open_work_items": array(ref("WorkItemBrief")), "history": array(ref("AuditEvent")),
        "record_intact": {**BOOL, "description": "全程纪实的哈希链完整（未被篡改）"},
    })]},
    "WorkItem": {"allOf": [ref("WorkItemBrief"), obj({
        "case": obj({"id": INT, "business_key": STR, "title": STR, "process_key": STR}),
        "status": {**STR, "enum": ["open", "completed", "cancelled"]}, "lane": STR, "positions": array(STR),
        "form_key": nullable(STR), "stage": nullable(STR), "hard_due_on": nullable(DATE), "overdue_days": INT,
        "opened_at": INSTANT, "claimed_at": nullable(INSTANT), "completed_at": nullable(INSTANT),
        "completed_by": nullable(ref("UserRef")),
        "fields": {**array(ref("FormField")), "description": "表单字段（事项未办结时）；人员选择项为本支部党员名单"},
    })]},
    "WorkItemDetail": {"allOf": [ref("WorkItem"), obj({"can_act": BOOL})]},
    "WorkItemPage": obj({"items": array(ref("WorkItem")), "total": INT, "page": INT, "per_page": INT}),
    "CompleteRequest": obj({"data": {**ANY_OBJECT, "description": "该环节表单的字段（见事项的 fields）"}}),
    "CompleteResult": obj({"case": ref("CaseSummary"), "next_work_items": array(ref("WorkItemBrief"))}),
    "ReassignRequest": obj({"user_id": INT}),
    "OrgUnit": obj({"id": INT, "name": STR, "kind": STR, "kind_label": STR, "parent_id": nullable(INT),
                    "can_approve_admission": BOOL, "status": STR, "is_joint": BOOL, "is_temporary": BOOL,
                    "temporary_until": nullable(DATE)}),
    "OrgUnitList": obj({"units": array(ref("OrgUnit"))}),
}
