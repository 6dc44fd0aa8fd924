"""Write the organisation changes of a step (workflows/org_changes.py) in the step's transaction.

Each change is recorded in the case's history (kind ``org_change``, 组织变更) before it is written, so
the record names every member moved and every unit changed by the case. Rows of members go through
the case's ``CaseWrites``; units change through the ORM, whose flush sets a new revision token of the
organisation's configuration (webapp/orgcache.py), so every process reads the changed tree with its
next operation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict

from workflows.i18n import N_
from workflows.org_changes import MoveMember

from ..extensions import db
from ..models import Member, OrgUnit, User
from .history import record
from .unit_changes import UNIT_APPLIERS, resolve_new_unit
from .writes import CaseWrites


def apply_org_changes(writes: CaseWrites, changes: Iterable, actor: User | None) -> None:
    """Record and write each change (an unknown kind of change is a programming error: TypeError)."""
    for change in changes:
        change = resolve_new_unit(writes, change)  # CASE_NEW_UNIT: the unit the case set up
        applier = APPLIERS.get(type(change))
        if applier is None:
            raise TypeError(f"no applier for organisation change {change!r}")
        message, params = applier(writes, change)
        # The sentence as recorded (Chinese), and its parts, which the case page shows in the reader's language.
        record(writes, "org_change", actor, summary=message % params,
               data={"change": type(change).__name__, **asdict(change), "message": message, "params": params})


Sentence = tuple[str, dict[str, str]]  # an N_() message and its parameters


def _move_member(writes: CaseWrites, change: MoveMember) -> Sentence:
    member = db.session.get(Member, change.member_id)
    unit = db.session.get(OrgUnit, change.unit_id)
    writes.update(Member, member.id, unit_id=unit.id, group_id=change.group_id, top_org_id=unit.top_org_id)
    return N_("%(member)s的组织关系转入%(unit)s"), {"member": member.name, "unit": unit.name}


# change type → the function that writes it and returns the sentence the history shows
APPLIERS: dict[type, Callable[[CaseWrites, object], Sentence]] = {
    MoveMember: _move_member,
    **UNIT_APPLIERS,  # 党支部设置 (webapp/cases/unit_changes.py)
}
