"""办件: the list of cases, starting one (发起), a case's page with its record and diagram, the dossier."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import or_, true
from sqlalchemy.orm import joinedload, selectinload

from workflows.i18n import N_
from workflows.procedures import PROCEDURES

from .. import audit, clock, permissions
from ..errors import render_error
from ..extensions import db
from ..forms import describe_fields, submitted_form
from ..models import AuditEvent, Case, Member, OrgUnit, ProcessDefinition, Submission, User, WorkItem
from ..models.case import CASE_STATUSES
from ..params import page_number
from ..privacy import ID_NUMBER_KEYS, mask_id_numbers
from ..runtime import runtime
from ..templating import case_title, definition_label, long_date, procedure_stages
from . import formkit, operations
from .forms import CaseFilterForm, choices

bp = Blueprint("cases", __name__, url_prefix="/cases")

# audit.verify_case's reasons, as the case page says them.
CHAIN_REASONS = {
    "event missing": N_("记录缺失"),
    "previous hash does not match": N_("与上一条记录的衔接被破坏"),
    "content does not match its hash": N_("内容与存证哈希不符，记录已被改动"),
}


@bp.route("/")
@login_required
def index():
    form = _filter_form()
    query = _filtered(db.select(Case).where(visible_cases_filter(current_user)), form)
    page = db.paginate(query.options(joinedload(Case.started_by), *case_title_loading()),
                       page=page_number(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("cases/index.html", form=form, page=page)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    definitions = startable_definitions()
    row = definitions.get(request.args.get("process", ""))
    if row is None:
        return render_template("cases/new.html", step="procedure", definitions=list(definitions.values()))
    units = startable_units(current_user, row.process_key)
    unit = _chosen_unit(units)
    if unit is None:
        return render_template("cases/new.html", step="unit", definition=row, units=units)
    start = runtime().definition(row).start_step
    form = formkit.build_form(row.process_key, start.form_key, unit.id,
                              request.form if request.method == "POST" else None)
    if request.method == "POST" and (unknown := formkit.unknown_keys(form, request.form.keys() - formkit.PAGE_KEYS)):
        return render_error(400, formkit.unknown_keys_message(unknown))
    if request.method == "POST" and form.validate():
        started = _start(row, unit, form)
        if started is not None:
            case_id, title = started
            flash(_("已发起：%(title)s。下一步已送达相关人员的待办。", title=title), "success")
            return redirect(url_for("cases.show", case_id=case_id))
    return render_template("cases/new.html", step="form", definition=row, unit=unit, units=units, form=form,
                           start=start), 422 if request.method == "POST" else 200


@bp.route("/<int:case_id>")
@login_required
def show(case_id: int):
    case = _load_visible_case(case_id)
    submissions = _submissions(case)
    events = db.session.scalars(db.select(AuditEvent).filter_by(case_id=case.id).order_by(AuditEvent.seq)).all()
    open_items = [item for item in case.work_items if item.is_open]
    return render_template(
        "cases/show.html", case=case, records=[(s, record_rows(case, s)) for s in submissions],
        events=events, chain=chain_status(case, events), open_items=open_items,
        marks=diagram_marks(case, submissions), step_labels=_step_labels(case),
    )


@bp.route("/<int:case_id>/reroute", methods=["POST"])
@login_required
def reroute(case_id: int):
    """重新路由 / 恢复办件: a case in error, once an admin has fixed the organisation tree, the lane
    registry or what stopped the engine."""
    case = db.get_or_404(Case, case_id)
    if not current_user.is_admin:
        abort(403)
    stopped = operations.is_stopped(case)
    try:
        routed = operations.reroute_case(case, current_user)
    except operations.AlreadyHandled:
        db.session.rollback()
        return render_error(409)
    if routed:
        db.session.commit()
        flash(_("办件已恢复办理。") if stopped else _("已重新路由：办件恢复办理。"), "success")
    else:
        db.session.rollback()
        flash(_("办件保存的流程状态仍无法读取，不能恢复。") if stopped
              else _("仍有环节找不到办理单位，请先检查组织架构或泳道配置。"), "error")
    return redirect(url_for("cases.show", case_id=case_id))


@bp.route("/<int:case_id>/diagram.xml")
@login_required
def diagram(case_id: int):
    case = _load_visible_case(case_id)
    return Response(case.definition.bpmn_xml, mimetype="application/xml")


@bp.route("/<int:case_id>/dossier")
@login_required
def dossier(case_id: int):
    case = _load_visible_case(case_id)
    submissions = _submissions(case)
    events = db.session.scalars(db.select(AuditEvent).filter_by(case_id=case.id).order_by(AuditEvent.seq)).all()
    full_id_numbers = permissions.can_see_id_numbers(current_user, case)
    records = [(s, record_rows(case, s, mask=not full_id_numbers)) for s in submissions]
    masked = not full_id_numbers and any(ID_NUMBER_KEYS & (s.data or {}).keys() for s in submissions)
    return render_template("cases/dossier.html", case=case, records=records, id_numbers_masked=masked,
                           events=events, chain=chain_status(case, events), step_labels=_step_labels(case))


# ---------- helpers ----------


def visible_cases_filter(user: User):
    """SQL condition matching permissions.can_view_case: admins all; else the units the user supervises,
    the cases the user started, and those with a step routed to or handled by the user."""
    if user.is_admin:
        return true()
    touched = db.select(WorkItem.case_id).where(or_(
        WorkItem.assignee_id == user.id, WorkItem.completed_by_id == user.id, permissions.eligible_filter(user)))
    return or_(Case.unit_id.in_(permissions.supervised_unit_ids(user)), Case.started_by_id == user.id,
               Case.id.in_(touched))


def case_title_loading() -> tuple:
    """Loader options for what templating.case_title reads, for a page of cases (a few queries, not
    some per row); below another entity: ``joinedload(WorkItem.case).options(*case_title_loading())``."""
    return (selectinload(Case.subject), joinedload(Case.unit),
            selectinload(Case.definition).load_only(ProcessDefinition.name))


def chain_status(case: Case, events: list[AuditEvent]) -> dict | None:
    """None when the case's hash chain verifies; else the broken event, its kind and the reason in Chinese."""
    found = audit.verify_events(case.id, case.audit_seq, events)  # the page has read the events already
    if found is None:
        return None
    event = next((e for e in events if e.seq == found.seq), None)
    return {"seq": found.seq, "event": event, "reason": _(CHAIN_REASONS.get(found.reason, found.reason))}


def record_rows(case: Case, submission: Submission, mask: bool = True) -> list[tuple[str, str]]:
    """A submitted form as (Chinese label, shown value) rows, in the form's order; member ids as names;
    ID numbers masked unless ``mask`` is false (the dossier, for those who may see them)."""
    form_class = submitted_form(submission.form_key, submission.data)
    fields = describe_fields(form_class) if form_class else []
    data = dict(mask_id_numbers(submission.data or {}) if mask else submission.data or {})
    member_fields = getattr(PROCEDURES.get(case.process_key), "MEMBER_FIELDS", ())
    unit_fields = getattr(PROCEDURES.get(case.process_key), "CHAIN_FIELDS", ())  # unit ids as names
    ids = {int(v) for f in member_fields for v in _as_list(data.get(f)) if str(v).isdigit()}
    names = dict(db.session.execute(db.select(Member.id, Member.name).where(Member.id.in_(ids))).all()) if ids else {}
    rows = []
    for field in fields:
        if field["name"] in data:
            value = data.pop(field["name"])
            if field["name"] in member_fields and isinstance(value, dict):  # counts by member: votes
                value = [_("%(name)s：%(count)s", name=names.get(int(k), k) if str(k).isdigit() else k, count=n)
                         for k, n in value.items()]
            elif field["name"] in member_fields:
                value = [names.get(int(v), str(v)) if str(v).isdigit() else v for v in _as_list(value)]
            elif field["name"] in unit_fields and str(value).isdigit():
                unit = db.session.get(OrgUnit, int(value))
                value = unit.name if unit is not None else value
            rows.append((field["label"], _shown(value, field)))
    rows.extend((name, _shown(value, {})) for name, value in data.items())
    return rows


def _as_list(value) -> list:
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, (list, tuple, dict)) else [value]  # a dict: its keys (member ids)


def _shown(value, field: dict) -> str:
    if field.get("type") == "boolean":
        return _("是") if value else _("否")
    if value in (None, "", []):
        return "—"
    choices = {str(c["value"]): c["label"] for c in field.get("choices") or ()}
    values = [choices.get(str(v), v) for v in _as_list(value)]
    if field.get("type") == "date":
        values = [_date_text(v) for v in values]
    return _("、").join(str(v) for v in values)


def _date_text(value) -> str:
    try:
        return long_date(value)
    except (TypeError, ValueError):
        return str(value)


def _load_visible_case(case_id: int) -> Case:
    case = db.session.get(Case, case_id, options=[joinedload(Case.unit), joinedload(Case.definition)])
    if case is None:
        abort(404)
    if not permissions.can_view_case(current_user, case):
        abort(403)
    return case


def _submissions(case: Case) -> list[Submission]:
    return db.session.scalars(
        db.select(Submission).filter_by(case_id=case.id).options(joinedload(Submission.submitted_by))
        .order_by(Submission.submitted_at, Submission.id)
    ).all()


def _step_labels(case: Case) -> dict[str, str]:
    return {code: definition_label(step.label) for code, step in runtime().definition(case.definition).steps.items()}


def diagram_marks(case: Case, submissions: list[Submission]) -> dict[str, list[str]]:
    """Step codes to highlight on the diagram: finished (green) and waiting (red outline)."""
    current = sorted({item.step_code for item in case.work_items if item.is_open})
    done = {s.step_code for s in submissions} | {i.step_code for i in case.work_items if i.status == "completed"}
    return {"done": sorted(done - set(current)), "current": current}


def startable_definitions() -> dict[str, ProcessDefinition]:
    """The current version of every procedure the application knows how to run."""
    rows = db.session.scalars(db.select(ProcessDefinition).filter_by(is_current=True)
                              .order_by(ProcessDefinition.process_key, ProcessDefinition.version.desc())).all()
    found: dict[str, ProcessDefinition] = {}
    for row in rows:
        if row.process_key in PROCEDURES:
            found.setdefault(row.process_key, row)
    return found


def startable_units(user: User, process_key: str) -> list[OrgUnit]:
    """Units where the user may start a case of the procedure (permissions.can_start_in)."""
    procedure = PROCEDURES[process_key]
    query = db.select(OrgUnit).where(OrgUnit.kind.in_(procedure.START_UNIT_KINDS), OrgUnit.status == "active")
    if not user.is_admin:
        held = {p.unit_id for p in user.active_positions(clock.today())}
        if getattr(procedure, "STARTED_BY_SUPERIORS", False):
            held = permissions.subtree_ids(held)  # the superior starts it in a unit below (RULES.md §6)
        query = query.where(OrgUnit.id.in_(held))
    return [u for u in db.session.scalars(query.order_by(OrgUnit.id)) if permissions.can_start_in(user, u, procedure)]


def _chosen_unit(units: list[OrgUnit]) -> OrgUnit | None:
    """The unit asked for (403 when the user may not start there), or the only one the user may choose."""
    wanted = request.args.get("unit", "")
    if not wanted:
        return units[0] if len(units) == 1 else None
    chosen = next((u for u in units if str(u.id) == wanted), None)
    if chosen is None:
        abort(403)
    return chosen


def _start(row: ProcessDefinition, unit: OrgUnit, form) -> tuple[int, str] | None:
    """Start the case and commit: its id and title; None when a rule refused the data (nothing was created)."""
    try:
        case = operations.start_case(row, unit, formkit.submitted_data(form), current_user)
        started = case.id, case_title(case)  # read before the commit expires the case and its relations
        db.session.commit()
    except operations.GuardFailed as err:
        db.session.rollback()
        formkit.attach_violations(form, err.violations)
        return None
    except operations.CaseError as err:
        db.session.rollback()
        current_app.logger.error("starting a %s case failed in the engine: %s", row.process_key, err)
        flash(_("无法发起：%(reason)s。办件没有创建，您填写的内容仍在下面；请联系系统管理员检查流程定义或设置。",
                reason=err.reason(_)), "error")
        return None
    return started


def _filter_form() -> CaseFilterForm:
    form = CaseFilterForm(request.args)
    definitions = startable_definitions()
    form.procedure.choices = choices([("", _("全部流程"))]
                                     + [(k, definition_label(row.name)) for k, row in definitions.items()])
    form.status.choices = choices([("", _("全部状态"))] + [(k, _(label)) for k, label in CASE_STATUSES.items()])
    units = db.select(OrgUnit).order_by(OrgUnit.id)
    if not current_user.is_admin:
        units = units.where(OrgUnit.id.in_(permissions.supervised_unit_ids(current_user)))
    # A dissolved unit stays here: its cases are its history.
    form.unit.choices = choices([("", _("全部组织"))] + [
        (u.id, u.name if u.is_active else _("%(unit)s（已撤销）", unit=u.name)) for u in db.session.scalars(units)])
    stages = {key: label for process_key in definitions for key, label in procedure_stages(process_key)}
    form.stage.choices = choices([("", _("全部阶段")), *stages.items()])
    return form


def _filtered(query, form: CaseFilterForm):
    if form.selected("procedure"):
        query = query.where(Case.process_key == form.procedure.data)
    if form.selected("status"):
        query = query.where(Case.status == form.status.data)
    if form.selected("unit"):
        query = query.where(Case.unit_id == int(form.unit.data))
    if form.selected("stage"):
        query = query.where(Case.stage == form.stage.data)
    return query.order_by((Case.status == "running").desc(), Case.updated_at.desc())
