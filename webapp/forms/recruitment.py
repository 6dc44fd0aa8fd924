"""One form per recruitment step (RULES.md §3.2 "Data captured"), keyed by the step's form key.

Forms check fields only (present, well-formed, in range); the rules of the procedure are checked
by ``workflows.procedures.recruitment.check`` after ``form.validate()``.  Member pickers start with
no choices: the caller fills them from the branch roster before validating.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Optional, Regexp

from workflows.procedures.recruitment_decisions import ARCHIVE_ITEMS

from .fields import PickList
from .fields import area_field as _area
from .fields import choice_field as _choice
from .fields import count_field as _count
from .fields import date_field as _date
from .fields import members_field as _members
from .fields import options as _options
from .fields import text_field as _text
from .validators import Required

_DEV = _l("《中国共产党发展党员工作细则》")  # lazy: translated where the description is shown


FILING_RESULTS = [("filed", _l("同意备案")), ("returned", _l("退回修改"))]
APPROVAL_DECISIONS = [("approved", _l("批准")), ("not_approved", _l("不批准"))]


class SubmitApplicationForm(FlaskForm):
    name = _text(_l("姓名"), required=True, max_length=50)
    gender = _choice(_l("性别"), [("male", _l("男")), ("female", _l("女"))])
    # No longer than the member record's columns (webapp/models/member.py): PostgreSQL refuses more.
    ethnicity = _text(_l("民族"), required=True, max_length=16)
    birth_date = _date(_l("出生日期"), description=_l("须年满十八周岁方可申请入党（%(source)s第五条）", source=_DEV))
    id_number = StringField(_l("身份证号码"), validators=[
        Required(), Regexp(r"^\d{17}[\dXx]$", message=_l("身份证号码应为18位"))])
    education = SelectField(_l("学历"), validators=[Required()], choices=_options([
        ("postgraduate", _l("研究生")), ("undergraduate", _l("大学本科")), ("junior_college", _l("大学专科")),
        ("secondary", _l("中专或高中")), ("junior_high_or_below", _l("初中及以下"))]))
    occupation = _text(_l("职业"), max_length=64)
    work_unit = _text(_l("工作或学习单位"), max_length=120)
    youth_league_member = BooleanField(_l("共青团员"))
    phone = StringField(_l("联系电话"), validators=[Optional(), Regexp(r"^[\d+\- ]{5,20}$",
                                                                       message=_l("请填写有效的电话号码"))])
    application_letter_received = BooleanField(
        _l("已收到书面入党申请书"), description=_l("入党申请须以书面形式提出（%(source)s第六条）", source=_DEV))
    application_date = _date(_l("递交入党申请书日期"), description=_l("党组织收到入党申请书的日期"))


class InitialTalkForm(FlaskForm):
    talk_date = _date(_l("谈话日期"), description=_l(
        "收到入党申请书后一个月内派人谈话（%(source)s第七条）", source=_DEV))
    talker_ids = _members(_l("谈话人"))
    place = _text(_l("谈话地点"))
    summary = _area(_l("谈话情况"), required=True)
    applicant_remarks = _area(_l("申请人意见"))


class DesignateActivistForm(FlaskForm):
    recommendation_type = _choice(_l("推荐方式"), [
        ("member", _l("党员推荐")), ("league", _l("团组织推优")), ("mass_org", _l("群团组织推荐"))],
        description=_l("采取党员推荐、群团组织推优等方式产生人选（%(source)s第八条）", source=_DEV))
    recommender = _text(_l("推荐人或推荐组织"))
    recommendation_date = _date(_l("推荐日期"), required=False)
    committee_meeting_date = _date(_l("支委会会议日期"))
    decision = _choice(_l("支委会决定"), [("designate", _l("确定为入党积极分子")), ("defer", _l("暂缓确定"))])
    activist_date = _date(_l("确定为入党积极分子日期"), required=False, description=_l("确定时必填"))


class FilingForm(FlaskForm):
    submitted_at = _date(_l("报送日期"))
    acknowledged_at = _date(_l("回执日期"), required=False)
    acknowledged_by = _text(_l("经办人"))
    result = _choice(_l("备案结果"), FILING_RESULTS)
    comments = _area(_l("意见"), description=_l("退回修改时须写明需要补正的内容"))


class FileCandidateForm(FilingForm):
    consent = BooleanField(_l("备案同意列为发展对象"))


class AssignMentorsForm(FlaskForm):
    mentor_ids = _members(_l("培养联系人"), description=_l("一至二名正式党员（%(source)s第九条）", source=_DEV))
    assigned_at = _date(_l("指定日期"))


class ReviewCycleForm(FlaskForm):
    review_date = _date(_l("考察日期"))
    period_start = _date(_l("考察期开始"), required=False)
    period_end = _date(_l("考察期结束"), required=False)
    thought_reports = _area(_l("思想汇报情况"))
    activities = _area(_l("参加活动情况"))
    mentor_opinion = _area(_l("培养联系人意见"))
    group_opinion = _area(_l("党小组意见"))
    branch_assessment = _area(_l("支部考察意见"), required=True)


class CultivationReviewForm(ReviewCycleForm):
    cultivation_next = _choice(_l("下一步"), [
        ("review_again", _l("继续培养考察")), ("propose_candidate", _l("提请确定为发展对象"))],
        description=_l("培养教育考察的结论；每半年一次的支部定期考察到期时另行送达待办（%(source)s第十一条）",
                       source=_DEV))


class PeriodicReviewForm(ReviewCycleForm):
    """R06b, R21b: the branch's review when its interval comes round (细则第十一条: 每半年; 预备党员每季度 [L])."""


class DesignateCandidateForm(FlaskForm):
    group_opinion = _area(_l("党小组意见"), required=True)
    mentor_opinion = _area(_l("培养联系人意见"), required=True)
    members_and_masses_method = _text(_l("听取党员和群众意见的方式"))
    members_and_masses_participants = _text(_l("参加人员"))
    members_and_masses_summary = _area(_l("党员和群众意见"), required=True)
    committee_meeting_date = _date(_l("支委会会议日期"))
    candidate_date = _date(_l("确定为发展对象日期"), description=_l(
        "须经过一年以上培养教育和考察（%(source)s第十三条）", source=_DEV))
    quota_ref = _text(_l("发展计划编号"))


class AssignSponsorsForm(FlaskForm):
    sponsor_ids = _members(_l("入党介绍人"), description=_l(
        "两名正式党员；受留党察看处分尚未恢复党员权利的不能担任（%(source)s第十四条）", source=_DEV))
    assigned_at = _date(_l("确定日期"))


class PoliticalReviewForm(FlaskForm):
    inquiries = _area(_l("函调、外调情况"))
    archive_check = _area(_l("查阅档案情况"))
    conclusion = _choice(_l("审查结论"), [
        ("pass", _l("合格")), ("fail", _l("不合格")), ("needs_more", _l("需进一步审查"))],
        description=_l("未经政治审查或审查不合格的，不能发展入党（%(source)s第十六条）", source=_DEV))
    conclusion_doc = _area(_l("结论性材料"), description=_l("审查合格或不合格时须形成书面结论"))
    concluded_at = _date(_l("结论日期"), required=False)
    concluded_by = _text(_l("审查人"))


class IntensiveTrainingForm(FlaskForm):
    class_id = _text(_l("培训班次"))
    organiser_org = _text(_l("举办单位"))
    start = _date(_l("开始日期"), required=False)
    end = _date(_l("结束日期"), required=False)
    hours = _count(_l("学时"), required=False, maximum=1000, description=_l(
        "一般不少于三天或二十四学时（%(source)s第十七条）", source=_DEV))
    attendance = _text(_l("出勤情况"))
    assessment = _text(_l("考核结果"))
    certificate_no = _text(_l("结业证书编号"))
    training_exemption = BooleanField(_l("个别特殊情况未参加培训"))
    training_exemption_reason = _area(_l("特殊情况说明"))
    training_exemption_approved_by = _text(_l("批准人"))


class CommitteeReviewForm(FlaskForm):
    review_report = _area(_l("审查情况"), required=True)
    opinion_summary = _area(_l("党员和群众意见"))
    committee_meeting_date = _date(_l("支委会会议日期"))
    decision = _choice(_l("审查结论"), [("qualified", _l("合格")), ("not_qualified", _l("不合格"))])


class PreReviewForm(FlaskForm):
    received_at = _date(_l("收到材料日期"), required=False)
    decided_at = _date(_l("预审日期"))
    result = _choice(_l("预审结果"), [("pass", _l("合格")), ("fail", _l("不合格")), ("return", _l("退回补充材料"))])
    opinion = _area(_l("预审意见"), required=True)
    consulted_depts = _text(_l("听取意见的部门"))
    expected_leave_date = _date(_l("预计离开工作、学习单位日期"), required=False, description=_l(
        "未来三个月内将离开的，一般不办理接收预备党员手续（%(source)s第十九条）", source=_DEV))
    leave_override_reason = _area(_l("确需办理的特殊情况说明"))
    admission_form_no = _text(_l("入党志愿书编号"))
    issued_at = _date(_l("发放志愿书日期"), required=False)


class FillAdmissionFormForm(FlaskForm):
    admission_form_no = _text(_l("入党志愿书编号"), required=True)
    filled_at = _date(_l("填写日期"))
    sponsor_opinions = _area(_l("入党介绍人意见"))


class VoteForm(FlaskForm):
    expected_voting = _count(_l("应到会有表决权人数"), description=_l("本支部有表决权的正式党员人数"))
    present_voting = _count(_l("实到会有表决权人数"), description=_l(
        "须超过应到会人数的半数（%(source)s第二十一条）", source=_DEV))
    yes = _count(_l("赞成票"))
    no = _count(_l("反对票"))
    abstain = _count(_l("弃权票"))
    written_yes = _count(_l("书面赞成意见"), required=False, description=_l("因故不能到会者会前正式提交的书面意见"))
    written_no = _count(_l("书面反对意见"), required=False)
    resolution_text = _area(_l("支部大会决议"), required=True)
    resolution_date = _date(_l("决议日期"))


class AssemblyRegularizationVoteForm(VoteForm):
    outcome = _choice(_l("表决事项"), [
        ("regularize", _l("按期转正")), ("extend", _l("延长预备期")), ("revoke", _l("取消预备党员资格"))])
    extension_months = _count(_l("延长月数"), required=False, maximum=24, description=_l(
        "只能延长一次，不少于半年、不超过一年（《中国共产党章程》第七条）"))
    reasons = _area(_l("理由"))


class IntermediateDeliberationForm(FlaskForm):
    deliberating_org = _text(_l("审议组织"), required=True)
    opinion = _area(_l("审议意见"), required=True)
    deliberated_on = _date(_l("审议日期"))


class CommitteeTalkForm(FlaskForm):
    talker_id = SelectField(_l("谈话人"), coerce=int, choices=[], validators=[Required()],
                            description=_l("党委委员或组织员"))
    talk_date = _date(_l("谈话日期"))
    summary = _area(_l("谈话情况"), required=True)
    opinion = _area(_l("谈话人意见"), required=True)


class CommitteeApprovalForm(FlaskForm):
    committee_meeting_date = _date(_l("党委会会议日期"), required=False)
    decided_on = _date(_l("审批日期"), description=_l("收到支部大会决议后三个月内审批，最长不超过六个月"))
    decision = _choice(_l("审批结果"), [*APPROVAL_DECISIONS, ("lapsed", _l("逾期失效，重新提交支部大会"))])
    votes_per_candidate = _text(_l("党委会表决情况"))
    notice_sent_at = _date(_l("通知日期"), required=False)
    announced_at = _date(_l("党员大会宣布日期"), required=False)


class FileUpperDepartmentForm(FlaskForm):
    filing_report = _area(_l("备案报告"))
    filed_at = _date(_l("报送日期"))
    acknowledged_at = _date(_l("回执日期"), required=False)
    result = _choice(_l("备案结果"), FILING_RESULTS)
    comments = _area(_l("意见"), description=_l("退回修改时须写明需要补正的内容"))


class AssignBranchGroupForm(FlaskForm):
    branch_id = SelectField(_l("编入党支部"), coerce=int, choices=[], validators=[Required()])
    group_id = SelectField(_l("编入党小组"), coerce=int, choices=[], validators=[Optional()])
    assigned_at = _date(_l("编入日期"))


class OathForm(FlaskForm):
    oath_date = _date(_l("宣誓日期"), description=_l("面向党旗进行入党宣誓（《中国共产党章程》第六条）"))
    place = _text(_l("地点"))
    host = _text(_l("领誓人"))
    participants = _area(_l("参加人员"))


class ProbationReviewForm(ReviewCycleForm):
    discipline_events = _area(_l("违纪情况"))
    probation_next = _choice(_l("下一步"), [
        ("review_again", _l("继续考察")), ("probation_ending", _l("预备期将满，进入转正程序"))])


class RegularizationApplicationForm(FlaskForm):
    application_date = _date(_l("转正申请日期"), description=_l("预备期满时提出书面转正申请"))


class CommitteeRegularizationApprovalForm(FlaskForm):
    committee_meeting_date = _date(_l("党委会会议日期"), required=False)
    decided_on = _date(_l("审批日期"), description=_l("党龄自预备期满之日算起（《中国共产党章程》第七条）"))
    decision = _choice(_l("审批结果"), APPROVAL_DECISIONS)
    notice_sent_at = _date(_l("通知日期"), required=False)


class ArchiveDossierForm(FlaskForm):
    archive_items = PickList(_l("归档材料"), choices=_options((k, _l(v)) for k, v in ARCHIVE_ITEMS.items()),
                         validators=[Required()])
    destination = _choice(_l("归档去向"), [("personnel_file", _l("人事档案")), ("party_file", _l("党员档案"))])
    archived_at = _date(_l("归档日期"))
    archivist = _text(_l("经办人"))


# The step forms of recruitment by form key (webapp/forms/__init__.py joins every procedure's).
FORMS = {
    "R01_submit_application": SubmitApplicationForm,
    "R02_initial_talk": InitialTalkForm,
    "R03_designate_activist": DesignateActivistForm,
    "R04_file_activist": FilingForm,
    "R05_assign_mentors": AssignMentorsForm,
    "R06_cultivation_review": CultivationReviewForm,
    "periodic_review": PeriodicReviewForm,
    "R07_designate_candidate": DesignateCandidateForm,
    "R08_file_candidate": FileCandidateForm,
    "R09_assign_sponsors": AssignSponsorsForm,
    "R10_political_review": PoliticalReviewForm,
    "R11_intensive_training": IntensiveTrainingForm,
    "R12_committee_review": CommitteeReviewForm,
    "R13_pre_review": PreReviewForm,
    "R14_fill_admission_form": FillAdmissionFormForm,
    "R15_assembly_admission_vote": VoteForm,
    "intermediate_deliberation": IntermediateDeliberationForm,
    "R16_committee_talk": CommitteeTalkForm,
    "R17_committee_approval": CommitteeApprovalForm,
    "R18_file_upper_department": FileUpperDepartmentForm,
    "R19_assign_branch_group": AssignBranchGroupForm,
    "R20_oath": OathForm,
    "R21_probation_review": ProbationReviewForm,
    "R22_regularization_application": RegularizationApplicationForm,
    "R23_assembly_regularization_vote": AssemblyRegularizationVoteForm,
    "R24_committee_regularization_approval": CommitteeRegularizationApprovalForm,
    "R25_archive_dossier": ArchiveDossierForm,
}
