"""Step forms for the API: built and described exactly as the pages build them (webapp.cases.formkit)."""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from ..cases import formkit
from ..forms import FORMS, describe_fields
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
    form_class = FORMS.get(form_key) if form_key else None
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


def data_errors(form, data: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with ``data`` for the step: keys that are not fields of its form (a field of
    another step, a reserved or engine name) and the form's own validation; empty when it is fine."""
    fields = {field.name for field in form} if form is not None else set()
    errors = {key: [UNKNOWN_FIELD] for key in data if key not in fields or key in ("csrf_token", "submit")}
    if form is not None and not form.validate():
        errors.update(form_errors(form))
    return errors
