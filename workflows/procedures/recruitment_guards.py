"""Hard guards (**G**) of recruitment stages 1–4a (R01–R13, and the filings R04/R08/R18),
RULES.md §3.2 and §3.3.

Each guard gets form data that already passed the field checks of ``recruitment_data.STEP_FIELDS``
(required answers present, dates well-formed, members known) and returns the violated rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from workflows.calendar import add_months, add_years, age_on, parse_date
from workflows.guards import (
    StepContext,
    Violation,
    date_value,
    ineligible_members,
    is_present,
    member_ids,
    needed_case_date,
    not_before,
    required_when,
    setting_violation,
    violation,
)
from workflows.i18n import N_

_DEV = "《发展党员工作细则》"


def _submit_application(data, ctx: StepContext) -> list[Violation]:
    problems = []
    birth, applied = date_value(data, "birth_date"), date_value(data, "application_date")
    years = ctx.settings["min_age_years"]
    if age_on(birth, applied) < years:  # 党章第一条、细则第五条: 年满十八岁
        problems.append(setting_violation(
            "application_date",
            N_("申请入党须年满%(years)s周岁（《中国共产党章程》第一条、《中国共产党发展党员工作细则》"
               "第五条）：最早可于 %(earliest)s 提出申请"),
            "min_age_years", years=years, earliest=add_years(birth, years)))
    if not data.get("application_letter_received"):  # 细则第六条: 书面入党申请
        problems.append(violation("application_letter_received",
                                  N_("须递交书面入党申请书（《中国共产党发展党员工作细则》第六条）"),
                                  "application_letter", _DEV + "第六条 [N-DEV]"))
    id_birth = _birth_date_in_id_number(data.get("id_number"))
    if id_birth is not None and id_birth != birth:
        problems.append(violation("id_number", N_("身份证号码中的出生日期（%(id_birth)s）与所填出生日期不一致"),
                                  "id_number", "", id_birth=id_birth))
    return problems


def _birth_date_in_id_number(id_number: Any) -> date | None:
    text = str(id_number or "").strip()
    if len(text) != 18:
        return None
    try:
        return parse_date(f"{text[6:10]}-{text[10:12]}-{text[12:14]}")
    except ValueError:
        return None


def _initial_talk(data, ctx: StepContext) -> list[Violation]:
    return not_before(data, "talk_date", ctx.case_date("application_date"),
                      N_("谈话日期不能早于递交入党申请书的日期（%(earliest)s）"))


def _designate_activist(data, ctx: StepContext) -> list[Violation]:
    if data["decision"] != "designate":
        return []
    problems = required_when(data, "activist_date")
    applied = needed_case_date(ctx, "application_date", problems)
    if problems:
        return problems
    months = ctx.settings["activist.min_months_after_application"]
    earliest = add_months(applied, months)  # local minimum wait after the application [L]
    if date_value(data, "activist_date") < earliest:
        problems.append(setting_violation(
            "activist_date", N_("递交入党申请书满%(months)s个月后方可确定为入党积极分子：最早可选 %(earliest)s"),
            "activist.min_months_after_application", months=months, earliest=earliest))
    return problems + not_before(data, "activist_date", date_value(data, "committee_meeting_date"),
                                 N_("确定入党积极分子的日期不能早于支委会会议日期（%(earliest)s）"))


def _filing(data, ctx: StepContext) -> list[Violation]:
    # RULES.md §2.4: a return for correction always says what to correct
    problems = required_when(data, "comments") if data["result"] == "returned" else []
    sent = date_value(data, "submitted_at") or date_value(data, "filed_at")
    return problems + not_before(data, "acknowledged_at", sent,
                                 N_("回执日期不能早于报送日期（%(earliest)s）"))


def _assign_mentors(data, ctx: StepContext) -> list[Violation]:
    ids = member_ids(data["mentor_ids"])
    low, high = ctx.settings["mentor_count.min"], ctx.settings["mentor_count.max"]
    problems = []
    if not low <= len(ids) <= high:  # 细则第九条: 一至二名正式党员作培养联系人
        problems.append(setting_violation(
            "mentor_ids", N_("须指定%(low)s至%(high)s名培养联系人（《中国共产党发展党员工作细则》第九条），"
                             "现为%(count)s名"), "mentor_count.max", low=low, high=high, count=len(ids)))
    return problems + ineligible_members("mentor_ids", ids, ctx, N_("培养联系人"),
                                         N_("《中国共产党发展党员工作细则》第九条"))


def _review_cycle(data, ctx: StepContext) -> list[Violation]:
    return not_before(data, "period_end", date_value(data, "period_start"),
                      N_("考察期结束日期不能早于开始日期（%(earliest)s）"))


def _designate_candidate(data, ctx: StepContext) -> list[Violation]:
    problems: list[Violation] = []
    activist = needed_case_date(ctx, "activist_date", problems)
    if activist is None:
        return problems
    years = ctx.settings["candidate.min_cultivation_years"]
    earliest = add_years(activist, years)  # 细则第十三条: 经过一年以上培养教育和考察
    if date_value(data, "candidate_date") < earliest:
        problems.append(setting_violation(
            "candidate_date", N_("培养教育考察须满%(years)s年方可确定为发展对象（《中国共产党发展党员工作细则》"
                                 "第十三条）：最早可选 %(earliest)s"),
            "candidate.min_cultivation_years", years=years, earliest=earliest))
    return problems


def _assign_sponsors(data, ctx: StepContext) -> list[Violation]:
    ids = member_ids(data["sponsor_ids"])
    count = ctx.settings["sponsor_count"]
    problems = []
    if len(ids) != count:  # 党章第五条、细则第十四条: 两名正式党员作入党介绍人
        problems.append(setting_violation(
            "sponsor_ids", N_("入党介绍人须为%(count)s名正式党员（《中国共产党章程》第五条、"
                              "《中国共产党发展党员工作细则》第十四条），现为%(actual)s名"),
            "sponsor_count", count=count, actual=len(ids)))
    # 细则第十四条: 受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人
    return problems + ineligible_members("sponsor_ids", ids, ctx, N_("入党介绍人"),
                                         N_("《中国共产党发展党员工作细则》第十四条"), need_voting_rights=True)


def _political_review(data, ctx: StepContext) -> list[Violation]:
    # 细则第十六条: 政治审查应当形成结论性材料
    conclusion = data["conclusion"]
    problems = required_when(data, "concluded_at") if conclusion == "pass" else []
    if conclusion in ("pass", "fail"):
        problems += required_when(data, "conclusion_doc")
    return problems


def training_days(data: Mapping[str, Any]) -> int:
    """Calendar days of the training, both ends included (0 when the dates are missing or reversed)."""
    start, end = date_value(data, "start"), date_value(data, "end")
    return (end - start).days + 1 if start and end and end >= start else 0


def training_ok(data: Mapping[str, Any], settings: Mapping[str, Any]) -> bool:
    """Training meets 细则第十七条 (≥ min days OR ≥ min hours), or is exempted with a reason."""
    if data.get("training_exemption"):
        return is_present(data.get("training_exemption_reason"))
    return (training_days(data) >= settings["training.min_days"]
            or int(data.get("hours") or 0) >= settings["training.min_hours"])


def _intensive_training(data, ctx: StepContext) -> list[Violation]:
    if data.get("training_exemption"):  # 细则第十七条: 除个别特殊情况外
        return required_when(data, "training_exemption_reason")
    problems = required_when(data, "start") + required_when(data, "end")
    problems = problems or not_before(data, "end", date_value(data, "start"),
                                      N_("培训结束日期不能早于开始日期（%(earliest)s）"))
    if not problems and not training_ok(data, ctx.settings):
        problems.append(setting_violation(
            "hours", N_("集中培训一般不少于%(min_days)s天或%(min_hours)s学时（《中国共产党发展党员工作细则》"
                        "第十七条），现为%(days)s天、%(hours)s学时"),
            "training.min_days", min_days=ctx.settings["training.min_days"],
            min_hours=ctx.settings["training.min_hours"], days=training_days(data),
            hours=int(data.get("hours") or 0)))
    return problems


def _admission_prerequisites(field_name: str, ctx: StepContext) -> list[Violation]:
    """细则第十六、十七条: no admission without a passed political review and the training."""
    problems = []
    if ctx.case_data.get("political_review_conclusion") != "pass":
        problems.append(violation(
            field_name, N_("政治审查未形成合格结论，不能发展入党（《中国共产党发展党员工作细则》第十六条）"),
            "political_review", _DEV + "第十六条 [N-DEV]"))
    if not ctx.case_data.get("training_ok"):
        problems.append(violation(
            field_name, N_("未经集中培训，不能发展入党（《中国共产党发展党员工作细则》第十七条）"),
            "intensive_training", _DEV + "第十七条 [N-DEV]"))
    return problems


def _committee_review(data, ctx: StepContext) -> list[Violation]:
    return _admission_prerequisites("decision", ctx) if data["decision"] == "qualified" else []


def _pre_review(data, ctx: StepContext) -> list[Violation]:
    problems = not_before(data, "decided_at", date_value(data, "received_at"),
                          N_("预审日期不能早于收到材料的日期（%(earliest)s）"))
    if data["result"] != "pass":
        return problems
    problems += _admission_prerequisites("result", ctx)
    leave, decided = date_value(data, "expected_leave_date"), date_value(data, "decided_at")
    months = ctx.settings["leave_unit_block_months"]
    # 细则第十九条: 未来三个月内将离开工作、学习单位的, 一般不办理接收预备党员的手续
    if (leave is not None and leave <= add_months(decided, months)
            and not is_present(data.get("leave_override_reason"))):
        problems.append(setting_violation(
            "leave_override_reason",
            N_("发展对象预计于 %(leave_date)s 离开工作、学习单位（预审后%(months)s个月内），一般不办理接收"
               "预备党员手续（《中国共产党发展党员工作细则》第十九条）；确需办理的，请说明特殊情况"),
            "leave_unit_block_months", leave_date=leave, months=months))
    return problems


Guard = Callable[[Mapping[str, Any], StepContext], list[Violation]]

GUARDS: Mapping[str, Guard] = {
    "R01": _submit_application,
    "R02": _initial_talk,
    "R03": _designate_activist,
    "R04": _filing,
    "R05": _assign_mentors,
    "R06": _review_cycle,
    "R06b": _review_cycle,
    "R07": _designate_candidate,
    "R08": _filing,
    "R09": _assign_sponsors,
    "R10": _political_review,
    "R11": _intensive_training,
    "R12": _committee_review,
    "R13": _pre_review,
    "R18": _filing,
    "R21": _review_cycle,
}
