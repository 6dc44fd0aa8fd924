"""Rules of 党支部设置 shared by setting up, changing and dissolving a branch (RULES.md §6.1, §4.2, §6.6).

Pure functions over form data, the facts of the units concerned (``workflows.guards.UnitFacts``) and
the rule settings; each returns the violated rules as ``Violation`` values, attached to a form field.
Every number is a setting of ``BRANCH_SETTINGS`` (workflows/settings.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows.calendar import add_years
from workflows.guards import (
    Guard,
    MemberFacts,
    StepContext,
    UnitFacts,
    Violation,
    date_value,
    is_present,
    required_when,
    setting_violation,
    step_violations,
    violation,
)
from workflows.i18n import N_

BR = N_("《中国共产党支部工作条例（试行）》")
BR_SOURCE = N_("《中国共产党支部工作条例（试行）》 [N-BR]")

# Units a branch may be set up under or moved under: a general branch or a committee (RULES.md §1.1).
PARENT_KINDS = ("general_branch", "primary_committee", "working_committee")

# The superior's reply (批复) and the filing (备案) of 成立 / 调整 / 撤销 (RULES.md §1.3, §2.3, §2.4).
REPLY_DECISIONS = ("approved", "returned", "refused")
FILING_RESULTS = ("filed", "returned")

# Separators people type between the names of the units a joint branch covers.
_UNIT_SEPARATORS = re.compile(r"[、，,；;\n\r]+")


def _no_guard(data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    return []


@dataclass(frozen=True)
class StepRules:
    """The rules of one step's form: required answers, legal dates (never after today), other dates, and
    the guard that checks the well-formed answers against the organisation."""

    required: tuple[str, ...]
    past_dates: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()
    guard: Guard = _no_guard


def check_step(step_rules: Mapping[str, StepRules], form_keys: Mapping[str, str], member_fields: tuple[str, ...],
               step_code: str, data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    """Every violated rule of a step (``step_code`` or its form key): field problems first (missing
    answers, malformed dates, unknown members), the guard only on well-formed data; steps without rules
    (a task an admin added to the diagram) pass."""
    found = step_rules.get(form_keys.get(step_code, step_code))
    return step_violations(found, found.guard if found else None, data, member_fields, ctx)


def no_member_changes(step_code: str, data: Mapping[str, Any], derived: Mapping[str, Any],
                      case_data: Mapping[str, Any]) -> dict[str, Any]:
    """党支部设置 has no subject member: the members who move go through ``org_changes`` (MoveMember)."""
    return {}


def covered_unit_names(text: Any) -> list[str]:
    """The units a joint branch covers, from "内科门诊、内科病房" or one per line (blanks dropped)."""
    return [name.strip() for name in _UNIT_SEPARATORS.split(str(text or "")) if name.strip()]


def unit_name_violations(field: str, name: str, parent: UnitFacts | None, renamed: UnitFacts | None = None
                         ) -> list[Violation]:
    """The name is taken by another active unit under ``parent`` (a unit keeps its own name when moved)."""
    taken = list(parent.child_names) if parent is not None else []
    if renamed is not None and renamed.parent_id == (parent.id if parent else None) and renamed.name in taken:
        taken.remove(renamed.name)
    if name.strip() not in taken:
        return []
    return [violation(field, N_("%(parent)s下已有名为“%(name)s”的组织，请另取名称"), "unit_name_unique", "",
                      parent=parent.name, name=name.strip())]


def parent_violations(field: str, parent: UnitFacts | None) -> list[Violation]:
    """A branch is set up (or moved) under an active general branch or committee (RULES.md §1.1)."""
    if parent is None or parent.status != "active":
        return [violation(field, N_("所选上级组织不存在或已撤销"), "parent_active", "")]
    if parent.kind not in PARENT_KINDS:
        return [violation(field, N_("党支部只能隶属于党总支或基层党委（党工委），%(parent)s不能作为上级组织"),
                          "parent_kind", "RULES.md §1.1", parent=parent.name)]
    return []


def full_member_violations(field: str, full: int, branch_type: str, settings: Mapping[str, Any]
                           ) -> list[Violation]:
    """≥ 3 full members for a branch; a unit with fewer joins neighbouring units in a joint branch, which
    together reach the number (党章第三十条; 支部工作条例: 联合党支部), as a temporary branch customarily does."""
    minimum = settings["branch.min_full_members"]
    if full >= minimum:
        return []
    if branch_type == "single":
        message = N_("正式党员%(count)s人，不足%(minimum)s人，不能单独成立党支部：可与邻近单位联合成立联合党支部"
                     "（《中国共产党章程》第三十条、《中国共产党支部工作条例（试行）》）")
    elif branch_type == "joint":
        message = N_("联合党支部的正式党员合计%(count)s人，不足%(minimum)s人：请联合更多单位"
                     "（《中国共产党章程》第三十条、《中国共产党支部工作条例（试行）》）")
    else:
        message = N_("临时党支部的正式党员%(count)s人，不足%(minimum)s人（临时党支部一般有正式党员%(minimum)s人以上）")
    return [setting_violation(field, message, "branch.min_full_members", count=full, minimum=minimum)]


def covered_units_violations(field: str, names: list[str], settings: Mapping[str, Any]) -> list[Violation]:
    """A joint branch covers at least two units and at most ``branch.joint_max_units`` (支部工作条例: 一般不超过5个)."""
    maximum = settings["branch.joint_max_units"]
    if len(names) < 2:
        return [violation(field, N_("联合党支部须写明联合的各个单位（至少2个），用顿号或换行分隔"),
                          "joint_units", BR_SOURCE)]
    if len(names) > maximum:
        return [setting_violation(
            field, N_("联合党支部覆盖的单位一般不超过%(maximum)s个（%(citation)s），现为%(count)s个"),
            "branch.joint_max_units", maximum=maximum, count=len(names), citation=BR)]
    if len(set(names)) < len(names):
        return [violation(field, N_("联合的单位有重复"), "joint_units", "")]
    return []


def committee_plan_violations(field: str, full: int, plan: str, settings: Mapping[str, Any]) -> list[Violation]:
    """正式党员 ≥ 7: a 支部委员会 is set up; fewer: no committee, a secretary (and a deputy if needed)."""
    threshold = settings["branch.committee_min_full_members"]
    if full >= threshold and plan != "committee":
        return [setting_violation(
            field, N_("正式党员%(count)s人，达到%(threshold)s人，应当设立支部委员会（%(citation)s）"),
            "branch.committee_min_full_members", count=full, threshold=threshold, citation=BR)]
    if full < threshold and plan == "committee":
        return [setting_violation(field, N_("正式党员%(count)s人，不足%(threshold)s人，不设支部委员会，设书记一名，"
                                            "必要时设副书记一名（%(citation)s）"),
                                  "branch.committee_min_full_members", count=full, threshold=threshold, citation=BR)]
    return []


def size_violations(reason_field: str, members: int, data: Mapping[str, Any], settings: Mapping[str, Any]
                    ) -> list[Violation]:
    """党支部党员人数一般不超过50人: more needs a reason (the superior decides on it)."""
    maximum = settings["branch.max_members"]
    if members <= maximum or is_present(data.get(reason_field)):
        return []
    return [setting_violation(reason_field, N_("党支部党员一般不超过%(maximum)s人（%(citation)s），现为%(count)s人："
                                               "确需如此设置的，请说明理由"),
                              "branch.max_members", maximum=maximum, count=members, citation=BR)]


def secretary_violations(field: str, member: MemberFacts | None, on: date, settings: Mapping[str, Any]
                         ) -> list[Violation]:
    """The secretary is a full member in good standing with ≥ 1 year of 党龄 on ``on`` (RULES.md §4.2)."""
    if member is None:
        return []
    if member.stage != "full_member" or not member.in_good_standing:
        return [violation(field, N_("%(name)s不是处于正常状态的正式党员，不能担任党支部书记"), "secretary_eligibility",
                          BR_SOURCE, name=member.name)]
    years = settings["branch.secretary_min_standing_years"]
    since = member.party_standing_since
    if since is None or add_years(since, years) > on:
        earliest = add_years(since, years) if since is not None else None
        message = (N_("党支部书记一般应有%(years)s年以上党龄（%(citation)s）：%(name)s的党龄自 %(since)s 起，"
                      "%(earliest)s 方满%(years)s年") if since is not None else
                   N_("党支部书记一般应有%(years)s年以上党龄（%(citation)s）：%(name)s没有登记转正日期"))
        return [setting_violation(field, message, "branch.secretary_min_standing_years", years=years, citation=BR,
                                  name=member.name, since=since, earliest=earliest)]
    return []


def moved_members_violations(field: str, ids: list[int], ctx: StepContext, unit_ids: set[int]) -> list[Violation]:
    """Each member who moves (into a new branch, to another branch) is on the roster of one of ``unit_ids``."""
    return [violation(field, N_("%(name)s不在本组织的名册中，不能转入或转出"), "member_in_unit", "",
                      name=ctx.members[member_id].name)
            for member_id in ids if ctx.members[member_id].unit_id not in unit_ids]


def full_members_among(ids: list[int], ctx: StepContext) -> int:
    return sum(1 for member_id in ids if ctx.members[member_id].stage == "full_member")


def probationary_members_among(ids: list[int], ctx: StepContext) -> int:
    return sum(1 for member_id in ids if ctx.members[member_id].stage == "probationary_member")


def reply_violations(data: Mapping[str, Any], requested_on: date | None) -> list[Violation]:
    """A return or a refusal says why (RULES.md §2.4); the reply is not dated before the request."""
    problems = required_when(data, "comments") if data.get("decision") in ("returned", "refused") else []
    decided = date_value(data, "decided_on")
    if requested_on is not None and decided is not None and decided < requested_on:
        problems.append(violation("decided_on", N_("批复日期不能早于请示日期（%(earliest)s）"), "date_order", "",
                                  earliest=requested_on))
    return problems


def filing_violations(data: Mapping[str, Any]) -> list[Violation]:
    """A filing returned for correction says what to correct (RULES.md §2.3, §2.4)."""
    return required_when(data, "comments") if data.get("result") == "returned" else []


def unit_of(ctx: StepContext, value: Any) -> UnitFacts | None:
    """The facts of the unit whose id is ``value`` (an id, or its text), if the context holds them."""
    try:
        return ctx.units.get(int(value))
    except (TypeError, ValueError):
        return None
