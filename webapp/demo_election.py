"""Demo elections (换届选举 and 补选, RULES.md §4.3, §4.6): valid answers for every step, and the election the
demo starts with.

``election_step_data(step_code, facts)`` gives a step's main-path answers as plain JSON values, dated on the
step's day (``facts.today``) and consistent with workflows/procedures/term_election.py and by_election.py;
``overrides`` take the exits. ``election_facts`` reads what they depend on (the electorate, the committee,
the case's variables). The demo seed and the scenario tests both use them. ``seed_demo_elections`` starts
the demo's election through the real operations: 城关镇机关党支部, whose term ends within six months, has
asked 城关镇党委 for its 换届 and waits for the reply (E03); and 内科党总支 has asked 县人民医院党委 to hold
its election early (延期或提前换届, P02).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from workflows import elections
from workflows.procedures.election_common import COMMITTEE_ROLES
from workflows.procedures.term_election import ARCHIVE_ITEMS, HANDOVER_ITEMS
from workflows.settings import RuleSettings

from . import clock
from .cases import operations
from .cases.context import roster_counts, rule_settings_for
from .demo_cases import _form_input as form_input
from .demo_cases import _position_holder as officer_of
from .extensions import db
from .models import Case, Member, OrgUnit, Position, User
from .permissions import subtree_ids


@dataclass(frozen=True)
class ElectionFacts:
    """What an election step's answers depend on besides the step itself."""

    today: date
    variables: Mapping[str, Any] = field(default_factory=dict)
    # 正式党员 with the right to vote and be elected: the committee today first (the outgoing officers usually
    # stand again), then the longest Party standing (a 书记 needs a year).
    electors: tuple[int, ...] = ()
    voting_members: int = 0
    has_committee: bool = True
    # The unit's committee today as (member id, post), 书记 first: a vacancy, a replacement.
    committee: tuple[tuple[int, str], ...] = ()
    settings: Mapping[str, Any] = field(default_factory=RuleSettings)


def _iso(day: date) -> str:
    return day.isoformat()


def _attendance(d: date, f: ElectionFacts, candidates) -> dict[str, Any]:
    """Everyone with a vote came; two electors who stand for nothing scrutinise."""
    scrutineers = [m for m in f.electors if m not in candidates][:2]
    return {"election_date": _iso(d), "expected_electors": f.voting_members, "present_electors": f.voting_members,
            "rules_adopted": True, "scrutineer_ids": scrutineers, "tellers": "党支部工作人员",
            "ballots_issued": f.voting_members, "ballots_returned": f.voting_members, "ballots_invalid": 0}


def _ballot(d: date, f: ElectionFacts) -> dict[str, Any]:
    """The first ``seats`` candidates win with all but one vote each, the others get one vote: every ballot
    marks no more names than seats. The counts are a list in the ballot's order, as the form takes them."""
    candidates = [int(c) for c in f.variables.get("ballot_candidate_ids") or ()]
    seats, present = int(f.variables.get("ballot_seats") or 0), f.voting_members
    votes = [present - 1 if i < seats else 1 for i in range(len(candidates))]
    return {**_attendance(d, f, candidates), "seats": seats, "votes": votes, "minutes": "大会按选举办法进行。"}


def _prepare(d: date, f: ElectionFacts) -> dict[str, Any]:
    return {"committee_meeting_date": _iso(d), "committee_seats": 5 if f.has_committee else 0, "deputy_seats": 1,
            "planned_election_date": _iso(d + timedelta(days=30)), "nomination_method": "党员推荐、支委会研究确定",
            "election_rules": "实行差额选举，无记名投票。", "work_report": "本届任期内按期召开组织生活，完成各项工作。",
            "request_submitted_at": _iso(d)}


def _nominate(d: date, f: ElectionFacts) -> dict[str, Any]:
    seats = int(f.variables.get("committee_seats") or 0)
    candidates = list(f.electors[:elections.min_candidates(seats, f.settings)]) if seats else []
    return {"committee_meeting_date": _iso(d), "recommendation_summary": "各党小组推荐，支委会按多数党员意见确定。",
            "candidate_ids": candidates, "secretary_candidate_id": f.electors[0],
            "deputy_candidate_id": f.electors[1] if int(f.variables.get("deputy_seats") or 0) else None,
            "reported_at": _iso(d)}


def _officers(d: date, f: ElectionFacts) -> dict[str, Any]:
    committee = [int(i) for i in f.variables.get("elected_ids") or ()]
    secretary, deputy = f.variables.get("secretary_candidate_id"), f.variables.get("deputy_candidate_id")
    others = [m for m in committee if m not in (secretary, deputy)]
    return {"meeting_date": _iso(d), "committee_present": len(committee), "secretary_id": secretary,
            "secretary_votes": len(committee), "deputy_id": deputy, "deputy_votes": len(committee) if deputy else None,
            "org_member_id": others[0] if others else secretary,
            "publicity_member_id": others[1] if len(others) > 1 else None,
            "discipline_member_id": others[2] if len(others) > 2 else None,
            "minutes": "等额选举书记、副书记，明确委员分工。"}


def _assembly_officers(d: date, f: ElectionFacts) -> dict[str, Any]:
    candidates = [f.variables.get("secretary_candidate_id"), f.variables.get("deputy_candidate_id")]
    present = f.voting_members
    return {**_attendance(d, f, candidates), "secretary_votes": present,
            "deputy_votes": present if candidates[1] else None, "minutes": "党员大会直接选举书记、副书记。"}


def _reply(date_field: str, decision: str = "approved"):
    return lambda d, f: {date_field: _iso(d), "decision": decision, "doc_no": f"{d:%Y}〔{d:%m%d}〕号", "opinion": ""}


def _vacancy(d: date, f: ElectionFacts) -> dict[str, Any]:
    """The 组织委员 leaves (transferred out)."""
    holder = next((m for m, post in f.committee if post == "org_member"), None)
    return {"vacancy_post": "org_member", "vacated_member_id": holder,
            "vacancy_reason": "transfer_out", "reason_detail": "工作调动，组织关系转出。", "vacancy_date": _iso(d),
            "seats": 1}


def _decide(d: date, f: ElectionFacts) -> dict[str, Any]:
    inside = {m for m, _post in f.committee}
    outside = [m for m in f.electors if m not in inside]
    return {"committee_meeting_date": _iso(d), "candidate_ids": outside[:2], "method": "competitive",
            "planned_election_date": _iso(d + timedelta(days=20)), "proposal": "补选组织委员一名。",
            "request_submitted_at": _iso(d)}


def _replacement(d: date, f: ElectionFacts) -> dict[str, Any]:
    elected = [int(i) for i in f.variables.get("elected_ids") or ()]
    committee = list(dict.fromkeys([*(m for m, _post in f.committee), *elected]))
    vacated = f.variables.get("vacated_member_id")
    members = [m for m in committee if m != vacated]
    return {"meeting_date": _iso(d), "method": "elected", "officer_id": members[0], "committee_size": len(members),
            "committee_present": len(members), "officer_votes": len(members), "minutes": "委员会选举。"}


def _report(d: date, f: ElectionFacts) -> dict[str, Any]:
    return {"report_submitted_at": _iso(d), "result_report": "选举结果报告：委员、书记、副书记当选情况。"}


_ANSWERS = {
    "E02": _prepare,
    "E03": _reply("replied_at"),
    "E04": _nominate,
    "E04b": lambda d, f: {"reviewed_at": _iso(d), "decision": "approved", "opinion": "同意。"},
    "E05": _ballot,
    "E06": _officers,
    "E06b": _assembly_officers,
    "E07": _report,
    "E07b": _reply("decided_on"),
    "E08": lambda d, f: {"handover_date": _iso(d), "handover_items": list(HANDOVER_ITEMS),
                         "archive_items": list(ARCHIVE_ITEMS), "archived_at": _iso(d), "archivist": "组织委员"},
    "B01": _vacancy,
    "B02": _decide,
    "B02b": _reply("replied_at"),
    "B03": _ballot,
    "B04": _replacement,
    "B05": _report,
    "B05b": _reply("decided_on"),
    "P01": lambda d, f: {"shift_kind": "advance", "new_election_date": _iso(_early_election_day(d, f)),
                         "reasons": "总支委员会两名委员调离，委员缺额较多，影响正常工作，拟提前换届。",
                         "committee_meeting_date": _iso(d), "request_date": _iso(d)},
    "P02": _reply("replied_at"),
}


def _early_election_day(d: date, f: ElectionFacts) -> date:
    """提前换届: three months before the end of the term the case names (the demo's general branch)."""
    due = f.variables.get("term_due_on")
    return date.fromisoformat(due) - timedelta(days=90) if due else d + timedelta(days=30)


def election_step_data(step_code: str, facts: ElectionFacts, overrides: Mapping[str, Any] | None = None
                       ) -> dict[str, Any]:
    """The main-path answers of a step (by step code or form key), with ``overrides`` (None removes a field)."""
    key = step_code.split("_", 1)[0]
    data = _ANSWERS[{"E02b": "E02", "P03": "P01", "P02b": "P02"}.get(key, key)](facts.today, facts)
    for name, value in (overrides or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return {k: v for k, v in data.items() if v is not None}


def election_facts(unit_id: int, today: date, variables: Mapping[str, Any] | None = None) -> ElectionFacts:
    """The electorate and committee of the unit as stored now, with the case's variables."""
    by_standing = db.session.scalars(
        db.select(Member.id).where(Member.unit_id.in_(subtree_ids({unit_id})), Member.stage == "full_member",
                                   Member.in_good_standing).order_by(Member.party_standing_since, Member.id)).all()
    full, voting, _party = roster_counts(unit_id)
    unit, settings = db.session.get(OrgUnit, unit_id), rule_settings_for(unit_id)
    limits = elections.seat_limits(unit.kind, full, settings)
    committee = committee_today(unit_id)
    electors = [m for m, _post in committee if m in by_standing] + [m for m in by_standing
                                                                     if m not in {c for c, _p in committee}]
    return ElectionFacts(today, dict(variables or {}), tuple(dict.fromkeys(electors)), voting, limits.has_committee,
                         committee, settings)


def committee_today(unit_id: int) -> tuple[tuple[int, str], ...]:
    """(member id, post) of the unit's committee today, through accounts, 书记 first."""
    today = clock.today()
    rows = db.session.execute(db.select(User.member_id, Position.role).join(Position, Position.user_id == User.id)
                              .where(Position.unit_id == unit_id, Position.role.in_(COMMITTEE_ROLES),
                                     User.member_id.is_not(None), Position.started_on <= today,
                                     (Position.ended_on.is_(None)) | (Position.ended_on >= today))).all()
    return tuple(sorted(((m, role) for m, role in rows), key=lambda row: (COMMITTEE_ROLES.index(row[1]), row[0])))


def case_election_facts(case: Case, today: date) -> ElectionFacts:
    return election_facts(case.unit_id, today, case.variables)


def seed_demo_elections(today: date) -> list[Case]:
    """城关镇机关党支部 (six full members: no committee, its 党员大会 elects the 书记) requested its 换届 five days
    ago; the request waits for 城关镇党委's reply (E03, in the 待办 of 城关镇党委's 书记 and 组织委员)."""
    unit = db.session.scalars(db.select(OrgUnit).where(OrgUnit.name == "城关镇机关党支部")).one()
    definition = operations.current_definition("term_election")
    day = today - timedelta(days=5)
    data = election_step_data("E02_prepare", election_facts(unit.id, day))
    actor = officer_of(unit.id, ("secretary", "deputy_secretary", "org_member"))  # the 书记: it has no 组织委员
    case = operations.start_case(definition, unit, form_input("term_election", "E02_prepare", unit.id, data), actor)
    return [case, seed_demo_shift(today)]


def seed_demo_shift(today: date) -> Case:
    """内科党总支 asked three days ago to hold its election early (two of its committee members left: RULES.md
    §4.4 提前换届); the request waits for 县人民医院党委's reply (P02)."""
    unit = db.session.scalars(db.select(OrgUnit).where(OrgUnit.name == "内科党总支")).one()
    day = today - timedelta(days=3)
    facts = election_facts(unit.id, day, {"term_due_on": unit.term_due_on.isoformat()})
    data = election_step_data("P01_request_shift", facts)
    actor = officer_of(unit.id, ("secretary", "deputy_secretary", "org_member"))
    return operations.start_case(operations.current_definition("election_postponement"), unit,
                                 form_input("election_postponement", "P01_request_shift", unit.id, data), actor)

