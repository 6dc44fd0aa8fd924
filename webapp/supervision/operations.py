"""督办 seen from the unit above: who may see an item, and 催办 (urging the late unit)."""

from __future__ import annotations

from sqlalchemy import and_, not_, or_
from sqlalchemy.orm import joinedload

from workflows.i18n import N_

from .. import clock
from ..cases.escalation import late_work_people
from ..cases.history import record
from ..cases.locking import lock_case
from ..cases.refusals import AlreadyHandled, stale_means_already_handled
from ..cases.views import case_title_loading
from ..cases.writes import CaseWrites
from ..extensions import db
from ..models import SupervisionItem, User, WorkItem
from ..notifications.service import notify

URGE_NOTICE = N_("催办：%(unit)s 督促尽快办理逾期的「%(step)s」（应于 %(due)s 前办理）：%(case)s")


def supervision_filter(user: User):
    """SQL condition: 督办 items of a unit where ``user`` acts for its lane (admins: all of them)."""
    if user.is_admin:
        return SupervisionItem.id.is_not(None)
    clauses = [and_(SupervisionItem.unit_id == p.unit_id, SupervisionItem.positions.like(f"%,{p.role},%"))
               for p in user.active_positions(clock.today())]
    return or_(*clauses) if clauses else SupervisionItem.id.is_(None)


def is_open():
    """An item is open while the late work item is (it has no state of its own)."""
    return SupervisionItem.work_item.has(WorkItem.status == "open")


def items_query(user: User, still_open: bool = True):
    """The user's 督办 items, open or done, the earliest due first, with what their rows show."""
    state = is_open() if still_open else not_(is_open())
    return (db.select(SupervisionItem).where(supervision_filter(user), state)
            .options(joinedload(SupervisionItem.work_item), joinedload(SupervisionItem.late_unit),
                     joinedload(SupervisionItem.unit), joinedload(SupervisionItem.case).options(*case_title_loading()))
            .order_by(SupervisionItem.due_on, SupervisionItem.id))


def may_urge(user: User, item: SupervisionItem) -> bool:
    roles = user.acting_roles_in(item.unit_id, clock.today())
    return bool(roles.intersection(item.position_list))


class AlreadyUrgedToday(Exception):
    """催办 once a day is enough: the late unit was told today already."""


@stale_means_already_handled
def urge(item: SupervisionItem, actor: User) -> None:
    """催办: the people the late work waits for, and the late unit's officers, are told; the case's
    record has it. Once a day per item; refused once the work is done (AlreadyHandled)."""
    case = lock_case(item.case_id)
    work = db.session.get(WorkItem, item.work_item_id, populate_existing=True)
    if work.status != "open":
        raise AlreadyHandled()
    today = clock.today()
    if item.urged_at is not None and clock.as_utc(item.urged_at).astimezone(clock.LOCAL_ZONE).date() == today:
        raise AlreadyUrgedToday()
    notify(late_work_people(work, today), key=f"supervision:{item.id}:urge:{today.isoformat()}", kind="urge",
           message=URGE_NOTICE, params={"unit": item.unit.name, "step": item.title, "due": item.due_on,
                                        "case": case.title},
           link=f"/inbox/{work.id}", case_id=case.id)
    writes = CaseWrites(case)
    with db.session.no_autoflush:
        writes.update(SupervisionItem, item.id, urged_at=clock.now(), urge_count=item.urge_count + 1)
        record(writes, "urge", actor, step_code=item.step_code, summary=item.title,
               data={"unit": item.unit.name, "unit_id": item.unit_id})
        writes.write()
