"""Requests that carry a NUL character (U+0000) are refused before any view reads them.

No field of the product holds one (nobody types it), and PostgreSQL stores none: neither text nor
jsonb accepts it, so a NUL reached the database as a driver error, a 500 (a login name, a search,
a field of a step's form, a JSON body). Refused here with a 400 that says so in Chinese; the API's
answer names the fields, like any validation error.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_babel import gettext

from workflows.i18n import N_

NUL = "\x00"
MESSAGE = N_("提交的内容含有空字符（NUL），无法保存。请删除这些字符后重新提交。")
FIELD_MESSAGE = N_("此栏含有空字符（NUL），请删除后重新提交。")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(holds_nul(k) or holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(holds_nul(v) for v in value)
    return False


def fields_with_nul(pairs) -> list[str]:
    """Names of the fields (form or JSON keys; inside a JSON object, its own keys) whose value holds a
    NUL; "_form" for a name that holds one itself."""
    found: list[str] = []
    for name, value in pairs:
        if NUL in (name or ""):  # a multipart part may have no name at all
            found.append("_form")
        elif isinstance(value, dict):
            found.extend(fields_with_nul(value.items()))
        elif holds_nul(value):
            found.append(name)
    return list(dict.fromkeys(found))


def _request_fields() -> list[str]:
    found = fields_with_nul(request.args.items(multi=True))
    if request.mimetype in FORM_TYPES:
        found += fields_with_nul(request.form.items(multi=True))
    elif request.is_json:
        body = request.get_json(silent=True)
        found += fields_with_nul(body.items()) if isinstance(body, dict) else (["_form"] if holds_nul(body) else [])
    return list(dict.fromkeys(found))


def init_app(app: Flask) -> None:
    from .api.responses import api_error
    from .errors import render_error, wants_json

    @app.before_request
    def _refuse_nul():
        fields = _request_fields()
        if not fields:
            return None
        if wants_json():
            return api_error(400, gettext(MESSAGE), {name: [gettext(FIELD_MESSAGE)] for name in fields})
        return render_error(400, gettext(MESSAGE))
