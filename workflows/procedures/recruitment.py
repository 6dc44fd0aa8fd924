"""Process A — 发展党员 (recruitment): the rules behind the BPMN process "recruitment".

Public API used by the web layer when a user task completes (RULES.md §3):
``check`` (hard guards **G**), ``derive`` (engine variables), ``member_changes`` (the subject's
member record) and ``due_dates`` (deadlines **T**).  Step codes are the BPMN task ids
(``R07_designate_candidate``); the part before the first "_" selects the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.calendar import add_days, add_months, parse_date
from workflows.guards import StepContext, Violation, step_violations
from workflows.i18n import N_
from workflows.procedures import recruitment_decisions, recruitment_guards
from workflows.procedures.recruitment_data import CHANGES, DERIVERS, STEP_FIELDS

PROCESS_KEY = "recruitment"
BUSINESS_KEY_PREFIX = "FZ"

# The case's subject is a new person, created from the start form (R01), who applies to the branch
# of their work or study unit (细则第六条): cases start in a branch.
SUBJECT_KIND = "new_member"
START_UNIT_KINDS: tuple[str, ...] = ("branch",)
# 临时党支部一般不发展党员: its activists are reported back to their home branch (RULES.md §6.6).
STARTS_IN_TEMPORARY_BRANCHES = False

# The five stages of 《发展党员工作细则》; BPMN tasks carry the key in their "stage" property.
STAGES: tuple[tuple[str, str], ...] = (
    ("application", N_("申请入党")),
    ("activist", N_("入党积极分子")),
    ("development_candidate", N_("发展对象")),
    ("admission", N_("预备党员的接收")),
    ("probation", N_("预备期考察和转正")),
)

# step code (BPMN task id) → stage key
STEPS: Mapping[str, str] = {
    "R01_submit_application": "application",
    "R02_initial_talk": "application",
    "R03_designate_activist": "activist",
    "R04_file_activist": "activist",
    "R05_assign_mentors": "activist",
    "R06_cultivation_review": "activist",
    "R06b_periodic_review": "activist",
    "R07_designate_candidate": "development_candidate",
    "R08_file_candidate": "development_candidate",
    "R09_assign_sponsors": "development_candidate",
    "R10_political_review": "development_candidate",
    "R11_intensive_training": "development_candidate",
    "R12_committee_review": "admission",
    "R13_pre_review": "admission",
    "R14_fill_admission_form": "admission",
    "R15_assembly_admission_vote": "admission",
    "R15b_intermediate_deliberation": "admission",
    "R16_committee_talk": "admission",
    "R17_committee_approval": "admission",
    "R18_file_upper_department": "admission",
    "R19_assign_branch_group": "probation",
    "R20_oath": "probation",
    "R21_probation_review": "probation",
    "R21b_periodic_review": "probation",
    "R22_regularization_application": "probation",
    "R23_assembly_regularization_vote": "probation",
    "R23b_intermediate_deliberation": "probation",
    "R24_committee_regularization_approval": "probation",
    "R25_archive_dossier": "probation",
}

# Forms two steps share: the two 审议 (R15b, R23b), and the branch's periodic reviews of an activist and of a
# probationary member (R06b, R21b), each opened by a cyclic timer when its interval comes round.
SHARED_FORMS = {"_intermediate_deliberation": "intermediate_deliberation", "_periodic_review": "periodic_review"}

# step code → form key
FORM_KEYS: Mapping[str, str] = {
    code: next((form for suffix, form in SHARED_FORMS.items() if code.endswith(suffix)), code) for code in STEPS
}

# Form fields holding member ids (one id or a list): the caller looks them up into ctx.members.
MEMBER_FIELDS: tuple[str, ...] = ("talker_ids", "mentor_ids", "sponsor_ids", "talker_id")

# Form fields holding organisation unit ids (R19): the caller offers the case's branch and its groups.
UNIT_FIELDS: tuple[str, ...] = ("branch_id", "group_id")

# Where each picker's choices come from (the web layer fills them): the talk before approval is held
# by a 党委委员 or 组织员 of the approving committee (细则第二十三条), the rest by branch members.
PICKER_SOURCES: Mapping[str, str] = {
    "talker_ids": "branch_members", "mentor_ids": "branch_members", "sponsor_ids": "branch_members",
    "talker_id": "approving_committee_members", "branch_id": "case_branch", "group_id": "branch_groups",
}

# Member record stages (RULES.md §3 "Applicant states").
MEMBER_STAGES: tuple[str, ...] = (
    "applicant", "activist", "development_candidate", "probationary_member", "full_member",
    "withdrawn", "not_approved", "probation_revoked",
)

# Dates of a case (engine variables) shown in its summary, in the order they happen.
KEY_DATES: tuple[tuple[str, str], ...] = (
    ("application_date", N_("递交入党申请书")),
    ("activist_date", N_("确定为入党积极分子")),
    ("candidate_date", N_("确定为发展对象")),
    ("resolution_date", N_("支部大会通过接收")),
    ("probation_start", N_("预备期开始")),
    ("probation_end", N_("预备期满")),
    ("party_standing_since", N_("转为正式党员")),
)

GUARDS = {**recruitment_guards.GUARDS, **recruitment_decisions.GUARDS}

END_STATUS: Mapping[str, str] = {
    "full_member_end": "completed",
    "probation_revoked_end": "rejected",
    "not_admitted_end": "rejected",
}


def step_key(step_code: str) -> str:
    """The rule key of a step code or form key: "R07_designate_candidate" → "R07".

    The steps that share a form share its rules, those of their first step: R15b's for R23b (and the form key
    "intermediate_deliberation"), R06b's for R21b (and "periodic_review").
    """
    form_key = FORM_KEYS.get(step_code, step_code)
    return {"intermediate_deliberation": "R15b", "periodic_review": "R06b"}.get(form_key, form_key.split("_", 1)[0])


def check(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    """Every violated guard of ``step_code`` for the submitted ``data`` (empty list = may complete).

    ``step_code`` may also be the step's form key.  Field problems (missing answers, malformed
    dates, unknown members) come first; the domain guards run only on well-formed data.  Steps
    without rules (e.g. tasks an admin added to the diagram) pass.
    """
    key = step_key(step_code)
    return step_violations(STEP_FIELDS.get(key), GUARDS.get(key), data, MEMBER_FIELDS, ctx)


def derive(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> dict[str, Any]:
    """The engine variables to merge into the case when the step completes (JSON-serializable)."""
    deriver = DERIVERS.get(step_key(step_code))
    return deriver(data, ctx) if deriver else {}


def member_changes(step_code: str, data: Mapping[str, Any], derived: Mapping[str, Any],
                   case_data: Mapping[str, Any]) -> dict[str, Any]:
    """Changes to the subject's member record (``stage`` and ``date`` values) after the step.

    ``case_data`` is the case before the step; ``derived`` is what ``derive`` returned for it.
    """
    change = CHANGES.get(step_key(step_code))
    return change(data, {**case_data, **derived}) if change else {}


def org_changes(step_code: str, data: Mapping[str, Any], case_data: Mapping[str, Any]) -> list:
    """Recruitment changes only its subject's member record (``member_changes``), never the organisation."""
    return []


def _case_date(case_data: Mapping[str, Any], name: str) -> date:
    value = parse_date(case_data.get(name))
    if value is None:
        raise ValueError(f"case variable {name!r} is needed for this deadline")
    return value


DueDates = tuple[date | None, date | None, date | None]


def due_dates(deadline_key: str, opened_on: date, case_data: Mapping[str, Any],
              settings: Mapping[str, Any]) -> DueDates:
    """(due_on, hard_due_on, remind_on) of a recruitment deadline (RULES.md §9 TM01–TM16).

    :raises ValueError: for an unknown deadline key or a missing anchor date in ``case_data``.
    """
    months = {  # deadline → (anchor, setting in months); anchor None = the task's opening date
        "initial_talk": ("application_date", "initial_talk_within_months"),  # 第七条: 一个月内
        "activist_revisit": (None, "activist.revisit_months"),
        # Definitions before the periodic reviews (R06b, R21b) gave R06 and R21 these due dates; their cases
        # still run on them.
        "cultivation_review": (None, "activist.review_interval_months"),  # 第十一条: 每半年
        "pre_review": (None, "pre_review.sla_months"),
        "assembly_after_pre_review": ("pre_review_decided_at", "assembly_after_prereview_months"),
        "probation_review": (None, "probation.review_interval_months"),
        "regularization_approval": (None, "regularization.approval_sla_months"),
    }
    if deadline_key in months:
        anchor, key = months[deadline_key]
        start = opened_on if anchor is None else _case_date(case_data, anchor)
        return add_months(start, settings[key]), None, None
    if deadline_key == "admission_approval":
        # 《发展党员工作细则》: 三个月内审批, 特殊情况最长不超过六个月
        resolution = _case_date(case_data, "resolution_date")
        return (add_months(resolution, settings["approval.sla_months"]),
                add_months(resolution, settings["approval.max_months"]), None)
    if deadline_key in ("regularization_application", "regularization_assembly"):
        # 《中国共产党章程》第七条: 预备期满, 支部应当及时讨论
        end = _case_date(case_data, "probation_end")
        remind = add_days(end, -settings["regularization.reminder_days"])
        return end, None, remind if deadline_key == "regularization_application" else None
    if deadline_key == "periodic_review":
        # R06b/R21b open when their interval comes round (the cyclic timers); done within these days.
        return add_days(opened_on, settings["periodic_review.within_days"]), None, None
    if deadline_key == "archive":
        return add_days(opened_on, settings["archive.within_days"]), None, None
    raise ValueError(f"unknown recruitment deadline: {deadline_key!r}")
