"""Fields of the election forms: the vote counts of a ballot (one per candidate) and a member picked from a
list that may be left empty (an optional 副书记).

Their choices are filled by webapp/cases/formkit.py from the procedure's PICKER_SOURCES after the form is
built, like every member picker: the counts are therefore read when the form validates, not when it is
built.
"""

from __future__ import annotations

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import SelectField
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.fields.core import Field
from wtforms.validators import Optional, ValidationError

from .validators import Required

MAX_COUNT = 100000


class VoteCountsWidget:
    """A table: one row per candidate, the name and a number input (all named like the field, in order)."""

    def __call__(self, field, **kwargs):
        kwargs.pop("class_", None)
        described = kwargs.get("aria-describedby")
        choices = field.iter_choices()
        if not choices:
            return Markup('<p class="muted">{}</p>').format(gettext("本轮没有候选人。"))
        values = field.shown_values()
        rows = []
        for index, choice in enumerate(choices):
            input_id = f"{field.id}-{index}"
            value = values[index] if index < len(values) else ""
            extra = Markup(' aria-describedby="{}"').format(described) if described else ""
            invalid = Markup(' aria-invalid="true"') if field.errors else ""
            rows.append(Markup(
                '<tr><th scope="row"><label for="{id}">{label}</label></th>'
                '<td><input type="number" class="input input-count" min="0" max="{max}" step="1" inputmode="numeric" '
                'id="{id}" name="{name}" value="{value}"{extra}{invalid}></td></tr>').format(
                id=input_id, label=choice.label, max=MAX_COUNT, name=field.name, value=value, extra=extra,
                invalid=invalid))
        head = Markup('<thead><tr><th scope="col">{}</th><th scope="col">{}</th></tr></thead>').format(
            gettext("候选人"), gettext("得票数"))
        return Markup('<table class="list vote-table" id="{id}">{head}<tbody>{rows}</tbody></table>').format(
            id=field.id, head=head, rows=Markup("").join(rows))


class VoteCounts(Field):
    """得票数: one count for each candidate of the ballot, in the order of its choices (the page's inputs, or
    the API's list). ``data`` is {member id (text): count}, kept as the raw tally of the round; None when
    every count was left empty (a meeting without quorum holds no ballot)."""

    widget = VoteCountsWidget()
    takes_many = True  # the API accepts a list for it (webapp/api/fields.py)

    def __init__(self, label=None, validators=None, choices=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.choices: list = list(choices or [])  # the candidates: filled by the picker source
        self.raw_counts: list[str] | None = None

    def process_formdata(self, valuelist):
        self.raw_counts = [str(v).strip() for v in valuelist]

    def process_data(self, value):
        self.data = dict(value) if value else None

    def iter_choices(self) -> list[SelectChoice]:
        return [SelectChoice.from_input(choice) for choice in self.choices]

    def shown_values(self) -> list[str]:
        if self.raw_counts is not None:
            return self.raw_counts
        data = self.data or {}
        return [str(data.get(str(choice.value), "")) for choice in self.iter_choices()]

    def pre_validate(self, form):
        raw = self.raw_counts
        if not raw or all(value == "" for value in raw):
            self.data = None
            return
        choices = self.iter_choices()
        if len(raw) != len(choices):
            raise ValidationError(gettext("须为本轮 %(n)s 名候选人各填写一个得票数（按候选人顺序）。", n=len(choices)))
        counts = []
        for value in raw:
            if not value.isdigit() or int(value) > MAX_COUNT:
                raise ValidationError(gettext("得票数须为 0 至 %(max)s 的整数，每名候选人都要填写。", max=MAX_COUNT))
            counts.append(int(value))
        self.data = {str(choice.value): count for choice, count in zip(choices, counts, strict=True)}

    def _value(self):
        return ""


def _member_id(value):
    if value in (None, ""):
        return None
    return int(value)


class MemberChoice(SelectField):
    """One member from the list its picker source fills (a member id, or None when left empty)."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("invalid_value_message", _l("所选的值不在可选范围内，请从列表中重新选择。"))
        super().__init__(label, validators, coerce=_member_id, choices=[], **kwargs)

    def iter_choices(self):
        """A first empty choice, so nobody is picked unawares: 请选择 for a required member, 不设 otherwise."""
        blank = gettext("（请选择）") if self.flags.required else gettext("（不设）")
        return [Choice("", blank, self.data is None, {}), *super().iter_choices()]

    def pre_validate(self, form):
        if self.process_errors or self.data is None:
            return  # the value could not be read (said already), or Required / Optional decides
        if not any(self.coerce(choice.value) == self.data for choice in super().iter_choices()):
            raise ValidationError(gettext("所选的值不在可选范围内，请从列表中重新选择。"))


def member_choice(label, required=True, description=""):
    """A MemberChoice, required or not (the API reads ``required`` from its validators)."""
    return MemberChoice(label, validators=[Required() if required else Optional()], description=description)
