"""What a unit's page offers about the unit itself: the cases that set it up and closed it, the 党支部设置
procedures its viewer may start there, and its first election while it has no term (RULES.md §6.2 O3)."""

from __future__ import annotations

from workflows.procedures import PROCEDURES
from workflows.terms import has_term

from .. import clock, permissions
from ..extensions import db
from ..models import Case, OrgUnit, User

BRANCH_PROCEDURES = ("branch_setup", "branch_change", "branch_dissolution")


def first_election_due(unit: OrgUnit, user: User) -> bool:
    """A unit elected for a term that has none yet (a new branch, an upgraded general branch) is offered its
    first election, by its own officers, those above it and admins. A temporary branch is not elected: the
    approving organisation designates its officers (RULES.md §6.6)."""
    if not unit.is_active or not has_term(unit.kind) or unit.is_temporary or unit.term_no is not None:
        return False
    if user.is_admin:
        return True
    today = clock.today()
    return any(user.acting_roles_in(u.id, today) & permissions.OFFICER_ROLES for u in (unit, *unit.ancestors()))


def startable_procedures(unit: OrgUnit, user: User, definitions: dict) -> list[tuple[str, str]]:
    """(process key, definition name) of the 党支部设置 procedures the user may start in the unit."""
    return [(key, definitions[key].name) for key in BRANCH_PROCEDURES
            if key in definitions and permissions.can_start_in(user, unit, PROCEDURES[key])]


def origin_and_closing(unit: OrgUnit) -> tuple[Case | None, Case | None]:
    """The case whose reply set the unit up, and the one that closed it (dissolved or merged), if any."""
    return tuple(db.session.get(Case, case_id) if case_id else None
                 for case_id in (unit.established_by_case_id, unit.closed_by_case_id))
