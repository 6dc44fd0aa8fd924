"""外出登记 (RULES.md §5.1): a member away from their branch, recorded by the branch's officers."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.validators import Optional, ValidationError

from .. import clock
from .fields import date_field, options, text_field

AWAY_REASONS = [("work", _l("外出务工或经商")), ("study", _l("外出学习或进修")), ("residence", _l("异地居住")),
                ("mobile", _l("流动党员")), ("other", _l("其他"))]


class AwayForm(FlaskForm):
    away_since = date_field(_l("外出日期"), required=False, description=_l(
        "外出六个月以上须转接组织关系（《中国共产党党员教育管理工作条例》第二十五条）"))
    away_reason = SelectField(_l("外出原因"), choices=options(AWAY_REASONS), validators=[Optional()])
    away_destination = text_field(_l("去向"), max_length=200)
    back = BooleanField(_l("已返回（取消外出登记）"))

    def validate_away_since(self, field):
        if field.data is not None and field.data > clock.today():
            raise ValidationError(_l("外出日期不能晚于今天。"))

    def validate(self, extra_validators=None):
        # Not an inline validator: the date is optional, and Optional() stops a field's chain when it is empty.
        valid = super().validate(extra_validators)
        if not self.back.data and self.away_since.data is None and not self.away_since.errors:
            self.away_since.errors.append(_l("请填写「外出日期」，或勾选“已返回”。"))
            return False
        return valid
