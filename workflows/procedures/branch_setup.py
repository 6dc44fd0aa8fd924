"""Process D1 — 党支部成立 (branch set-up): the rules behind the BPMN process "branch_setup" (RULES.md §6.2,
§6.5 联合党支部, §6.6 临时党支部).

A general branch or a committee requests (请示) a new branch under itself or under a unit below it (O1);
the committee the branch will belong to replies (批复, O2) within a month (TM21): approved, returned for
correction or refused; on approval the branch exists, and the reply is filed with the organisation
department above that committee (O4). The first election (O3) is a case of its own, offered to the new
branch. A temporary branch lives until ``temporary_until``, when the case dissolves it (TM22).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.calendar import add_months, parse_date
from workflows.guards import (
    StepContext,
    Violation,
    date_value,
    iso,
    member_ids,
    not_before,
    required_when,
    violation,
)
from workflows.i18n import N_
from workflows.org_changes import (
    CASE_NEW_UNIT,
    AppointOfficer,
    CreateUnit,
    DissolveUnit,
    MoveMember,
    OfferFirstElection,
)
from workflows.procedures import branch_rules as rules

PROCESS_KEY = "branch_setup"
BUSINESS_KEY_PREFIX = "CL"

# The case is about the unit that requests the new branch (a general branch or a committee): 成立 is
# requested by the unit under which the branch is set up, or decided directly by the committee.
SUBJECT_KIND = "unit"
START_UNIT_KINDS: tuple[str, ...] = ("general_branch", "primary_committee", "working_committee")
STARTS_IN_TEMPORARY_BRANCHES = False
# The officers of the units above may start it there too (the superior decides directly, RULES.md §6.2 O2).
STARTED_BY_SUPERIORS = True

STAGES: tuple[tuple[str, str], ...] = (
    ("request", N_("成立请示")),
    ("reply", N_("上级批复")),
    ("filing", N_("备案")),
)

STEPS: Mapping[str, str] = {
    "O01_submit_request": "request",
    "O01b_revise_request": "request",
    "O02_superior_reply": "reply",
    "O04_file_setup": "filing",
    "O04b_correct_filing": "filing",
}

# The revised request is the request form again.
FORM_KEYS: Mapping[str, str] = {**{code: code for code in STEPS}, "O01b_revise_request": "O01_submit_request"}

MEMBER_FIELDS: tuple[str, ...] = ("member_ids", "secretary_id")
PICKER_SOURCES: Mapping[str, str] = {
    "parent_id": "setup_parents", "member_ids": "subtree_members", "secretary_id": "subtree_full_members",
}
# Units whose facts the rules read (webapp/cases/context.py): the proposed parent, from the form or the case.
UNIT_FACT_FIELDS: tuple[str, ...] = ("parent_id",)

BRANCH_TYPES: Mapping[str, str] = {
    "single": N_("党支部"), "joint": N_("联合党支部"), "temporary": N_("临时党支部"),
}
COMMITTEE_PLANS: Mapping[str, str] = {
    "committee": N_("设立支部委员会"), "secretary_only": N_("不设支委会，设书记"),
}

KEY_DATES: tuple[tuple[str, str], ...] = (
    ("requested_on", N_("请示日期")),
    ("replied_on", N_("批复日期")),
    ("temporary_until", N_("临时党支部撤销日期")),
)

END_STATUS: Mapping[str, str] = {
    "branch_established": "completed",
    "temporary_branch_dissolved": "completed",
    "setup_refused": "rejected",
}

def title_detail(variables: Mapping[str, Any]) -> str | None:
    """What the case's title names besides its unit: the branch to be set up."""
    return variables.get("branch_name")


def summary_facts(variables: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, value) of the request, shown in the case's summary (values may be N_() labels)."""
    facts = [(N_("拟成立"), variables.get("branch_name") or ""),
             (N_("类型"), BRANCH_TYPES.get(variables.get("branch_type"), "")),
             (N_("支委会设置"), COMMITTEE_PLANS.get(variables.get("committee_plan"), ""))]
    if variables.get("covered_units"):
        facts.append((N_("联合单位"), variables["covered_units"]))
    return [(label, value) for label, value in facts if value]


def check(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    """Every violated rule of the step for the submitted ``data`` (empty: the step may complete)."""
    return rules.check_step(STEP_RULES, FORM_KEYS, MEMBER_FIELDS, step_code, data, ctx)


def _request(data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    """O1: the parent, the name, the thresholds of §6.1 and the secretary (RULES.md §4.2, §6.5, §6.6)."""
    settings, branch_type = ctx.settings, data["branch_type"]
    full, probationary = int(data["full_member_count"]), int(data["probationary_member_count"])
    parent = rules.unit_of(ctx, data["parent_id"])
    problems = rules.parent_violations("parent_id", parent)
    if not problems:
        problems += rules.unit_name_violations("branch_name", data["branch_name"], parent)
    problems += rules.full_member_violations("full_member_count", full, branch_type, settings)
    if branch_type == "joint":
        problems += rules.covered_units_violations("covered_units", rules.covered_unit_names(data.get("covered_units")),
                                                   settings)
    problems += rules.committee_plan_violations("committee_plan", full, data["committee_plan"], settings)
    problems += rules.size_violations("size_reason", full + probationary, data, settings)
    return problems + _members_and_secretary(data, ctx, full, probationary)


def _members_and_secretary(data, ctx: StepContext, full: int, probationary: int) -> list[Violation]:
    moving = member_ids(data.get("member_ids"))
    secretary = member_ids(data.get("secretary_id"))
    temporary = data["branch_type"] == "temporary"
    problems: list[Violation] = []
    if temporary:
        # 临时党支部: members keep their relationship with their home branch; the approving
        # organisation designates the secretary (RULES.md §6.6).
        problems += required_when(data, "temporary_task") + required_when(data, "temporary_until")
        problems += required_when(data, "secretary_id")
        problems += not_before(data, "temporary_until", date_value(data, "requested_on"),
                               N_("临时党支部的撤销日期不能早于请示日期（%(earliest)s）"))
        if moving:
            problems.append(violation("member_ids", N_("临时党支部党员的组织关系不转接，仍在原党支部（RULES.md §6.6）："
                                                       "请不要选择转入的党员"), "temporary_members", rules.BR_SOURCE))
    else:
        if data["committee_plan"] == "secretary_only":
            problems += required_when(data, "secretary_id")
        if rules.full_members_among(moving, ctx) > full or rules.probationary_members_among(moving, ctx) > probationary:
            problems.append(violation("member_ids", N_("所选转入的党员多于填报的正式党员或预备党员人数"),
                                      "member_counts", ""))
        if secretary and secretary[0] not in moving:
            problems.append(violation("secretary_id", N_("书记人选须是转入新党支部的党员：请在“转入的党员”中选择此人"),
                                      "secretary_member", ""))
    if secretary:
        problems += rules.secretary_violations("secretary_id", ctx.members[secretary[0]],
                                               date_value(data, "requested_on"), ctx.settings)
    return problems


def _reply(data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    """O2: within the rules of the reply; an approval checks the parent and the name again (the tree
    may have changed since the request)."""
    problems = rules.reply_violations(data, ctx.case_date("requested_on"))
    if data["decision"] != "approved" or problems:
        return problems
    parent = rules.unit_of(ctx, ctx.case_data.get("parent_id"))
    found = rules.parent_violations("decision", parent)
    if not found:
        found = rules.unit_name_violations("decision", ctx.case_data.get("branch_name", ""), parent)
    until = ctx.case_date("temporary_until")
    if ctx.case_data.get("is_temporary") and until is not None and until < date_value(data, "decided_on"):
        found.append(violation("decision", N_("临时党支部的任务期限（%(until)s）已过，不能再批准成立"),
                               "temporary_until", "", until=until))
    return found


def _filing(data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    return rules.filing_violations(data)


STEP_RULES: Mapping[str, rules.StepRules] = {
    "O01_submit_request": rules.StepRules(
        ("branch_name", "branch_type", "parent_id", "full_member_count", "probationary_member_count",
         "committee_plan", "reasons", "requested_on"), ("requested_on", "meeting_date"), ("temporary_until",),
        _request),
    "O02_superior_reply": rules.StepRules(("decided_on", "decision"), ("decided_on", "meeting_date"), (), _reply),
    "O04_file_setup": rules.StepRules(("filed_at", "result"), ("filed_at",), (), _filing),
    "O04b_correct_filing": rules.StepRules(("corrected_on", "correction"), ("corrected_on",)),
}


def derive(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> dict[str, Any]:
    """The engine variables the step sets: the request's facts, the reply, the filing's result."""
    form_key = FORM_KEYS.get(step_code, step_code)
    if form_key == "O01_submit_request":
        temporary = data["branch_type"] == "temporary"
        names = rules.covered_unit_names(data.get("covered_units")) if data["branch_type"] == "joint" else []
        secretary = member_ids(data.get("secretary_id"))
        return {
            "requested_on": iso(date_value(data, "requested_on")), "branch_name": data["branch_name"].strip(),
            "branch_type": data["branch_type"], "is_temporary": temporary, "parent_id": int(data["parent_id"]),
            "covered_units": "、".join(names) or None, "committee_plan": data["committee_plan"],
            "temporary_until": iso(date_value(data, "temporary_until")) if temporary else None,
            "member_ids": [] if temporary else member_ids(data.get("member_ids")),
            "secretary_id": secretary[0] if secretary else None,
            "full_member_count": int(data["full_member_count"]),
            "probationary_member_count": int(data["probationary_member_count"]),
        }
    if form_key == "O02_superior_reply":
        return {"reply_decision": data["decision"], "replied_on": iso(date_value(data, "decided_on"))}
    if form_key == "O04_file_setup":
        return {"setup_filing_result": data["result"]}
    return {}


member_changes = rules.no_member_changes


def org_changes(step_code: str, data: Mapping[str, Any], case_data: Mapping[str, Any]) -> list:
    """On approval (O2) the branch exists, its members move in (not a temporary branch's), its designated
    secretary takes office and its first election is offered; TM22 dissolves a temporary branch."""
    if step_code == "temporary_task_ended":
        return [DissolveUnit(CASE_NEW_UNIT, closed_on=case_data["temporary_until"])]
    if FORM_KEYS.get(step_code, step_code) != "O02_superior_reply" or case_data.get("reply_decision") != "approved":
        return []
    temporary, replied_on = bool(case_data.get("is_temporary")), case_data["replied_on"]
    changes: list = [CreateUnit(
        name=case_data["branch_name"], parent_id=int(case_data["parent_id"]), established_on=replied_on,
        is_joint=case_data.get("branch_type") == "joint", covered_units=case_data.get("covered_units"),
        is_temporary=temporary, temporary_until=case_data.get("temporary_until"),
    )]
    changes += [MoveMember(member_id, CASE_NEW_UNIT) for member_id in case_data.get("member_ids") or ()]
    if case_data.get("secretary_id"):
        changes.append(AppointOfficer(CASE_NEW_UNIT, int(case_data["secretary_id"]), "secretary", replied_on))
    if not temporary:  # 临时党支部不选举: its officers are designated (RULES.md §6.6)
        secretary = (int(case_data["secretary_id"]),) if case_data.get("secretary_id") else ()
        changes.append(OfferFirstElection(CASE_NEW_UNIT, member_ids=secretary))
    return changes


DueDates = tuple[date | None, date | None, date | None]


def due_dates(deadline_key: str, opened_on: date, case_data: Mapping[str, Any],
              settings: Mapping[str, Any]) -> DueDates:
    """The superior replies to a set-up request within ``branch.reply_months`` of it (TM21)."""
    if deadline_key == "setup_reply":
        requested = parse_date(case_data.get("requested_on")) or opened_on
        return add_months(requested, settings["branch.reply_months"]), None, None
    raise ValueError(f"unknown branch set-up deadline: {deadline_key!r}")
