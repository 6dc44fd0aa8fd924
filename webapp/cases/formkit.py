"""Build a step's form (with its member pickers), read it, and show domain-rule refusals beside fields.

Shared by the pages and the JSON API so that both validate exactly the same way.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from workflows.guards import Violation
from workflows.procedures import PROCEDURES

from ..extensions import db
from ..forms import FORMS, engine_input
from ..models import Member

PICKABLE_STAGES = ("full_member", "probationary_member")


def roster_choices(unit_id: int) -> list[tuple[int, str]]:
    """Members of the branch to pick from (name and standing), full members first."""
    members = db.session.scalars(
        db.select(Member).where(Member.unit_id == unit_id, Member.stage.in_(PICKABLE_STAGES))
        .order_by(Member.stage, Member.name)
    ).all()
    return [(m.id, _member_label(m)) for m in members]


def _member_label(member: Member) -> str:
    from ..models.member import STAGES

    label = f"{member.name}（{gettext(STAGES[member.stage])}"
    if not member.in_good_standing:
        label += "，" + gettext("受处分，无表决权")
    return label + "）"


def build_form(process_key: str, form_key: str, unit_id: int, formdata: MultiDict | None = None,
               data: dict[str, Any] | None = None):
    """The WTForms form of ``form_key`` with its member pickers filled from the branch roster."""
    form_class = FORMS.get(form_key)
    if form_class is None:
        return None
    form = form_class(formdata=formdata, data=data) if formdata is not None else form_class(data=data)
    choices = None
    for field_name in PROCEDURES[process_key].MEMBER_FIELDS:
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "choices"):
            choices = choices if choices is not None else roster_choices(unit_id)
            field.choices = choices
    return form


def formdata_from_json(payload: dict[str, Any]) -> MultiDict:
    """JSON body → form data: lists become repeated keys, booleans and numbers become strings."""
    items = []
    for key, value in (payload or {}).items():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, bool):
                one = "y" if one else ""
            items.append((key, "" if one is None else str(one)))
    return MultiDict(items)


def submitted_data(form) -> dict[str, Any]:
    return engine_input(form)


def violation_message(violation: Violation) -> str:
    return gettext(violation.message) % violation.params


def attach_violations(form, violations: list[Violation]) -> None:
    """Show each refusal beside its field (or above the form when it concerns no single field)."""
    for violation in violations:
        field = getattr(form, violation.field, None) if violation.field else None
        message = violation_message(violation)
        if field is None:
            form.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]


def violations_by_field(violations: list[Violation]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for violation in violations:
        errors.setdefault(violation.field or "_form", []).append(violation_message(violation))
    return errors
