"""The choices of the election forms' pickers (PICKER_SOURCES of term_election and by_election): the
electorate, the candidates of the ballot held now, the new committee, the unit's committee today.

A unit has at most one election running at a time (operations.start_case refuses a second), so the
ballot and the committee a form offers are read from the unit's running election case.
"""

from __future__ import annotations

from flask_babel import gettext
from wtforms.fields.choices import SelectChoice

from workflows.procedures import PROCEDURES
from workflows.procedures.election_common import COMMITTEE_ROLES

from .. import clock
from ..extensions import db
from ..models import Case, Member, PendingPosition, Position, User
from ..permissions import subtree_ids
from .running import running_case_among

# The procedures a unit runs one at a time (term_election.ONE_RUNNING_PER_UNIT).
ELECTION_PROCESSES = PROCEDURES["term_election"].ONE_RUNNING_PER_UNIT


def running_election(unit_id: int) -> Case | None:
    """The unit's election case that has not ended."""
    return running_case_among(ELECTION_PROCESSES, unit_id)


def electorate_members(unit_id: int) -> list[SelectChoice]:
    """正式党员 of the unit and every unit below it (a 总支's members sit in its branches); those under
    留党察看 are listed with that said, so that the rule refusing them explains itself."""
    rows = db.session.execute(
        db.select(Member.id, Member.name, Member.in_good_standing)
        .where(Member.unit_id.in_(subtree_ids({unit_id})), Member.stage == "full_member")
        .order_by(Member.in_good_standing.desc(), Member.name)).all()
    sanctioned = gettext("%(name)s（受处分，无选举权）")
    return [SelectChoice(row.id, row.name if row.in_good_standing else sanctioned % {"name": row.name})
            for row in rows]


def _named(ids) -> list[SelectChoice]:
    ids = [int(i) for i in ids or ()]
    names = dict(db.session.execute(db.select(Member.id, Member.name).where(Member.id.in_(ids))).all()) if ids else {}
    return [SelectChoice(i, names.get(i, str(i))) for i in ids]


def ballot_candidates(unit_id: int) -> list[SelectChoice]:
    """The candidates of the ballot the unit's election holds now, in the ballot's order."""
    case = running_election(unit_id)
    return _named((case.variables or {}).get("ballot_candidate_ids") if case else ())


def elected_committee(unit_id: int) -> list[SelectChoice]:
    """The members the 党员大会 elected to the new committee (E06 chooses the officers among them)."""
    case = running_election(unit_id)
    return _named((case.variables or {}).get("elected_ids") if case else ())


def unit_committee(unit_id: int) -> list[SelectChoice]:
    """The unit's committee today (through accounts, and posts waiting for one), with the members a running
    by-election has elected: a vacated member, or the one who fills a vacant 书记/副书记 post."""
    today = clock.today()
    held = db.session.scalars(
        db.select(User.member_id).join(Position, Position.user_id == User.id).where(
            Position.unit_id == unit_id, Position.role.in_(COMMITTEE_ROLES), User.member_id.is_not(None),
            Position.started_on <= today, (Position.ended_on.is_(None)) | (Position.ended_on >= today))).all()
    pending = [p.member_id for p in db.session.scalars(db.select(PendingPosition).where(
        PendingPosition.unit_id == unit_id, PendingPosition.role.in_(COMMITTEE_ROLES),
        PendingPosition.granted_position_id.is_(None))) if p.is_active_on(today)]
    case = running_election(unit_id)
    elected = (case.variables or {}).get("elected_ids") or [] if case else []
    return _named(dict.fromkeys([*held, *pending, *elected]))


def elected_officers(unit_id: int) -> list[SelectChoice]:
    """The 书记 and 副书记 the unit's running election names (E06/E06b, or the by-election's B04 or its directly
    elected officer): the superior may refuse them (election.committee_member_result "approve")."""
    case = running_election(unit_id)
    if case is None:
        return []
    procedure = PROCEDURES[case.process_key]
    return _named(procedure.officers_for_approval(case.variables or {}))


SOURCES = {f.__name__: f for f in (electorate_members, ballot_candidates, elected_committee, unit_committee,
                                   elected_officers)}
