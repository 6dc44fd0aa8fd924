"""Required-field validators whose message names the field and says what to do (PRODUCT.md)."""

from flask_babel import gettext
from wtforms.fields import SelectFieldBase
from wtforms.validators import StopValidation


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
