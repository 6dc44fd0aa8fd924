"""Write the changes of 党支部设置 to the organisation (workflows/org_changes.py, RULES.md §6), in the step's
transaction: a unit set up, renamed, moved, upgraded or dissolved, an officer appointed, the first
election offered. webapp/cases/org_changes.py records each in the case's history.

A new unit is inserted at once (its id is needed by the members who move into it in the same step), and
the organisation's revision token is renewed with it; changed units go through the ORM, whose flush at
the commit renews the token (webapp/orgcache.py).
"""

from __future__ import annotations

from dataclasses import fields, replace

from sqlalchemy import insert, or_, update

from workflows.calendar import parse_date
from workflows.i18n import N_
from workflows.org_changes import (
    CASE_NEW_UNIT,
    AppointOfficer,
    CreateUnit,
    DissolveUnit,
    MoveUnit,
    OfferFirstElection,
    RenameUnit,
    UpgradeUnit,
)
from workflows.routing import unit_committee

from .. import clock
from ..extensions import db
from ..models import Member, OrgUnit, Position, User
from ..notifications.service import notify, unit_officers
from ..orgcache import new_revision
from ..orgtree import read_chain
from ..permissions import subtree_ids
from .writes import CaseWrites

Sentence = tuple[str, dict[str, str]]

# The link of the offer of a first election: the 发起 page of the election procedure for the unit.
FIRST_ELECTION_LINK = "/cases/new?process=term_election&unit={unit_id}"
FIRST_ELECTION = N_("%(unit)s已成立，尚未选举：请召开党员大会进行第一次选举，点此发起换届选举")
UPGRADED_ELECTION = N_("%(unit)s已升格为党总支：请召开党员大会选举党总支委员会，点此发起换届选举")


def resolve_new_unit(writes: CaseWrites, change):
    """``change`` with CASE_NEW_UNIT replaced by the id of the unit the case set up (its latest)."""
    names = [f.name for f in fields(change) if f.name in ("unit_id", "parent_id")
             and getattr(change, f.name) == CASE_NEW_UNIT]
    if not names:
        return change
    unit_id = db.session.scalar(db.select(OrgUnit.id).where(OrgUnit.established_by_case_id == writes.case.id)
                                .order_by(OrgUnit.id.desc()).limit(1))
    if unit_id is None:
        raise LookupError(f"case {writes.case.id} has set up no unit for {change!r}")
    return replace(change, **dict.fromkeys(names, unit_id))


def _create_unit(writes: CaseWrites, change: CreateUnit) -> Sentence:
    parent = db.session.get(OrgUnit, change.parent_id)
    connection = db.session.connection()
    unit_id = connection.execute(insert(OrgUnit.__table__).values(
        name=change.name, kind=change.kind, parent_id=parent.id, top_org_id=parent.top_org_id or parent.id,
        can_approve_admission=False, is_joint=change.is_joint, is_temporary=change.is_temporary,
        covered_units=change.covered_units, status="active", temporary_until=parse_date(change.temporary_until),
        established_on=parse_date(change.established_on), established_by_case_id=writes.case.id,
    )).inserted_primary_key[0]
    new_revision(connection)
    params = {"unit": change.name, "parent": parent.name, "unit_id": str(unit_id),
              "covered": change.covered_units or "", "until": change.temporary_until or ""}
    if change.is_joint:
        return N_("成立联合党支部%(unit)s（联合%(covered)s），隶属%(parent)s"), params
    if change.is_temporary:
        return N_("成立临时党支部%(unit)s，隶属%(parent)s，于%(until)s撤销"), params
    return N_("成立%(unit)s，隶属%(parent)s"), params


def _rename_unit(writes: CaseWrites, change: RenameUnit) -> Sentence:
    unit = db.session.get(OrgUnit, change.unit_id)
    old, unit.name = unit.name, change.name
    return N_("%(old)s更名为%(unit)s"), {"old": old, "unit": change.name}


def _move_unit(writes: CaseWrites, change: MoveUnit) -> Sentence:
    unit, parent = db.session.get(OrgUnit, change.unit_id), db.session.get(OrgUnit, change.parent_id)
    old = unit.parent.name if unit.parent else ""
    unit.parent = parent
    top = parent.top_org_id or parent.id
    if unit.top_org_id != top:  # another top-level organisation: the subtree and its members follow
        below = subtree_ids({unit.id})
        for moved in db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(below))):
            moved.top_org_id = top
        db.session.execute(update(Member).where(Member.unit_id.in_(below)).values(top_org_id=top))
    return N_("%(unit)s改为隶属%(parent)s（原隶属%(old)s）"), {"unit": unit.name, "parent": parent.name, "old": old}


def _upgrade_unit(writes: CaseWrites, change: UpgradeUnit) -> Sentence:
    unit = db.session.get(OrgUnit, change.unit_id)
    unit.kind = change.kind
    # The branch committee's term ends: the general branch committee is elected (RULES.md §6.3).
    unit.term_no = unit.term_started_on = unit.term_due_on = None
    unit.term_reminded_on = unit.term_overdue_since = None
    return N_("%(unit)s升格为党总支，原支部委员会任期结束"), {"unit": unit.name}


def _dissolve_unit(writes: CaseWrites, change: DissolveUnit) -> Sentence:
    unit = db.session.get(OrgUnit, change.unit_id)
    if unit.status != "active":  # dissolved by another case meanwhile (a temporary branch ended early)
        return N_("%(unit)s已于%(date)s撤销，无需再次撤销"), {"unit": unit.name, "date": str(unit.closed_on)}
    closed_on = parse_date(change.closed_on)
    groups = db.session.scalars(db.select(OrgUnit).where(OrgUnit.parent_id == unit.id, OrgUnit.status == "active",
                                                         OrgUnit.kind == "party_group")).all()
    for closing in (unit, *groups):
        closing.status, closing.closed_on, closing.closed_by_case_id = "dissolved", closed_on, writes.case.id
    # Positions in a closed unit end with it (书记、委员、党小组长).
    for position in db.session.scalars(db.select(Position).where(
            Position.unit_id.in_([u.id for u in (unit, *groups)]),
            or_(Position.ended_on.is_(None), Position.ended_on > closed_on))):
        position.ended_on = closed_on
    params = {"unit": unit.name, "date": change.closed_on}
    if change.merged_into_id is not None:
        target = db.session.get(OrgUnit, change.merged_into_id)
        return N_("%(unit)s并入%(target)s，于%(date)s撤销建制"), {**params, "target": target.name}
    return N_("%(unit)s于%(date)s撤销"), params


def _appoint_officer(writes: CaseWrites, change: AppointOfficer) -> Sentence:
    unit, member = db.session.get(OrgUnit, change.unit_id), db.session.get(Member, change.member_id)
    user = db.session.scalar(db.select(User).where(User.member_id == member.id, User.is_enabled.is_(True)).limit(1))
    params = {"name": member.name, "unit": unit.name, "date": change.started_on}
    if user is None:
        return N_("%(name)s为%(unit)s书记人选：没有系统账号，未登记任职"), params
    writes.insert(Position, user_id=user.id, unit_id=unit.id, role=change.role,
                  started_on=parse_date(change.started_on), ended_on=None)
    return N_("%(name)s自%(date)s起任%(unit)s书记"), params


def _offer_first_election(writes: CaseWrites, change: OfferFirstElection) -> Sentence:
    """Tell the unit's officers (and the members named: a designated secretary) and its committee's
    officers to start the first election, linking to its 发起 page."""
    unit = db.session.get(OrgUnit, change.unit_id)
    today = clock.today()
    chain, _departments = read_chain(unit.id)
    committee = unit_committee(chain[1:])
    named = db.session.scalars(db.select(User).where(User.member_id.in_(change.member_ids))).all() \
        if change.member_ids else []
    # The unit's officers start its election; the committee's are taken to the unit's page (its term, the
    # election once it runs): they may not start a case in a unit below (permissions.can_start_in).
    electors = {user.id: user for user in [*named, *unit_officers(unit.id, today)]}
    supervisors = {user.id: user for user in (unit_officers(committee.id, today) if committee else [])
                   if user.id not in electors}
    key, message = f"unit:{unit.id}:first_election:{writes.case.id}", (
        UPGRADED_ELECTION if change.upgraded else FIRST_ELECTION)
    for people, link in ((electors, FIRST_ELECTION_LINK.format(unit_id=unit.id)), (supervisors, f"/orgs/{unit.id}")):
        notify(people.values(), key=key, kind="first_election", message=message, params={"unit": unit.name},
               link=link, case_id=writes.case.id)
    return N_("已通知%(unit)s和%(committee)s发起第一次选举"), {
        "unit": unit.name, "committee": committee.name if committee else "—"}


UNIT_APPLIERS = {
    CreateUnit: _create_unit,
    RenameUnit: _rename_unit,
    MoveUnit: _move_unit,
    UpgradeUnit: _upgrade_unit,
    DissolveUnit: _dissolve_unit,
    AppointOfficer: _appoint_officer,
    OfferFirstElection: _offer_first_election,
}
