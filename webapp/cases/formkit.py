"""Build a step's form (with its member pickers), read it, and show domain-rule refusals beside fields.

Shared by the pages and the JSON API so that both validate exactly the same way.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext
from sqlalchemy.orm import joinedload
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from workflows.guards import Violation
from workflows.procedures import PROCEDURES
from workflows.routing import approving_committee

from .. import clock
from ..extensions import db
from ..forms import FORM_VARIANTS, engine_input, form_for
from ..models import Member, OrgUnit, Position, User
from ..models.member import STAGES
from ..orgcache import current_config
from . import unit_pickers
from .context import rule_settings_for
from .election_sources import SOURCES as ELECTION_SOURCES

PICKABLE_STAGES = ("full_member", "probationary_member")
COMMITTEE_ROLES = ("secretary", "deputy_secretary", "committee_member", "organizer", "org_member")


def branch_members(unit_id: int) -> list[SelectChoice]:
    """Members of the branch to pick from (name and standing), full members first."""
    rows = db.session.execute(
        db.select(Member.id, Member.name, Member.stage, Member.in_good_standing)
        .where(Member.unit_id == unit_id, Member.stage.in_(PICKABLE_STAGES)).order_by(Member.stage, Member.name)
    ).all()
    # Each wording translated once per list, not once per member.
    label, sanctioned = gettext("%(name)s（%(detail)s）"), gettext("%(stage)s，受处分，无表决权")
    stages = {stage: gettext(STAGES[stage]) for stage in PICKABLE_STAGES}
    return [SelectChoice(row.id, label % {"name": row.name, "detail": stages[row.stage] if row.in_good_standing
                                          else sanctioned % {"stage": stages[row.stage]}}) for row in rows]


def transfer_members(unit_id: int) -> list[SelectChoice]:
    """组织关系转接: the branch's members, probationary members, 发展对象 and 入党积极分子 (their recruitment
    case moves with them), by stage."""
    rows = db.session.execute(
        db.select(Member.id, Member.name, Member.stage).where(Member.unit_id == unit_id, Member.stage.in_(
            ("full_member", "probationary_member", "development_candidate", "activist")))
        .order_by(Member.stage.desc(), Member.name)).all()
    return [SelectChoice(row.id, gettext("%(name)s（%(detail)s）", name=row.name, detail=gettext(STAGES[row.stage])))
            for row in rows]


def approving_committee_members(unit_id: int) -> list[SelectChoice]:
    """党委委员 and 组织员 of the case's approving committee (细则第二十三条: the pre-approval talk)."""
    committee = approving_committee(current_config().tree().load_chain(unit_id))
    if committee is None:
        return []
    positions = db.session.scalars(
        db.select(Position).where(Position.unit_id == committee.id, Position.role.in_(COMMITTEE_ROLES))
        .options(joinedload(Position.user).joinedload(User.member))
    ).all()
    members = {p.user.member for p in positions if p.is_active_on(clock.today()) and p.user.member}
    return [SelectChoice(m.id, gettext("%(name)s（%(detail)s）", name=m.name, detail=committee.name))
            for m in sorted(members, key=lambda m: m.id)]


def case_branch(unit_id: int) -> list[SelectChoice]:
    unit = db.session.get(OrgUnit, unit_id)
    return [SelectChoice(unit.id, unit.name)]


def branch_groups(unit_id: int) -> list[SelectChoice]:
    groups = db.session.scalars(db.select(OrgUnit).filter_by(parent_id=unit_id, kind="party_group", status="active"))
    return [SelectChoice(g.id, g.name) for g in groups]


def _active_units_by_id(unit_id: int) -> dict[int, OrgUnit]:
    """The active units of the organisation ``unit_id`` belongs to: a transfer to another top-level organisation
    goes across systems, through the organisation departments, and names its destination in words (§5.3)."""
    top = db.session.scalar(db.select(OrgUnit.top_org_id).where(OrgUnit.id == unit_id))
    return {u.id: u for u in db.session.scalars(db.select(OrgUnit).filter_by(status="active", top_org_id=top)
                                                .order_by(OrgUnit.id))}


def _path(unit: OrgUnit, units: dict[int, OrgUnit]) -> str:
    """The unit's name under its nearest committee (内科第一党支部 · 县人民医院党委) for a picker over the tree."""
    names, parent = [unit.name], units.get(unit.parent_id)
    while parent is not None and parent.kind not in ("primary_committee", "working_committee", "county_committee"):
        parent = units.get(parent.parent_id)
    return " · ".join(names + ([parent.name] if parent is not None else []))


def transfer_destinations(unit_id: int) -> list[SelectChoice]:
    """组织关系转接: the branches and the committees with admission authority of the tree, other than the
    case's branch (the rules check which fit the kind of transfer)."""
    units = _active_units_by_id(unit_id)
    picked = [u for u in units.values() if u.id != unit_id and not u.is_temporary and (
        u.kind == "branch" or (u.kind in ("primary_committee", "working_committee") and u.can_approve_admission))]
    return [SelectChoice("", gettext("请选择"))] + [SelectChoice(u.id, _path(u, units)) for u in picked]


def tree_branches(unit_id: int) -> list[SelectChoice]:
    """The branches of the tree (the receiving committee picks one of its own: the rules check it)."""
    units = _active_units_by_id(unit_id)
    return [SelectChoice("", gettext("请选择"))] + [
        SelectChoice(u.id, _path(u, units)) for u in units.values() if u.kind == "branch" and not u.is_temporary]


def tree_groups(unit_id: int) -> list[SelectChoice]:
    """The party groups of the tree, under their branch (the rules check it is the receiving branch's)."""
    units = _active_units_by_id(unit_id)
    return [SelectChoice("", gettext("不编入党小组"))] + [
        SelectChoice(u.id, f"{units[u.parent_id].name} · {u.name}" if u.parent_id in units else u.name)
        for u in units.values() if u.kind == "party_group"]


SOURCES = {f.__name__: f for f in (branch_members, approving_committee_members, case_branch, branch_groups,
                                   transfer_members, transfer_destinations, tree_branches, tree_groups,
                                   *unit_pickers.SOURCES)}
SOURCES.update(ELECTION_SOURCES)


# The step forms carry no CSRF field of their own: CSRFProtect (webapp/__init__.py) checks the token of
# every page POST before the view runs (the templates send it), and the API authenticates with a
# bearer token, never with the session cookie.
_STEP_FORM_META = {"csrf": False}


def build_form(process_key: str, form_key: str, unit_id: int, formdata: MultiDict | None = None,
               data: dict[str, Any] | None = None):
    """The WTForms form of ``form_key`` with its pickers filled (members, the branch, its groups); a form that
    follows a rule setting (webapp/forms FORM_VARIANTS) is the one of the settings in force at ``unit_id``."""
    form_class = form_for(form_key, rule_settings_for(unit_id) if form_key in FORM_VARIANTS else None)
    if form_class is None:
        return None
    if formdata is not None:
        form = form_class(formdata=formdata, data=data, meta=_STEP_FORM_META)
    else:
        form = form_class(data=data, meta=_STEP_FORM_META)
    procedure = PROCEDURES[process_key]
    for field_name, source in getattr(procedure, "PICKER_SOURCES", {}).items():
        field = getattr(form, field_name, None)
        if field is not None and hasattr(field, "choices"):
            field.choices = SOURCES[source](unit_id)
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


# What a page posts besides the fields of its form.
PAGE_KEYS = frozenset({"csrf_token"})


def unknown_keys(form, keys) -> list[str]:
    """Submitted keys that are not fields of ``form`` (a field of another step, an engine variable, the
    serializer's ``typename``…): refused, never ignored, so a tampered post is visible as such."""
    fields = {field.name for field in form} if form is not None else set()
    return sorted(key for key in keys if key not in fields)


def unknown_keys_message(keys: list[str]) -> str:
    shown = "、".join(key[:40] for key in keys[:5]) + ("……" if len(keys) > 5 else "")
    return gettext("提交的内容中有本环节表单没有的字段（%(keys)s），未予受理，办件没有改动。请在页面上重新填写后提交。",
                   keys=shown)


def submitted_data(form) -> dict[str, Any]:
    return engine_input(form)


def violation_message(violation: Violation) -> str:
    # Text parameters may be N_()-marked too (a role, a citation, a "、"-joined list of labels): translated;
    # names and dates pass through unchanged.
    params = {k: _translated_param(v) if isinstance(v, str) else v for k, v in violation.params.items()}
    return gettext(violation.message) % params


def _translated_param(value: str) -> str:
    return gettext("、").join(gettext(part) if part else part for part in value.split("、"))


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
