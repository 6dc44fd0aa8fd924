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

from workflows.calendar import parse_date
from workflows.errors import NoResponsibleUnit
from workflows.i18n import N_
from workflows.org_changes import (
    CloseLetters,
    CommitteeDecision,
    EndMemberPositions,
    EndPositions,
    FileReceipt,
    GrantPosition,
    IssueLetter,
    MoveMember,
    RecordAway,
    ShiftTerm,
    StartTerm,
)
from workflows.routing import resolve_unit

from ..extensions import db
from ..models import Case, Member, OrgUnit, TransferLetter, User, WorkItem
from .history import record
from .locking import lock_case, locked_open_items
from .positions import committee_decision, end_member_positions, end_positions, grant_position, shift_term, start_term
from .unit_changes import UNIT_APPLIERS, resolve_new_unit
from .writes import CaseWrites


def apply_org_changes(writes: CaseWrites, changes: Iterable, actor: User | None) -> None:
    """Record and write each change (an unknown kind of change is a programming error: TypeError)."""
    for change in changes:
        change = resolve_new_unit(writes, change)  # CASE_NEW_UNIT: the unit the case set up
        applier = APPLIERS.get(type(change))
        if applier is None:
            raise TypeError(f"no applier for organisation change {change!r}")
        sentence = applier(writes, change)
        if sentence is None:  # nothing changed (e.g. a member not away is "back")
            continue
        message, params = sentence
        # The sentence as recorded (Chinese), and its parts, which the case page shows in the reader's language.
        record(writes, "org_change", actor, summary=message % params,
               data={"change": type(change).__name__, **asdict(change), "message": message, "params": params})


Sentence = tuple[str, dict[str, str]]  # an N_() message and its parameters


def _move_member(writes: CaseWrites, change: MoveMember) -> Sentence:
    """The member's unit and party group change; every OPEN case about the member (a recruitment
    running for an applicant or a probationary member) moves with them, its steps kept."""
    member = db.session.get(Member, change.member_id)
    unit = db.session.get(OrgUnit, change.unit_id)
    writes.update(Member, member.id, unit_id=unit.id, group_id=change.group_id, top_org_id=unit.top_org_id)
    moved_cases = db.session.scalars(db.select(Case.id).where(
        Case.subject_member_id == member.id, Case.status.in_(("running", "error")), Case.unit_id != unit.id,
        Case.id != writes.case.id)).all()
    for case_id in moved_cases:
        move_case(case_id, unit, writes.case)
    return N_("%(member)s的组织关系转入%(unit)s"), {"member": member.name, "unit": unit.name}


def move_case(case_id: int, unit: OrgUnit, because: Case | None) -> None:
    """A case moves to ``unit`` without resetting its steps: its unit changes, its open work items are
    routed again through the lane registry from the new unit (step, due dates and escalation kept; a
    claim kept when the item stays in its unit), and its own record says so. Items of a lane that reads
    the unit from the task's data (a deliberating 党总支) or that find no unit from the new place keep
    theirs; the case's next step routes from the new unit."""
    case = lock_case(case_id)
    locked = locked_open_items(case.id)
    old_name = case.unit.name if case.unit is not None else ""
    tree, lanes = locked.config.tree(), locked.config.lanes()
    moved = CaseWrites(case)
    with db.session.no_autoflush:
        case.unit_id, case.top_org_id = unit.id, unit.top_org_id
        if old_name and case.title.endswith(old_name):
            case.title = case.title[: -len(old_name)] + unit.name
        for row in locked.open_items:
            item = db.session.get(WorkItem, row.id)
            rule = lanes.get(item.lane)
            if rule is None or rule.selector.startswith("task_unit:"):
                continue
            try:
                target = resolve_unit(rule, tree, unit.id, case.variables or {}, {})
            except NoResponsibleUnit:
                continue
            if target.id != item.unit_id:
                moved.update(WorkItem, item.id, unit_id=target.id, top_org_id=unit.top_org_id, assignee_id=None,
                             claimed_at=None)
        params = {"from": old_name, "unit": unit.name, "case": because.business_key if because else ""}
        message = N_("随组织关系转接（%(case)s）由%(from)s转入%(unit)s，已办环节保留")
        record(moved, "org_change", None, summary=message % params,
               data={"change": "MoveCase", "unit_id": unit.id, "message": message, "params": params})
        moved.write()


def _issue_letter(writes: CaseWrites, change: IssueLetter) -> Sentence:
    case = writes.case
    member = db.session.get(Member, change.member_id)
    for letter_id in _letters_out(case.id):
        writes.update(TransferLetter, letter_id, status="superseded", closed_on=parse_date(change.issued_on))
    holder = {"name": member.name, "gender": member.gender, "ethnicity": member.ethnicity,
              "birth_date": member.birth_date.isoformat() if member.birth_date else None, "stage": member.stage,
              "probation_start": member.probation_start.isoformat() if member.probation_start else None,
              "probation_end": member.probation_end.isoformat() if member.probation_end else None}
    writes.insert(TransferLetter, case_id=case.id, member_id=member.id, unit_id=case.unit_id,
                  top_org_id=case.top_org_id, kind=change.kind, number=change.number,
                  issued_on=parse_date(change.issued_on), valid_days=change.valid_days,
                  valid_until=parse_date(change.valid_until), to_title=change.to_title,
                  dues_paid_until=change.dues_paid_until, holder=holder, status="issued")
    if change.kind == "mobile_card":
        return N_("为%(member)s发放流动党员活动证（%(number)s），流入地：%(to)s"), {
            "member": member.name, "number": change.number, "to": change.to_title}
    return N_("为%(member)s开具组织关系介绍信（%(number)s），有效期至%(until)s，抬头：%(to)s"), {
        "member": member.name, "number": change.number, "until": change.valid_until or "", "to": change.to_title}


def _letters_out(case_id: int) -> list[int]:
    return db.session.scalars(db.select(TransferLetter.id).where(
        TransferLetter.case_id == case_id, TransferLetter.status == "issued", TransferLetter.kind == "letter")).all()


CLOSED = {"accepted": N_("介绍信（%(numbers)s）已被接收"), "refused": N_("介绍信（%(numbers)s）不予接收，已退回"),
          "cancelled": N_("介绍信（%(numbers)s）随撤销转接作废")}


def _close_letters(writes: CaseWrites, change: CloseLetters) -> Sentence:
    ids = _letters_out(writes.case.id)
    for letter_id in ids:
        writes.update(TransferLetter, letter_id, status=change.status, closed_on=parse_date(change.closed_on))
    numbers = "、".join(db.session.scalars(db.select(TransferLetter.number).where(TransferLetter.id.in_(ids))))
    if not ids:
        return N_("没有在途的介绍信"), {}
    return CLOSED[change.status], {"numbers": numbers}


def _file_receipt(writes: CaseWrites, change: FileReceipt) -> Sentence:
    letter = db.session.scalars(db.select(TransferLetter).where(
        TransferLetter.case_id == writes.case.id, TransferLetter.kind == "letter",
        TransferLetter.status.in_(("accepted", "issued"))).order_by(TransferLetter.id.desc()).limit(1)).first()
    if letter is None:
        return N_("回执已收到（%(date)s）"), {"date": change.received_on}
    writes.update(TransferLetter, letter.id, receipt_received_on=parse_date(change.received_on))
    return N_("介绍信（%(number)s）的回执已收到（%(date)s）"), {"number": letter.number, "date": change.received_on}


def _record_away(writes: CaseWrites, change: RecordAway) -> Sentence | None:
    member = db.session.get(Member, change.member_id)
    if change.since is None and member.away_since is None:
        return None
    writes.update(Member, member.id, away_since=parse_date(change.since), away_reason=change.reason or None,
                  away_destination=change.destination or None, away_reminded_on=None)
    if change.since is None:
        return N_("%(member)s不再登记为外出"), {"member": member.name}
    return N_("%(member)s自%(since)s起外出（%(to)s）"), {"member": member.name, "since": change.since,
                                                    "to": change.destination}


# change type → the function that writes it and returns the sentence the history shows
APPLIERS: dict[type, Callable[[CaseWrites, object], Sentence | None]] = {
    MoveMember: _move_member,
    IssueLetter: _issue_letter,
    CloseLetters: _close_letters,
    FileReceipt: _file_receipt,
    RecordAway: _record_away,
    StartTerm: start_term,
    ShiftTerm: shift_term,
    EndPositions: end_positions,
    EndMemberPositions: end_member_positions,
    GrantPosition: grant_position,
    **UNIT_APPLIERS,  # 党支部设置 (webapp/cases/unit_changes.py)
    CommitteeDecision: committee_decision,  # the superior's decision on a new committee (RULES.md §12 C16)
}
