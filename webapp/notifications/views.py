"""通知: the user's notifications, newest first; opening one marks it read. Only its owner sees or
changes a notification (404 for anyone else, as if it did not exist)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..models import Notification
from ..params import page_number
from . import service

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

SHOWS = ("all", "unread")


@bp.route("/")
@login_required
def index():
    show = request.args.get("show") if request.args.get("show") in SHOWS else "all"
    query = db.select(Notification).filter_by(user_id=current_user.id)
    if show == "unread":
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id.desc())
    page = db.paginate(query, page=page_number(), per_page=current_app.config["PAGE_SIZE"], error_out=False)
    return render_template("notifications/index.html", page=page, show=show,
                           unread=service.unread_count(current_user.id), render=service.render)


@bp.route("/<int:notification_id>/open", endpoint="open")
@login_required
def open_notification(notification_id: int):
    notification = _own(notification_id)
    service.mark_read(notification)
    db.session.commit()
    link = notification.link if notification.link and service.is_app_relative(notification.link) else None
    return redirect(link or url_for("notifications.index"))


@bp.route("/<int:notification_id>/read", methods=["POST"])
@login_required
def read(notification_id: int):
    notification = _own(notification_id)
    service.mark_read(notification)
    db.session.commit()
    return redirect(_back())


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    marked = service.mark_all_read(current_user.id)
    db.session.commit()
    flash(_("已将 %(n)s 条通知标为已读。", n=marked) if marked else _("没有未读通知。"), "success")
    return redirect(_back())


@bp.app_template_global("unread_notification_count")
def unread_notification_count() -> int | None:
    """The header's badge; None when it cannot be counted (never break a page, an error page least of all)."""
    if not current_user.is_authenticated:
        return None
    try:
        return service.unread_count(current_user.id)
    except SQLAlchemyError:
        current_app.logger.exception("could not count the unread notifications")
        return None


def _own(notification_id: int) -> Notification:
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != current_user.id:
        abort(404)
    return notification


def _back() -> str:
    """The list the user came from (its filter and page), never another site."""
    target = request.form.get("next", "")
    return target if target.startswith(url_for("notifications.index")) and service.is_app_relative(target) \
        else url_for("notifications.index")
