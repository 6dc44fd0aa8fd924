"""督办 (supervision): for the units a user supervises, the work open, due this week and overdue per unit
and per procedure, the recruitment pipeline as a chart, and the terms that end soon or have ended."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_babel import gettext as _
from flask_login import current_user, login_required

from .. import clock, permissions
from ..extensions import db
from ..members.away import away_members, pocket_letters
from ..members.waiting import BUCKETS
from ..models import ProcessDefinition
from ..orgs.election_offers import election_offers
from ..supervision import operations as supervision
from ..templating import definition_label
from . import queries
from .chart import stacked_bars

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.route("/")
@login_required
def index():
    today = clock.today()
    unit_ids = permissions.supervised_unit_ids(current_user)
    units = queries.scope_units(unit_ids)
    counts = queries.item_counts(unit_ids, today)
    stages = queries.pipeline(unit_ids, today)
    chart = stacked_bars([(row.stage, [(b.key, row.buckets[b.key]) for b in BUCKETS]) for row in stages])
    terms = queries.expiring_terms(units, today)
    return render_template(
        "dashboard/index.html", units=units, unit_rows=queries.unit_rows(units, counts),
        procedures=queries.procedure_counts(counts), procedure_names=_procedure_names(),
        total=queries.grand_total(counts), stages=stages, chart=chart, buckets=BUCKETS,
        terms=terms, today=today, offers=election_offers(current_user, [row.unit for row in terms], today),
        pocket=pocket_letters(unit_ids, today), away=away_members(unit_ids, today),
        supervision=db.paginate(supervision.items_query(current_user), page=1, per_page=5, error_out=False),
    )


def _procedure_names() -> dict[str, str]:
    rows = db.session.execute(db.select(ProcessDefinition.process_key, ProcessDefinition.name)
                              .filter_by(is_current=True))
    return {key: definition_label(name) or _("未命名流程") for key, name in rows}
