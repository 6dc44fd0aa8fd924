"""Who may see and act on what: work items belong to the holders of acting positions in a unit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_

from . import clock
from .extensions import db
from .models import Case, OrgUnit, User, WorkItem


def eligible_filter(user: User, day: date | None = None):
    """SQL condition: open work items routed to a unit where ``user`` holds an acting position."""
    clauses = [
        and_(WorkItem.unit_id == p.unit_id, WorkItem.positions.like(f"%,{p.role},%"))
        for p in user.active_positions(day or clock.today())
    ]
    return or_(*clauses) if clauses else WorkItem.id.is_(None)


def inbox_filter(user: User, day: date | None = None):
    """待办: open items the user may act on, unclaimed or claimed by the user."""
    return and_(
        WorkItem.status == "open",
        or_(WorkItem.assignee_id == user.id, and_(WorkItem.assignee_id.is_(None), eligible_filter(user, day))),
    )


def is_eligible(user: User, item: WorkItem, day: date | None = None) -> bool:
    roles = user.acting_roles_in(item.unit_id, day or clock.today())
    return bool(roles.intersection(item.position_list))


def can_act(user: User, item: WorkItem) -> bool:
    """May complete (or claim) the item: an acting position in its unit, or it was assigned to the user."""
    if item.assignee_id is not None:
        return item.assignee_id == user.id
    return is_eligible(user, item)


def can_see_item(user: User, item: WorkItem) -> bool:
    return user.is_admin or item.assignee_id == user.id or is_eligible(user, item) or can_view_case(user, item.case)


def can_reassign(user: User, item: WorkItem) -> bool:
    """转办: admins and the secretary of the unit the item is routed to."""
    return user.is_admin or "secretary" in user.acting_roles_in(item.unit_id, clock.today())


def supervised_unit_ids(user: User) -> set[int]:
    """Units where the user holds a position, and every unit below them (read-only supervision);
    admins supervise every unit (督办, 下级督办)."""
    if user.is_admin:
        return set(db.session.scalars(db.select(OrgUnit.id)))
    return subtree_ids({p.unit_id for p in user.active_positions(clock.today())})


def subtree_ids(roots: set[int]) -> set[int]:
    """The units ``roots`` and every unit below them, any depth (one query per level)."""
    found, frontier = set(roots), list(roots)
    while frontier:
        children = db.session.scalars(db.select(OrgUnit.id).where(OrgUnit.parent_id.in_(frontier))).all()
        frontier = [c for c in children if c not in found]
        found.update(frontier)
    return found


def can_view_case(user: User, case: Case) -> bool:
    """Admins, the starter, holders of positions in the case's unit or above, and anyone a step was routed to."""
    if user.is_admin or case.started_by_id == user.id:
        return True
    if case.unit_id in supervised_unit_ids(user):
        return True
    return any(
        item.assignee_id == user.id or item.completed_by_id == user.id or is_eligible(user, item)
        for item in case.work_items
    )


# The unit's officers who start its cases and keep its members' files (书记、副书记、组织委员).
OFFICER_ROLES = frozenset({"secretary", "deputy_secretary", "org_member"})


def can_start_in(user: User, unit: OrgUnit, procedure) -> bool:
    """The unit's officers start a procedure's cases where it starts (its START_UNIT_KINDS: a recruitment in
    the branch that keeps the member's file); admins in any such unit. Never in a closed unit."""
    if unit.kind not in procedure.START_UNIT_KINDS or unit.status != "active":
        return False
    if unit.is_temporary and not procedure.STARTS_IN_TEMPORARY_BRANCHES:
        return False  # 临时党支部一般不发展党员、不收缴党费、不选举换届 (RULES.md §6.6)
    if user.is_admin:
        return True
    if user.acting_roles_in(unit.id, clock.today()) & OFFICER_ROLES:
        return True
    # 上级党组织也可以直接决定 (成立、调整、撤销党支部, RULES.md §6): its officers start the case there.
    return getattr(procedure, "STARTED_BY_SUPERIORS", False) and any(
        user.acting_roles_in(above.id, clock.today()) & OFFICER_ROLES for above in unit.ancestors())


def visible_units_query(user: User):
    """组织: admins see every unit; others the whole tree of the top-level organisations they hold
    positions in (its structure, not its members: see supervised_unit_ids), and what they supervise."""
    query = db.select(OrgUnit).order_by(OrgUnit.id)
    if not user.is_admin:
        tops = {p.unit.top_org_id for p in user.active_positions(clock.today())}
        query = query.where(OrgUnit.top_org_id.in_(tops) | OrgUnit.id.in_(supervised_unit_ids(user)))
    return query


def can_see_id_numbers(user: User, case: Case) -> bool:
    """身份证号 in full: admins and the officers of the unit of the case's subject, who took the number
    down when the case started; everyone else who may see the case sees it masked."""
    if user.is_admin:
        return True
    unit_id = case.subject.unit_id if case.subject is not None else case.unit_id
    return bool(user.acting_roles_in(unit_id, clock.today()) & OFFICER_ROLES)
