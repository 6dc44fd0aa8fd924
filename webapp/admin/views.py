"""管理: process definitions, the lane registry, rule settings per unit, users and positions, and the
admins' own record. Every page is for admins only (403 for anyone else)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, or_
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from workflows.org import POSITIONS
from workflows.settings import SETTINGS_BY_KEY

from .. import clock
from ..extensions import db
from ..i18n import problem_text
from ..models import AdminEvent, Case, LaneRuleRow, OrgUnit, Position, ProcessDefinition, RuleOverride, User
from ..models.admin import ADMIN_EVENT_KINDS
from ..params import page_number
from ..runtime import runtime
from ..templating import definition_label, long_date, procedure_stages
from . import operations
from .forms import (
    VARIABLE_KINDS,
    AddPositionForm,
    EndPositionForm,
    LaneForm,
    PublishForm,
    explain_selector,
)

bp = Blueprint("admin", __name__, url_prefix="/admin")

# Cases that still run on their definition version (not finished in any way).
UNFINISHED = ("running", "suspended", "error")
VIEWER_JS = "vendor/bpmn-js/bpmn-navigated-viewer.production.min.js"

# The rule settings a deadline of a shipped definition is computed from (each procedure's due_dates).
DEADLINE_SETTINGS = {
    "initial_talk": ("initial_talk_within_months",),
    "activist_revisit": ("activist.revisit_months",),
    "cultivation_review": ("activist.review_interval_months",),
    "pre_review": ("pre_review.sla_months",),
    "assembly_after_pre_review": ("assembly_after_prereview_months",),
    "admission_approval": ("approval.sla_months", "approval.max_months"),
    "probation_review": ("probation.review_interval_months",),
    "regularization_application": ("probation_years", "regularization.reminder_days"),
    "regularization_assembly": ("probation_years",),
    "regularization_approval": ("regularization.approval_sla_months",),
    "archive": ("archive.within_days",),
    # 换届选举 and 补选 (term_election.due_dates, by_election.due_dates)
    "upper_reply": ("election.request_sla_days",),
    "planned_election": (),
    "handover": ("election.handover_days",),
    "by_election": ("by_election.sla_months",),
}


def admin_required(view: Callable) -> Callable:
    """Log in first; then admins only (our 403 page for everyone else)."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


@bp.route("/")
@admin_required
def index():
    today = clock.today()
    counts = {
        "processes": db.session.scalar(db.select(func.count(func.distinct(ProcessDefinition.process_key)))),
        "versions": db.session.scalar(db.select(func.count(ProcessDefinition.id))),
        "lanes": db.session.scalar(db.select(func.count(LaneRuleRow.key))),
        "overrides": db.session.scalar(db.select(func.count(RuleOverride.id))),
        "override_units": db.session.scalar(db.select(func.count(func.distinct(RuleOverride.unit_id)))),
        "users": db.session.scalar(db.select(func.count(User.id))),
        "positions": db.session.scalar(db.select(func.count(Position.id)).where(
            Position.started_on <= today, or_(Position.ended_on.is_(None), Position.ended_on >= today))),
        "events": db.session.scalar(db.select(func.count(AdminEvent.id))),
    }
    recent = db.session.scalars(db.select(AdminEvent).order_by(AdminEvent.id.desc()).limit(5)).all()
    return render_template("admin/index.html", counts=counts, recent=recent)


# ---------- 流程定义 ----------


@bp.route("/processes")
@admin_required
def processes():
    return _processes_page(PublishForm())


@bp.route("/processes/publish", methods=["POST"])
@admin_required
def publish_process():
    form = PublishForm()
    if not form.validate_on_submit():
        return _processes_page(form), 422
    try:
        row = operations.publish_definition(form.bpmn_file.data.read(), current_user)
        db.session.commit()
    except operations.PublishRefused as refused:
        db.session.rollback()
        return _processes_page(form, problems=[problem_text(p) for p in refused.problems]), 422
    flash(_("已发布：%(name)s 第 %(version)s 版。新发起的办件使用此版本。", name=definition_label(row.name),
            version=row.version), "success")
    return redirect(url_for("admin.process", definition_id=row.id))


def _processes_page(form: PublishForm, problems: list[str] | None = None):
    rows = db.session.scalars(
        db.select(ProcessDefinition).order_by(ProcessDefinition.process_key, ProcessDefinition.version.desc())).all()
    running = dict(db.session.execute(
        db.select(Case.definition_id, func.count(Case.id)).where(Case.status.in_(UNFINISHED))
        .group_by(Case.definition_id)).all())
    publishers = _users_by_id({r.published_by_id for r in rows if r.published_by_id})
    grouped: dict[str, list[ProcessDefinition]] = {}
    for row in rows:
        grouped.setdefault(row.process_key, []).append(row)
    return render_template("admin/processes.html", grouped=grouped, running=running, publishers=publishers,
                           form=form, problems=problems)


@bp.route("/processes/<int:definition_id>")
@admin_required
def process(definition_id: int):
    row = _definition_or_404(definition_id)
    definition = runtime().definition(row)
    registry = {lane.key: lane for lane in db.session.scalars(db.select(LaneRuleRow))}
    running = db.session.scalar(db.select(func.count(Case.id)).where(
        Case.definition_id == row.id, Case.status.in_(UNFINISHED)))
    versions = db.session.scalars(db.select(ProcessDefinition).filter_by(process_key=row.process_key)
                                  .order_by(ProcessDefinition.version.desc())).all()
    return render_template(
        "admin/process.html", row=row, definition=definition, steps=definition.user_steps(), registry=registry,
        stages=dict(procedure_stages(row.process_key)), running=running, versions=versions,
        publisher=db.session.get(User, row.published_by_id) if row.published_by_id else None,
        deadline_settings=DEADLINE_SETTINGS,
        viewer_available=(Path(current_app.static_folder) / VIEWER_JS).is_file(), viewer_js=VIEWER_JS,
    )


@bp.route("/processes/<int:definition_id>.bpmn")
@admin_required
def process_bpmn(definition_id: int):
    row = _definition_or_404(definition_id)
    filename = f"{row.process_key}-v{row.version}.bpmn"
    return Response(row.bpmn_xml, mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# ---------- 泳道配置 ----------


@bp.route("/lanes", methods=["GET", "POST"])
@admin_required
def lanes():
    rows = db.session.scalars(db.select(LaneRuleRow).order_by(LaneRuleRow.key)).all()
    by_key = {row.key: row for row in rows}
    if request.method == "POST":
        form = LaneForm(existing_keys=by_key)
        if form.original_key.data and form.original_key.data not in by_key:
            abort(404)
        if form.validate():
            row = operations.save_lane(form.lane_key(), form.label.data.strip(), form.selector,
                                       list(form.positions.data), current_user)
            if row is None:
                flash(_("泳道“%(key)s”没有改变，无需保存。", key=form.lane_key()), "info")
                return redirect(url_for("admin.lanes") + f"#lane-{form.lane_key()}")
            db.session.commit()
            flash(_("泳道“%(label)s”（%(key)s）已保存。此后新产生的待办按新的配置送达；已经送达的待办不变。",
                    label=row.label, key=row.key), "success")
            return redirect(url_for("admin.lanes") + f"#lane-{row.key}")
        status = 422
    else:
        form = _lane_form(by_key.get(request.args.get("edit", "")))
        status = 200
    return render_template("admin/lanes.html", rows=rows, form=form, usage=_lane_usage(),
                           variable_kinds=VARIABLE_KINDS), status


def _lane_form(row: LaneRuleRow | None) -> LaneForm:
    if row is None:
        return LaneForm(formdata=None, selector_kind="case_branch")
    kind, _sep, variable = row.selector.partition(":")
    return LaneForm(formdata=None, original_key=row.key, key=row.key, label=row.label, selector_kind=kind,
                    selector_variable=variable, positions=list(row.positions))


def _lane_usage() -> dict[str, list[tuple[str, int]]]:
    """Lane key → (process name, number of user steps) for the current version of every process."""
    usage: dict[str, dict[str, int]] = {}
    for row in db.session.scalars(db.select(ProcessDefinition).filter_by(is_current=True)):
        for step in runtime().definition(row).user_steps():
            if step.lane:
                names = usage.setdefault(step.lane, {})
                names[row.name] = names.get(row.name, 0) + 1
    return {key: sorted(names.items()) for key, names in usage.items()}


# ---------- 用户与职务 ----------


@bp.route("/users")
@admin_required
def users():
    query = db.select(User).options(selectinload(User.positions).selectinload(Position.unit)).order_by(User.id)
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(or_(User.username.contains(q), User.display_name.contains(q)))
    page = db.paginate(query, page=page_number(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/users.html", page=page, q=q)


@bp.route("/users/<int:user_id>/positions", methods=["GET", "POST"])
@admin_required
def user_positions(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    held = list(user.positions)
    choices = [(str(u.id), u) for u, _depth in unit_options()]
    add_form = AddPositionForm(formdata=None, held=held, started_on=clock.today())
    end_form = EndPositionForm(formdata=None, held=held)
    if request.method == "POST" and "end" in request.form:
        end_form = EndPositionForm(held=held)
        if end_form.validate():
            position = operations.end_position(end_form.chosen, end_form.ended_on.data, current_user)
            db.session.commit()
            flash(_("已免去 %(name)s 在“%(unit)s”的%(role)s职务，最后任职日 %(day)s。", name=user.display_name,
                    unit=position.unit.name, role=_(POSITIONS[position.role]), day=long_date(position.ended_on)),
                  "success")
            return redirect(url_for("admin.user_positions", user_id=user.id))
    elif request.method == "POST":
        add_form = AddPositionForm(held=held)
        add_form.unit.choices = _unit_select_choices()
        if add_form.validate():
            unit = dict(choices)[add_form.unit.data]
            position = operations.add_position(user, unit, add_form.role.data, add_form.started_on.data, current_user)
            db.session.commit()
            flash(_("已任命 %(name)s 为“%(unit)s”%(role)s，自 %(day)s 起。", name=user.display_name, unit=unit.name,
                    role=_(POSITIONS[position.role]), day=long_date(position.started_on)), "success")
            return redirect(url_for("admin.user_positions", user_id=user.id))
    return render_user_positions(user, add_form, end_form, status=422 if request.method == "POST" else 200)


def render_user_positions(user: User, add_form: AddPositionForm | None = None,
                          end_form: EndPositionForm | None = None, email_form=None, status: int = 200):
    """The page of one user: positions held, appointing one, the e-mail address (email_views.py)."""
    from .email_views import EmailForm

    held = list(user.positions)
    add_form = add_form or AddPositionForm(formdata=None, held=held, started_on=clock.today())
    add_form.unit.choices = _unit_select_choices()
    return render_template("admin/user_positions.html", user=user, held=sorted(held, key=_position_order),
                           add_form=add_form, end_form=end_form or EndPositionForm(formdata=None, held=held),
                           email_form=email_form or EmailForm(formdata=None, email=user.email)), status


def _position_order(position: Position):
    return (position.ended_on is not None, -position.started_on.toordinal(), position.id)


# ---------- 管理日志 ----------


@bp.route("/events")
@admin_required
def events():
    query = db.select(AdminEvent).options(selectinload(AdminEvent.actor)).order_by(AdminEvent.id.desc())
    kind = request.args.get("kind", "")
    if kind in ADMIN_EVENT_KINDS:
        query = query.where(AdminEvent.kind == kind)
    mine = request.args.get("mine") == "1"
    if mine:
        query = query.where(AdminEvent.actor_id == current_user.id)
    page = db.paginate(query, page=page_number(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("admin/events.html", page=page, kind=kind if kind in ADMIN_EVENT_KINDS else "",
                           mine=mine, kinds=ADMIN_EVENT_KINDS)


# ---------- helpers shared by the pages ----------


def unit_options() -> list[tuple[OrgUnit, int]]:
    """Every organisation unit with its depth, in tree order (parents before their children)."""
    units = db.session.scalars(db.select(OrgUnit).where(OrgUnit.status == "active").order_by(OrgUnit.id)).all()
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    known = {u.id for u in units}
    ordered: list[tuple[OrgUnit, int]] = []

    def walk(unit: OrgUnit, depth: int) -> None:
        ordered.append((unit, depth))
        for child in children.get(unit.id, []):
            walk(child, depth + 1)

    for unit in units:
        if unit.parent_id is None or unit.parent_id not in known:
            walk(unit, 0)
    return ordered


def _unit_select_choices() -> list[SelectChoice]:
    return [SelectChoice("", _("请选择组织")),
            *(SelectChoice(str(u.id), "\u3000" * depth + u.name) for u, depth in unit_options())]


def _users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(db.select(User).where(User.id.in_(ids)))}


def _definition_or_404(definition_id: int) -> ProcessDefinition:
    return db.session.get(ProcessDefinition, definition_id) or abort(404)


@bp.context_processor
def _admin_helpers() -> dict:
    """Labels the admin pages share (only for the requests of this blueprint)."""
    from .settings_views import shown_value

    return {
        "admin_event_label": lambda kind: _(ADMIN_EVENT_KINDS.get(kind, kind)),
        "explain_selector": explain_selector,
        "shown_value": shown_value,
        "rule_settings": SETTINGS_BY_KEY,
    }


from . import account_views, email_views, settings_views  # noqa: E402, F401  (register 开通账号, 规则设置 and e-mail routes on bp)
