"""What 换届选举 (term_election) and 补选 (by_election) share: the ballots of a 党员大会 with their rounds,
the election of officers, the upper organisation's replies, and the changes of positions on approval.

RULES.md §2.1–§2.2 (votes), §4.3 E5–E7 and §4.6. The numbers are workflows/elections.py with the
organisation's settings; the guards here read a step's form data (already field-checked) and the case's
engine variables. A case's ballot lives in its variables: ``ballot_kind``, ``ballot_candidate_ids``,
``ballot_seats``, ``elected_ids`` and ``committee_seats``; each round's form keeps its raw tallies.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from workflows import elections
from workflows.calendar import add_days
from workflows.guards import (
    Guard,
    StepContext,
    StepFields,
    Violation,
    date_value,
    iso,
    member_ids,
    missing_fields,
    needed_case_date,
    not_before,
    setting_violation,
    step_violations,
    violation,
)
from workflows.i18n import N_
from workflows.org_changes import EndPositions, GrantPosition

ELE = "《中国共产党基层组织选举工作条例》"
BR = "《中国共产党支部工作条例（试行）》"
RULES_SOURCE = ELE + " [N-ELE]"

# The posts of a unit's committee (支委会 / 总支委员会 / 党委), ended when a new one takes office
# (RULES.md §11): 书记、副书记、组织委员、宣传委员、纪检委员、委员.
COMMITTEE_ROLES = ("secretary", "deputy_secretary", "org_member", "publicity_member", "discipline_member",
                   "committee_member")
OFFICER_ROLES = ("secretary", "deputy_secretary")
DUTY_ROLES = ("org_member", "publicity_member", "discipline_member")
# Form field → the post it fills (E06, B04).
OFFICER_FIELDS = {"secretary_id": "secretary", "deputy_id": "deputy_secretary", "org_member_id": "org_member",
                  "publicity_member_id": "publicity_member", "discipline_member_id": "discipline_member"}


@dataclass(frozen=True)
class StepRules:
    """A procedure's rules by step key ("E04b", "B03"): the fields each step needs, its guard, the engine
    variables it derives. ``check`` and ``derive`` are the procedure protocol's functions of the same name."""

    fields: Mapping[str, StepFields]
    guards: Mapping[str, Guard]
    derivers: Mapping[str, Callable[[Mapping[str, Any], StepContext], dict[str, Any]]]
    member_fields: tuple[str, ...]
    step_key: Callable[[str], str]

    def check(self, step_code: str, data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
        """Every violated rule of the step (a step code or form key) for ``data``; empty: it may complete.
        Field problems first (missing, malformed dates, unknown members), the guard on well-formed data."""
        key = self.step_key(step_code)
        return step_violations(self.fields.get(key), self.guards.get(key), data, self.member_fields, ctx)

    def derive(self, step_code: str, data: Mapping[str, Any], ctx: StepContext) -> dict[str, Any]:
        """The engine variables the step sets (bpmn/README.md, "term_election and by_election")."""
        deriver = self.derivers.get(self.step_key(step_code))
        return deriver(data, ctx) if deriver else {}


def no_member_changes(step_code: str, data: Mapping[str, Any], derived: Mapping[str, Any],
                      case_data: Mapping[str, Any]) -> dict[str, Any]:
    """An election changes no member record: its subject is the unit (its effects are org_changes)."""
    return {}


def upper_reply_due(opened_on: date, settings: Mapping[str, Any]) -> date:
    """The upper organisation answers within ``election.request_sla_days`` (a design default: RULES.md found no
    national limit for the reply to a 换届请示)."""
    return add_days(opened_on, settings["election.request_sla_days"])


def day(data: Mapping[str, Any], name: str) -> str | None:
    """A date of the form as ISO text (engine variables hold dates as text)."""
    return iso(date_value(data, name))


def one_id(value: Any) -> int | None:
    ids = member_ids(value)
    return ids[0] if ids else None


# ---------- the upper organisation's replies (批复, 审查, 审批) ----------


def reply_guard(date_field: str, after: str, decision_field: str, needs_reason: tuple[str, ...],
                reason_field: str, earliest_message: str) -> Guard:
    """A reply dated no earlier than the case date ``after``, with a reason when it returns or refuses."""

    def guard(data, ctx: StepContext) -> list[Violation]:
        problems: list[Violation] = []
        earliest = needed_case_date(ctx, after, problems)
        problems += not_before(data, date_field, earliest, earliest_message)
        if data[decision_field] in needs_reason and not data.get(reason_field, "").strip():
            problems.append(violation(reason_field, N_("退回或不同意时须写明意见，以便下级党组织据此修改或执行"),
                                      "return_with_comments", "RULES.md §2.4"))
        return problems

    return guard


# ---------- who may vote and be elected ----------


def ineligible(field: str, ids, ctx: StepContext, role: str) -> list[Violation]:
    """A violation for each member without 被选举权 (a 预备党员, a member under 留党察看) named as ``role``."""
    return [violation(field, N_("%(name)s不是享有选举权和被选举权的正式党员，不能作为%(role)s"
                                "（预备党员和受留党察看处分的党员没有选举权和被选举权）"), "eligibility", RULES_SOURCE,
                      name=ctx.members[i].name, role=role)
            for i in ids if not elections.may_be_elected(ctx.members[i].stage, ctx.members[i].in_good_standing)]


def standing_problem(field: str, member_id: int | None, on: date | None, ctx: StepContext) -> list[Violation]:
    """书记 must have ``branch.secretary_min_standing_years`` of 党龄 on ``on``."""
    if member_id is None:
        return []
    member = ctx.members[member_id]
    return standing_violation(field, member.name, member.party_standing_since, on, ctx.settings)


def standing_violation(field: str, name: str, since: date | None, on: date | None,
                       settings: Mapping[str, Any]) -> list[Violation]:
    """A 书记 with less than ``branch.secretary_min_standing_years`` of 党龄 (counted from ``since``) on ``on``."""
    years = settings["branch.secretary_min_standing_years"]
    if on is None or elections.has_standing(since, on, years):
        return []
    return [setting_violation(field, N_("书记人选一般应具有%(years)s年以上党龄：%(name)s的党龄自%(since)s起算，"
                                        "到%(on)s不满%(years)s年"),
                                        "branch.secretary_min_standing_years", years=years,
                              name=name, since=since or "—", on=on)]


# ---------- 党员大会: attendance, exclusions, quorum ----------

ROUND_FIELDS = StepFields(("election_date", "expected_electors", "present_electors", "seats"), ("election_date",))
# Fields a ballot needs once the quorum is reached (a meeting without quorum holds no ballot).
BALLOT_FIELDS = ("ballots_issued", "ballots_returned", "ballots_invalid", "votes", "scrutineer_ids")


def approved_exclusions(data: Mapping[str, Any]) -> list[int]:
    """§2.1: members excluded from 应到会 count only when the upper organisation agreed and the assembly approved."""
    if data.get("exclusions_upper_approved") and data.get("exclusions_assembly_approved"):
        return member_ids(data.get("excluded_ids"))
    return []


def attendance_problems(data, ctx: StepContext) -> list[Violation]:
    """应到会 = the electors on the roster less the approved exclusions; 实到会 no more than that."""
    problems: list[Violation] = []
    excluded = member_ids(data.get("excluded_ids"))
    if excluded and not (data.get("exclusions_upper_approved") and data.get("exclusions_assembly_approved")):
        problems.append(violation("exclusions_upper_approved", N_(
            "不计入应到会人数的党员须经上级党组织同意并经党员大会通过（RULES.md §2.1）"), "election_exclusion",
            RULES_SOURCE))
    problems += [violation("excluded_ids", N_("%(name)s本来就没有选举权，无须从应到会人数中扣除"), "election_exclusion",
                           RULES_SOURCE, name=ctx.members[i].name)
                 for i in excluded if not elections.may_vote(ctx.members[i].stage, ctx.members[i].in_good_standing)]
    if problems:
        return problems
    expected = elections.expected_electors(ctx.voting_members, len(approved_exclusions(data)))
    if int(data["expected_electors"]) != expected:
        problems.append(violation("expected_electors", N_(
            "应到会有选举权的党员应为 %(expected)s 人（党员名册中有选举权的正式党员 %(roster)s 人，"
            "经批准不计入 %(excluded)s 人），现填 %(given)s 人"),
            "expected_electors", RULES_SOURCE, expected=expected, roster=ctx.voting_members,
            excluded=len(approved_exclusions(data)), given=int(data["expected_electors"])))
    elif int(data["present_electors"]) > expected:
        problems.append(violation("present_electors", N_("实到会人数（%(present)s）不能多于应到会人数（%(expected)s）"),
                                  "present_electors", RULES_SOURCE, present=int(data["present_electors"]),
                                  expected=expected))
    return problems


def has_quorum(data, ctx: StepContext) -> bool:
    return elections.quorum_ok(int(data["present_electors"]), int(data["expected_electors"]),
                               ctx.settings["election.quorum_strict"])


def paper_problems(data) -> list[Violation]:
    """Ballot papers that cannot be: more issued than electors present, more invalid than returned (more
    returned than issued is no error: it voids the ballot, which is held again)."""
    present, issued = int(data["present_electors"]), int(data["ballots_issued"])
    returned, invalid = int(data["ballots_returned"]), int(data["ballots_invalid"])
    problems = []
    if issued > present:
        problems.append(violation("ballots_issued", N_(
            "发出的选票（%(issued)s）不能多于实到会有选举权的人数（%(present)s）"), "ballots", RULES_SOURCE,
            issued=issued, present=present))
    if invalid > returned:
        problems.append(violation("ballots_invalid", N_("无效票（%(invalid)s）不能多于收回的选票（%(returned)s）"),
                                  "ballots", RULES_SOURCE, invalid=invalid, returned=returned))
    return problems


def ballot_count_problems(data, ctx: StepContext, seats: int, candidates) -> list[Violation]:
    """Valid papers (``paper_problems``), a count for each candidate within the valid ballots, and no more
    marks than a valid ballot can hold (a ballot marking more names than seats is invalid)."""
    problems = missing_fields(data, BALLOT_FIELDS) or paper_problems(data)
    issued, returned, invalid = (int(data.get(f) or 0) for f in ("ballots_issued", "ballots_returned",
                                                                  "ballots_invalid"))
    if problems or not elections.ballots_valid(issued, returned):
        return problems  # a void ballot is counted no further: it is held again
    votes = elections.votes_from(data["votes"])
    if set(votes) != set(candidates):
        return [violation("votes", N_("须为本轮每一名候选人填写得票数"), "ballots", RULES_SOURCE)]
    valid = returned - invalid
    over = [ctx.members[c].name for c, n in votes.items() if n > valid]
    if over:
        problems.append(violation("votes", N_("%(names)s的得票数多于有效选票数（%(valid)s）"), "ballots", RULES_SOURCE,
                                  names="、".join(over), valid=valid))
    elif sum(votes.values()) > valid * seats:
        problems.append(violation("votes", N_(
            "得票总数（%(total)s）超过有效选票数×应选名额（%(valid)s×%(seats)s）：所选人数多于应选名额的选票无效，"
            "应计入无效票"), "ballot_is_valid", RULES_SOURCE, total=sum(votes.values()), valid=valid, seats=seats))
    return problems


def scrutineer_problems(data, candidates) -> list[Violation]:
    """监票人 are electors who are not candidates (由不是候选人的党员担任)."""
    clash = set(member_ids(data.get("scrutineer_ids"))) & set(candidates)
    if not clash:
        return []
    return [violation("scrutineer_ids", N_("候选人不能担任监票人"), "scrutineer", RULES_SOURCE)]


# ---------- the ballot of a case and its rounds ----------


def current_ballot(case_data: Mapping[str, Any]) -> elections.Ballot:
    return elections.Ballot(
        case_data.get("ballot_kind", "first"), tuple(case_data.get("ballot_candidate_ids") or ()),
        int(case_data.get("ballot_seats") or 0), tuple(case_data.get("elected_ids") or ()),
        int(case_data.get("committee_seats") or case_data.get("ballot_seats") or 0))


def first_ballot(candidates, seats: int, elected=()) -> dict[str, Any]:
    """The engine variables of the first ballot of an election for ``seats`` seats."""
    return {"ballot_kind": "first", "ballot_candidate_ids": list(candidates), "ballot_seats": seats,
            "elected_ids": list(elected), "round_no": 0, "round_outcome": None}


def round_facts(data: Mapping[str, Any]) -> elections.RoundFacts:
    return elections.RoundFacts(
        expected=int(data["expected_electors"]), present=int(data["present_electors"]),
        issued=int(data.get("ballots_issued") or 0), returned=int(data.get("ballots_returned") or 0),
        votes=elections.votes_from(data.get("votes")), reduce_seats=bool(data.get("reduce_seats")),
        reduction_agreed=int(data.get("reduction_agreed") or 0))


def decide(data, ctx: StepContext, min_seats: int) -> elections.RoundDecision:
    return elections.decide_round(current_ballot(ctx.case_data), round_facts(data), min_seats, ctx.settings)


def round_guard(min_seats_of: Callable[[StepContext], int]) -> Guard:
    """One ballot of the 党员大会 (E05, B03): attendance, the seats of this ballot, the date after the last
    reply or round, then (with quorum) the ballots, the scrutineers and a seat reduction that may be made."""

    def guard(data, ctx: StepContext) -> list[Violation]:
        ballot = current_ballot(ctx.case_data)
        problems = attendance_problems(data, ctx)
        if int(data["seats"]) != ballot.seats:
            problems.append(violation("seats", N_("本轮应选名额为 %(seats)s 名，现填 %(given)s 名"), "ballot_seats",
                                      RULES_SOURCE, seats=ballot.seats, given=int(data["seats"])))
        problems += not_before(data, "election_date", ctx.case_date("election_not_before"),
                               N_("选举日期不能早于上级党组织批复或上一轮选举的日期（%(earliest)s）"))
        if problems or not has_quorum(data, ctx):
            return problems
        problems += ballot_count_problems(data, ctx, ballot.seats, ballot.candidates)
        problems += scrutineer_problems(data, ballot.candidates)
        if not problems and data.get("reduce_seats"):
            problems += reduction_problems(data, ctx, min_seats_of(ctx))
        if not data.get("rules_adopted"):
            problems.append(violation("rules_adopted", N_("选举办法须经党员大会通过后方可投票"), "election_rules",
                                      RULES_SOURCE))
        return problems

    return guard


def reduction_problems(data, ctx: StepContext, min_seats: int) -> list[Violation]:
    decision = decide(data, ctx, min_seats)
    if decision.outcome == elections.COMPLETE and decision.total_seats < current_ballot(ctx.case_data).total_seats:
        return []
    if decision.outcome not in (elections.SUPPLEMENTARY, elections.COMPLETE):
        return [violation("reduce_seats", N_("本轮没有出现当选人数不足，不需要减少名额"), "seat_reduction",
                          RULES_SOURCE)]
    if decision.outcome == elections.COMPLETE:
        return [violation("reduce_seats", N_("本轮已选满应选名额，不需要减少名额"), "seat_reduction", RULES_SOURCE)]
    if not ctx.settings["election.allow_seat_reduction"]:
        return [setting_violation("reduce_seats", N_("本组织的规则不允许减少名额：请另行选举"),
                                  "election.allow_seat_reduction")]
    return [setting_violation("reduction_agreed", N_(
        "减少名额须经实到会选举人半数以上同意，且减少后的委员人数不少于 %(min)s 名："
        "当选 %(elected)s 名，同意 %(agreed)s 人，实到会 %(present)s 人"),
        "election.allow_seat_reduction", min=min_seats, elected=len(decision.elected),
        agreed=int(data.get("reduction_agreed") or 0), present=int(data["present_electors"]))]


def derive_round(data, ctx: StepContext, min_seats: int) -> dict[str, Any]:
    """The outcome of the ballot and the ballot that follows (a rerun keeps the ballot as it was)."""
    decision = decide(data, ctx, min_seats)
    following = decision.next_ballot
    derived = {"round_no": int(ctx.case_data.get("round_no") or 0) + 1, "round_outcome": decision.outcome,
               "elected_ids": list(decision.elected), "committee_seats": decision.total_seats,
               "election_not_before": day(data, "election_date")}
    if following is not None:
        derived.update(ballot_kind=following.kind, ballot_candidate_ids=list(following.candidates),
                       ballot_seats=following.seats)
    if decision.outcome == elections.COMPLETE:
        derived["election_date"] = day(data, "election_date")
    return derived


# ---------- the new committee elects its officers (E06, B04) ----------


def officers_from(data: Mapping[str, Any]) -> dict[str, int | None]:
    """Post → member id of the officers a form names (书记, 副书记 and the 组织/宣传/纪检 duties)."""
    return {post: one_id(data.get(field)) for field, post in OFFICER_FIELDS.items()}


def committee_vote_problems(data, ctx: StepContext, committee: list[int], deputy_seats: int) -> list[Violation]:
    """The new committee's first meeting: more than half of it present, the officers among its members,
    votes within those present, the secretary's standing, one deputy at most."""
    problems: list[Violation] = []
    size, present = len(committee), int(data["committee_present"])
    if present > size or present * 2 <= size:
        problems.append(violation("committee_present", N_(
            "委员会会议须有半数以上委员到会：委员 %(size)s 名，到会 %(present)s 名"), "committee_quorum",
            BR + " [N-BR]", size=size, present=present))
    officers = officers_from(data)
    outside = [ctx.members[i].name for i in officers.values() if i is not None and i not in committee]
    if outside:
        problems.append(violation("secretary_id", N_("书记、副书记和委员分工只能在委员中产生：%(names)s不是委员"),
                                  "officers", RULES_SOURCE, names="、".join(outside)))
    if officers["deputy_secretary"] is not None and officers["deputy_secretary"] == officers["secretary"]:
        problems.append(violation("deputy_id", N_("书记和副书记不能是同一人"), "officers", RULES_SOURCE))
    if officers["deputy_secretary"] is not None and deputy_seats < 1:
        problems.append(violation("deputy_id", N_("换届请示未设副书记职数，不能选举副书记"), "officers", RULES_SOURCE))
    for field in ("secretary_votes", "deputy_votes"):
        if data.get(field) is not None and int(data[field]) > present:
            problems.append(violation(field, N_("得票数不能多于到会委员人数（%(present)s）"), "officers", RULES_SOURCE,
                                      present=present))
    if officers["deputy_secretary"] is not None and data.get("deputy_votes") is None:
        problems += missing_fields(data, ("deputy_votes",))
    problems += standing_problem("secretary_id", officers["secretary"], date_value(data, "meeting_date"), ctx)
    return problems


def committee_elected(data, committee_size: int) -> bool:
    """书记 (and 副书记, when one stands) elected by more than half of all the committee's members (等额选举)."""
    secretary = elections.is_elected(int(data["secretary_votes"]), committee_size)
    deputy = data.get("deputy_id") in (None, "") or elections.is_elected(int(data.get("deputy_votes") or 0),
                                                                           committee_size)
    return secretary and deputy


# ---------- the changes of positions when the upper organisation approves ----------


def derive_approval(data, ctx: StepContext, start_variable: str) -> dict[str, Any]:
    """E07b / B05b: the decision, and on approval the day the new posts (and a new term) start: the
    election day or the approval day (``election.term_start_event``)."""
    derived = {"approval_decision": data["decision"]}
    if data["decision"] == "approved":
        derived["approval_date"] = day(data, "decided_on")
        election_day = ctx.case_data.get("election_date")
        use_election = ctx.settings["election.term_start_event"] == "election_date" and election_day
        derived[start_variable] = election_day if use_election else derived["approval_date"]
    return derived


def position_changes(unit_id: int, start: str, officers: Mapping[str, int | None], members: list[int],
                     end_roles: tuple[str, ...] = COMMITTEE_ROLES) -> list:
    """End the outgoing committee's posts the day before ``start`` and give the new ones from ``start``:
    each officer post to its holder, 委员 to every other member of the new committee."""
    ended_on = iso(add_days(date.fromisoformat(start), -1))
    changes: list = [EndPositions(unit_id, end_roles, ended_on)] if end_roles else []
    holders = set()
    for post in (*OFFICER_ROLES, *DUTY_ROLES):
        member_id = officers.get(post)
        if member_id is not None:
            changes.append(GrantPosition(int(member_id), unit_id, post, start))
            holders.add(int(member_id))
    changes += [GrantPosition(int(m), unit_id, "committee_member", start) for m in members if int(m) not in holders]
    return changes
