"""党员: the roster of the branches a user supervises, with each person's stage and key dates."""

from __future__ import annotations

from functools import partial

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import case
from sqlalchemy.orm import joinedload

from .. import clock, permissions
from ..cases.forms import MemberFilterForm, choices
from ..extensions import db
from ..forms.away import AwayForm
from ..models import Case, Member, OrgUnit
from ..models.member import STAGES
from ..params import page_number
from ..permissions import OFFICER_ROLES
from .away import away_members
from .waiting import BUCKETS, BUCKETS_BY_KEY, days_at_stage, waited_filter

bp = Blueprint("members", __name__, url_prefix="/members")

# Roster order: members first, then those on the way, in the order of the procedure.
ROSTER_ORDER = ("full_member", "probationary_member", "development_candidate", "activist", "applicant")


@bp.route("/")
@login_required
def index():
    units = _visible_units()
    form = _filter_form(units)
    query = db.select(Member).where(Member.unit_id.in_([u.id for u in units]))
    if form.selected("unit"):
        query = query.where(Member.unit_id == int(form.unit.data))
    if form.selected("stage"):
        query = query.where(Member.stage == form.stage.data)
    if form.selected("waited"):
        query = query.where(waited_filter(BUCKETS_BY_KEY[form.waited.data], clock.today()))
    if form.selected("away") == "overdue":  # 外出超过六个月未转接 (RULES.md §5.1)
        flagged = away_members([u.id for u in units], clock.today())
        query = query.where(Member.id.in_([row.member.id for row in flagged]))
    elif form.selected("away") == "any":
        query = query.where(Member.away_since.is_not(None))
    stage_order = case({stage: i for i, stage in enumerate(ROSTER_ORDER)}, value=Member.stage, else_=len(ROSTER_ORDER))
    page = db.paginate(query.options(joinedload(Member.unit)).order_by(Member.unit_id, stage_order, Member.name),
                       page=page_number(), per_page=current_app.config["PAGE_SIZE"],
                       error_out=False)
    return render_template("members/index.html", form=form, page=page, cases=_running_cases(page.items),
                           days_at_stage=partial(days_at_stage, today=clock.today()),
                           away_flagged={row.member.id for row in away_members({m.unit_id for m in page.items},
                                                                               clock.today())},
                           may_record_away=partial(may_record_away, current_user))


@bp.route("/<int:member_id>/away", methods=["GET", "POST"])
@login_required
def away(member_id: int):
    """外出登记: the branch's officers record that a member is away (since, why, where), or back."""
    member = db.get_or_404(Member, member_id)
    if not may_record_away(current_user, member):
        abort(403)
    form = AwayForm(obj=member)
    if form.validate_on_submit():
        back = form.back.data
        member.away_since = None if back else form.away_since.data
        member.away_reason = None if back else form.away_reason.data
        member.away_destination = None if back else (form.away_destination.data or None)
        member.away_reminded_on = None
        db.session.commit()
        flash(_("已登记%(name)s返回。", name=member.name) if back else _("已登记%(name)s外出。", name=member.name),
              "success")
        return redirect(url_for("members.index", unit=member.unit_id))
    return render_template("members/away.html", member=member, form=form), 422 if form.errors else 200


def may_record_away(user, member: Member) -> bool:
    """Admins, and the 书记、副书记、组织委员 of the member's branch."""
    return user.is_admin or bool(user.acting_roles_in(member.unit_id, clock.today()) & OFFICER_ROLES)


def _visible_units() -> list[OrgUnit]:
    """Units whose members the user may see: all for admins, else the units the user supervises."""
    query = db.select(OrgUnit).order_by(OrgUnit.id)
    if not current_user.is_admin:
        query = query.where(OrgUnit.id.in_(permissions.supervised_unit_ids(current_user)))
    return db.session.scalars(query).all()


def _filter_form(units: list[OrgUnit]) -> MemberFilterForm:
    form = MemberFilterForm(request.args)
    with_members = {u for (u,) in db.session.execute(db.select(Member.unit_id).distinct())}
    form.unit.choices = choices([("", _("全部"))] + [(u.id, u.name) for u in units if u.id in with_members])
    form.stage.choices = choices([("", _("全部阶段"))] + [(key, _(label)) for key, label in STAGES.items()])
    form.waited.choices = choices([("", _("不限"))] + [(bucket.key, _(bucket.label)) for bucket in BUCKETS])
    form.away.choices = choices([("", _("不限")), ("any", _("登记外出")), ("overdue", _("外出超过期限未转接"))])
    return form


def _running_cases(members: list[Member]) -> dict[int, Case]:
    """The running case of each member on the page (by member id)."""
    ids = [m.id for m in members]
    rows = db.session.scalars(db.select(Case).where(Case.subject_member_id.in_(ids), Case.status == "running"))
    return {case.subject_member_id: case for case in rows}
