"""工作台: the counts that matter today and the latest events of the user's cases."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlalchemy.orm import joinedload

from .. import permissions
from ..cases.views import case_title_loading, visible_cases_filter
from ..extensions import db
from ..inbox.views import todo_counts
from ..models import AuditEvent, Case, WorkItem

bp = Blueprint("home", __name__, url_prefix=None)


@bp.route("/")
@login_required
def index():
    started = db.session.scalar(
        db.select(func.count(Case.id)).filter_by(started_by_id=current_user.id, status="running"))
    events = db.session.scalars(
        db.select(AuditEvent).join(Case, Case.id == AuditEvent.case_id).where(visible_cases_filter(current_user))
        .options(joinedload(AuditEvent.actor)).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(5)
    ).all()
    cases = {c.id: c for c in db.session.scalars(
        db.select(Case).where(Case.id.in_({e.case_id for e in events})).options(*case_title_loading()))}
    next_items = db.session.scalars(
        db.select(WorkItem).where(permissions.inbox_filter(current_user))
        .options(joinedload(WorkItem.case).options(*case_title_loading()), joinedload(WorkItem.unit),
                 joinedload(WorkItem.assignee))
        .order_by(WorkItem.due_on.is_(None), WorkItem.due_on, WorkItem.id).limit(5)
    ).all()
    return render_template("home/index.html", counts=todo_counts(current_user), started=started,
                           events=events, cases=cases, next_items=next_items)
