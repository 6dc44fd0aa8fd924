"""Required-field validators whose message names the field and says what to do (PRODUCT.md)."""

from datetime import date

from flask_babel import gettext
from wtforms.fields import SelectFieldBase
from wtforms.validators import StopValidation, ValidationError


def _missing_message(field) -> str:
    if isinstance(field, SelectFieldBase):
        return gettext("请选择「%(label)s」。", label=field.label.text)
    return gettext("请填写「%(label)s」。", label=field.label.text)


def _stop(field):
    field.errors[:] = []
    raise StopValidation(_missing_message(field))


class Required:
    """Like DataRequired (a value that is not empty), with a message naming the field."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data and (not isinstance(field.data, str) or field.data.strip()):
            return
        _stop(field)


class RequiredInput:
    """Like InputRequired (something was typed, 0 included), with a message naming the field."""

    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.raw_data and field.raw_data[0] not in ("", None):
            return
        _stop(field)


class PlausibleDate:
    """A date a Party record can bear: from 1900 to 2100. The procedure's rules add years and months
    to the dates of a step (age, probation, deadlines): 9999-12-31 would overflow the calendar."""

    EARLIEST, LATEST = date(1900, 1, 1), date(2100, 12, 31)

    def __call__(self, form, field):
        if field.data is not None and not self.EARLIEST <= field.data <= self.LATEST:
            raise ValidationError(gettext("「%(label)s」须在 1900 年至 2100 年之间。", label=field.label.text))
