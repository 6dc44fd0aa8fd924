"""督办: the overdue work of the units below, as their supervising unit sees it (RULES.md §2.9 L2)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError

from .. import clock
from ..cases.refusals import AlreadyHandled
from ..extensions import db
from ..models import SupervisionItem
from ..params import page_number
from . import operations

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

SHOWS = ("open", "done")


@bp.route("/")
@login_required
def index():
    show = request.args.get("show") if request.args.get("show") in SHOWS else "open"
    query = operations.items_query(current_user, still_open=show == "open")
    page = db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("supervision/index.html", page=page, show=show, today=clock.today(),
                           open_count=open_supervision_count(), may_urge=operations.may_urge)


@bp.route("/<int:item_id>/urge", methods=["POST"])
@login_required
def urge(item_id: int):
    item = db.session.get(SupervisionItem, item_id)
    if item is None or not db.session.scalar(db.select(SupervisionItem.id).where(
            SupervisionItem.id == item_id, operations.supervision_filter(current_user))):
        abort(404)
    if not operations.may_urge(current_user, item):
        abort(403)
    try:
        operations.urge(item, current_user)
        db.session.commit()
    except operations.AlreadyUrgedToday:
        db.session.rollback()
        flash(_("今天已经催办过，无需重复。"), "info")
    except AlreadyHandled:
        db.session.rollback()
        flash(_("该事项已办理，无需催办。"), "info")
    else:
        flash(_("已催办：%(unit)s 的「%(step)s」。", unit=item.late_unit.name, step=item.title), "success")
    return redirect(url_for("supervision.index"))


@bp.app_template_global("open_supervision_count")
def open_supervision_count() -> int | None:
    """The nav badge: open 督办 items of the user's units; None when it cannot be counted."""
    if not current_user.is_authenticated:
        return None
    try:
        return db.session.scalar(db.select(func.count(SupervisionItem.id)).where(
            operations.supervision_filter(current_user), operations.is_open()))
    except SQLAlchemyError:
        current_app.logger.exception("could not count the supervision items")
        return None

