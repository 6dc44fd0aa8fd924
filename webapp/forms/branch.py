"""The step forms of 党支部设置 (RULES.md §6): setting up, changing and dissolving a branch.

Forms check fields only; the rules (thresholds, names, the secretary, the roster) are checked by
workflows/procedures/branch_*.py. Pickers start empty: webapp/cases/formkit.py fills them for the
case's unit (the units below it, its members, the branches a member may go to).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from workflows.procedures.branch_dissolution import GROUNDS, HANDOVER_ITEMS
from workflows.procedures.branch_setup import BRANCH_TYPES, COMMITTEE_PLANS

from .fields import PickList
from .fields import area_field as _area
from .fields import choice_field as _choice
from .fields import count_field as _count
from .fields import date_field as _date
from .fields import members_field as _members
from .fields import options as _options
from .fields import pick_field as _pick
from .fields import text_field as _text
from .validators import Required

_BR = _l("《中国共产党支部工作条例（试行）》")
REPLY_DECISIONS = [("approved", _l("批准")), ("returned", _l("退回修改")), ("refused", _l("不予批准"))]
FILING_RESULTS = [("filed", _l("同意备案")), ("returned", _l("退回补正"))]


class SetupRequestForm(FlaskForm):
    branch_name = _text(_l("拟成立党支部名称"), required=True, max_length=120)
    branch_type = _choice(_l("类型"), [(key, _l(label)) for key, label in BRANCH_TYPES.items()], description=_l(
        "正式党员3人以上的单独成立党支部；不足3人的，与邻近单位联合成立联合党支部；为完成专项任务可成立临时党支部"
        "（《中国共产党章程》第三十条、%(source)s）", source=_BR))
    parent_id = _pick(_l("隶属"), description=_l("新党支部的上级组织：党总支或基层党委"))
    unit_description = _area(_l("单位性质和人员情况"))
    # No longer than the unit's column (webapp/models/org.py): PostgreSQL refuses more.
    covered_units = _area(_l("联合的单位"), max_length=500, description=_l(
        "联合党支部必填：各单位名称，用顿号或换行分隔，一般不超过5个（%(source)s）", source=_BR))
    full_member_count = _count(_l("正式党员人数"), maximum=10000, description=_l(
        "不少于3人；7人以上的设立支部委员会（%(source)s）", source=_BR))
    probationary_member_count = _count(_l("预备党员人数"), maximum=10000)
    size_reason = _area(_l("党员超过50人的理由"), description=_l("党支部党员一般不超过50人（%(source)s）", source=_BR))
    committee_plan = _choice(_l("支委会设置"), [(key, _l(label)) for key, label in COMMITTEE_PLANS.items()],
                             description=_l("正式党员7人以上的设立支部委员会；不足7人的不设支委会，设书记一名"))
    secretary_id = _pick(_l("书记人选"), required=False, description=_l(
        "正式党员，一般有1年以上党龄（%(source)s）；不设支委会的和临时党支部必填", source=_BR))
    member_ids = _members(_l("转入新党支部的党员"), required=False, description=_l(
        "本组织及下级组织的党员，批准后转入；临时党支部党员的组织关系不转接，不选"))
    temporary_task = _area(_l("临时任务"), description=_l("临时党支部必填：承担的任务和党员来源"))
    temporary_until = _date(_l("临时党支部撤销日期"), required=False, description=_l(
        "临时党支部必填：任务结束之日，届时自动撤销"))
    reasons = _area(_l("成立理由"), required=True)
    meeting_date = _date(_l("研究决定日期"), required=False, description=_l("本组织开会研究同意的日期"))
    requested_on = _date(_l("请示日期"))


class ReplyForm(FlaskForm):
    meeting_date = _date(_l("党委会会议日期"), required=False)
    decided_on = _date(_l("批复日期"))
    decision = _choice(_l("批复意见"), REPLY_DECISIONS)
    doc_no = _text(_l("批复文号"), max_length=60)
    comments = _area(_l("意见"), description=_l("退回修改或不予批准时须写明理由"))


class SetupReplyForm(ReplyForm):
    decided_on = _date(_l("批复日期"), description=_l(
        "上级党组织收到请示后一般在1个月内批复（%(source)s）", source=_BR))


class FilingForm(FlaskForm):
    filed_at = _date(_l("备案日期"))
    filing_no = _text(_l("备案编号"), max_length=60)
    result = _choice(_l("备案结果"), FILING_RESULTS)
    comments = _area(_l("意见"), description=_l("退回补正时须写明需要补正的内容"))


class CorrectFilingForm(FlaskForm):
    correction = _area(_l("补正情况"), required=True)
    corrected_on = _date(_l("补正日期"))


class ChangeRequestForm(FlaskForm):
    change_kind = _choice(_l("调整事项"), [
        ("rename", _l("更名")), ("move", _l("改变隶属关系")), ("upgrade", _l("升格为党总支")),
        ("split", _l("拆分为两个党支部")), ("merge", _l("并入其他党支部"))])
    new_name = _text(_l("新名称"), max_length=120, description=_l("更名时填新名称；拆分时填新党支部的名称"))
    new_parent_id = _pick(_l("改隶的上级组织"), required=False, description=_l("改变隶属关系时必选"))
    target_unit_id = _pick(_l("并入的党支部"), required=False, description=_l(
        "并入时必选：本支部的党员全部转入该支部，本支部撤销"))
    member_ids = _members(_l("转入新党支部的人员"), required=False, description=_l(
        "拆分时必选：拆分后两个党支部的正式党员都不少于3人"))
    new_secretary_id = _pick(_l("新党支部书记人选"), required=False, description=_l(
        "拆分时可选：转入新党支部的正式党员，一般有1年以上党龄"))
    upgrade_reason = _area(_l("设立党总支的理由"), description=_l(
        "党员超过50人的可以设立党总支；不足50人的须说明工作需要（%(source)s）", source=_BR))
    reasons = _area(_l("调整理由"), required=True)
    requested_on = _date(_l("请示日期"))


class DissolutionProposalForm(FlaskForm):
    grounds = _choice(_l("撤销原因"), [(key, _l(label)) for key, label in GROUNDS.items()])
    reasons = _area(_l("情况说明和党员去向"), required=True)
    requested_on = _date(_l("请示日期"))


class TransferMembersForm(FlaskForm):
    member_ids = _members(_l("转出的人员"), description=_l(
        "本支部名册中的党员和入党申请人等；每次转入一个党支部，可分几次转完。每个党员都必须编入党的一个支部"
        "（《中国共产党章程》第八条）"))
    target_unit_id = _pick(_l("转入党支部"))
    transferred_on = _date(_l("转接日期"))


class HandoverForm(FlaskForm):
    items = PickList(_l("移交的材料"), choices=_options((key, _l(label)) for key, label in HANDOVER_ITEMS.items()),
                     validators=[Required()])
    receiver = _text(_l("接收人"), required=True, max_length=60)
    handed_over_on = _date(_l("移交日期"))
    notes = _area(_l("说明"), description=_l("有材料未移交的，须说明情况"))


class CloseBranchForm(FlaskForm):
    outcome = _choice(_l("办理结果"), [("close", _l("撤销党支部")), ("transfer_more", _l("继续转接组织关系"))],
                      description=_l("名册中还有人员的，不能撤销"))
    closed_on = _date(_l("撤销日期"))
    archive_place = _text(_l("档案存放"), max_length=120)


FORMS = {
    "O01_submit_request": SetupRequestForm,
    "O02_superior_reply": SetupReplyForm,
    "O04_file_setup": FilingForm,
    "O04b_correct_filing": CorrectFilingForm,
    "O21_submit_change": ChangeRequestForm,
    "O22_superior_reply": ReplyForm,
    "O23_file_change": FilingForm,
    "O23b_correct_filing": CorrectFilingForm,
    "O11_propose_dissolution": DissolutionProposalForm,
    "O12_superior_reply": ReplyForm,
    "O12f_file_dissolution": FilingForm,
    "O13_transfer_members": TransferMembersForm,
    "O14_handover": HandoverForm,
    "O15_close_branch": CloseBranchForm,
}
