"""Forms of 管理: a lane of the registry, a rule override, appointing and ending a position,
publishing a process definition.

Choices that come from the database (units, a user's positions) are filled by the view before
validating; every message is a Chinese sentence that says what to do.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, StringField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from workflows.i18n import N_
from workflows.org import POSITIONS
from workflows.routing import SELECTORS, VARIABLE_SELECTORS, check_selector
from workflows.settings import SETTINGS_BY_KEY, SettingError, validate_override

from ..templating import long_date

LANE_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")

# What each unit selector of the router picks, as the admin reads it (workflows/routing.py).
SELECTOR_LABELS = {
    "case_branch": N_("办件所在的党支部"),
    "upper_org": N_("办件所在组织的直接上级党组织"),
    "nearest_general_branch": N_("办件所在支部上级最近的党总支"),
    "approving_committee": N_("有权审批接收预备党员的最近的上级党委（基层党委或党工委）"),
    "filing_department": N_("审批党委的再上一级党委组织部门（备案）"),
    "organisation_department": N_("上级党委中最近的组织部门"),
    "unit_committee": N_("办件所在组织所属的基层党委或党工委（自身是党委时即其本身：审批党支部的成立、调整和撤销）"),
    "unit_committee_department": N_("该基层党委的再上一级党委组织部门（党支部设置备案）"),
    "upper_committee": N_("办件所在组织上级最近的党委（不含自身：批准延期或提前换届，按规则设置）"),
    "task_unit": N_("由环节数据中的变量指定的组织"),
    "case_unit": N_("由办件数据中的变量指定的组织（如组织关系转接的接收方）"),
    "approving_committee_of": N_("办件数据中的变量所指组织的审批党委（如组织关系转接的接收方基层党委）"),
}
VARIABLE_KINDS = tuple(prefix.rstrip(":") for prefix in VARIABLE_SELECTORS)


def explain_selector(selector: str) -> str:
    """A selector in Chinese: "办件所在的党支部", or "由办件数据中的变量指定的组织：变量 receiving_unit"."""
    kind, _sep, variable = selector.partition(":")
    label = SELECTOR_LABELS.get(kind)
    if label is None:
        return _("未知规则：%(selector)s", selector=selector)
    return _(label) + (_("：变量 %(name)s", name=variable) if variable else "")


def setting_error_text(err: SettingError) -> str:
    """A SettingError's Chinese sentence, with the setting labels in it translated."""
    return _(err.message, **{k: _(v) if isinstance(v, str) else v for k, v in err.params.items()})


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def position_choices() -> list[SelectChoice]:
    return _choices((key, _l(label)) for key, label in POSITIONS.items())


class LaneForm(FlaskForm):
    """Add a lane (``original_key`` empty) or change one; the key of an existing lane never changes."""

    original_key = HiddenField()
    key = StringField(_l("泳道标识"), validators=[Length(max=64)], description=_l(
        "英文小写字母、数字和下划线，以字母开头，须与流程图中泳道的 id 相同；保存后不能修改。"))
    label = StringField(_l("中文名称"), validators=[
        DataRequired(message=_l("请填写泳道的中文名称，例如“支部委员会”。")),
        Length(max=64, message=_l("中文名称不能超过 64 个字。"))])
    selector_kind = SelectField(_l("办理组织"), choices=[], validate_choice=False,
                                description=_l("待办送到哪一级组织：按办件所在支部向上查找，不指定固定的组织。"))
    selector_variable = StringField(_l("变量名"), validators=[Length(max=50)],
                                    description=_l("仅当办理组织由变量指定时填写，例如 receiving_unit。"))
    positions = SelectMultipleField(_l("可办理的职务"), choices=[], validate_choice=False,
                                    description=_l("在该组织担任所选职务的人员都能看到并办理这一泳道的待办。"))
    submit = SubmitField(_l("保存"))

    def __init__(self, *args, existing_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.existing_keys = set(existing_keys)
        self.selector_kind.choices = _choices(
            [(s, _l(SELECTOR_LABELS[s])) for s in SELECTORS] + [(k, _l(SELECTOR_LABELS[k])) for k in VARIABLE_KINDS])
        self.positions.choices = position_choices()

    @property
    def is_new(self) -> bool:
        return not self.original_key.data

    @property
    def selector(self) -> str:
        kind = (self.selector_kind.data or "").strip()
        variable = (self.selector_variable.data or "").strip()
        return f"{kind}:{variable}" if kind in VARIABLE_KINDS else kind

    def lane_key(self) -> str:
        return (self.key.data if self.is_new else self.original_key.data or "").strip()

    def validate_key(self, field) -> None:
        if not self.is_new:
            return
        key = (field.data or "").strip()
        if not key:
            raise ValidationError(_("请填写泳道标识，例如 branch_committee。"))
        if not LANE_KEY.match(key):
            raise ValidationError(_("泳道标识只能使用英文小写字母、数字和下划线，并以字母开头。"))
        if key in self.existing_keys:
            raise ValidationError(_("泳道标识“%(key)s”已经存在：请换一个标识，或在上面的列表中修改该泳道。", key=key))

    def validate_selector_kind(self, field) -> None:
        kind = (field.data or "").strip()
        if kind in VARIABLE_KINDS:
            variable = (self.selector_variable.data or "").strip()
            if not variable.isidentifier() or not variable.isascii():
                raise ValidationError(_("此办理组织由变量指定：请在“变量名”中填写英文变量名，例如 receiving_unit。"))
        try:
            check_selector(self.selector)
        except ValueError:
            raise ValidationError(_("不认识的办理组织规则“%(selector)s”，请从列表中选择。",
                                    selector=self.selector or "—")) from None

    def validate_positions(self, field) -> None:
        if not field.data:
            raise ValidationError(_("请至少选择一个可办理的职务，否则这一泳道的待办没有人能办理。"))
        unknown = [p for p in field.data if p not in POSITIONS]
        if unknown:
            raise ValidationError(_("不认识的职务：%(roles)s，请从列表中选择。", roles="、".join(unknown)))


class OverrideForm(FlaskForm):
    """Set (``save``) or remove (``remove``) one unit's own value of one rule setting."""

    unit = HiddenField(validators=[InputRequired()])
    key = HiddenField(validators=[InputRequired(message=_l("没有这项规则设置，请刷新页面后重试。"))])
    value = StringField(_l("本级设置"))
    save = SubmitField(_l("保存"))
    remove = SubmitField(_l("删除本级设置"))

    typed_value = None

    def validate_key(self, field) -> None:
        if field.data not in SETTINGS_BY_KEY:
            raise ValidationError(_("没有这项规则设置，请刷新页面后重试。"))

    def validate_value(self, field) -> None:
        if self.remove.data or self.key.data not in SETTINGS_BY_KEY:
            return
        if (field.data or "").strip() == "":
            raise ValidationError(_("请填写本级的值；若要沿用上级或默认值，请点“删除本级设置”。"))
        try:
            self.typed_value = validate_override(self.key.data, field.data)
        except SettingError as err:
            raise ValidationError(setting_error_text(err)) from None


class AddPositionForm(FlaskForm):
    unit = SelectField(_l("所在组织"), choices=[], validate_choice=False)
    role = SelectField(_l("职务"), choices=[], validate_choice=False)
    started_on = DateField(_l("任职日期"), format="%Y-%m-%d",
                           validators=[InputRequired(message=_l("请填写任职日期，格式为 YYYY-MM-DD。"))])
    add = SubmitField(_l("任命"))

    def __init__(self, *args, held=(), **kwargs):
        """``held``: the user's positions, to refuse appointing the same position twice."""
        super().__init__(*args, **kwargs)
        self.held = list(held)
        self.role.choices = [SelectChoice("", _l("请选择职务")), *position_choices()]

    def validate_unit(self, field) -> None:
        if not field.data:
            raise ValidationError(_("请选择任职的组织。"))
        if field.data not in {c.value for c in field.choices}:
            raise ValidationError(_("所选组织不存在，请重新选择。"))

    def validate_role(self, field) -> None:
        if not field.data:
            raise ValidationError(_("请选择职务。"))
        if field.data not in POSITIONS:
            raise ValidationError(_("不认识的职务，请从列表中选择。"))
        if self.unit.data and self.started_on.data:
            for p in self.held:
                if (str(p.unit_id), p.role) == (self.unit.data, field.data) and (
                        p.ended_on is None or p.ended_on >= self.started_on.data):
                    raise ValidationError(_("此人已在该组织担任此职务（自 %(since)s 起），无需重复任命。",
                                            since=long_date(p.started_on)))


class EndPositionForm(FlaskForm):
    position = HiddenField(validators=[InputRequired()])
    ended_on = DateField(_l("最后任职日"), format="%Y-%m-%d",
                         validators=[InputRequired(message=_l("请填写最后任职日，格式为 YYYY-MM-DD。"))],
                         description=_l("当日仍可办理；次日起不再显示该职务的待办。要立即停止，请填写昨天的日期。"))
    end = SubmitField(_l("免去"))

    def __init__(self, *args, held=(), **kwargs):
        """``held``: the user's positions; only one of them may be ended."""
        super().__init__(*args, **kwargs)
        self.held = {str(p.id): p for p in held}

    @property
    def chosen(self):
        return self.held.get(self.position.data or "")

    def validate_position(self, field) -> None:
        position = self.chosen
        if position is None:
            raise ValidationError(_("没有找到这项职务，请刷新页面后重试。"))
        if position.ended_on is not None:
            raise ValidationError(_("这项职务已于 %(day)s 免去。", day=long_date(position.ended_on)))

    def validate_ended_on(self, field) -> None:
        position = self.chosen
        if position is not None and field.data is not None and field.data < position.started_on:
            raise ValidationError(_("最后任职日不能早于任职日期（%(day)s）。", day=long_date(position.started_on)))


class PublishForm(FlaskForm):
    """发布新版本: a .bpmn file, checked by admin.operations.publish_definition."""

    bpmn_file = FileField(_l("BPMN 文件"), validators=[
        FileRequired(message=_l("请选择要发布的 .bpmn 文件。")),
        FileAllowed(["bpmn", "xml"], message=_l("只接受 .bpmn 或 .xml 文件。"))],
        description=_l("文件不超过 2 MB；发布前会检查 XML、表达式、泳道和表单，不通过则不作任何改动。"))
    submit = SubmitField(_l("检查并发布"))
