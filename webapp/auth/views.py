"""Log in and out; the language switch."""

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam
from sqlalchemy.orm import joinedload

from ..extensions import db, login_manager
from ..models import User
from . import throttle
from .forms import LoginForm

bp = Blueprint("auth", __name__, url_prefix="/auth")


# Positions come along: every page asks what the user may do, and that is read from them.
_USER_WITH_POSITIONS = db.select(User).options(joinedload(User.positions)).where(User.id == bindparam("user_id"))


@login_manager.user_loader
def load_user(user_id: str):
    return db.session.execute(_USER_WITH_POSITIONS, {"user_id": int(user_id)}).unique().scalar_one_or_none()


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    user, lock = throttle.authenticate(form.username.data, form.password.data)
    db.session.commit()  # the failure counted, or the username's failures cleared
    if user is not None:
        login_user(user)
        return redirect(_safe_next(request.args.get("next")))
    if lock is not None:
        locked = _("登录失败次数过多，已暂时锁定。请 %(minutes)s 分钟后再试；如忘记密码，请联系系统管理员。",
                   minutes=lock.minutes_left())
        return render_template("auth/login.html", form=form, locked=locked), 429
    form.password.errors.append(_("用户名或密码不正确，请重新输入。"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash(_("您已退出登录。"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    if code in ("zh_CN", "en"):
        session["language"] = code
    return redirect(_safe_next(request.form.get("next") or request.referrer))


def _safe_next(target: str | None) -> str:
    # Only same-site relative paths: never an open redirect.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("home.index")
