"""An election's effects on the organisation (workflows/org_changes.py): the unit's new term and the posts
of its committee, written in the transaction of the approving step.

Posts belong to accounts (Position.user_id): the rights of a post follow it at once, because the inbox and
every permission read the positions held today. An elected member without an account gets a
PendingPosition instead, recorded on the member; the admins are notified to open an account, and opening
it (webapp/admin/account_views.py) turns the pending posts into positions of the new account.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import or_

from workflows.i18n import N_
from workflows.org import POSITIONS
from workflows.org_changes import (
    CommitteeDecision,
    EndMemberPositions,
    EndPositions,
    GrantPosition,
    ShiftTerm,
    StartTerm,
)

from .. import clock
from ..extensions import db
from ..models import Member, OrgUnit, PendingPosition, Position, User
from ..notifications.service import notify
from ..orgs import terms as org_terms  # a module: orgs/terms.py imports this package too
from .writes import CaseWrites

Sentence = tuple[str, dict[str, str]]
ACCOUNT_NEEDED = N_("%(member)s任%(unit)s%(role_label)s（自 %(date)s 起），"
                    "尚无登录账号：请为其开通账号，开通后自动授予该职务。")


def start_term(writes: CaseWrites, change: StartTerm) -> Sentence:
    """届次 + 1, elected on ``started_on``, ending after the term years of the unit's kind; the reminder and
    overdue marks of the old term are cleared (webapp/orgs/terms.py reminds the new one in its turn)."""
    unit = db.session.get(OrgUnit, change.unit_id)
    started = date.fromisoformat(change.started_on)
    unit.term_no = (unit.term_no or 0) + 1
    unit.term_started_on, unit.term_due_on = started, org_terms.default_term_end(unit, started)
    unit.term_reminded_on = unit.term_overdue_since = None
    return N_("%(unit)s第%(term_no)s届任期自 %(start)s 起，至 %(end)s 届满"), {
        "unit": unit.name, "term_no": str(unit.term_no), "start": started.isoformat(),
        "end": unit.term_due_on.isoformat() if unit.term_due_on else "—"}


def shift_term(writes: CaseWrites, change: ShiftTerm) -> Sentence:
    """The term ends on the approved new date; it is reminded again from there, and no longer overdue
    (the timer worker flags it again should the new date pass without an election)."""
    unit = db.session.get(OrgUnit, change.unit_id)
    before = unit.term_due_on
    unit.term_due_on = date.fromisoformat(change.due_on)
    unit.term_reminded_on = unit.term_overdue_since = None
    message = (N_("%(unit)s经批准延期换届：任期届满日期由 %(before)s 调整为 %(after)s") if change.kind == "postpone"
               else N_("%(unit)s经批准提前换届：任期届满日期由 %(before)s 调整为 %(after)s"))
    return message, {"unit": unit.name, "before": before.isoformat() if before else "—", "after": change.due_on}


def end_positions(writes: CaseWrites, change: EndPositions) -> Sentence:
    """The outgoing committee leaves office: every post of ``roles`` held after ``ended_on`` ends then."""
    unit = db.session.get(OrgUnit, change.unit_id)
    names = _end(writes, change.roles, date.fromisoformat(change.ended_on), Position.unit_id == unit.id,
                 PendingPosition.unit_id == unit.id)
    return N_("%(unit)s原班子成员离任（最后任职日 %(date)s）：%(names)s"), {
        "unit": unit.name, "date": change.ended_on, "names": "、".join(names) or "—"}


def end_member_positions(writes: CaseWrites, change: EndMemberPositions) -> Sentence:
    """One member's posts of ``roles`` in the unit end (a vacancy; a member who takes another post)."""
    unit, member = db.session.get(OrgUnit, change.unit_id), db.session.get(Member, change.member_id)
    user_ids = db.select(User.id).where(User.member_id == member.id)
    _end(writes, change.roles, date.fromisoformat(change.ended_on),
         (Position.unit_id == unit.id) & Position.user_id.in_(user_ids),
         (PendingPosition.unit_id == unit.id) & (PendingPosition.member_id == member.id))
    return N_("%(member)s不再担任%(unit)s的原职务（最后任职日 %(date)s）"), {
        "member": member.name, "unit": unit.name, "date": change.ended_on}


def _end(writes: CaseWrites, roles, last_day: date, positions_where, pending_where) -> list[str]:
    """End the matching posts still held after ``last_day``; the holders' names with their posts."""
    names = []
    held_after = db.select(Position).where(positions_where, Position.role.in_(tuple(roles)),
                                           or_(Position.ended_on.is_(None), Position.ended_on > last_day))
    for position in db.session.scalars(held_after.order_by(Position.id)):
        # Appointed after the new term began: it ends the day it began (never before it).
        writes.update(Position, position.id, ended_on=max(last_day, position.started_on))
        names.append(f"{position.user.display_name}（{POSITIONS[position.role]}）")
    pending = db.select(PendingPosition).where(
        pending_where, PendingPosition.role.in_(tuple(roles)), PendingPosition.granted_position_id.is_(None),
        or_(PendingPosition.ended_on.is_(None), PendingPosition.ended_on > last_day))
    for post in db.session.scalars(pending.order_by(PendingPosition.id)):
        writes.update(PendingPosition, post.id, ended_on=max(last_day, post.started_on))
        names.append(f"{post.member.name}（{POSITIONS[post.role]}）")
    return names


def grant_position(writes: CaseWrites, change: GrantPosition) -> Sentence:
    """The member takes the post: as a Position of their account, or, without one, as a pending post the
    admins are told to give by opening an account."""
    member, unit = db.session.get(Member, change.member_id), db.session.get(OrgUnit, change.unit_id)
    started = date.fromisoformat(change.started_on)
    params = {"member": member.name, "unit": unit.name, "role_label": POSITIONS[change.role],
              "date": change.started_on}
    user = db.session.scalars(db.select(User).where(User.member_id == member.id).order_by(User.id).limit(1)).first()
    if user is not None:
        writes.insert(Position, user_id=user.id, unit_id=unit.id, role=change.role, started_on=started)
        return N_("%(member)s任%(unit)s%(role_label)s（自 %(date)s 起）"), params
    writes.insert(PendingPosition, member_id=member.id, unit_id=unit.id, role=change.role, started_on=started,
                  case_id=writes.case.id)
    admins = db.session.scalars(db.select(User).where(User.is_admin, User.is_enabled)).all()
    notify(admins, key=f"account_needed:{member.id}:{unit.id}:{change.role}:{change.started_on}",
           kind="account_needed", message=ACCOUNT_NEEDED, params=params, link=f"/admin/users/new?member={member.id}",
           case_id=writes.case.id)
    return N_("%(member)s任%(unit)s%(role_label)s（自 %(date)s 起）；"
              "尚无登录账号，已通知系统管理员开通，开通后自动授予该职务"), params


def grant_pending_positions(user: User) -> list[Position]:
    """An account was opened for a member: the member's pending posts become the account's positions (a post
    that has ended meanwhile is given with its end, so the record stays whole). Flushes, never commits."""
    if user.member_id is None:
        return []
    pending = db.session.scalars(db.select(PendingPosition).where(
        PendingPosition.member_id == user.member_id, PendingPosition.granted_position_id.is_(None))
        .order_by(PendingPosition.id)).all()
    granted = []
    for post in pending:
        position = Position(user_id=user.id, unit_id=post.unit_id, role=post.role, started_on=post.started_on,
                            ended_on=post.ended_on)
        db.session.add(position)
        db.session.flush()
        post.granted_position_id = position.id
        granted.append(position)
    db.session.flush()
    return granted


def pending_posts(unit_id: int, today: date | None = None) -> list[PendingPosition]:
    """The posts of the unit still waiting for an account, held today (the unit's page lists them)."""
    today = today or clock.today()
    rows = db.session.scalars(db.select(PendingPosition).where(
        PendingPosition.unit_id == unit_id, PendingPosition.granted_position_id.is_(None))
        .order_by(PendingPosition.id)).all()
    return [row for row in rows if row.is_active_on(today)]


# The superior's decision on the new committee in the words of the organisation's setting (RULES.md §12 C16):
# (mode, decision, 委员 named, 书记/副书记 named) → sentence.
COMMITTEE_DECISIONS = {
    ("file", "approved", True, True): N_(
        "%(unit)s新当选的委员%(members)s报上级党组织备案；%(officers)s经上级党组织批准"),
    ("file", "approved", True, False): N_("%(unit)s新当选的委员%(members)s报上级党组织备案"),
    ("file", "approved", False, True): N_("%(unit)s选举产生的%(officers)s经上级党组织批准"),
    ("approve", "approved", True, True): N_("上级党组织审批同意%(unit)s新当选的委员%(members)s，%(officers)s"),
    ("approve", "approved", True, False): N_("上级党组织审批同意%(unit)s新当选的委员%(members)s"),
    ("approve", "approved", False, True): N_("上级党组织审批同意%(unit)s选举产生的%(officers)s"),
    ("not_approved", True, False): N_("上级党组织不批准%(members)s任%(unit)s委员"),
    ("not_approved", False, True): N_("上级党组织不批准%(unit)s选举产生的%(officers)s"),
    ("not_approved", True, True): N_("上级党组织不批准%(members)s任%(unit)s委员，不批准%(officers)s"),
}


def committee_decision(writes: CaseWrites, change: CommitteeDecision) -> Sentence | None:
    """Nothing is written: the sentence records how the superior decided (备案 and 报批, or 审批) and on whom."""
    unit = db.session.get(OrgUnit, change.unit_id)
    ids = {*change.members, *(member for _post, member in change.officers)}
    names = dict(db.session.execute(db.select(Member.id, Member.name).where(Member.id.in_(ids))).all()) if ids else {}
    members, officers = bool(change.members), bool(change.officers)
    key = (change.decision, members, officers) if change.decision != "approved" else (
        change.mode, change.decision, members, officers)
    message = COMMITTEE_DECISIONS.get(key)
    if message is None:
        return None
    return message, {"unit": unit.name, "members": "、".join(names.get(m, str(m)) for m in change.members),
                     "officers": "、".join(f"{POSITIONS[post]}{names.get(m, str(m))}" for post, m in change.officers)}
