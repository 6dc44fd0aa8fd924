"""Forms of the pages themselves (filters, choosing a procedure and unit, 转办); step forms live in webapp.forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired


class FilterForm(FlaskForm):
    """Base of the GET filter forms: read from the query string, no CSRF token (they change nothing)."""

    class Meta:
        csrf = False

    def __init__(self, formdata, **kwargs):
        super().__init__(formdata=formdata, **kwargs)

    def selected(self, name: str) -> str | None:
        """A filter's value when it is one of its choices, else None (a stale link filters nothing)."""
        field = self[name]
        values = {str(choice.value) for choice in field.iter_choices()}
        return field.data if field.data and str(field.data) in values else None


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class InboxFilterForm(FilterForm):
    procedure = SelectField(_l("流程"), choices=[], validate_choice=False)
    unit = SelectField(_l("办理单位"), choices=[], validate_choice=False)
    below = BooleanField(_l("含下级组织"))
    own = BooleanField(_l("含我的待办"))
    overdue = BooleanField(_l("只看已逾期"))
    week = BooleanField(_l("本周到期"))
    sort = SelectField(_l("排序"), validate_choice=False,
                       choices=[SelectChoice("due", _l("期限由近到远")), SelectChoice("-due", _l("期限由远到近"))])


class CaseFilterForm(FilterForm):
    procedure = SelectField(_l("流程"), choices=[], validate_choice=False)
    status = SelectField(_l("状态"), choices=[], validate_choice=False)
    unit = SelectField(_l("所在组织"), choices=[], validate_choice=False)
    stage = SelectField(_l("阶段"), choices=[], validate_choice=False)


class MemberFilterForm(FilterForm):
    unit = SelectField(_l("所在支部"), choices=[], validate_choice=False)
    stage = SelectField(_l("阶段"), choices=[], validate_choice=False)
    waited = SelectField(_l("本阶段已历时"), choices=[], validate_choice=False)
    away = SelectField(_l("外出"), choices=[], validate_choice=False)


class ReassignForm(FlaskForm):
    assignee = SelectField(_l("转给"), coerce=int, validators=[DataRequired(message=_l("请选择接办人。"))],
                           description=_l("只能转给在本单位担任此环节办理职务的人员。"))
