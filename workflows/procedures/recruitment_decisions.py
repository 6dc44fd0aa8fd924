"""Hard guards (**G**) of the recruitment decisions: 支部大会 votes (R15, R23), the approving
committee's talk and approval (R16, R17), the regularization application (R22) and the archive (R25).
RULES.md §2.2, §3.2 stages 4–5 and §3.3.
"""

from __future__ import annotations

from collections.abc import Mapping

from workflows.calendar import add_days, add_months
from workflows.guards import (
    StepContext,
    Violation,
    date_value,
    ineligible_members,
    member_ids,
    needed_case_date,
    not_before,
    required_when,
    setting_violation,
    violation,
)
from workflows.i18n import N_
from workflows.procedures.recruitment_guards import Guard
from workflows.votes import VOTE_SOURCE, VoteTally, admission_quorum_ok, minimum_quorum, validate_tally

_DEV = "《发展党员工作细则》"

# 细则: 入党志愿书、入党申请书、政治审查材料、转正申请书和培养教育考察材料 are archived
ARCHIVE_ITEMS: Mapping[str, str] = {
    "admission_form": N_("入党志愿书"),
    "application_letter": N_("入党申请书"),
    "political_review": N_("政治审查材料"),
    "cultivation_records": N_("培养教育考察材料"),
    "regularization_application": N_("转正申请书"),
}


def _assembly_vote(data, ctx: StepContext) -> list[Violation]:
    """细则第二十一条: valid counts, 应到会 = the branch roster, more than half present."""
    tally = VoteTally.from_data(data)
    problems = validate_tally(tally)
    if problems:
        return problems
    if tally.expected_voting != ctx.voting_members:
        problems.append(violation(
            "expected_voting", N_("应到会有表决权人数应为本支部有表决权的正式党员人数 %(roster)s 人"
                                  "（按党员名册），现填 %(expected)s 人"),
            "expected_voting", VOTE_SOURCE, roster=ctx.voting_members, expected=tally.expected_voting))
    elif not admission_quorum_ok(tally):
        problems.append(violation(
            "present_voting", N_("有表决权的到会人数须超过应到会人数的半数（至少 %(minimum)s 人），"
                                 "会议无效（《中国共产党发展党员工作细则》第二十一条）"),
            "admission_quorum", VOTE_SOURCE, minimum=minimum_quorum(tally.expected_voting)))
    return problems


def _admission_vote(data, ctx: StepContext) -> list[Violation]:
    problems = _assembly_vote(data, ctx) + not_before(
        data, "resolution_date", ctx.case_date("pre_review_decided_at"),
        N_("支部大会须在上级党委预审合格后召开（预审日期 %(earliest)s）"))
    months = ctx.settings["revote_cooldown_months"]
    previous = ctx.case_date("resolution_date")
    if months and previous and ctx.case_data.get("admission_vote_passed") is False:
        earliest = add_months(previous, months)  # local cooldown after a failed vote [L]
        if date_value(data, "resolution_date") < earliest:
            problems.append(setting_violation(
                "resolution_date",
                N_("支部大会未通过接收决议后，须满%(months)s个月方可再次提交讨论：最早可选 %(earliest)s"),
                "revote_cooldown_months", months=months, earliest=earliest))
    return problems


def _committee_talk(data, ctx: StepContext) -> list[Violation]:
    # 党章第五条: 上级党组织在批准申请人入党以前, 要派人同他谈话 (党委委员或组织员)
    return ineligible_members("talker_id", member_ids(data["talker_id"]), ctx, N_("谈话人"),
                              N_("《中国共产党章程》第五条"))


def _committee_approval(data, ctx: StepContext) -> list[Violation]:
    problems: list[Violation] = []
    resolution = needed_case_date(ctx, "resolution_date", problems)
    if resolution is None:
        return problems
    problems += not_before(data, "decided_on", resolution,
                           N_("审批日期不能早于支部大会决议日期（%(earliest)s）"))
    months = ctx.settings["approval.max_months"]
    lapse_on = add_months(resolution, months)  # 细则: 三个月内审批, 最长不超过六个月
    decided = date_value(data, "decided_on")
    if data["decision"] == "lapsed" and decided <= lapse_on:
        problems.append(setting_violation(
            "decision", N_("支部大会决议满%(months)s个月仍未审批方可记为失效（《中国共产党发展党员工作细则》）："
                           "最早可于 %(earliest)s 记为失效"),
            "approval.max_months", months=months, earliest=add_days(lapse_on, 1)))
    elif data["decision"] != "lapsed" and decided > lapse_on:
        problems.append(setting_violation(
            "decision", N_("上级党委审批最长不超过%(months)s个月（《中国共产党发展党员工作细则》）：支部大会决议已于 "
                           "%(lapse_on)s 后失效，只能记为失效并重新提交支部大会讨论"),
            "approval.max_months", months=months, lapse_on=lapse_on))
    return problems


def _regularization_application(data, ctx: StepContext) -> list[Violation]:
    return not_before(data, "application_date", ctx.case_date("probation_start"),
                      N_("转正申请日期不能早于预备期开始日期（%(earliest)s）"))


def _regularization_vote(data, ctx: StepContext) -> list[Violation]:
    problems = _assembly_vote(data, ctx)
    outcome = data["outcome"]
    if outcome in ("regularize", "extend"):  # 党章第七条: 预备期满, 支部应当及时讨论
        problems += not_before(data, "resolution_date", ctx.case_date("probation_end"),
                               N_("预备期满时方可讨论转正或延长预备期（《中国共产党章程》第七条）："
                                  "最早可选 %(earliest)s"))
    if outcome != "extend":
        return problems
    if ctx.case_data.get("extension_used"):  # 细则第三十二条: 延长一次; then only 转正 or 取消
        return problems + [setting_violation(
            "outcome", N_("预备期只能延长一次，延长期满后只能转为正式党员或取消预备党员资格"
                          "（《中国共产党发展党员工作细则》第三十二条）"), "extension_months.max")]
    missing = required_when(data, "extension_months")
    if missing:
        return problems + missing
    low, high = ctx.settings["extension_months.min"], ctx.settings["extension_months.max"]
    if not low <= int(data["extension_months"]) <= high:  # 党章第七条: 不能少于半年, 最长不超过一年
        problems.append(setting_violation(
            "extension_months", N_("延长预备期不能少于%(low)s个月、不能超过%(high)s个月（《中国共产党章程》第七条）"),
            "extension_months.max", low=low, high=high))
    return problems


def _archive_dossier(data, ctx: StepContext) -> list[Violation]:
    needed = [key for key in ARCHIVE_ITEMS if key != "regularization_application"
              or ctx.case_data.get("regularization_outcome") == "regularize"]
    missing = [ARCHIVE_ITEMS[key] for key in needed if key not in data["archive_items"]]
    if not missing:
        return []
    return [violation("archive_items", N_("归档材料不全，缺少：%(missing)s（《中国共产党发展党员工作细则》）"),
                      "archive_completeness", _DEV + " [N-DEV]", missing="、".join(missing))]


GUARDS: Mapping[str, Guard] = {
    "R15": _admission_vote,
    "R16": _committee_talk,
    "R17": _committee_approval,
    "R22": _regularization_application,
    "R23": _regularization_vote,
    "R25": _archive_dossier,
}
