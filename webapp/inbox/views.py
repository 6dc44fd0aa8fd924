"""待办 / 已办: the inbox tabs, doing a step (办理), claiming (认领) and handing on (转办)."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_, bindparam, func
from sqlalchemy.orm import joinedload, selectinload

from .. import clock, permissions
from ..cases import formkit, operations
from ..cases.forms import InboxFilterForm, ReassignForm, choices
from ..cases.views import case_title_loading, record_rows
from ..errors import render_error
from ..extensions import db
from ..models import AuditEvent, Case, OrgUnit, ProcessDefinition, Submission, User, WorkItem
from ..params import arg_id, page_number
from ..templating import definition_label, user_positions, week_end

bp = Blueprint("inbox", __name__, url_prefix="/inbox")

TABS = ("todo", "done", "mine", "supervised")
FILTERS = ("procedure", "unit", "below", "own", "overdue", "week")


@bp.route("/")
@login_required
def index():
    tab = request.args.get("tab") if request.args.get("tab") in TABS else "todo"
    form = _filter_form()
    query = _started_cases_query() if tab == "mine" else _filtered(_items_query(tab, form.own.data), form, tab)
    page = db.paginate(query, page=page_number(),
                       per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("inbox/index.html", tab=tab, form=form, page=page, counts=tab_counts(current_user),
                           filtering=any(request.args.get(k) for k in FILTERS),
                           can_reassign=partial(permissions.can_reassign, current_user),
                           submitted=_submitted_notice(arg_id("done")))


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@login_required
def complete(item_id: int):
    item = _load_item(item_id)
    may_submit = _may_submit(current_user, item)
    if not may_submit and (request.method == "POST" or not permissions.can_see_item(current_user, item)):
        abort(403)
    form = formkit.build_form(item.case.process_key, item.form_key, item.case.unit_id,
                              request.form if request.method == "POST" else None)
    if form is None:
        return render_error(500, _("此环节的表单「%(key)s」未在系统中登记，暂时无法办理，请联系系统管理员。",
                                   key=item.form_key))
    if request.method == "POST" and (unknown := formkit.unknown_keys(form, request.form.keys() - formkit.PAGE_KEYS)):
        return render_error(400, formkit.unknown_keys_message(unknown))
    if request.method == "POST" and form.validate():
        response = _submit(item, form)
        if response is not None:
            return response
    status = 422 if request.method == "POST" else 200
    editable = item.is_open and permissions.can_act(current_user, item) and not operations.is_stopped(item.case)
    return _render_item(item, form, editable=editable), status


@bp.route("/<int:item_id>/claim", methods=["POST"])
@login_required
def claim(item_id: int):
    item = _load_item(item_id)
    if not _may_submit(current_user, item):
        abort(403)
    try:
        operations.claim_work_item(item, current_user)
        db.session.commit()
    except operations.AlreadyHandled:
        db.session.rollback()
        return render_error(409)
    flash(_("已认领：%(step)s。同事将看到此事项由您办理。", step=definition_label(item.title)), "success")
    return redirect(url_for("inbox.complete", item_id=item.id))


@bp.route("/<int:item_id>/reassign", methods=["GET", "POST"])
@login_required
def reassign(item_id: int):
    item = _load_item(item_id)
    if not permissions.can_reassign(current_user, item):
        abort(403)
    form = ReassignForm()
    form.assignee.choices = choices((u.id, _user_label(u, item)) for u in operations.reassign_candidates(item))
    if form.validate_on_submit():
        try:
            operations.reassign_work_item(item, db.session.get(User, form.assignee.data), current_user)
            db.session.commit()
        except operations.AlreadyHandled:
            db.session.rollback()
            return render_error(409)
        flash(_("已转办：%(step)s → %(name)s", step=definition_label(item.title),
                name=item.assignee.display_name), "success")
        return redirect(url_for("inbox.index"))
    return render_template("inbox/reassign.html", item=item, form=form), 422 if form.errors else 200


# ---------- helpers: queries and small decisions, kept out of the views ----------


_ITEM_WITH_CASE = db.select(WorkItem).options(joinedload(WorkItem.case)).where(WorkItem.id == bindparam("item_id"))


def _load_item(item_id: int) -> WorkItem:
    item = db.session.execute(_ITEM_WITH_CASE, {"item_id": item_id}).scalar_one_or_none()
    if item is None:
        abort(404)
    return item


def _submit(item: WorkItem, form):
    """Complete the item and commit; None when a rule refused the data (the errors are on the form)."""
    item_id, case_id = item.id, item.case_id  # read now: the commit (or a rollback) expires the item
    try:
        operations.complete_work_item(item, formkit.submitted_data(form), current_user)
        db.session.commit()
    except operations.GuardFailed as err:
        db.session.rollback()
        formkit.attach_violations(form, err.violations)
        return None
    except operations.AlreadyHandled:
        db.session.rollback()
        return render_error(409)
    except operations.CaseStopped as stopped:
        db.session.commit()  # the case is 异常 now: admins must see it
        current_app.logger.error("case %s stopped at work item %s: %s", case_id, item_id, stopped)
        flash(_("提交未生效：流程引擎停止了此办件，原因见下方「办件异常」；您填写的内容没有保存，"
                "管理员恢复办件后才能继续办理。"), "error")
        return redirect(url_for("cases.show", case_id=case_id))
    except operations.CaseInError:
        db.session.rollback()
        flash(_("提交未生效：此办件处于异常状态，原因见下方「办件异常」；管理员恢复办件后才能继续办理。"), "error")
        return redirect(url_for("cases.show", case_id=case_id))
    # The confirmation travels in the address, not in the session cookie: see _submitted_notice.
    return redirect(url_for("inbox.index", done=item_id))


def _submitted_notice(item_id: int | None) -> str | None:
    """已提交：<step> for the item the user has just completed (the redirect after 办理 names it)."""
    if item_id is None:
        return None
    title = db.session.scalar(db.select(WorkItem.title).where(
        WorkItem.id == item_id, WorkItem.completed_by_id == current_user.id))
    return _("已提交：%(step)s", step=definition_label(title)) if title else None


def _may_submit(user: User, item: WorkItem) -> bool:
    """May send the step's form: holds an acting position (or it is claimed by the user).

    A colleague's claim or completion is not a lack of permission: the operation answers 409 then.
    """
    return item.assignee_id == user.id or permissions.is_eligible(user, item)


def _render_item(item: WorkItem, form, editable: bool):
    events = db.session.scalars(
        db.select(AuditEvent).filter_by(case_id=item.case_id).order_by(AuditEvent.seq.desc()).limit(5)
    ).all()
    submission = None if item.is_open else db.session.scalar(db.select(Submission).filter_by(work_item_id=item.id))
    return render_template(
        "inbox/item.html", item=item, case=item.case, form=form, editable=editable, events=events,
        submission=submission, record=record_rows(item.case, submission) if submission else None,
        can_claim=editable and item.assignee_id is None,
        can_reassign=item.is_open and permissions.can_reassign(current_user, item),
    )


def _base_items():
    return db.select(WorkItem).join(WorkItem.case).options(
        joinedload(WorkItem.case).options(*case_title_loading()), joinedload(WorkItem.unit),
        joinedload(WorkItem.assignee), joinedload(WorkItem.completed_by),
    )


def _items_query(tab: str, include_own: bool = False):
    query = _base_items()
    if tab == "done":
        return query.where(WorkItem.completed_by_id == current_user.id)
    if tab == "supervised":
        return query.where(supervised_filter(current_user, include_own))
    return query.where(permissions.inbox_filter(current_user))


def _filtered(query, form: InboxFilterForm, tab: str):
    today = clock.today()
    if form.selected("procedure"):
        query = query.where(Case.process_key == form.procedure.data)
    if form.selected("unit"):
        unit_id = int(form.unit.data)
        # 含下级组织: the unit and every unit below it, as the 督办 page counts them.
        units = permissions.subtree_ids({unit_id}) if form.below.data else {unit_id}
        query = query.where(WorkItem.unit_id.in_(units))
    if form.overdue.data:
        query = query.where(WorkItem.status == "open", WorkItem.due_on < today)
    if form.week.data:
        query = query.where(WorkItem.status == "open", WorkItem.due_on.between(today, week_end(today)))
    if tab == "done":
        return query.order_by(WorkItem.completed_at.desc())
    due = WorkItem.due_on.desc() if form.sort.data == "-due" else WorkItem.due_on.asc()
    # Items without a deadline last, whatever the direction.
    return query.order_by(WorkItem.due_on.is_(None), due, WorkItem.id)


def _started_cases_query():
    return (db.select(Case).where(Case.started_by_id == current_user.id)
            .options(*case_title_loading(), selectinload(Case.work_items).joinedload(WorkItem.unit))
            .order_by((Case.status == "running").desc(), Case.started_at.desc()))


def _filter_form() -> InboxFilterForm:
    form = InboxFilterForm(request.args)
    definitions = db.session.scalars(db.select(ProcessDefinition).filter_by(is_current=True)
                                     .order_by(ProcessDefinition.name))
    form.procedure.choices = choices([("", _("全部流程"))]
                                     + [(row.process_key, definition_label(row.name)) for row in definitions])
    units = db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(permissions.supervised_unit_ids(current_user)),
                                                        OrgUnit.status == "active").order_by(OrgUnit.id)).all()
    form.unit.choices = choices([("", _("全部单位"))] + [(u.id, u.name) for u in units])
    return form


def supervised_filter(user: User, include_own: bool = False):
    """下级督办: open items in the units the user supervises that are not in the user's own 待办
    (``include_own``: those too, as the 督办 page counts them)."""
    supervised = and_(WorkItem.status == "open", WorkItem.unit_id.in_(permissions.supervised_unit_ids(user)))
    if include_own:
        return supervised
    # NOT IN a subquery, not NOT(inbox_filter): the filter is NULL for unclaimed items, and NOT NULL drops them.
    own = db.select(WorkItem.id).where(permissions.inbox_filter(user))
    return and_(supervised, WorkItem.id.not_in(own))


def tab_counts(user: User) -> dict[str, int]:
    """How many items each tab holds (without filters), for the tab labels."""
    count = func.count(WorkItem.id)
    return {
        "todo": db.session.scalar(db.select(count).where(permissions.inbox_filter(user))),
        "supervised": db.session.scalar(db.select(count).where(supervised_filter(user))),
    }


def todo_counts(user: User) -> dict[str, int]:
    """工作台: open items of the user, those overdue and those due by Sunday."""
    today = clock.today()
    mine = permissions.inbox_filter(user)
    count = db.select(func.count(WorkItem.id))
    return {
        "todo": db.session.scalar(count.where(mine)),
        "overdue": db.session.scalar(count.where(mine, WorkItem.due_on < today)),
        "week": db.session.scalar(count.where(mine, WorkItem.due_on.between(today, week_end(today)))),
    }


def _user_label(user: User, item: WorkItem) -> str:
    held = [p for p in user_positions(user) if p.startswith(item.unit.name)]
    label = user.display_name
    if held:
        label = _("%(name)s（%(detail)s）", name=label, detail=_("、").join(held))
    return label + ("　" + _("当前办理人") if user.id == item.assignee_id else "")
