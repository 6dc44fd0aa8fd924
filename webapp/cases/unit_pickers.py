"""The choices of the pickers of 党支部设置 (RULES.md §6), for the case's unit: the units a branch may be set
up or moved under, the branches members may go to, the members who may move or lead a new branch.

Only active units are offered (a dissolved unit is never picked again); the procedure's rules check
every pick once more when the step is submitted.
"""

from __future__ import annotations

from flask_babel import gettext
from wtforms.fields.choices import SelectChoice

from workflows.procedures.branch_rules import PARENT_KINDS

from ..extensions import db
from ..models import Member, OrgUnit
from ..models.member import STAGES
from ..permissions import subtree_ids
from ..templating import long_date
from .context import ROSTER_STAGES

_MEMBER_STAGES = ("full_member", "probationary_member")


def _blank() -> SelectChoice:
    return SelectChoice("", gettext("（请选择）"))


def _active_units(ids) -> list[OrgUnit]:
    return list(db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(ids), OrgUnit.status == "active")
                                   .order_by(OrgUnit.id)))


def setup_parents(unit_id: int) -> list[SelectChoice]:
    """The case's unit first, then the general branches and committees below it."""
    units = _active_units(subtree_ids({unit_id}))
    units.sort(key=lambda u: u.id != unit_id)
    return [SelectChoice(u.id, u.name) for u in units if u.kind in PARENT_KINDS]


def _members(unit_ids, stages, order_by_standing: bool = False) -> list:
    query = (db.select(Member).join(OrgUnit, Member.unit_id == OrgUnit.id)
             .where(Member.unit_id.in_(unit_ids), Member.stage.in_(stages)))
    query = query.order_by(Member.party_standing_since if order_by_standing else Member.stage, Member.name)
    return list(db.session.scalars(query))


def _label(member: Member, *details: str) -> str:
    return gettext("%(name)s（%(detail)s）", name=member.name, detail=gettext("，").join(d for d in details if d))


def _standing(member: Member) -> str:
    since = member.party_standing_since
    return gettext("党龄自 %(date)s 起", date=long_date(since)) if since else ""


def subtree_members(unit_id: int) -> list[SelectChoice]:
    """党员 of the case's unit and of every unit below it, with their branch: who may join a new branch."""
    members = _members({u.id for u in _active_units(subtree_ids({unit_id}))}, _MEMBER_STAGES)
    return [SelectChoice(m.id, _label(m, gettext(STAGES[m.stage]), m.unit.name)) for m in members]


def subtree_full_members(unit_id: int) -> list[SelectChoice]:
    """正式党员 below the case's unit, with their branch and 党龄: who may lead a new branch."""
    members = _members({u.id for u in _active_units(subtree_ids({unit_id}))}, ("full_member",), True)
    return [_blank(), *(SelectChoice(m.id, _label(m, m.unit.name, _standing(m))) for m in members)]


def branch_roster(unit_id: int) -> list[SelectChoice]:
    """Everyone on the branch's roster (members, and people in recruitment, whose cases follow them)."""
    return [SelectChoice(m.id, _label(m, gettext(STAGES[m.stage]))) for m in _members({unit_id}, ROSTER_STAGES)]


def branch_full_members(unit_id: int) -> list[SelectChoice]:
    return [_blank(), *(SelectChoice(m.id, _label(m, _standing(m)))
                        for m in _members({unit_id}, ("full_member",), True))]


def _same_organisation(unit_id: int) -> tuple[OrgUnit, list[OrgUnit]]:
    unit = db.session.get(OrgUnit, unit_id)
    units = db.session.scalars(db.select(OrgUnit).where(OrgUnit.top_org_id == unit.top_org_id,
                                                        OrgUnit.status == "active").order_by(OrgUnit.id))
    return unit, list(units)


def move_targets(unit_id: int) -> list[SelectChoice]:
    """General branches and committees of the organisation a branch may move under: not below itself,
    not its present superior."""
    unit, units = _same_organisation(unit_id)
    below = subtree_ids({unit_id})
    return [_blank(), *(SelectChoice(u.id, u.path_name()) for u in units
                        if u.kind in PARENT_KINDS and u.id not in below and u.id != unit.parent_id)]


def merge_targets(unit_id: int) -> list[SelectChoice]:
    """The other branches of the organisation that take members in (not temporary ones)."""
    _unit, units = _same_organisation(unit_id)
    return [_blank(), *(SelectChoice(u.id, u.path_name()) for u in units
                        if u.kind == "branch" and not u.is_temporary and u.id != unit_id)]


SOURCES = (setup_parents, subtree_members, subtree_full_members, branch_roster, branch_full_members, move_targets,
           merge_targets)
