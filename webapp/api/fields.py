"""Step forms for the API: built and described exactly as the pages build them (webapp.cases.formkit)."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict
from wtforms import SelectMultipleField

from ..cases import formkit
from ..cases.context import rule_settings_for
from ..forms import FORM_VARIANTS, describe_fields, form_for
from .responses import form_errors


class FormNotRegistered(LookupError):
    """A step names a form key that no form is registered for (answered as a 500 by the API)."""

    def __init__(self, form_key: str):
        super().__init__(form_key)
        self.form_key = form_key


def build_api_form(process_key: str, form_key: str | None, unit_id: int, data: dict[str, Any] | None):
    """The step's form filled from a JSON object, or None when the step has no form at all.

    The API authenticates with a bearer token, never with the session cookie: no CSRF token (the
    step forms carry none, see formkit.build_form).
    """
    if form_key is None:
        return None
    formdata: MultiDict = formkit.formdata_from_json(data or {})
    form = formkit.build_form(process_key, form_key, unit_id, formdata)
    if form is None:
        raise FormNotRegistered(form_key)
    return form


def form_fields(process_key: str, form_key: str | None, unit_id: int | None) -> list[dict[str, Any]]:
    """describe_fields of the step's form; with the case's unit, the pickers (members, the branch, its
    groups) offer the choices formkit.build_form fills in for that unit."""
    varies = form_key in FORM_VARIANTS and unit_id is not None  # the form of the settings in force at the unit
    form_class = form_for(form_key, rule_settings_for(unit_id) if varies else None) if form_key else None
    if form_class is None:
        return []
    described = describe_fields(form_class)
    if unit_id is None:
        return described
    form = formkit.build_form(process_key, form_key, unit_id, MultiDict())  # never bind the request body
    for field in described:
        bound = form[field["name"]] if field["name"] in form else None
        if field["choices"] == [] and getattr(bound, "choices", None):
            field["choices"] = [{"value": c.value, "label": str(c.label)} for c in bound.iter_choices()]
    return described


UNKNOWN_FIELD = "此环节的表单没有这个字段，不能提交（只接受本环节表单中的字段）。"
NOT_A_VALUE = "此字段只接受文字、数字、是非值或日期（不接受对象）。"
NOT_A_LIST = "此字段只接受一个值，不接受列表。"
SCALARS = (str, int, float, bool, type(None))


def data_errors(form, data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with ``data`` for the step: keys that are not fields of its form (a field of
    another step, a reserved or engine name), values of the wrong shape (an object anywhere, a list
    for a one-value field) and the form's own validation; empty when it is fine."""
    errors = {key: [UNKNOWN_FIELD] for key in formkit.unknown_keys(form, data.keys())}
    for key, value in data.items():
        if key in errors:
            continue
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(one, SCALARS) for one in values):
            errors[key] = [NOT_A_VALUE]
        elif isinstance(value, list) and not _takes_many(form[key]):
            errors[key] = [NOT_A_LIST]
    if errors:  # the form would read a shape it does not expect: refuse before validating
        return errors
    if form is not None and not form.validate():
        errors.update(form_errors(form))
    return errors


def _takes_many(field) -> bool:
    return isinstance(field, SelectMultipleField) or getattr(field, "takes_many", False)
