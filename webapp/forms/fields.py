"""Field builders every procedure's step forms share: dates, texts, counts, choices, member pickers.

Each builder takes the Chinese label (lazy, ``_l``) and whether the field is required; descriptions
carry the rule and its source, shown beside the field (PRODUCT.md "Doing a step").
"""

from flask_babel import gettext
from wtforms import DateField, IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from .validators import PlausibleDate, Required, RequiredInput


def options(pairs):
    """(value, label) pairs as WTForms 3.3 wants choices (tuples are deprecated)."""
    return [SelectChoice(value, label) for value, label in pairs]


def needed(required):
    return Required() if required else Optional()


def date_field(label, required=True, description=""):
    return DateField(label, format="%Y-%m-%d", validators=[needed(required), PlausibleDate()], description=description)


def text_field(label, required=False, max_length=200, description=""):
    return StringField(label, validators=[needed(required), Length(max=max_length)], description=description)


def area_field(label, required=False, description="", max_length=5000):
    return TextAreaField(label, validators=[needed(required), Length(max=max_length)], description=description)


def count_field(label, required=True, description="", maximum=100000):
    present = RequiredInput() if required else Optional()
    return IntegerField(label, validators=[present, NumberRange(min=0, max=maximum)], description=description)


def choice_field(label, choices, required=True, description=""):
    return RadioField(label, choices=options(choices), validators=[needed(required)], description=description)


class PickList(SelectMultipleField):
    """Several values from a list, refused in Chinese when one is off the list: WTForms' own message
    for that stays English (its Chinese catalogue marks it fuzzy, so it is never compiled)."""

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(gettext("所选的值不在可选范围内，请从列表中重新选择。")) from None


def members_field(label, description="", required=True):
    """Members picked from a list the caller fills (the procedure's PICKER_SOURCES)."""
    return PickList(label, coerce=int, choices=[], validators=[needed(required)], description=description)


def optional_id(value):
    """A picked id, or None for the blank first choice ("") of an optional list."""
    return None if value in ("", None) else int(value)


class Pick(SelectField):
    """One value (a unit, a member) from a list the caller fills (the procedure's PICKER_SOURCES); a list
    may start with a blank choice, which is no answer. Refused in Chinese when off the list."""

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(gettext("所选的值不在可选范围内，请从列表中重新选择。")) from None

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(gettext("所选的值不在可选范围内，请从列表中重新选择。")) from None


def pick_field(label, required=True, description=""):
    return Pick(label, coerce=optional_id, choices=[], validators=[needed(required)], description=description)
