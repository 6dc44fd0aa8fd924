"""组织: the organisation tree and one unit's page (positions, members, term; admins enter the term)."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from workflows.terms import has_term

from .. import clock, permissions
from ..cases.positions import pending_posts
from ..cases.views import startable_definitions
from ..extensions import db
from ..models import Member, OrgUnit, Position
from ..templating import long_date
from . import terms, unit_actions
from .chart import kind_label, org_chart
from .election_offers import election_offers, shift_offer
from .forms import TermForm
from .term_status import term_status

bp = Blueprint("orgs", __name__, url_prefix="/orgs")
# ok / ending (within the warning months) / overdue: the same words on every page that shows a term.
bp.add_app_template_global(term_status, "term_status")

# Stages counted as members of a unit (党员 = 正式党员 + 预备党员) and as people in recruitment.
MEMBER_STAGES = ("full_member", "probationary_member")
RECRUITMENT_STAGES = ("applicant", "activist", "development_candidate")


@bp.route("/")
@login_required
def index():
    # A dissolved unit leaves the tree (list and chart); its page and its cases' history remain.
    units = {unit_id: unit for unit_id, unit in _visible_units().items() if unit.is_active}
    children = defaultdict(list)
    for unit in units.values():
        children[unit.parent_id if unit.parent_id in units else None].append(unit)
    counts, names = member_counts(), secretaries()
    totals = {key: subtree_totals(children, counts, key) for key in ("members", "probationary")}
    # 结构图 (the picture) or 列表 (the indented list): the same units, counts and terms.
    view = "chart" if request.args.get("view") == "chart" else "list"
    chart = org_chart(children[None], children, counts, totals, names, clock.today()) if view == "chart" else None
    offers = election_offers(current_user, units.values(), clock.today(), due_only=True)
    return render_template("orgs/index.html", view=view, chart=chart, roots=children[None], children=children,
                           counts=counts, totals=totals["members"], secretaries=names, offers=offers)


@bp.route("/<int:unit_id>")
@login_required
def show(unit_id: int):
    unit = db.get_or_404(OrgUnit, unit_id)
    if unit.id not in _visible_units():
        abort(403)
    term_form = _term_form(unit) if current_user.is_admin and has_term(unit.kind) else None
    return _show(unit, term_form)


@bp.route("/<int:unit_id>/term", methods=["POST"])
@login_required
def save_term(unit_id: int):
    """任期: the admin enters the unit's current term (after an election, or an approved postponement)."""
    if not current_user.is_admin:
        abort(403)
    unit = db.get_or_404(OrgUnit, unit_id)
    if not has_term(unit.kind):
        abort(404)
    form = TermForm()
    if not form.validate():
        return _show(unit, form), 422
    terms.set_term(unit, form.term_no.data, form.started_on.data, form.due_on.data, current_user)
    db.session.commit()
    flash(_("已保存“%(unit)s”的任期：第%(n)s届，%(start)s 至 %(end)s。", unit=unit.name, n=unit.term_no,
            start=long_date(unit.term_started_on), end=long_date(unit.term_due_on)), "success")
    return redirect(url_for("orgs.show", unit_id=unit.id) + "#term")


def _term_form(unit: OrgUnit) -> TermForm:
    """The current term; the end left empty when it is the default one (a new election day recomputes it)."""
    explicit_end = unit.term_due_on
    if unit.term_started_on and explicit_end == terms.default_term_end(unit, unit.term_started_on):
        explicit_end = None
    return TermForm(formdata=None, term_no=unit.term_no, started_on=unit.term_started_on, due_on=explicit_end)


def _show(unit: OrgUnit, term_form: TermForm | None):
    today = clock.today()
    positions = db.session.scalars(
        db.select(Position).filter_by(unit_id=unit.id).options(joinedload(Position.user))
        .order_by(Position.ended_on.is_not(None), Position.id)).all()
    members = []
    if current_user.is_admin or unit.id in permissions.supervised_unit_ids(current_user):
        members = db.session.scalars(
            db.select(Member).where((Member.unit_id == unit.id) | (Member.group_id == unit.id))
            .order_by(Member.stage, Member.name)).all()
    years = terms.unit_term_years(unit)
    origin, closing = unit_actions.origin_and_closing(unit)
    return render_template("orgs/show.html", unit=unit, positions=positions, members=members,
                           counts=member_counts().get(unit.id, {}), today=today, term_form=term_form,
                           term_years=years, offer=election_offers(current_user, [unit], today).get(unit.id),
                           shift=shift_offer(current_user, unit, today),
                           pending_posts=pending_posts(unit.id, today), origin=origin, closing=closing,
                           kind_label=kind_label(unit),
                           first_election=unit_actions.first_election_due(unit, current_user),
                           procedures=unit_actions.startable_procedures(unit, current_user, startable_definitions()))


def _visible_units() -> dict[int, OrgUnit]:
    return {unit.id: unit for unit in db.session.scalars(permissions.visible_units_query(current_user))}


def member_counts() -> dict[int, dict[str, int]]:
    """Per unit: 党员 (full + probationary) and 发展中 (applicants, activists, candidates)."""
    rows = db.session.execute(
        db.select(Member.unit_id, Member.stage, func.count()).group_by(Member.unit_id, Member.stage))
    counts: dict[int, dict[str, int]] = defaultdict(lambda: {"members": 0, "probationary": 0, "recruitment": 0})
    for unit_id, stage, n in rows:
        if stage in MEMBER_STAGES:
            counts[unit_id]["members"] += n
        if stage == "probationary_member":
            counts[unit_id]["probationary"] += n
        if stage in RECRUITMENT_STAGES:
            counts[unit_id]["recruitment"] += n
    return counts


def subtree_totals(children: dict, counts: dict, key: str = "members") -> dict[int, int]:
    """党员 (or another count of member_counts) of each unit and every unit below it (members sit in
    branches; committees show the sum)."""
    totals: dict[int, int] = {}

    def total(unit: OrgUnit) -> int:
        totals[unit.id] = counts.get(unit.id, {}).get(key, 0) + sum(total(c) for c in children[unit.id])
        return totals[unit.id]

    for root in children[None]:
        total(root)
    return totals


def secretaries() -> dict[int, str]:
    """The name of each unit's secretary today."""
    today = clock.today()
    rows = db.session.scalars(db.select(Position).filter_by(role="secretary").options(joinedload(Position.user)))
    return {p.unit_id: p.user.display_name for p in rows if p.is_active_on(today)}
