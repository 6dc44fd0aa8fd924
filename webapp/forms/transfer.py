"""One form per step of 组织关系转接 (RULES.md §5.4 "Data"), keyed by the step's form key.

Forms check fields only (present, well-formed, in range); the rules of the procedure (dues paid up
to the month of transfer, the letter's validity, the receiving branch under the receiving committee)
are checked by ``workflows.procedures.transfer.check`` after ``form.validate()``. Pickers start with no
choices: formkit fills them (the branch's members, the units of the tree).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional, Regexp

from workflows.procedures.transfer_rules import TRANSFER_KINDS

from .fields import area_field as _area
from .fields import choice_field as _choice
from .fields import count_field as _count
from .fields import date_field as _date
from .fields import text_field as _text
from .validators import Required

_EDU = _l("《中国共产党党员教育管理工作条例》")
_LTR = _l("组通字〔2006〕45号")


def optional_id(value):
    """A picked unit id, or None for the blank choice."""
    return int(value) if value not in (None, "", "None") else None


def _unit_picker(label, required=False, description=""):
    return SelectField(label, coerce=optional_id, choices=[], validators=[Required() if required else Optional()],
                       description=description)


REASONS = [("job_change", _l("工作调动")), ("study", _l("升学或毕业")), ("retirement", _l("退休")),
           ("residence", _l("居住地变动")), ("away", _l("外出六个月以上")), ("other", _l("其他"))]


class TransferRequestForm(FlaskForm):
    member_id = SelectField(_l("党员"), coerce=int, choices=[], validators=[Required()],
                            description=_l("本支部的正式党员或预备党员"))
    transfer_kind = _choice(_l("转接类型"), [(key, _l(label)) for key, label in TRANSFER_KINDS], description=_l(
        "工作单位、居住地变动或外出六个月以上须转接组织关系（%(source)s第二十五条）", source=_EDU))
    reason = _choice(_l("转接原因"), REASONS)
    receiving_unit_id = _unit_picker(_l("接收组织"), description=_l(
        "党委内部转接选接收党支部；转往本系统其他党委选接收党委或其所属支部"))
    destination_org_title = _text(_l("介绍信抬头（接收党组织）"), max_length=200,
                                  description=_l("跨系统转出时必填，如“中共某某市委组织部”"))
    destination = _text(_l("去向（工作单位或流入地）"), max_length=200,
                        description=_l("跨系统转出和流动党员必填"))
    expected_move_date = _date(_l("预计转出日期"), required=False)
    contact = StringField(_l("党员联系电话"), validators=[Optional(), Regexp(r"^[\d+\- ]{5,20}$",
                                                                         message=_l("请填写有效的电话号码"))])
    note = _area(_l("说明"))


class BranchCheckForm(FlaskForm):
    checked_on = _date(_l("审核日期"))
    dues_paid_until = _text(_l("党费交至（年月）"), max_length=7, description=_l(
        "格式 YYYY-MM；党费应交至转出当月（地方实施办法）"))
    standing_checked = BooleanField(_l("已核实组织生活、纪律和党费情况"))
    probation_record = _area(_l("预备期起止和考察情况（预备党员）"), description=_l(
        "预备党员转接时，入党材料和考察情况随转（%(source)s）", source=_LTR))
    dossier_items = _area(_l("随转材料"))
    decision = _choice(_l("审核意见"), [("submit", _l("同意转出，报党委")), ("cancel", _l("撤销转接"))])
    comment = _area(_l("意见"))


class IssueLetterForm(FlaskForm):
    letter_no = _text(_l("介绍信编号"), required=True, max_length=64)
    issued_on = _date(_l("开具日期"))
    valid_days = _count(_l("有效期（天）"), required=False, maximum=1000, description=_l(
        "不填按规则设置（默认 90 天，一般不超过3个月）；同城、外地可写更短的天数"))
    to_title = _text(_l("抬头（接收党组织）"), required=True, max_length=200, description=_l(
        "按规则设置须经组织部门转接时，党委的介绍信抬头写上级组织部门，由组织部门开具给接收党委的介绍信"))
    issuer_contact = _text(_l("开具单位联系电话"), max_length=32)


class IssueMobileCardForm(FlaskForm):
    card_no = _text(_l("流动党员活动证编号"), required=True, max_length=64)
    issued_on = _date(_l("发放日期"))
    destination = _text(_l("流入地"), required=True, max_length=200)
    flow_in_org = _text(_l("流入地党组织"), max_length=200, description=_l("流入地主管、流出地协管（双重管理）"))
    away_since = _date(_l("外出日期"))


class AcceptForm(FlaskForm):
    decision = _choice(_l("接收意见"), [("accept", _l("同意接收")), ("refuse", _l("不予接收"))], description=_l(
        "不得无故拒转拒接（%(source)s）", source=_EDU))
    decided_on = _date(_l("办理日期"))
    reported_on = _date(_l("党员报到日期"), required=False, description=_l("须在介绍信有效期内报到"))
    branch_id = _unit_picker(_l("编入党支部"), description=_l("接收党委所属的党支部"))
    group_id = _unit_picker(_l("编入党小组"))
    with_certificate = BooleanField(_l("凭原党支部证明接收（介绍信已过期）"))
    refusal_reason = _area(_l("不予接收的理由"), description=_l("不予接收时必填"))


class WithdrawForm(FlaskForm):
    withdrawn_on = _date(_l("撤销日期"))
    reason = _area(_l("撤销原因"), required=True)


class RegisterForm(FlaskForm):
    registered_on = _date(_l("编入日期"))
    note = _area(_l("说明"))


class ReceiptByPostForm(FlaskForm):
    outcome = _choice(_l("回执情况"), [("received", _l("收到回执")), ("refused", _l("接收方退回"))])
    received_on = _date(_l("收到日期"))
    refusal_reason = _area(_l("退回理由"), description=_l("接收方退回时必填"))


class ReceiptForm(FlaskForm):
    received_on = _date(_l("回执收到日期"), description=_l("回执粘贴在存根处（%(source)s）", source=_LTR))
    note = _area(_l("说明"))


class AfterRefusalForm(FlaskForm):
    decision = _choice(_l("处理"), [("redo", _l("重新办理")), ("cancel", _l("撤销转接"))])
    decided_on = _date(_l("处理日期"))
    note = _area(_l("说明"))


class ExpiredLetterForm(FlaskForm):
    decision = _choice(_l("处理方式"), [("reissue", _l("重新开具介绍信（原介绍信作废）")),
                                      ("certificate", _l("由原支部出具证明，接收方凭证明接收"))])
    decided_on = _date(_l("处理日期"))
    letter_no = _text(_l("新介绍信编号"), max_length=64, description=_l("重新开具时必填"))
    issued_on = _date(_l("新介绍信开具日期"), required=False)
    valid_days = _count(_l("有效期（天）"), required=False, maximum=1000)
    note = _area(_l("说明"))


FORMS = {
    "T01_request": TransferRequestForm,
    "T02_branch_check": BranchCheckForm,
    "T03_issue_letter": IssueLetterForm,
    "T03m_issue_mobile_card": IssueMobileCardForm,
    "T05_accept": AcceptForm,
    "T05w_withdraw": WithdrawForm,
    "T06_register": RegisterForm,
    "T06c_receipt_by_post": ReceiptByPostForm,
    "T07_receipt": ReceiptForm,
    "T08_after_refusal": AfterRefusalForm,
    "T09_expired_letter": ExpiredLetterForm,
}

