"""The shape of every API error: {error: <HTTP code>, message: <Chinese sentence>, errors?: {field: [...]}}."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from werkzeug.exceptions import BadRequest

from ..extensions import db


def api_error(code: int, message: str, errors: dict[str, list[str]] | None = None):
    body: dict[str, Any] = {"error": code, "message": message}
    if errors is not None:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = code
    if code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="partyflow"'
    return response


def validation_error(errors: dict[str, list[str]]):
    """400 with the messages beside each field; the session is rolled back, nothing changes."""
    db.session.rollback()
    return api_error(400, "提交的内容未通过校验，请按各字段的提示修改后重新提交。", errors)


def form_errors(form) -> dict[str, list[str]]:
    """WTForms errors as JSON: form-level errors (key None) go under "_form"."""
    return {("_form" if name is None else name): _flat(messages) for name, messages in form.errors.items()}


def _flat(messages) -> list[str]:
    # FieldList / FormField errors nest lists and dicts; show every message as plain text.
    if isinstance(messages, dict):
        return [text for value in messages.values() for text in _flat(value)]
    if isinstance(messages, (list, tuple)):
        return [text for value in messages for text in _flat(value)]
    return [str(messages)]


class NotAJsonObject(BadRequest):
    description = "请求体须为 JSON 对象（Content-Type: application/json）。"
    show_to_user = True  # webapp.errors shows this description instead of the generic one


def json_body() -> dict[str, Any]:
    """The request's JSON object; 400 when the body is not a JSON object."""
    body = request.get_json(silent=True)
    if body is None and not request.get_data():
        return {}
    if not isinstance(body, dict):
        raise NotAJsonObject()
    return body
