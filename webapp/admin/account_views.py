"""管理 · 开通账号: an account for a Party member, e.g. one an election gave a post who had no login.

The posts recorded on the member while there was no account (PendingPosition, webapp/cases/positions.py)
become the account's positions at once, so the new 书记 or 委员 finds the unit's work in 待办 at the first
login. The admins are notified when such a post is given; the notification opens this page.
"""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Regexp, ValidationError

from workflows.org import POSITIONS

from ..cases.positions import grant_pending_positions
from ..extensions import db
from ..models import Member, PendingPosition, User
from ..params import db_id
from .operations import record
from .views import admin_required, bp

USERNAME = re.compile(r"^[A-Za-z0-9_.-]{3,64}$")


class AccountForm(FlaskForm):
    username = StringField(_l("用户名"), validators=[
        DataRequired(message=_l("请填写用户名。")),
        Regexp(USERNAME, message=_l("用户名为 3 至 64 个英文字母、数字、点、下划线或连字符。"))],
        description=_l("登录时使用，开通后不能修改"))
    display_name = StringField(_l("姓名"), validators=[DataRequired(message=_l("请填写姓名。")), Length(max=64)])
    password = PasswordField(_l("初始密码"), validators=[
        DataRequired(message=_l("请设置初始密码。")),
        Length(min=8, max=128, message=_l("初始密码须为 8 至 128 个字符。"))],
        description=_l("请线下告知本人，并提醒其登录后妥善保管"))

    def validate_username(self, field) -> None:
        if db.session.scalar(db.select(User.id).where(User.username == field.data)) is not None:
            raise ValidationError(_("用户名“%(name)s”已被使用，请换一个。", name=field.data))


def members_waiting_for_accounts() -> list[Member]:
    """Members with posts waiting for an account, and no account yet."""
    with_account = db.select(User.member_id).where(User.member_id.is_not(None))
    waiting = db.select(PendingPosition.member_id).where(PendingPosition.granted_position_id.is_(None))
    return db.session.scalars(db.select(Member).where(Member.id.in_(waiting), Member.id.not_in(with_account))
                              .order_by(Member.name)).all()


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def new_account():
    member_id = db_id(request.args.get("member"))
    if member_id is None:
        return render_template("admin/account_new.html", member=None, waiting=members_waiting_for_accounts())
    member = db.session.get(Member, member_id) or abort(404)
    existing = db.session.scalars(db.select(User).where(User.member_id == member.id).limit(1)).first()
    pending = db.session.scalars(db.select(PendingPosition).where(
        PendingPosition.member_id == member.id, PendingPosition.granted_position_id.is_(None))).all()
    form = AccountForm(display_name=member.name) if request.method == "GET" else AccountForm()
    if existing is None and request.method == "POST" and form.validate():
        user = User(username=form.username.data, display_name=form.display_name.data.strip(), member_id=member.id)
        user.set_password(form.password.data)
        db.session.add(user)
        db.session.flush()
        granted = grant_pending_positions(user)
        record(current_user, "account_opened", f"user:{user.id}", {
            "user": user.display_name, "username": user.username, "member_id": member.id,
            "positions": [f"{p.unit.name} {POSITIONS[p.role]}" for p in granted]})
        db.session.commit()
        flash(_("已为 %(name)s 开通账号 %(username)s，并授予 %(n)s 项职务。", name=user.display_name,
                username=user.username, n=len(granted)), "success")
        return redirect(url_for("admin.user_positions", user_id=user.id))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/account_new.html", member=member, existing=existing, pending=pending,
                           form=form), status
