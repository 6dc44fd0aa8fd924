"""督办: the escalation ladder of overdue work, run by the timer worker (RULES.md §2.9).

Each tick looks at the work items whose next level has come (``WorkItem.escalate_on``, indexed) and
climbs each one level by level, never skipping one and never repeating one: a reminder to the people
who may do the work, then overdue (they and the unit's officers are told), then a 督办 in the inbox of
the unit above, the next lane up of the lane registry. Every level is an event of the case's record and
a notification, once each (notify's keys), under the case's lock. A timer of the definition at a
statutory limit (timerAction "overdue") runs the ladder of its case at once; "notify_unit" and "lapse"
tell the officers of the unit concerned.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import joinedload

from workflows.escalation import OVERDUE, REMINDED, SUPERVISED, Ladder, supervising_unit
from workflows.i18n import N_

from .. import clock
from ..extensions import db
from ..models import Case, SupervisionItem, User, WorkItem
from ..notifications.service import notify, unit_officers
from ..runtime import runtime
from .assignment import holders, reassign_candidates
from .case_org import org_around
from .history import record
from .locking import lock_case_unless_held
from .writes import CaseWrites

DUE_SOON = N_("「%(step)s」将于 %(due)s 到期：%(case)s")
OVERDUE_NOTICE = N_("「%(step)s」已逾期，应于 %(due)s 前办理：%(case)s")
SUPERVISION_NOTICE = N_("督办：%(unit)s 的「%(step)s」已逾期（应于 %(due)s 前办理）：%(case)s")
TIMER_NOTICE = N_("%(event)s：%(case)s")


def due_case_ids(today: date, limit: int = 500) -> list[int]:
    """Cases with an open work item whose next level has come (index on status, escalate_on)."""
    return list(db.session.scalars(
        db.select(WorkItem.case_id).where(WorkItem.status == "open", WorkItem.escalate_on <= today)
        .group_by(WorkItem.case_id).order_by(WorkItem.case_id).limit(limit)
    ))


def escalate_case(case_id: int, today: date) -> int:
    """Climb the ladder of the case's open work items whose day has come; the number of levels climbed.
    A case another worker holds is passed over (the next tick comes back to it). Writes, never commits."""
    case = lock_case_unless_held(case_id)
    if case is None:
        return 0
    items = db.session.scalars(
        db.select(WorkItem).where(WorkItem.case_id == case.id, WorkItem.status == "open",
                                  WorkItem.escalate_on <= today)
        .options(joinedload(WorkItem.unit), joinedload(WorkItem.assignee)).order_by(WorkItem.id)
    ).all()
    if not items:
        return 0
    org = org_around(case.unit_id)
    ladder = Ladder.from_settings(org.settings)
    writes, climbed = CaseWrites(case), 0
    with db.session.no_autoflush:
        for item in items:
            climbed += _climb(writes, org, ladder, item, today)
        writes.write()
    return climbed


def _climb(writes: CaseWrites, org, ladder: Ladder, item: WorkItem, today: date) -> int:
    reached = max(item.escalation_level, ladder.level_on(today, item.due_on, item.remind_on))
    for level in range(item.escalation_level + 1, reached + 1):
        if level == REMINDED and reached > REMINDED:
            continue  # "due soon" is no news once the item is overdue (a worker that was down meanwhile)
        _LEVELS[level](writes, org, item, today)
    writes.update(WorkItem, item.id, escalation_level=reached,
                  escalate_on=ladder.next_on(reached, item.due_on, item.remind_on))
    return reached - item.escalation_level


def _workers(item: WorkItem) -> list[User]:
    """Who the work waits for: the person it is claimed by, else every holder of an acting position."""
    return [item.assignee] if item.assignee is not None else reassign_candidates(item)


def late_work_people(item: WorkItem, today: date) -> list[User]:
    """Who is told that the work is late (overdue, 催办): the people it waits for and its unit's officers."""
    people = {user.id: user for user in [*_workers(item), *unit_officers(item.unit_id, today)]}
    return list(people.values())


def _params(item: WorkItem, case: Case) -> dict:
    return {"step": item.title, "due": item.due_on, "case": case.title}


def _remind(writes: CaseWrites, org, item: WorkItem, today: date) -> None:
    notify(_workers(item), key=f"work_item:{item.id}:due_soon", kind="due_soon", message=DUE_SOON,
           params=_params(item, writes.case), link=f"/inbox/{item.id}", case_id=item.case_id)
    record(writes, "due_soon", None, step_code=item.step_code, summary=item.title,
           data={"due_on": item.due_on.isoformat()})


def _overdue(writes: CaseWrites, org, item: WorkItem, today: date) -> None:
    notify(late_work_people(item, today), key=f"work_item:{item.id}:overdue", kind="overdue", message=OVERDUE_NOTICE,
           params=_params(item, writes.case), link=f"/inbox/{item.id}", case_id=item.case_id)
    record(writes, "overdue", None, step_code=item.step_code, summary=item.title,
           data={"due_on": item.due_on.isoformat()})


def _supervise(writes: CaseWrites, org, item: WorkItem, today: date) -> None:
    """督办 in the unit above. At the top of the tree there is none: the record says so, and the item
    stays overdue in its own unit's inbox and dashboard (never dropped silently)."""
    case = writes.case
    found = supervising_unit(org.config.lanes().values(), org.tree, case.unit_id, item.unit.ref(), case.variables)
    if found is None:
        record(writes, "escalate", None, step_code=item.step_code, summary=item.title, data={"unit": None})
        return
    unit, lane = found
    writes.insert(SupervisionItem, work_item_id=item.id, case_id=case.id, top_org_id=case.top_org_id,
                  unit_id=unit.id, positions=WorkItem.encode_positions(lane.positions), late_unit_id=item.unit_id,
                  step_code=item.step_code, title=item.title, due_on=item.due_on, opened_at=clock.now())
    notify(holders(unit.id, lane.positions, today), key=f"work_item:{item.id}:supervise", kind="supervision",
           message=SUPERVISION_NOTICE, params={**_params(item, case), "unit": item.unit.name},
           link="/supervision/", case_id=case.id)
    record(writes, "escalate", None, step_code=item.step_code, summary=item.title,
           data={"unit": unit.name, "unit_id": unit.id})


_LEVELS = {REMINDED: _remind, OVERDUE: _overdue, SUPERVISED: _supervise}


def act_on_timers(case_id: int, fired: list[str], today: date) -> int:
    """What the application does for the timers of a case that just fired (their ``timerAction``), in
    the transaction that fired them: a statutory limit escalates at once, a notice tells the officers of
    the unit concerned, once per firing; the number of escalation levels climbed."""
    if not fired:
        return 0
    case = db.session.get(Case, case_id)
    steps = runtime().definition_of(case.definition_id).steps
    actions = [(steps[bpmn_id], index) for index, bpmn_id in enumerate(fired) if bpmn_id in steps]
    for step, index in actions:
        if step.timer_action in ("notify_unit", "lapse"):
            # A lapse concerns the case's own unit too: its resolution must be voted again.
            units = {_unit_of_step(case, step.attached_to)}
            if step.timer_action == "lapse":
                units.add(case.unit_id)
            people = {user.id: user for unit_id in sorted(units) for user in unit_officers(unit_id, today)}
            notify(people.values(), key=f"case:{case.id}:timer:{step.step_code}:{case.audit_seq}:{index}",
                   kind="timer", message=TIMER_NOTICE, params={"event": step.label, "case": case.title},
                   link=f"/cases/{case.id}", case_id=case.id)
    if any(step.timer_action == "overdue" for step, _index in actions):
        return escalate_case(case.id, today)
    return 0


def _unit_of_step(case: Case, step_code: str | None) -> int:
    """The unit the step's latest work item was routed to (the case's unit if it has none)."""
    unit_id = db.session.scalar(
        db.select(WorkItem.unit_id).where(WorkItem.case_id == case.id, WorkItem.step_code == step_code)
        .order_by(WorkItem.id.desc()).limit(1)
    ) if step_code else None
    return unit_id or case.unit_id
