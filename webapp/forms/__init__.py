"""Step forms by form key (the ``formKey`` property of a BPMN user task), and helpers that turn a
form into engine input or into a JSON description for the API."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.fields.core import UnboundField

from . import branch, elections, recruitment, transfer
from .election_fields import VoteCounts

# Every procedure's step forms by form key; form keys are unique across procedures (the publish check
# knows a form key, not the procedure it belongs to).
FORMS: dict[str, type[FlaskForm]] = {**recruitment.FORMS, **elections.FORMS, **transfer.FORMS, **branch.FORMS}

# Forms whose fields and labels follow a rule setting of the case's organisation: form key → (setting key,
# {setting value: form class}); FORMS has the form of the setting's default.
FORM_VARIANTS: dict[str, tuple[str, dict[str, type[FlaskForm]]]] = {**elections.FORM_VARIANTS}


def form_for(form_key: str, settings=None) -> type[FlaskForm] | None:
    """The form of ``form_key`` for an organisation's rule ``settings`` (FORMS's when none are given)."""
    variant = FORM_VARIANTS.get(form_key)
    if variant is None or settings is None:
        return FORMS.get(form_key)
    key, classes = variant
    return classes.get(settings[key], FORMS[form_key])


def submitted_form(form_key: str, data) -> type[FlaskForm] | None:
    """The form a submission was made with: of the variants of ``form_key``, the default's when it has every
    submitted field, else the first that has them all."""
    variant = FORM_VARIANTS.get(form_key)
    if variant is None:
        return FORMS.get(form_key)
    candidates = [FORMS[form_key], *variant[1].values()]
    return next((form for form in candidates if set(data or ()) <= {name for name, _f in _unbound_fields(form)}),
                FORMS[form_key])

# Fields that are never engine input.
_NOT_INPUT = ("csrf_token", "submit")

# Most specific first: SelectMultipleField and RadioField are SelectFields too.
_TYPE_NAMES = (
    (VoteCounts, "counts"),  # one count per choice, in the order of the choices
    (SelectMultipleField, "multiple_choice"),
    (RadioField, "choice"),
    (SelectField, "choice"),
    (BooleanField, "boolean"),
    (DateField, "date"),
    (IntegerField, "integer"),
    (DecimalField, "number"),
    (FloatField, "number"),
    (TextAreaField, "textarea"),
)


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def engine_input(form) -> dict[str, Any]:
    """The form's data as plain JSON-serializable values (dates as ISO text), without csrf/submit."""
    return {name: _plain(value) for name, value in form.data.items() if name not in _NOT_INPUT}


def _unbound_fields(form_class) -> list[tuple[str, UnboundField]]:
    fields = [(name, getattr(form_class, name)) for name in dir(form_class) if not name.startswith("_")]
    fields = [(name, f) for name, f in fields if isinstance(f, UnboundField) and name not in _NOT_INPUT]
    return sorted(fields, key=lambda pair: pair[1].creation_counter)


def _choice(choice) -> dict[str, Any]:
    choice = SelectChoice.from_input(choice)
    return {"value": choice.value, "label": str(choice.label)}


def _type_name(field_class) -> str:
    return next((name for base, name in _TYPE_NAMES if issubclass(field_class, base)), "text")


def describe_fields(form_class) -> list[dict[str, Any]]:
    """Name, type, required, choices, label and description of each field, in form order."""
    described = []
    for name, unbound in _unbound_fields(form_class):
        kwargs = unbound.kwargs
        label = unbound.args[0] if unbound.args else kwargs.get("label", name)
        choices = kwargs.get("choices")
        described.append({
            "name": name,
            "type": _type_name(unbound.field_class),
            "required": any(getattr(v, "field_flags", {}).get("required") for v in kwargs.get("validators", ())),
            "choices": None if choices is None else [_choice(c) for c in choices],
            "label": str(label),
            "description": str(kwargs.get("description", "")),
        })
    return described
