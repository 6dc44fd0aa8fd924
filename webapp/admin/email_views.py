"""管理 · 用户的电子邮箱: where a person's notifications are e-mailed (when the app has an SMTP server)."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional, Regexp

from ..extensions import db
from ..models import User
from . import operations
from .views import admin_required, bp, render_user_positions

# One @, a dot in the domain, no spaces: what a mail server would take; the rest is the server's business.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
INVALID_EMAIL = _l("请填写有效的电子邮箱，例如 name@example.org；留空表示不发邮件。")


class EmailForm(FlaskForm):
    email = StringField(_l("电子邮箱"), filters=[lambda value: value.strip() if isinstance(value, str) else value],
                        validators=[Optional(), Length(max=254, message=_l("电子邮箱不能超过 254 个字符。")),
                                    Regexp(EMAIL, message=INVALID_EMAIL)],
                        description=_l("系统配置了邮件服务器时，此人的通知也会发到这个邮箱；留空则只在系统内通知。"))


@bp.route("/users/<int:user_id>/email", methods=["POST"])
@admin_required
def user_email(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = EmailForm()
    if not form.validate():
        return render_user_positions(user, email_form=form, status=422)
    changed = operations.set_email(user, form.email.data or None, current_user)
    db.session.commit()
    if changed:
        flash(_("已保存 %(name)s 的电子邮箱：%(email)s。", name=user.display_name, email=user.email)
              if user.email else _("已删除 %(name)s 的电子邮箱，此人的通知只在系统内显示。", name=user.display_name),
              "success")
    return redirect(url_for("admin.user_positions", user_id=user.id) + "#email")
