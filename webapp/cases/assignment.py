"""Who works on an item: 认领 (claim) and 转办 (hand over to another holder of an acting position)."""

from __future__ import annotations

from sqlalchemy import or_, update

from .. import clock
from ..extensions import db
from ..models import Position, User, WorkItem
from .history import record_alone
from .locking import lock_case
from .refusals import AlreadyHandled, stale_means_already_handled


@stale_means_already_handled
def claim_work_item(item: WorkItem, actor: User) -> None:
    """认领: take an unclaimed item so colleagues see who is on it."""
    case = lock_case(item.case_id)  # the claim is an event of the case's record
    claimed = db.session.execute(
        update(WorkItem).where(WorkItem.id == item.id, WorkItem.status == "open", WorkItem.assignee_id.is_(None))
        .values(assignee_id=actor.id, claimed_at=clock.now())
    ).rowcount
    if claimed != 1:
        raise AlreadyHandled()
    record_alone(case, "claim", actor, step_code=item.step_code, summary=item.title)
    db.session.refresh(item)


def reassign_candidates(item: WorkItem) -> list[User]:
    """Holders (today) of one of the item's acting positions in its unit: who it may be handed to."""
    return holders(item.unit_id, item.position_list, clock.today())


def holders(unit_id: int, roles, day) -> list[User]:
    """The enabled holders, on ``day``, of one of ``roles`` in the unit."""
    return db.session.scalars(
        db.select(User).join(Position).where(
            Position.unit_id == unit_id, Position.role.in_(tuple(roles)), User.is_enabled,
            Position.started_on <= day, or_(Position.ended_on.is_(None), Position.ended_on >= day),
        ).distinct().order_by(User.display_name)
    ).all()


@stale_means_already_handled
def reassign_work_item(item: WorkItem, assignee: User, actor: User) -> None:
    """转办: hand an open item to another holder of an acting position in its unit."""
    case = lock_case(item.case_id)
    if assignee not in reassign_candidates(item):
        raise ValueError("the assignee holds no acting position for this work item")
    previous = item.assignee.display_name if item.assignee else None
    moved = db.session.execute(
        update(WorkItem).where(WorkItem.id == item.id, WorkItem.status == "open")
        .values(assignee_id=assignee.id, claimed_at=clock.now())
    ).rowcount
    if moved != 1:
        raise AlreadyHandled()
    record_alone(case, "reassign", actor, step_code=item.step_code, summary=item.title,
                  data={"from": previous, "to": assignee.display_name, "to_user_id": assignee.id})
    db.session.refresh(item)
