"""Lanes → the right level: resolve a lane of a definition to an organisation unit of a case.

A lane names a role relative to the case, never a fixed unit. The lane registry (shipped in
bpmn/lanes.json, stored as data and editable by admins) maps each lane key to a unit selector
and the positions that may act there.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import NoResponsibleUnit
from .org import COMMITTEE_KINDS, OrgTree, OrgUnitRef, chain_of


@dataclass(frozen=True)
class LaneRule:
    """One entry of the lane registry."""

    key: str
    label: str
    selector: str
    positions: tuple[str, ...]


def load_lane_rules(path: Path) -> list[LaneRule]:
    """The shipped registry defaults from a lanes.json file."""
    return [lane_rule_from_dict(entry) for entry in json.loads(path.read_text(encoding="utf-8"))]


def lane_rule_from_dict(entry: Mapping[str, Any]) -> LaneRule:
    """A LaneRule from its stored form, checking that its selector is known."""
    check_selector(entry["selector"])
    return LaneRule(entry["key"], entry["label"], entry["selector"], tuple(entry["positions"]))


SELECTORS = ("case_branch", "upper_org", "nearest_general_branch", "approving_committee", "filing_department",
             "organisation_department", "unit_committee", "unit_committee_department", "upper_committee")
VARIABLE_SELECTORS = ("task_unit:", "case_unit:", "approving_committee_of:")


def check_selector(selector: str) -> None:
    """Raise ValueError for a selector the router does not know."""
    if selector in SELECTORS:
        return
    for prefix in VARIABLE_SELECTORS:
        if selector.startswith(prefix) and selector[len(prefix):].isidentifier():
            return
    raise ValueError(f"unknown unit selector {selector!r}")


def approving_committee(chain: list[OrgUnitRef]) -> OrgUnitRef | None:
    """Nearest unit (self or ancestor) with admission authority (RULES.md §1.2).

    A general branch never approves admissions (共产党员网 2017: 党总支只审议), and neither does a
    primary committee without that authority (e.g. a village committee under a township).
    """
    return next((u for u in chain if u.can_approve_admission and u.kind in COMMITTEE_KINDS), None)


def unit_committee(chain: list[OrgUnitRef]) -> OrgUnitRef | None:
    """The 基层党委 or 党工委 a unit belongs to: the unit itself when it is one, else its nearest ancestor
    that is one, whatever its admission authority. It approves setting up, changing and dissolving the
    branches below it (RULES.md §1.3 "成立 / 调整 / 撤销支部", §6.2–§6.4)."""
    return next((u for u in chain if u.kind in COMMITTEE_KINDS), None)


def upper_committee(chain: list[OrgUnitRef]) -> OrgUnitRef | None:
    """上级党的委员会: the nearest committee strictly above the unit (a 基层党委, a 党工委, the county
    committee), which approves a postponed or early election where the organisation's settings say so
    (《关于党的基层组织任期的意见》; RULES.md §12 C3)."""
    return next((u for u in chain[1:] if u.kind in (*COMMITTEE_KINDS, "county_committee")), None)


def intermediate_deliberators(chain: list[OrgUnitRef]) -> list[OrgUnitRef]:
    """Every general branch or non-approving committee strictly between the branch and its
    approving committee; each deliberates (审议) before approval (R15b, R23b; 细则第二十三条)."""
    approving = approving_committee(chain)
    between = []
    for unit in chain[1:]:
        if approving is not None and unit.id == approving.id:
            break
        if unit.kind == "general_branch" or (unit.kind in COMMITTEE_KINDS and not unit.can_approve_admission):
            between.append(unit)
    return between


def _department_above(tree: OrgTree, units: Iterable[OrgUnitRef]) -> OrgUnitRef | None:
    for unit in units:
        departments = tree.departments(unit.id)
        if departments:
            return departments[0]
    return None


def _department_above_unit(tree: OrgTree, chain: list[OrgUnitRef], unit: OrgUnitRef | None) -> OrgUnitRef | None:
    """The department attached to the nearest unit above ``unit`` in ``chain`` that has one."""
    if unit is None:
        return None
    return _department_above(tree, chain[[u.id for u in chain].index(unit.id) + 1:])


def resolve_unit(
    rule: LaneRule, tree: OrgTree, case_unit_id: int,
    case_variables: Mapping[str, Any], task_variables: Mapping[str, Any],
) -> OrgUnitRef:
    """The unit a work item of ``rule``'s lane is routed to; NoResponsibleUnit if there is none."""
    chain = chain_of(tree, case_unit_id)
    unit = _select(rule.selector, tree, chain, case_variables, task_variables)
    if unit is None:
        name = chain[0].name if chain else f"#{case_unit_id}"
        raise NoResponsibleUnit(rule.key, name, rule.selector)
    return unit


def _select(selector, tree, chain, case_variables, task_variables) -> OrgUnitRef | None:
    if not chain:
        return None
    if selector == "case_branch":
        return chain[0]
    if selector == "upper_org":
        # 上级党组织 (RULES.md §1.2 upper_org): the direct parent, which answers a 换届请示, files the
        # elected committee and replies to a set-up or a dissolution (支部工作条例第二十一条).
        return chain[1] if len(chain) > 1 else None
    if selector == "nearest_general_branch":
        return next((u for u in chain[1:] if u.kind == "general_branch"), None)
    if selector == "approving_committee":
        return approving_committee(chain)
    if selector == "filing_department":
        # 再上一级党委组织部门 (R18): the department of a committee above the approving one.
        return _department_above_unit(tree, chain, approving_committee(chain))
    if selector == "unit_committee":
        return unit_committee(chain)
    if selector == "upper_committee":
        return upper_committee(chain)
    if selector == "unit_committee_department":
        # 成立 / 调整 / 撤销支部: 基层党委 approves, 再上一级组织部门 备案 (RULES.md §1.3)
        return _department_above_unit(tree, chain, unit_committee(chain))
    if selector == "organisation_department":
        return _department_above(tree, chain[1:])
    variables = task_variables if selector.startswith("task_unit:") else case_variables
    unit_id = variables.get(selector.split(":", 1)[1])
    if unit_id is None:
        return None
    if selector.startswith("approving_committee_of:"):
        # The other side of a case (组织关系转接: the receiving 基层党委 of the unit the case names).
        return approving_committee(chain_of(tree, int(unit_id)))
    return tree.get(int(unit_id))
