"""Process D2 — 党支部调整 (branch change): the rules behind the BPMN process "branch_change" (RULES.md §6.3,
and 撤并 of §6.4).

The branch, or its superior, requests a change (O21): a new name, a move under another superior, an
upgrade to a general branch, a split into two branches or a merger into another branch. The committee
the branch belongs to replies (O22): approved, returned for correction or refused; on approval the
organisation changes in the same transaction, and the reply is filed with the organisation department
above that committee (O23). A new branch of a split, and an upgraded general branch, elect their
committee: the election is offered as a case.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.guards import (
    StepContext,
    UnitFacts,
    Violation,
    date_value,
    is_present,
    iso,
    member_ids,
    required_when,
    setting_violation,
    violation,
)
from workflows.i18n import N_
from workflows.org_changes import (
    CASE_NEW_UNIT,
    AppointOfficer,
    CreateUnit,
    DissolveUnit,
    MoveMember,
    MoveUnit,
    OfferFirstElection,
    RenameUnit,
    UpgradeUnit,
)
from workflows.procedures import branch_rules as rules

PROCESS_KEY = "branch_change"
BUSINESS_KEY_PREFIX = "TZ"

SUBJECT_KIND = "unit"
START_UNIT_KINDS: tuple[str, ...] = ("branch",)
# A temporary branch is not reorganised: it ends with its task (RULES.md §6.6).
STARTS_IN_TEMPORARY_BRANCHES = False
# The superior may adjust a branch directly (支部工作条例: 上级党组织也可以直接决定, RULES.md §6.3).
STARTED_BY_SUPERIORS = True

STAGES: tuple[tuple[str, str], ...] = (
    ("request", N_("调整请示")),
    ("reply", N_("上级批复")),
    ("filing", N_("备案")),
)

STEPS: Mapping[str, str] = {
    "O21_submit_change": "request",
    "O21b_revise_change": "request",
    "O22_superior_reply": "reply",
    "O23_file_change": "filing",
    "O23b_correct_filing": "filing",
}
FORM_KEYS: Mapping[str, str] = {**{code: code for code in STEPS}, "O21b_revise_change": "O21_submit_change"}

MEMBER_FIELDS: tuple[str, ...] = ("member_ids", "new_secretary_id")
PICKER_SOURCES: Mapping[str, str] = {
    "new_parent_id": "move_targets", "target_unit_id": "merge_targets", "member_ids": "branch_roster",
    "new_secretary_id": "branch_full_members",
}
UNIT_FACT_FIELDS: tuple[str, ...] = ("new_parent_id", "target_unit_id")

CHANGE_KINDS: Mapping[str, str] = {
    "rename": N_("更名"), "move": N_("改变隶属关系"), "upgrade": N_("升格为党总支"),
    "split": N_("拆分"), "merge": N_("并入其他党支部"),
}

KEY_DATES: tuple[tuple[str, str], ...] = (("requested_on", N_("请示日期")), ("replied_on", N_("批复日期")))

END_STATUS: Mapping[str, str] = {"branch_changed": "completed", "change_refused": "rejected"}

def title_detail(variables: Mapping[str, Any]) -> str | None:
    """The kind of change (an N_() label), named in the case's title."""
    return CHANGE_KINDS.get(variables.get("change_kind"))


def summary_facts(variables: Mapping[str, Any]) -> list[tuple[str, str]]:
    facts = [(N_("调整事项"), CHANGE_KINDS.get(variables.get("change_kind"), ""))]
    if variables.get("new_name"):
        facts.append((N_("新名称") if variables.get("change_kind") == "rename" else N_("新党支部"),
                      variables["new_name"]))
    return [(label, value) for label, value in facts if value]


def check(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    return rules.check_step(STEP_RULES, FORM_KEYS, MEMBER_FIELDS, step_code, data, ctx)


def change_violations(request: Mapping[str, Any], ctx: StepContext, on: date | None,
                      field: str | None = None) -> list[Violation]:
    """The rules of the requested change against the organisation as it is now; ``field`` puts every
    refusal on one field (the reply's decision) instead of the request's own fields."""
    unit = ctx.unit
    if unit is None:
        return [violation(field or "", N_("找不到办件所在的党支部"), "case_unit", "")]
    kind = request["change_kind"]
    problems = _KIND_CHECKS[kind](request, ctx, unit, on)
    return [v if field is None else violation(field, v.message, v.rule, v.source, **v.params) for v in problems]


def _rename(request, ctx: StepContext, unit: UnitFacts, on) -> list[Violation]:
    problems = required_when(request, "new_name")
    if problems:
        return problems
    name = str(request["new_name"]).strip()
    if name == unit.name:
        return [violation("new_name", N_("新名称与现名称相同"), "unit_name_changed", "")]
    return rules.unit_name_violations("new_name", name, ctx.units.get(unit.parent_id))


def _move(request, ctx: StepContext, unit: UnitFacts, on) -> list[Violation]:
    problems = required_when(request, "new_parent_id")
    if problems:
        return problems
    parent = rules.unit_of(ctx, request["new_parent_id"])
    problems = rules.parent_violations("new_parent_id", parent)
    if problems:
        return problems
    if parent.id == unit.id or unit.id in parent.ancestor_ids:
        return [violation("new_parent_id", N_("不能隶属于本组织或其下级组织"), "move_not_below_itself", "")]
    if parent.id == unit.parent_id:
        return [violation("new_parent_id", N_("本党支部已隶属于%(parent)s"), "move_changes_parent", "",
                          parent=parent.name)]
    return rules.unit_name_violations("new_parent_id", unit.name, parent)


def _upgrade(request, ctx: StepContext, unit: UnitFacts, on) -> list[Violation]:
    # 党员人数超过50人，或虽不足50人但因工作需要的，经上级党组织批准，可以成立党总支 (RULES.md §6.1)
    minimum = ctx.settings["general_branch.min_members"]
    if unit.members > minimum or is_present(request.get("upgrade_reason")):
        return []
    return [setting_violation("upgrade_reason", N_("党员%(count)s人，未超过%(minimum)s人：确因工作需要设立党总支的，"
                                                   "请说明理由，由上级党组织批准（%(citation)s）"),
                              "general_branch.min_members", count=unit.members, minimum=minimum, citation=rules.BR)]


def _split(request, ctx: StepContext, unit: UnitFacts, on) -> list[Violation]:
    problems = required_when(request, "new_name") + required_when(request, "member_ids")
    if problems:
        return problems
    problems = rules.unit_name_violations("new_name", str(request["new_name"]), ctx.units.get(unit.parent_id))
    moving = member_ids(request["member_ids"])
    problems += rules.moved_members_violations("member_ids", moving, ctx, {unit.id})
    if problems:
        return problems
    minimum = ctx.settings["branch.min_full_members"]
    leaving = rules.full_members_among(moving, ctx)
    staying = unit.full_members - leaving
    for count, message in ((leaving, N_("拆分出的新党支部只有正式党员%(count)s人，不足%(minimum)s人")),
                           (staying, N_("拆分后本党支部只剩正式党员%(count)s人，不足%(minimum)s人"))):
        if count < minimum:
            problems.append(setting_violation("member_ids", message + N_("（《中国共产党章程》第三十条）"),
                                              "branch.min_full_members", count=count, minimum=minimum))
    secretary = member_ids(request.get("new_secretary_id"))
    if secretary and secretary[0] not in moving:
        problems.append(violation("new_secretary_id", N_("新党支部的书记人选须是转入新党支部的党员"),
                                  "secretary_member", ""))
    elif secretary:
        problems += rules.secretary_violations("new_secretary_id", ctx.members[secretary[0]], on, ctx.settings)
    return problems


def _merge(request, ctx: StepContext, unit: UnitFacts, on) -> list[Violation]:
    problems = required_when(request, "target_unit_id")
    if problems:
        return problems
    target = rules.unit_of(ctx, request["target_unit_id"])
    if target is None or target.status != "active" or target.kind != "branch" or target.id == unit.id:
        return [violation("target_unit_id", N_("只能并入另一个现有的党支部"), "merge_target", "")]
    if target.is_temporary:
        return [violation("target_unit_id", N_("不能并入临时党支部：临时党支部不接转党员组织关系（RULES.md §6.6）"),
                          "merge_target", rules.BR_SOURCE)]
    return _no_units_below(unit, "change_kind")


def _no_units_below(unit: UnitFacts, field: str) -> list[Violation]:
    if unit.child_units:
        return [violation(field, N_("%(unit)s下还有%(count)s个下级组织，须先调整或撤销"), "units_below", "",
                          unit=unit.name, count=unit.child_units)]
    return []


_KIND_CHECKS = {"rename": _rename, "move": _move, "upgrade": _upgrade, "split": _split, "merge": _merge}


def _reply(data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    problems = rules.reply_violations(data, ctx.case_date("requested_on"))
    if data["decision"] != "approved" or problems:
        return problems
    return change_violations(ctx.case_data, ctx, date_value(data, "decided_on"), field="decision")


STEP_RULES: Mapping[str, rules.StepRules] = {
    "O21_submit_change": rules.StepRules(
        ("change_kind", "reasons", "requested_on"), ("requested_on",), (),
        lambda data, ctx: change_violations(data, ctx, on=date_value(data, "requested_on"))),
    "O22_superior_reply": rules.StepRules(("decided_on", "decision"), ("decided_on", "meeting_date"), (), _reply),
    "O23_file_change": rules.StepRules(("filed_at", "result"), ("filed_at",), (),
                                       lambda data, ctx: rules.filing_violations(data)),
    "O23b_correct_filing": rules.StepRules(("corrected_on", "correction"), ("corrected_on",)),
}


def derive(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> dict[str, Any]:
    form_key = FORM_KEYS.get(step_code, step_code)
    if form_key == "O21_submit_change":
        kind = data["change_kind"]
        secretary = member_ids(data.get("new_secretary_id")) if kind == "split" else []
        unit = ctx.unit
        return {
            "requested_on": iso(date_value(data, "requested_on")), "change_kind": kind,
            "unit_id": ctx.unit_id, "parent_id": unit.parent_id if unit else None,
            "new_name": str(data.get("new_name") or "").strip() if kind in ("rename", "split") else None,
            "new_parent_id": int(data["new_parent_id"]) if kind == "move" else None,
            "target_unit_id": int(data["target_unit_id"]) if kind == "merge" else None,
            "member_ids": member_ids(data.get("member_ids")) if kind == "split" else [],
            "new_secretary_id": secretary[0] if secretary else None,
            "upgrade_reason": data.get("upgrade_reason") if kind == "upgrade" else None,
        }
    if form_key == "O22_superior_reply":
        derived = {"reply_decision": data["decision"], "replied_on": iso(date_value(data, "decided_on"))}
        if data["decision"] == "approved" and ctx.case_data.get("change_kind") == "merge" and ctx.unit:
            derived["merged_member_ids"] = list(ctx.unit.roster)  # everyone on the roster on the day
        return derived
    if form_key == "O23_file_change":
        return {"change_filing_result": data["result"]}
    return {}


member_changes = rules.no_member_changes


def org_changes(step_code: str, data: Mapping[str, Any], case_data: Mapping[str, Any]) -> list:
    """What the approval (O22) changes, by the kind of change requested."""
    if step_code != "O22_superior_reply" or case_data.get("reply_decision") != "approved":
        return []
    unit_id, replied_on, kind = int(case_data["unit_id"]), case_data["replied_on"], case_data["change_kind"]
    if kind == "rename":
        return [RenameUnit(unit_id, case_data["new_name"])]
    if kind == "move":
        return [MoveUnit(unit_id, int(case_data["new_parent_id"]))]
    if kind == "upgrade":
        return [UpgradeUnit(unit_id), OfferFirstElection(unit_id, upgraded=True)]
    if kind == "merge":
        target = int(case_data["target_unit_id"])
        moves = [MoveMember(member_id, target) for member_id in case_data.get("merged_member_ids") or ()]
        return [*moves, DissolveUnit(unit_id, closed_on=replied_on, merged_into_id=target)]
    # split: the new branch beside this one, with the members who go
    changes: list = [CreateUnit(name=case_data["new_name"], parent_id=int(case_data["parent_id"]),
                                established_on=replied_on)]
    changes += [MoveMember(member_id, CASE_NEW_UNIT) for member_id in case_data.get("member_ids") or ()]
    secretary = (int(case_data["new_secretary_id"]),) if case_data.get("new_secretary_id") else ()
    changes += [AppointOfficer(CASE_NEW_UNIT, member_id, "secretary", replied_on) for member_id in secretary]
    return [*changes, OfferFirstElection(CASE_NEW_UNIT, member_ids=secretary)]


def due_dates(deadline_key: str, opened_on: date, case_data: Mapping[str, Any],
              settings: Mapping[str, Any]) -> tuple[date | None, date | None, date | None]:
    raise ValueError(f"unknown branch change deadline: {deadline_key!r}")
