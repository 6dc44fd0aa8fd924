"""One form per step of 换届选举 (term_election) and 补选 (by_election), keyed by form key.

Forms check fields only (present, well-formed, in range); the election rules (seats, the competitive
slate, quorum, ballots, winners) are checked by workflows/procedures/term_election.py and by_election.py
after ``form.validate()``. Member pickers and the vote counts start with no choices: the caller fills them
(the electorate, the ballot's candidates, the new committee) before validating.
"""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from workflows.procedures.by_election import VACANCY_POSTS, VACANCY_REASONS
from workflows.procedures.term_election import ARCHIVE_ITEMS, HANDOVER_ITEMS

from .election_fields import VoteCounts
from .election_fields import member_choice as _member
from .fields import PickList
from .fields import area_field as _area
from .fields import choice_field as _choice
from .fields import count_field as _count
from .fields import date_field as _date
from .fields import options as _options
from .fields import text_field as _text
from .validators import Required

_ELE = _l("《中国共产党基层组织选举工作条例》")
_BR = _l("《中国共产党支部工作条例（试行）》")


def _pick(label, description="", required=False):
    """Several members of the electorate (none required at field level: the rules say when)."""
    validators = [Required()] if required else []
    return PickList(label, coerce=int, choices=[], validators=validators, description=description)


class PrepareForm(FlaskForm):
    """E02 支委会研究换届事宜 and the 换届请示 it sends up (RULES.md §4.3 E2–E3)."""

    committee_meeting_date = _date(_l("支委会研究日期"), description=_l("不设支委会的支部由书记召集研究"))
    committee_seats = _count(_l("委员名额"), maximum=99, description=_l(
        "支部委员会一般 3 至 5 人、最多不超过 7 人；正式党员不足 7 人的支部不设支委会，填 0（%(source)s）；"
        "总支、党委按规则设置", source=_BR))
    deputy_seats = _count(_l("副书记职数"), maximum=9,
                          description=_l("书记 1 名，必要时设副书记 1 名（%(source)s）", source=_BR))
    planned_election_date = _date(_l("计划召开党员大会日期"), description=_l("党员大会选举的期限按此日期计算"))
    nomination_method = _text(_l("候选人产生方式"), description=_l("例如：党员推荐、党小组酝酿、支委会研究确定"))
    election_rules = _area(_l("选举办法（草案）"), required=True, description=_l(
        "实行差额选举，候选人数多于应选人数的百分之二十；到会有选举权的党员超过应到会人数五分之四方可进行选举（%(source)s）",
        source=_ELE))
    work_report = _area(_l("任期工作报告（摘要）"))
    request_submitted_at = _date(_l("报送换届请示日期"))


class ReplyForm(FlaskForm):
    """E03 / B02b: the upper organisation's 批复 of a request."""

    replied_at = _date(_l("批复日期"))
    decision = _choice(_l("批复结果"), [
        ("approved", _l("同意")), ("returned", _l("退回修改")), ("refused", _l("不同意"))])
    doc_no = _text(_l("批复文号"), max_length=60)
    opinion = _area(_l("批复意见"), description=_l("退回修改或不同意时须写明意见"))


class NominateForm(FlaskForm):
    """E04 酝酿候选人: the committee fixes the 候选人预备人选 and the intended 书记/副书记, reported upwards."""

    committee_meeting_date = _date(_l("支委会研究日期"))
    recommendation_summary = _area(_l("党员推荐情况"), required=True, description=_l(
        "党员和党小组推荐的人选及推荐票数，按多数党员的意见确定候选人预备人选"))
    candidate_ids = _pick(_l("委员候选人预备人选"), _l(
        "差额选举：候选人数至少多于应选人数的百分之二十，向上取整（应选 3 名至少 4 名）；"
        "候选人须为有选举权和被选举权的正式党员；不设支委会的支部不选"))
    secretary_candidate_id = _member(_l("书记人选"), description=_l(
        "一般应具有 1 年以上党龄（%(source)s）", source=_BR))
    deputy_candidate_id = _member(_l("副书记人选"), required=False, description=_l("请示设副书记时确定"))
    reported_at = _date(_l("报上级党组织审查日期"))


class ReviewShortlistForm(FlaskForm):
    """E04b: the upper organisation reviews the candidates."""

    reviewed_at = _date(_l("审查日期"))
    decision = _choice(_l("审查结果"), [("approved", _l("同意")), ("returned", _l("退回调整"))])
    opinion = _area(_l("审查意见"), description=_l("退回调整时须写明意见"))


class AttendanceForm(FlaskForm):
    """应到会 and 实到会 of a 党员大会 that elects, with the exclusions of RULES.md §2.1."""

    election_date = _date(_l("选举日期"))
    expected_electors = _count(_l("应到会有选举权的党员人数"), description=_l(
        "党员名册中有选举权的正式党员（预备党员、受留党察看处分的党员没有选举权），减去经批准不计入的人数"))
    excluded_ids = _pick(_l("不计入应到会人数的党员"), _l(
        "因病不能表达意志、自费出国半年以上、在外工作学习半年以上等情形，经上级党组织同意并经党员大会通过，可不计入应到会人数"))
    exclusion_reasons = _area(_l("不计入的原因"))
    exclusions_upper_approved = BooleanField(_l("上级党组织已同意"))
    exclusions_assembly_approved = BooleanField(_l("党员大会已通过"))
    present_electors = _count(_l("实到会有选举权的党员人数"), description=_l(
        "须超过应到会人数的五分之四方可进行选举（%(source)s）；不足时如实填写，大会另行召开", source=_ELE))
    rules_adopted = BooleanField(_l("选举办法已经党员大会通过"))
    scrutineer_ids = _pick(_l("监票人"), _l("由党员大会通过，候选人不能担任"))
    tellers = _text(_l("计票人"))
    ballots_issued = _count(_l("发出选票"), required=False)
    ballots_returned = _count(_l("收回选票"), required=False, description=_l(
        "收回的选票多于发出的选票，选举无效，应重新选举；等于或少于的，选举有效"))
    ballots_invalid = _count(_l("无效选票"), required=False, description=_l("所选人数多于应选人数的选票为无效票"))


class BallotForm(AttendanceForm):
    """E05 / B03: one ballot of the 党员大会 (a round: the first ballot, a re-vote among the tied, a
    supplementary ballot or a repeated one). Its raw tallies are kept so the result can be recomputed."""

    seats = _count(_l("本轮应选名额"), maximum=99)
    votes = VoteCounts(_l("得票数"), choices=[], description=_l(
        "赞成票超过实到会有选举权人数（或按规则设置的应到会人数）的半数始得当选；超过半数的多于应选名额时按得票多少取前若干名，"
        "票数相等不能确定时就票数相等的候选人重新投票；当选不足应选名额时另行选举"))
    writein_notes = _area(_l("另选他人得票情况"))
    reduce_seats = BooleanField(_l("当选不足时减少名额（不另行选举）"), description=_l(
        "接近应选名额且经到会选举人半数以上同意时，可减少名额，但不得少于最少人数"))
    reduction_agreed = _count(_l("同意减少名额的人数"), required=False)
    minutes = _area(_l("会议记录"))


class ElectOfficersForm(FlaskForm):
    """E06 新一届委员会第一次全体会议: 书记 and 副书记 by 等额选举, and the duties of the 委员."""

    meeting_date = _date(_l("会议日期"))
    committee_present = _count(_l("到会委员人数"), maximum=99, description=_l("须有半数以上委员到会"))
    secretary_id = _member(_l("书记"), description=_l("一般应具有 1 年以上党龄（%(source)s）", source=_BR))
    secretary_votes = _count(_l("书记得票数"), maximum=99, description=_l("赞成票超过全体委员半数始得当选"))
    deputy_id = _member(_l("副书记"), required=False)
    deputy_votes = _count(_l("副书记得票数"), required=False, maximum=99)
    org_member_id = _member(_l("组织委员"))
    publicity_member_id = _member(_l("宣传委员"), required=False)
    discipline_member_id = _member(_l("纪检委员"), required=False)
    minutes = _area(_l("会议记录"))


class AssemblyOfficersForm(AttendanceForm):
    """E06b: a branch without a committee elects the 书记 (and 副书记) intended at E04 in its 党员大会."""

    secretary_votes = _count(_l("书记人选得票数"), required=False, description=_l(
        "赞成票超过实到会有选举权人数的半数始得当选"))
    deputy_votes = _count(_l("副书记人选得票数"), required=False)
    minutes = _area(_l("会议记录"))


class ReportForm(FlaskForm):
    """E07 / B05: the result reported to the upper organisation."""

    report_submitted_at = _date(_l("报告日期"))
    result_report = _area(_l("选举结果报告"), required=True, description=_l(
        "委员报上级党组织备案，书记、副书记报上级党组织批准（%(source)s）", source=_BR))


class ApproveResultsForm(FlaskForm):
    """E07b / B05b where the 委员 are filed (election.committee_member_result "file", the national rule):
    书记/副书记 approved (报批), 委员 filed (备案)."""

    decided_on = _date(_l("批复日期"), description=_l("批准后新一届班子即行任职，原班子成员的职务同时终止"))
    decision = _choice(_l("审批结果"), [
        ("approved", _l("批准书记、副书记，委员予以备案")), ("returned", _l("退回补正材料")),
        ("not_approved", _l("不批准书记、副书记人选"))])
    doc_no = _text(_l("批复文号"), max_length=60)
    opinion = _area(_l("意见"), description=_l("退回或不批准时须写明意见"))


class ApproveCommitteeForm(FlaskForm):
    """E07b / B05b where the superior approves the whole committee (election.committee_member_result "approve",
    [S2] 任命批复): not approving names whom, 委员 (their seats are elected again) or 书记/副书记 only."""

    decided_on = _date(_l("批复日期"), description=_l("批准后新当选的委员和书记、副书记即行任职；不批准的人选不任职"))
    decision = _choice(_l("审批结果"), [
        ("approved", _l("批准全体委员和书记、副书记（任命批复）")), ("returned", _l("退回补正材料")),
        ("not_approved", _l("不批准部分人选"))])
    refused_member_ids = _pick(_l("不批准的委员"), _l(
        "其名额由党员大会在上级党组织审查过的其余候选人中重新选举，候选人不足时重新提名"
        "（地方做法 [S2]，RULES.md §12 C16）"))
    refused_officer_ids = _pick(_l("不批准的书记、副书记人选"), _l(
        "委员资格不变，书记、副书记另行选举，不批准的人选不能再当选；不设支委会的支部重新提名书记人选"))
    doc_no = _text(_l("批复文号"), max_length=60)
    opinion = _area(_l("意见"), description=_l("退回或不批准时须写明意见"))


class HandoverForm(FlaskForm):
    """E08 交接与归档 (换届纪实资料, seed 000)."""

    handover_date = _date(_l("交接日期"))
    handover_items = PickList(_l("交接事项"), choices=_options((k, _l(v)) for k, v in HANDOVER_ITEMS.items()),
                              validators=[Required()])
    archive_items = PickList(_l("归档的换届纪实资料"), choices=_options((k, _l(v)) for k, v in ARCHIVE_ITEMS.items()),
                             validators=[Required()], description=_l(
                                 "请示、批复、候选人酝酿材料、选举办法、选票、计票单、会议记录、结果报告和批复须全部归档"))
    archived_at = _date(_l("归档日期"))
    archivist = _text(_l("经办人"))


class RegisterVacancyForm(FlaskForm):
    """B01 登记委员出缺."""

    vacancy_post = _choice(_l("出缺职务"), [(k, _l(v)) for k, v in VACANCY_POSTS.items()])
    vacated_member_id = _member(_l("出缺的委员"), required=False, description=_l(
        "其在本组织的职务自出缺日期起终止"))
    vacancy_reason = _choice(_l("出缺原因"), [(k, _l(v)) for k, v in VACANCY_REASONS.items()])
    reason_detail = _area(_l("情况说明"))
    vacancy_date = _date(_l("出缺日期"), description=_l("委员出缺应及时补选；补选期限自此日起算"))
    seats = _count(_l("补选名额"), maximum=99)


class DecideForm(FlaskForm):
    """B02 支委会提出补选意见并请示."""

    committee_meeting_date = _date(_l("支委会研究日期"))
    candidate_ids = _pick(_l("补选候选人"), _l("可以差额选举，也可以等额选举"), required=True)
    method = _choice(_l("选举方式"), [("competitive", _l("差额选举")), ("single_slate", _l("等额选举"))])
    planned_election_date = _date(_l("计划召开党员大会日期"))
    proposal = _area(_l("补选意见"))
    request_submitted_at = _date(_l("报送补选请示日期"))


class OfficerReplacementForm(FlaskForm):
    """B04: the committee elects a replacement 书记/副书记 among its members, or the upper organisation
    appoints one (指派) where truly necessary."""

    meeting_date = _date(_l("选举或指派日期"))
    method = _choice(_l("产生方式"), [("elected", _l("委员会选举")), ("appointed", _l("上级党组织指派"))])
    officer_id = _member(_l("书记或副书记人选"), description=_l(
        "在委员中产生；书记一般应具有 1 年以上党龄（%(source)s）", source=_BR))
    committee_size = _count(_l("委员总数"), required=False, maximum=99)
    committee_present = _count(_l("到会委员人数"), required=False, maximum=99)
    officer_votes = _count(_l("得票数"), required=False, maximum=99, description=_l("赞成票超过全体委员半数始得当选"))
    appointment_doc = _text(_l("指派文件"), max_length=120)
    minutes = _area(_l("会议记录"))


class ShiftRequestForm(FlaskForm):
    """P01 / P03 延期或提前换届请示 (RULES.md §4.4): why, and the new date of the election."""

    shift_kind = _choice(_l("请示事项"), [("postpone", _l("延期换届")), ("advance", _l("提前换届"))])
    new_election_date = _date(_l("拟换届时间"), description=_l(
        "延期或提前一般不超过一年（按规则设置），自本届任期按期届满之日起算；须在任期届满前报上级批准（%(source)s）",
        source=_ELE))
    reasons = _area(_l("理由"), required=True, description=_l(
        "如：多数党员外出执行任务、处于重要工作时期、需先行整顿（延期）；委员缺额较多影响工作、上级决定（提前）"))
    committee_meeting_date = _date(_l("支委会研究日期"), description=_l("不设支委会的支部由书记召集研究"))
    request_date = _date(_l("报送请示日期"))


# The step forms of the election procedures by form key (webapp/forms/__init__.py joins every procedure's).
FORMS = {
    "E02_prepare": PrepareForm,
    "E03_request_approval": ReplyForm,
    "E04_nominate": NominateForm,
    "E04b_review_shortlist": ReviewShortlistForm,
    "E05_assembly_election": BallotForm,
    "E06_elect_officers": ElectOfficersForm,
    "E06b_assembly_elect_officers": AssemblyOfficersForm,
    "E07_report_results": ReportForm,
    "E07b_approve_results": ApproveResultsForm,
    "E08_handover_archive": HandoverForm,
    "B01_register_vacancy": RegisterVacancyForm,
    "B02_decide": DecideForm,
    "B02b_reply": ReplyForm,
    "B03_assembly_by_election": BallotForm,
    "B04_officer_replacement": OfficerReplacementForm,
    "B05_report": ReportForm,
    "B05b_approve_report": ApproveResultsForm,
    "P01_request_shift": ShiftRequestForm,
    "P02_approve_shift": ReplyForm,
}

# Forms that follow a rule setting of the case's organisation: form key → (setting, {value: form}); FORMS holds
# the form of the setting's default. The superior files 委员 or approves them all (RULES.md §12 C16).
FORM_VARIANTS = {
    key: ("election.committee_member_result", {"file": ApproveResultsForm, "approve": ApproveCommitteeForm})
    for key in ("E07b_approve_results", "B05b_approve_report")
}
