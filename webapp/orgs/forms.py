"""The form of 组织: a unit's term (任期), entered by an admin."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from ..forms.validators import PlausibleDate


class TermForm(FlaskForm):
    """届次, the day the committee was elected and, for an approved postponement or early election, the
    end of the term (RULES.md §4.3, §4.4); without it the end is the election day plus the term years."""

    term_no = IntegerField(_l("届次"), validators=[
        InputRequired(message=_l("请填写届次，例如 5 表示第五届。")),
        NumberRange(min=1, max=999, message=_l("届次须为 1 至 999 之间的整数。"))])
    started_on = DateField(_l("选举产生日期"), format="%Y-%m-%d", validators=[
        InputRequired(message=_l("请填写本届委员会选举产生的日期，格式为 YYYY-MM-DD。")), PlausibleDate()])
    due_on = DateField(_l("任期届满日期"), format="%Y-%m-%d", validators=[Optional(), PlausibleDate()])

    def validate_due_on(self, field) -> None:
        if field.data is not None and self.started_on.data is not None and field.data <= self.started_on.data:
            raise ValidationError(_("任期届满日期须晚于选举产生日期。"))
