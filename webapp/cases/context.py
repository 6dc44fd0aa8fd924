"""Facts the domain rules need, read from the database: settings, referenced members, the roster."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func

from workflows.calendar import parse_date
from workflows.guards import MemberFacts, StepContext, UnitFacts
from workflows.settings import RuleSettings

from .. import clock
from ..extensions import db
from ..models import Member, OrgUnit
from ..orgcache import current_config
from ..permissions import subtree_ids

# Columns of Member a start form may fill for a new subject (RULES.md §3.2, R01 "person").
SUBJECT_COLUMNS = ("name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation",
                   "work_unit", "phone")


def rule_settings_for(unit_id: int) -> RuleSettings:
    """Defaults overridden by every unit from the root down to ``unit_id`` (the nearest wins)."""
    config = current_config()
    return config.settings(config.tree().load_chain(unit_id))


def voting_member_count(unit_id: int) -> int:
    """应到会有表决权的党员: full members in good standing of the branch (RULES.md §2.1)."""
    return db.session.scalar(
        db.select(func.count(Member.id)).filter_by(unit_id=unit_id, stage="full_member", in_good_standing=True)
    )


def roster_counts(unit_id: int) -> tuple[int, int, int]:
    """正式党员, of them those with the right to vote, and 党员 (full and probationary) of the unit and every
    unit below it: an election's electorate (a 总支's members sit in its branches)."""
    units = subtree_ids({unit_id})
    rows = db.session.execute(
        db.select(Member.stage, Member.in_good_standing, func.count(Member.id))
        .where(Member.unit_id.in_(units), Member.stage.in_(("full_member", "probationary_member")))
        .group_by(Member.stage, Member.in_good_standing)).all()
    full = sum(n for stage, _good, n in rows if stage == "full_member")
    voting = sum(n for stage, good, n in rows if stage == "full_member" and good)
    return full, voting, sum(n for *_key, n in rows)


def member_facts(member: Member) -> MemberFacts:
    return MemberFacts(
        id=member.id, name=member.name, stage=member.stage, in_good_standing=member.in_good_standing,
        has_voting_rights=member.has_voting_rights, unit_id=member.unit_id,
        party_standing_since=member.party_standing_since,
    )


def referenced_member_ids(procedure, data: dict[str, Any]) -> set[int]:
    ids: set[int] = set()
    for field in procedure.MEMBER_FIELDS:
        value = data.get(field)
        values = value if isinstance(value, (list, tuple, dict)) else [value]  # a dict: counts by member id
        ids.update(int(v) for v in values if v not in (None, ""))
    return ids


def step_context(procedure, unit_id: int, data: dict[str, Any], case_variables: dict[str, Any],
                 settings: RuleSettings) -> StepContext:
    fact_fields = getattr(procedure, "UNIT_FACT_FIELDS", None)
    ids = referenced_member_ids(procedure, data)
    if fact_fields is not None:  # their rules check what the case holds again, at the decision
        ids |= referenced_member_ids(procedure, case_variables)
    members = db.session.scalars(db.select(Member).where(Member.id.in_(ids))).all() if ids else []
    facts = {m.id: member_facts(m) for m in members}
    if getattr(procedure, "COUNTS_ROSTER", False):  # an election: its electorate, every step
        full, voting, party = roster_counts(unit_id)
        unit = db.session.get(OrgUnit, unit_id)
        return StepContext(today=clock.today(), case_data=case_variables, members=facts, voting_members=voting,
                           settings=settings, unit_id=unit_id, unit_kind=unit.kind, full_members=full,
                           party_members=party)
    # The roster count is one query; only steps that record a vote read it.
    counts_voters = bool({"expected_voting", "present_voting"} & data.keys())
    return StepContext(
        today=clock.today(), case_data=case_variables, members=facts,
        voting_members=voting_member_count(unit_id) if counts_voters else 0, settings=settings,
        unit_id=unit_id, chains=_unit_chains(procedure, unit_id, {**case_variables, **data}),
        units=unit_facts(_referenced_unit_ids(unit_id, fact_fields, data, case_variables))
        if fact_fields is not None else {},
    )


def _unit_chains(procedure, unit_id: int, data: dict[str, Any]) -> dict[int, tuple]:
    """The tree chains of the case's unit and of the units the form or the case names, for a procedure
    whose rules read the tree (its optional ``CHAIN_FIELDS``); none for the others."""
    fields = getattr(procedure, "CHAIN_FIELDS", None)
    if fields is None:
        return {}
    ids = {unit_id}
    for name in fields:
        value = data.get(name)
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            ids.add(int(value))
    tree = current_config().tree()
    return {i: tuple(tree.load_chain(i)) for i in ids}


# The people a unit's roster holds: its members and the people in recruitment there (RULES.md §3).
ROSTER_STAGES = ("applicant", "activist", "development_candidate", "probationary_member", "full_member")


def _referenced_unit_ids(unit_id: int, fields, data: dict[str, Any], case_variables: dict[str, Any]) -> set[int]:
    """The case's unit and the units named by ``fields`` of the form or of the case."""
    ids = {unit_id}
    for source in (data, case_variables):
        for name in fields:
            value = source.get(name)
            for one in value if isinstance(value, (list, tuple)) else [value]:
                if isinstance(one, int) and not isinstance(one, bool) or isinstance(one, str) and one.isdigit():
                    ids.add(int(one))
    return ids


def unit_facts(unit_ids: set[int]) -> dict[int, UnitFacts]:
    """UnitFacts of each unit (and of each one's parent): its ancestors, the names of its active units
    below, its roster and member counts, in a few queries."""
    units = {u.id: u for u in db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(unit_ids)))}
    parents = {u.parent_id for u in units.values() if u.parent_id is not None} - units.keys()
    units.update((u.id, u) for u in db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(parents))))
    children: dict[int, list[tuple[str, str]]] = {unit_id: [] for unit_id in units}
    for row in db.session.execute(db.select(OrgUnit.parent_id, OrgUnit.name, OrgUnit.kind).where(
            OrgUnit.parent_id.in_(units.keys()), OrgUnit.status == "active")):
        children[row.parent_id].append((row.name, row.kind))
    roster: dict[int, list[tuple[int, str]]] = {unit_id: [] for unit_id in units}
    for row in db.session.execute(db.select(Member.id, Member.unit_id, Member.stage).where(
            Member.unit_id.in_(units.keys()), Member.stage.in_(ROSTER_STAGES)).order_by(Member.id)):
        roster[row.unit_id].append((row.id, row.stage))
    return {unit.id: UnitFacts(
        id=unit.id, name=unit.name, kind=unit.kind, parent_id=unit.parent_id, status=unit.status,
        is_joint=bool(unit.is_joint), is_temporary=bool(unit.is_temporary),
        ancestor_ids=tuple(a.id for a in unit.ancestors()),
        child_names=tuple(name for name, _kind in children[unit.id]),
        child_units=sum(1 for _name, kind in children[unit.id] if kind != "party_group"),
        roster=tuple(member_id for member_id, _stage in roster[unit.id]),
        full_members=sum(1 for _id, stage in roster[unit.id] if stage == "full_member"),
        probationary_members=sum(1 for _id, stage in roster[unit.id] if stage == "probationary_member"),
        term_no=unit.term_no, term_started_on=unit.term_started_on, term_due_on=unit.term_due_on,
        term_overdue_since=unit.term_overdue_since,
    ) for unit in units.values()}


def subject_from_start_form(procedure, unit: OrgUnit, data: dict[str, Any]) -> Member | None:
    """The member a case is about: new from the start form (an applicant), the existing member the start
    form names (``member_id``), or None when the case is about its unit (workflows/procedures SUBJECT_KIND)."""
    if procedure.SUBJECT_KIND == "member":
        return db.session.get(Member, int(data["member_id"]))
    if procedure.SUBJECT_KIND != "new_member":
        return None
    values = {c: data.get(c) for c in SUBJECT_COLUMNS if data.get(c) not in (None, "")}
    if "birth_date" in values:
        values["birth_date"] = parse_date(values["birth_date"])
    member = Member(unit_id=unit.id, top_org_id=unit.top_org_id, stage="applicant", **values)
    db.session.add(member)
    return member
