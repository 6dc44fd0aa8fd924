"""Process D3 — 党支部撤销 (branch dissolution): the rules behind the BPMN process "branch_dissolution"
(RULES.md §6.4 O11–O15).

The branch, or its superior, proposes the dissolution (O11); the committee the branch belongs to
approves, returns or refuses it (O12), and the approval is filed with the organisation department
above it (O12f). Then every person on the branch's roster is transferred to another branch, in as many
rounds as there are receiving branches (O13: no member may be left without a branch, 党章第八条), the
branch hands over its seal, ledgers, dues accounts, records and dossiers (O14), and the committee
closes it (O15), which is refused while anyone is still on its roster. A temporary branch has nobody
to transfer (its members never left their home branch) and ends at ``temporary_until`` by itself
(branch_setup, TM22); this procedure ends one earlier.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.guards import (
    StepContext,
    Violation,
    date_value,
    is_present,
    iso,
    member_ids,
    not_before,
    violation,
)
from workflows.i18n import N_
from workflows.org_changes import DissolveUnit, MoveMember
from workflows.procedures import branch_rules as rules

PROCESS_KEY = "branch_dissolution"
BUSINESS_KEY_PREFIX = "CX"

SUBJECT_KIND = "unit"
START_UNIT_KINDS: tuple[str, ...] = ("branch",)
# A temporary branch may end before its day, when its task ends early (RULES.md §6.6).
STARTS_IN_TEMPORARY_BRANCHES = True
# The superior may dissolve a branch directly (RULES.md §6.4: O11 by the branch or the committee).
STARTED_BY_SUPERIORS = True

STAGES: tuple[tuple[str, str], ...] = (
    ("proposal", N_("撤销请示")),
    ("reply", N_("上级批复")),
    ("transfer", N_("转接组织关系")),
    ("closing", N_("交接和撤销")),
)

STEPS: Mapping[str, str] = {
    "O11_propose_dissolution": "proposal",
    "O11b_revise_proposal": "proposal",
    "O12_superior_reply": "reply",
    "O12f_file_dissolution": "reply",
    "O13_transfer_members": "transfer",
    "O14_handover": "closing",
    "O15_close_branch": "closing",
}
FORM_KEYS: Mapping[str, str] = {**{code: code for code in STEPS}, "O11b_revise_proposal": "O11_propose_dissolution"}

MEMBER_FIELDS: tuple[str, ...] = ("member_ids",)
PICKER_SOURCES: Mapping[str, str] = {"member_ids": "branch_roster", "target_unit_id": "merge_targets"}
UNIT_FACT_FIELDS: tuple[str, ...] = ("target_unit_id",)

# RULES.md §6.4 "Trigger"
GROUNDS: Mapping[str, str] = {
    "no_longer_meets_conditions": N_("不再具备设立条件"),
    "unit_closed": N_("所在单位撤销、改制、破产或搬迁"),
    "empty_shell": N_("“空壳”党组织清理"),
    "rectification_refused": N_("软弱涣散且拒不整顿"),
    "task_finished": N_("临时任务结束"),
}

# O14: what the branch hands over (RULES.md §6.4 O14)
HANDOVER_ITEMS: Mapping[str, str] = {
    "seal": N_("印章"),
    "rosters_and_ledgers": N_("党员名册和台账"),
    "dues_accounts": N_("党费账目"),
    "meeting_records": N_("会议记录"),
    "dossiers": N_("党员档案材料"),
}

KEY_DATES: tuple[tuple[str, str], ...] = (
    ("requested_on", N_("请示日期")), ("replied_on", N_("批复日期")), ("closed_on", N_("撤销日期")),
)

END_STATUS: Mapping[str, str] = {"branch_dissolved": "completed", "dissolution_refused": "rejected"}

def title_detail(variables: Mapping[str, Any]) -> str | None:
    return None


def summary_facts(variables: Mapping[str, Any]) -> list[tuple[str, str]]:
    grounds = GROUNDS.get(variables.get("grounds"), "")
    return [(N_("撤销原因"), grounds)] if grounds else []


def check(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    return rules.check_step(STEP_RULES, FORM_KEYS, MEMBER_FIELDS, step_code, data, ctx)


def _proposal(data, ctx: StepContext) -> list[Violation]:
    unit = ctx.unit
    if unit is not None and unit.child_units:
        return [violation("grounds", N_("%(unit)s下还有%(count)s个下级组织，须先调整或撤销"), "units_below", "",
                          unit=unit.name, count=unit.child_units)]
    return []


def _reply(data, ctx: StepContext) -> list[Violation]:
    return rules.reply_violations(data, ctx.case_date("requested_on"))


def _filing(data, ctx: StepContext) -> list[Violation]:
    return rules.filing_violations(data)


def _transfer(data, ctx: StepContext) -> list[Violation]:
    """O13: people on this branch's roster, to another existing, not temporary branch."""
    unit = ctx.unit
    problems = rules.moved_members_violations("member_ids", member_ids(data["member_ids"]), ctx,
                                              {unit.id} if unit else set())
    target = rules.unit_of(ctx, data["target_unit_id"])
    if target is None or target.status != "active" or target.kind != "branch" or (unit and target.id == unit.id):
        problems.append(violation("target_unit_id", N_("只能转入另一个现有的党支部"), "transfer_target", ""))
    elif target.is_temporary:
        problems.append(violation("target_unit_id", N_("不能转入临时党支部：临时党支部不接转党员组织关系"
                                                       "（RULES.md §6.6）"), "transfer_target", rules.BR_SOURCE))
    return problems + not_before(data, "transferred_on", ctx.case_date("replied_on"),
                                 N_("转接日期不能早于批复日期（%(earliest)s）"))


def _handover(data, ctx: StepContext) -> list[Violation]:
    missing = [HANDOVER_ITEMS[key] for key in HANDOVER_ITEMS if key not in data["items"]]
    if missing and not is_present(data.get("notes")):
        return [violation("notes", N_("以下材料未移交，请说明情况：%(missing)s"), "handover_complete", "",
                          missing="、".join(missing))]
    return []


def _close(data, ctx: StepContext) -> list[Violation]:
    """O15: never close a branch with anyone on its roster (党章第八条: 每个党员都必须编入一个党的支部)."""
    remaining = len(ctx.unit.roster) if ctx.unit else 0
    if data["outcome"] == "close" and remaining:
        return [violation("outcome", N_("名册中还有%(count)s人，不能撤销：每个党员都必须编入党的一个支部"
                                        "（《中国共产党章程》第八条），请选择“继续转接组织关系”"),
                          "no_member_left", N_("《中国共产党章程》第八条 [N-PC]"), count=remaining)]
    if data["outcome"] == "transfer_more" and not remaining:
        return [violation("outcome", N_("名册中已没有需要转出的人员，请选择“撤销党支部”"), "transfer_needed", "")]
    return not_before(data, "closed_on", ctx.case_date("replied_on"), N_("撤销日期不能早于批复日期（%(earliest)s）"))


STEP_RULES: Mapping[str, rules.StepRules] = {
    "O11_propose_dissolution": rules.StepRules(("grounds", "reasons", "requested_on"), ("requested_on",), (),
                                               _proposal),
    "O12_superior_reply": rules.StepRules(("decided_on", "decision"), ("decided_on", "meeting_date"), (), _reply),
    "O12f_file_dissolution": rules.StepRules(("filed_at", "result"), ("filed_at",), (), _filing),
    "O13_transfer_members": rules.StepRules(("member_ids", "target_unit_id", "transferred_on"), ("transferred_on",),
                                            (), _transfer),
    "O14_handover": rules.StepRules(("items", "receiver", "handed_over_on"), ("handed_over_on",), (), _handover),
    "O15_close_branch": rules.StepRules(("outcome", "closed_on"), ("closed_on",), (), _close),
}


def derive(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> dict[str, Any]:
    form_key = FORM_KEYS.get(step_code, step_code)
    roster = set(ctx.unit.roster) if ctx.unit else set()
    if form_key == "O11_propose_dissolution":
        return {"requested_on": iso(date_value(data, "requested_on")), "grounds": data["grounds"],
                "unit_id": ctx.unit_id}
    if form_key == "O12_superior_reply":
        return {"reply_decision": data["decision"], "replied_on": iso(date_value(data, "decided_on"))}
    if form_key == "O12f_file_dissolution":
        return {"dissolution_filing_result": data["result"], "members_remain": bool(roster)}
    if form_key == "O13_transfer_members":
        return {"members_remain": bool(roster - set(member_ids(data["member_ids"])))}
    if form_key == "O15_close_branch":
        closing = data["outcome"] == "close"
        return {"close_outcome": data["outcome"], "closed_on": iso(date_value(data, "closed_on")) if closing else None}
    return {}


member_changes = rules.no_member_changes


def org_changes(step_code: str, data: Mapping[str, Any], case_data: Mapping[str, Any]) -> list:
    """O13 moves the people picked to the receiving branch; O15 closes the branch."""
    if step_code == "O13_transfer_members":
        target = int(data["target_unit_id"])
        return [MoveMember(member_id, target) for member_id in member_ids(data["member_ids"])]
    if step_code == "O15_close_branch" and case_data.get("close_outcome") == "close":
        return [DissolveUnit(int(case_data["unit_id"]), closed_on=case_data["closed_on"])]
    return []


def due_dates(deadline_key: str, opened_on: date, case_data: Mapping[str, Any],
              settings: Mapping[str, Any]) -> tuple[date | None, date | None, date | None]:
    raise ValueError(f"unknown branch dissolution deadline: {deadline_key!r}")
