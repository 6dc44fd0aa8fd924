"""The organisation tree as the engine sees it: plain values, no database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .i18n import N_

# Kinds of organisation unit (RULES.md §1.1 and §11). Depth varies from 3 to 5 levels (seed 002),
# so nothing here assumes how many levels lie between a branch and its approving committee.
UNIT_KINDS = {
    "county_committee": N_("县级党委"),
    "org_department": N_("组织部"),
    "primary_committee": N_("基层党委"),
    "working_committee": N_("党工委"),
    "general_branch": N_("党总支"),
    "branch": N_("党支部"),
    "party_group": N_("党小组"),
}

# Positions a person holds in a unit (RULES.md §3.1, §11).
POSITIONS = {
    "secretary": N_("书记"),
    "deputy_secretary": N_("副书记"),
    "org_member": N_("组织委员"),
    "publicity_member": N_("宣传委员"),
    "discipline_member": N_("纪检委员"),
    "committee_member": N_("委员"),
    "organizer": N_("组织员"),
    "group_leader": N_("党小组长"),
    "staff": N_("工作人员"),
    "member": N_("党员"),
}

COMMITTEE_KINDS = ("primary_committee", "working_committee")


@dataclass(frozen=True)
class OrgUnitRef:
    """One organisation unit: enough to route work to it."""

    id: int
    name: str
    kind: str
    parent_id: int | None
    can_approve_admission: bool = False


class OrgTree(Protocol):
    """Read access to the organisation tree (the web layer backs it with the database)."""

    def get(self, unit_id: int) -> OrgUnitRef | None: ...

    def departments(self, unit_id: int) -> list[OrgUnitRef]:
        """The organisation departments attached to a unit (e.g. a county committee's 组织部)."""


def chain_of(tree: OrgTree, unit_id: int) -> list[OrgUnitRef]:
    """The unit and its ancestors, nearest first."""
    chain, seen = [], set()
    unit = tree.get(unit_id)
    while unit is not None and unit.id not in seen:
        chain.append(unit)
        seen.add(unit.id)
        unit = tree.get(unit.parent_id) if unit.parent_id is not None else None
    return chain
