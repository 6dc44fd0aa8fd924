"""外出党员 and 口袋党员 (RULES.md §5.1, §5.5): members away too long without a transfer, letters out past
their last valid day; read by the roster, the 督办 dashboard and the timer worker (one reminder each).

A member is away too long when away for more than ``transfer.away_months`` calendar months (the
settings of the member's branch: 《党员教育管理工作条例》第二十五条, 外出六个月以上须转接) and no transfer
case about them is running.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from workflows.i18n import N_
from workflows.procedures.transfer_rules import away_too_long

from ..cases.context import rule_settings_for
from ..extensions import db
from ..models import Case, Member, TransferLetter
from ..notifications.service import notify, unit_officers

AWAY_MESSAGE = N_("%(member)s自%(since)s起外出已超过%(months)s个月，尚未转接组织关系，请及时办理（%(unit)s）")


@dataclass(frozen=True)
class AwayRow:
    member: Member
    months: int


def away_members(unit_ids, today: date) -> list[AwayRow]:
    """Members of ``unit_ids`` away too long without a running transfer, longest away first."""
    running = db.select(Case.subject_member_id).where(Case.process_key == "membership_transfer",
                                                      Case.status.in_(("running", "error")))
    members = db.session.scalars(db.select(Member).where(
        Member.unit_id.in_(list(unit_ids)), Member.away_since.is_not(None), Member.id.not_in(running))
        .order_by(Member.away_since, Member.id)).all()
    settings = {}
    rows = []
    for member in members:
        if member.unit_id not in settings:
            settings[member.unit_id] = rule_settings_for(member.unit_id)["transfer.away_months"]
        if away_too_long(member.away_since, today, settings[member.unit_id]):
            rows.append(AwayRow(member, settings[member.unit_id]))
    return rows


def pocket_letters(unit_ids, today: date) -> list[TransferLetter]:
    """口袋党员: letters of the sending branches ``unit_ids`` still out after their last valid day."""
    return db.session.scalars(db.select(TransferLetter).where(
        TransferLetter.kind == "letter", TransferLetter.status == "issued", TransferLetter.valid_until < today,
        TransferLetter.unit_id.in_(list(unit_ids))).order_by(TransferLetter.valid_until, TransferLetter.id)).all()


def remind_away_members(today: date) -> int:
    """Tell each branch once per absence of its members away too long (the timer worker's tick)."""
    unit_ids = db.session.scalars(db.select(Member.unit_id).where(
        Member.away_since.is_not(None), Member.away_reminded_on.is_(None)).distinct()).all()
    reminded = 0
    for row in away_members(unit_ids, today):
        member = row.member
        if member.away_reminded_on is not None:
            continue
        notify(unit_officers(member.unit_id, today), key=f"away:{member.id}:{member.away_since.isoformat()}",
               kind="member_away", message=AWAY_MESSAGE, link=f"/members/?away=1&unit={member.unit_id}",
               params={"member": member.name, "since": member.away_since, "months": row.months,
                       "unit": member.unit.name})
        member.away_reminded_on = today
        reminded += 1
    db.session.flush()
    return reminded
