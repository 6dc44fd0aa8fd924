"""Locking a case for a change: the case row (a row lock on PostgreSQL; on SQLite the version check
of ``CaseWrites.write`` decides), the organisation configuration as of now and the open work items."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import and_, bindparam

from ..extensions import db
from ..models import Case, WorkItem
from ..orgcache import TOKEN, OrgConfig, config_as_of


def lock_case(case_id: int) -> Case:
    """The case, read again and locked: a row lock on PostgreSQL; on SQLite the version check of
    ``CaseWrites.write`` decides."""
    return db.session.execute(
        db.select(Case).where(Case.id == case_id).with_for_update(of=Case).execution_options(populate_existing=True)
    ).scalar_one()


def lock_case_unless_held(case_id: int) -> Case | None:
    """The case, locked, or None when another transaction holds its lock (PostgreSQL: SKIP LOCKED), so
    that a timer worker passes over a case another worker is firing instead of queueing behind it. On
    SQLite, which writes one transaction at a time, the case is always returned."""
    return db.session.execute(
        db.select(Case).where(Case.id == case_id).with_for_update(of=Case, skip_locked=True)
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


# Statements of the completion path are built once, on the tables (plain rows, no ORM step).
_cases, _items = Case.__table__, WorkItem.__table__
_OPEN_ITEMS_LOCKED = (
    db.select(_cases.c.version, TOKEN, _items.c.id, _items.c.task_id, _items.c.assignee_id, _items.c.step_code,
              _items.c.title)
    .select_from(_cases.outerjoin(_items, and_(_items.c.case_id == _cases.c.id, _items.c.status == "open")))
    .where(_cases.c.id == bindparam("case_id")).order_by(_items.c.id).with_for_update(of=_cases)
)


class Locked(NamedTuple):
    version: int
    config: OrgConfig
    open_items: list


def locked_open_items(case_id: int) -> Locked:
    """The case's version, locked (as ``lock_case``), the organisation configuration as of now and
    the case's open work items as plain rows, in one query."""
    rows = db.session.execute(_OPEN_ITEMS_LOCKED, {"case_id": case_id}).all()
    return Locked(rows[0].version, config_as_of(rows[0].config_token), [row for row in rows if row.id is not None])


def lock_case_of(item: WorkItem) -> tuple[Case, OrgConfig, list]:
    """The case of ``item``, locked, the organisation configuration, and the case's open work items
    as they are now.

    The case was read with the item moments ago (by the view): when its version is still the one
    locked now, nothing changed since, because every change of a case's work items also changes
    the case row (its audit chain head at least), so that read is used as it is. Otherwise the
    case is read again, and so are its open work items: on PostgreSQL the locking query may have
    waited for the lock while a colleague's change was committed (a claim, a completion), and
    READ COMMITTED then returns the case row as it is after that change but the joined work items
    as they were when the query began. Read again under the lock, they are as they are now."""
    case = item.case
    locked = locked_open_items(case.id)
    if locked.version != case.version:
        case = lock_case(case.id)
        locked = locked_open_items(case.id)
    return case, locked.config, locked.open_items
