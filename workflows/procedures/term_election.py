"""Process B — 换届选举 (term_election): E02–E08 of RULES.md §4.3 (E01, the term reminder, is the timer
worker's: webapp/orgs/terms.py offers this procedure from it).

The outgoing committee prepares and requests (E02) → the upper organisation replies (E03) → the committee
fixes the candidates (E04) → the upper organisation reviews them (E04b) → the 党员大会 elects the committee
in one or more ballots (E05) → the new committee elects the 书记 and 副书记 (E06; a branch of fewer than
seven full members has no committee and its 党员大会 elects them directly, E06b) → the results are
reported (E07): 委员 filed, 书记/副书记 approved (E07b) → handover and archive (E08). On approval the unit
starts its new term and the posts change (org_changes).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows import elections
from workflows.calendar import add_days, parse_date
from workflows.guards import StepContext, Violation, date_value, member_ids, missing_fields, not_before, violation
from workflows.i18n import N_
from workflows.org_changes import StartTerm
from workflows.procedures import committee_approval as approval
from workflows.procedures.election_common import (
    BR,
    ROUND_FIELDS,
    RULES_SOURCE,
    StepFields,
    StepRules,
    attendance_problems,
    committee_elected,
    committee_vote_problems,
    day,
    derive_approval,
    derive_round,
    first_ballot,
    has_quorum,
    ineligible,
    no_member_changes,
    officers_from,
    one_id,
    paper_problems,
    position_changes,
    reply_guard,
    round_guard,
    standing_problem,
    standing_violation,
    upper_reply_due,
)

PROCESS_KEY = "term_election"
BUSINESS_KEY_PREFIX = "HJ"
# The case is about the unit it starts in: its committee is elected anew.
SUBJECT_KIND = "unit"
# 党支部 and 党总支; a 基层党委 too, when its 党员大会 elects (a 党员代表大会, from 500 members, is refused).
START_UNIT_KINDS: tuple[str, ...] = ("branch", "general_branch", "primary_committee")
# 临时党支部一般不选举换届: its officers are designated by the approving organisation (RULES.md §6.6).
STARTS_IN_TEMPORARY_BRANCHES = False
# One election at a time in a unit: a second 换届选举 or 补选 is refused while one runs (webapp/cases/operations.py).
ONE_RUNNING_PER_UNIT = ("term_election", "by_election")
# The electorate is counted at every step (webapp/cases/context.py): the unit and every unit below it.
COUNTS_ROSTER = True

STAGES: tuple[tuple[str, str], ...] = (
    ("preparation", N_("筹备和请示")),
    ("nomination", N_("酝酿候选人")),
    ("election", N_("选举")),
    ("approval", N_("报批和备案")),
    ("handover", N_("交接和归档")),
)

STEPS: Mapping[str, str] = {
    "E02_prepare": "preparation",
    "E02b_revise_request": "preparation",
    "E03_request_approval": "preparation",
    "E04_nominate": "nomination",
    "E04b_review_shortlist": "nomination",
    "E05_assembly_election": "election",
    "E06_elect_officers": "election",
    "E06b_assembly_elect_officers": "election",
    "E07_report_results": "approval",
    "E07b_approve_results": "approval",
    "E08_handover_archive": "handover",
}

# A returned request is revised on the form it was made with.
FORM_KEYS: Mapping[str, str] = {code: "E02_prepare" if code == "E02b_revise_request" else code for code in STEPS}

MEMBER_FIELDS: tuple[str, ...] = (
    "candidate_ids", "secretary_candidate_id", "deputy_candidate_id", "excluded_ids", "scrutineer_ids", "votes",
    "secretary_id", "deputy_id", "org_member_id", "publicity_member_id", "discipline_member_id",
    "refused_member_ids", "refused_officer_ids",
)

# Candidates, exclusions and scrutineers come from the electorate; the ballot's counts are for the
# ballot's candidates; the officers are members of the new committee (webapp/cases/formkit.py).
PICKER_SOURCES: Mapping[str, str] = {
    "candidate_ids": "electorate_members", "secretary_candidate_id": "electorate_members",
    "deputy_candidate_id": "electorate_members", "excluded_ids": "electorate_members",
    "scrutineer_ids": "electorate_members", "votes": "ballot_candidates", "secretary_id": "elected_committee",
    "deputy_id": "elected_committee", "org_member_id": "elected_committee",
    "publicity_member_id": "elected_committee", "discipline_member_id": "elected_committee",
    "refused_member_ids": "elected_committee", "refused_officer_ids": "elected_officers",
}

KEY_DATES: tuple[tuple[str, str], ...] = (
    ("request_submitted_at", N_("报送换届请示")),
    ("request_replied_at", N_("上级党组织批复")),
    ("planned_election_date", N_("计划选举日期")),
    ("election_date", N_("党员大会选举")),
    ("approval_date", N_("上级党组织批复选举结果")),
    ("term_started_on", N_("新一届任期起算")),
)

END_STATUS: Mapping[str, str] = {"term_renewed_end": "completed", "request_refused_end": "rejected"}

# 换届纪实资料 (S0): kept for every election.
ARCHIVE_ITEMS: Mapping[str, str] = {
    "request": N_("换届请示"),
    "reply": N_("上级批复"),
    "candidate_materials": N_("候选人酝酿材料"),
    "election_rules": N_("选举办法"),
    "ballots": N_("选票"),
    "tally_sheets": N_("计票单"),
    "minutes": N_("会议记录"),
    "result_report": N_("选举结果报告"),
    "result_approval": N_("选举结果批复"),
}
HANDOVER_ITEMS: Mapping[str, str] = {
    "seal": N_("印章"),
    "ledgers": N_("党建工作台账"),
    "dues_accounts": N_("党费账目"),
    "records": N_("会议记录本和档案资料"),
}


def _limits(ctx: StepContext) -> elections.SeatLimits:
    return elections.seat_limits(ctx.unit_kind, ctx.full_members, ctx.settings)


def _prepare(data, ctx: StepContext) -> list[Violation]:
    """E02: the seats fit the unit (RULES.md §4.2), a 党员大会 can elect, the request follows the meeting."""
    problems: list[Violation] = []
    if elections.needs_delegate_assembly(ctx.party_members, ctx.settings):
        problems.append(violation("committee_seats", N_(
            "本组织有党员 %(members)s 名，达到 %(limit)s 名应召开党员代表大会选举（%(citation)s第四条）；"
            "本系统办理党员大会选举，代表大会选举请线下办理后登记任期"),
            "election.delegate_assembly_members", RULES_SOURCE,
            members=ctx.party_members, limit=ctx.settings["election.delegate_assembly_members"],
            citation="《中国共产党基层组织选举工作条例》"))
    limits, seats = _limits(ctx), int(data["committee_seats"])
    if limits.has_committee and not limits.min_seats <= seats <= limits.max_seats:
        problems.append(violation("committee_seats", N_("委员名额应为 %(min)s 至 %(max)s 名（%(citation)s）"),
                                  "election.seats", RULES_SOURCE, min=limits.min_seats, max=limits.max_seats,
                                  citation=_seat_source(ctx.unit_kind)))
    elif not limits.has_committee and seats != 0:
        problems.append(violation("committee_seats", N_(
            "本支部有正式党员 %(full)s 名，不足 %(required)s 名，不设支部委员会（%(citation)s）："
            "委员名额填 0，由党员大会直接选举书记（必要时选举副书记）"),
            "branch.committee_min_full_members", BR + " [N-BR]", full=ctx.full_members,
            required=ctx.settings["branch.committee_min_full_members"], citation=BR))
    if int(data["deputy_seats"]) > limits.max_deputies:
        problems.append(violation("deputy_seats", N_("副书记最多 %(max)s 名"), "election.deputy_seats.max",
                                  BR + " [N-BR]", max=limits.max_deputies))
    if limits.has_committee and seats and ctx.voting_members < elections.min_candidates(seats, ctx.settings):
        problems.append(violation("committee_seats", N_(
            "差额选举需要至少 %(needed)s 名候选人，本组织有选举权的正式党员只有 %(voters)s 名：请减少委员名额"),
            "election.competitive_ratio_percent", RULES_SOURCE,
            needed=elections.min_candidates(seats, ctx.settings), voters=ctx.voting_members))
    problems += not_before(data, "request_submitted_at", date_value(data, "committee_meeting_date"),
                           N_("请示报送日期不能早于支委会研究日期（%(earliest)s）"))
    problems += not_before(data, "planned_election_date", date_value(data, "request_submitted_at"),
                           N_("计划选举日期不能早于请示报送日期（%(earliest)s）"))
    return problems


def _seat_source(kind: str | None) -> str:
    return BR if kind == "branch" else N_("选举工作实务，未经核实")


def _nominate(data, ctx: StepContext) -> list[Violation]:
    """E04: a competitive slate (20 % more candidates, rounded up), 书记/副书记 intended among them, every
    candidate eligible, the 书记 with a year of standing by the planned election."""
    problems: list[Violation] = []
    has_committee = bool(ctx.case_data.get("has_committee"))
    candidates = member_ids(data.get("candidate_ids"))
    secretary, deputy = one_id(data.get("secretary_candidate_id")), one_id(data.get("deputy_candidate_id"))
    kept = _kept(ctx.case_data)  # after the superior refused 委员: those it approved stay elected
    if has_committee:
        seats = approval.refill(ctx.case_data) or int(ctx.case_data.get("committee_seats") or 0)
        needed = elections.min_candidates(seats, ctx.settings)
        if not candidates:
            problems += missing_fields(data, ("candidate_ids",))
        elif len(set(candidates)) < needed:
            problems.append(violation("candidate_ids", N_(
                "实行差额选举：应选 %(seats)s 名，候选人至少 %(needed)s 名"
                "（多于应选人数 %(percent)s%%，向上取整），现有 %(given)s 名"),
                "election.competitive_ratio_percent", RULES_SOURCE, seats=seats, needed=needed,
                percent=ctx.settings["election.competitive_ratio_percent"], given=len(set(candidates))))
        outside = [f for f, i in (("secretary_candidate_id", secretary), ("deputy_candidate_id", deputy))
                   if i is not None and i not in candidates and i not in kept]
        problems += [violation(f, N_("书记、副书记人选须在委员候选人中"), "shortlist", RULES_SOURCE) for f in outside]
        if again := [ctx.members[c].name for c in candidates if c in kept]:
            problems.append(violation("candidate_ids", N_("%(names)s已当选委员并经上级党组织批准，不再作为候选人"),
                                      "shortlist", approval.SOURCE, names="、".join(again)))
    elif candidates:
        problems.append(violation("candidate_ids", N_("本支部不设支部委员会，不选举委员：只需确定书记（和副书记）人选"),
                                  "branch.committee_min_full_members", BR + " [N-BR]"))
    deputy_seats = int(ctx.case_data.get("deputy_seats") or 0)
    if deputy_seats and deputy is None:
        problems += missing_fields(data, ("deputy_candidate_id",))
    elif not deputy_seats and deputy is not None:
        problems.append(violation("deputy_candidate_id", N_("换届请示未设副书记职数，不确定副书记人选"), "shortlist",
                                  RULES_SOURCE))
    if deputy is not None and deputy == secretary:
        problems.append(violation("deputy_candidate_id", N_("书记和副书记人选不能是同一人"), "shortlist", RULES_SOURCE))
    problems += refused_candidates(data, ctx)
    problems += ineligible("candidate_ids", dict.fromkeys(candidates), ctx, N_("委员候选人"))
    problems += ineligible("secretary_candidate_id", [secretary], ctx, N_("书记人选"))
    problems += ineligible("deputy_candidate_id", [deputy] if deputy else [], ctx, N_("副书记人选"))
    on = ctx.case_date("planned_election_date") or date_value(data, "committee_meeting_date")
    problems += standing_problem("secretary_candidate_id", secretary, on, ctx)
    problems += not_before(data, "committee_meeting_date", ctx.case_date("request_replied_at"),
                           N_("酝酿候选人须在上级党组织批复换届请示之后（%(earliest)s）"))
    problems += approval.renomination_problems(data, ctx)
    problems += not_before(data, "reported_at", date_value(data, "committee_meeting_date"),
                           N_("报上级审查的日期不能早于支委会研究日期（%(earliest)s）"))
    return problems


def _kept(case_data: Mapping[str, Any]) -> list[int]:
    """The 委员 elected and not refused, while the seats of refused ones are nominated again (else none)."""
    return [int(i) for i in case_data.get("elected_ids") or ()] if approval.refill(case_data) else []


def refused_candidates(data, ctx: StepContext) -> list[Violation]:
    """E04 after a refusal (``approve`` mode): the superior's refused 委员 are no candidates, its refused
    书记/副书记 no intended officers."""
    members = {int(i) for i in ctx.case_data.get("not_approved_member_ids") or ()}
    officers = members | {int(i) for i in ctx.case_data.get("not_approved_officer_ids") or ()}
    problems = []
    if refused := [ctx.members[c].name for c in member_ids(data.get("candidate_ids")) if c in members]:
        problems.append(violation("candidate_ids", N_("上级党组织不批准%(names)s任委员，不能再作为委员候选人"),
                                  "shortlist", approval.SOURCE, names="、".join(refused)))
    for field in ("secretary_candidate_id", "deputy_candidate_id"):
        member = one_id(data.get(field))
        if member in officers:
            problems.append(violation(field, N_("上级党组织不批准%(name)s任书记、副书记，不能再作为书记、副书记人选"),
                                      "shortlist", approval.SOURCE, name=ctx.members[member].name))
    return problems


def _elect_officers(data, ctx: StepContext) -> list[Violation]:
    """E06: the new committee's first meeting elects the 书记 and 副书记 among its members (等额); never one
    the superior refused as such."""
    committee = [int(i) for i in ctx.case_data.get("elected_ids") or ()]
    problems = committee_vote_problems(data, ctx, committee, int(ctx.case_data.get("deputy_seats") or 0))
    problems += [violation(field, N_("上级党组织不批准%(name)s任书记、副书记：请另行选举"), "officers", approval.SOURCE,
                           name=ctx.members[one_id(data.get(field))].name)
                 for field in ("secretary_id", "deputy_id") if approval.refused_again(one_id(data.get(field)),
                                                                                     ctx.case_data)]
    return problems + not_before(data, "meeting_date", ctx.case_date("election_date"),
                                 N_("新一届委员会第一次全体会议不能早于党员大会选举日期（%(earliest)s）"))


def _assembly_officers(data, ctx: StepContext) -> list[Violation]:
    """E06b: a branch without a committee elects its 书记 (and 副书记) in the 党员大会, with the quorum and
    ballot rules of any election (等额 allowed for 书记 and 副书记)."""
    problems = attendance_problems(data, ctx)
    problems += not_before(data, "election_date", ctx.case_date("election_not_before"),
                           N_("选举日期不能早于上级党组织审查候选人或上一次选举的日期（%(earliest)s）"))
    if problems or not has_quorum(data, ctx):
        return problems
    problems = missing_fields(data, ("ballots_issued", "ballots_returned", "ballots_invalid", "secretary_votes"))
    deputy = ctx.case_data.get("deputy_candidate_id")
    if deputy is not None:
        problems += missing_fields(data, ("deputy_votes",))
    if problems:
        return problems
    problems = paper_problems(data)
    returned, invalid = int(data["ballots_returned"]), int(data["ballots_invalid"])
    for field in ("secretary_votes", "deputy_votes"):
        if data.get(field) is not None and int(data[field]) > returned - invalid:
            problems.append(violation(field, N_("得票数不能多于有效选票数（%(valid)s）"), "ballots", RULES_SOURCE,
                                      valid=returned - invalid))
    candidates = {int(ctx.case_data["secretary_candidate_id"]), *([int(deputy)] if deputy is not None else [])}
    if candidates & set(member_ids(data.get("scrutineer_ids"))):
        problems.append(violation("scrutineer_ids", N_("候选人不能担任监票人"), "scrutineer", RULES_SOURCE))
    if not data.get("rules_adopted"):
        problems.append(violation("rules_adopted", N_("选举办法须经党员大会通过后方可投票"), "election_rules",
                                  RULES_SOURCE))
    # The candidate is not a field of this form: their name and standing were kept when E04 named them.
    return problems + standing_violation("election_date", ctx.case_data.get("secretary_candidate_name", ""),
                                         ctx.case_date("secretary_candidate_standing_since"),
                                         date_value(data, "election_date"), ctx.settings)


def _report(data, ctx: StepContext) -> list[Violation]:
    return not_before(data, "report_submitted_at", ctx.case_date("officer_election_date"),
                      N_("报告日期不能早于选举书记、副书记的日期（%(earliest)s）"))


def _archive(data, ctx: StepContext) -> list[Violation]:
    missing = [ARCHIVE_ITEMS[k] for k in ARCHIVE_ITEMS if k not in (data.get("archive_items") or ())]
    problems = not_before(data, "archived_at", ctx.case_date("approval_date"),
                          N_("归档日期不能早于选举结果批复日期（%(earliest)s）"))
    if missing:
        problems.append(violation("archive_items", N_("换届纪实资料不全，缺少：%(missing)s"), "archive_completeness",
                                  "[S0]", missing="、".join(missing)))
    return problems


_REPLY = ("approved", "returned", "refused")
GUARDS = {
    "E02": _prepare,
    "E03": reply_guard("replied_at", "request_submitted_at", "decision", ("returned", "refused"), "opinion",
                       N_("批复日期不能早于请示报送日期（%(earliest)s）")),
    "E04": _nominate,
    "E04b": reply_guard("reviewed_at", "shortlist_reported_at", "decision", ("returned",), "opinion",
                        N_("审查日期不能早于候选人预备人选报送日期（%(earliest)s）")),
    "E05": round_guard(lambda ctx: _limits(ctx).min_seats),
    "E06": _elect_officers,
    "E06b": _assembly_officers,
    "E07": _report,
    "E07b": approval.approval_guard(
        reply_guard("decided_on", "report_submitted_at", "decision", ("returned", "not_approved"), "opinion",
                    N_("批复日期不能早于选举结果报告日期（%(earliest)s）")),
        lambda case: _committee(case), lambda case: approval.officer_posts(case.get("officers")),
        lambda case: bool(case.get("has_committee"))),
    "E08": _archive,
}

STEP_FIELDS: Mapping[str, StepFields] = {
    "E02": StepFields(("committee_meeting_date", "planned_election_date", "committee_seats", "deputy_seats",
                       "election_rules", "request_submitted_at"), ("committee_meeting_date", "request_submitted_at"),
                      ("planned_election_date",)),
    "E03": StepFields(("replied_at", "decision"), ("replied_at",)),
    "E04": StepFields(("committee_meeting_date", "recommendation_summary", "secretary_candidate_id", "reported_at"),
                      ("committee_meeting_date", "reported_at")),
    "E04b": StepFields(("reviewed_at", "decision"), ("reviewed_at",)),
    "E05": ROUND_FIELDS,
    "E06": StepFields(("meeting_date", "committee_present", "secretary_id", "secretary_votes", "org_member_id"),
                      ("meeting_date",)),
    "E06b": StepFields(("election_date", "expected_electors", "present_electors"), ("election_date",)),
    "E07": StepFields(("report_submitted_at", "result_report"), ("report_submitted_at",)),
    "E07b": StepFields(("decided_on", "decision"), ("decided_on",)),
    "E08": StepFields(("handover_date", "handover_items", "archive_items", "archived_at"),
                      ("handover_date", "archived_at")),
}


def _derive_prepare(data, ctx: StepContext) -> dict[str, Any]:
    return {"election_unit_id": ctx.unit_id, "has_committee": _limits(ctx).has_committee,
            "committee_seats": int(data["committee_seats"]), "deputy_seats": int(data["deputy_seats"]),
            "planned_election_date": day(data, "planned_election_date"),
            "request_submitted_at": day(data, "request_submitted_at"), "elected_ids": []}


def _derive_nominate(data, ctx: StepContext) -> dict[str, Any]:
    """The shortlist and its first ballot: for every seat, or, after the superior refused 委员, for their seats
    beside the 委员 it approved."""
    candidates = list(dict.fromkeys(member_ids(data.get("candidate_ids"))))
    seats = approval.refill(ctx.case_data) or int(ctx.case_data.get("committee_seats") or 0)
    secretary, deputy = one_id(data.get("secretary_candidate_id")), one_id(data.get("deputy_candidate_id"))
    standing = ctx.members[secretary].party_standing_since
    return {"secretary_candidate_id": secretary, "deputy_candidate_id": deputy, "shortlist_ids": candidates,
            "secretary_candidate_name": ctx.members[secretary].name,
            "secretary_candidate_standing_since": standing.isoformat() if standing else None,
            "shortlist_reported_at": day(data, "reported_at"),
            **first_ballot(candidates, seats, _kept(ctx.case_data))}


def _derive_assembly_officers(data, ctx: StepContext) -> dict[str, Any]:
    secretary, deputy = ctx.case_data["secretary_candidate_id"], ctx.case_data.get("deputy_candidate_id")
    derived = {"election_not_before": day(data, "election_date"), "officers_elected": False}
    if not has_quorum(data, ctx) or not elections.ballots_valid(int(data["ballots_issued"]),
                                                                int(data["ballots_returned"])):
        return derived
    base = elections.majority_base(int(data["present_electors"]), int(data["expected_electors"]), ctx.settings)
    if not elections.is_elected(int(data["secretary_votes"]), base):
        return derived
    deputy_elected = deputy is not None and elections.is_elected(int(data.get("deputy_votes") or 0), base)
    officers = {"secretary": secretary, "deputy_secretary": deputy if deputy_elected else None}
    elected = [i for i in officers.values() if i]
    return {**derived, "officers_elected": True, "officers": officers, "elected_ids": elected,
            "election_date": day(data, "election_date"), "officer_election_date": day(data, "election_date")}


def _derive_officers(data, ctx: StepContext) -> dict[str, Any]:
    committee = ctx.case_data.get("elected_ids") or ()
    elected = committee_elected(data, len(committee))
    return {"officers_elected": elected, "officers": officers_from(data) if elected else None,
            "officer_election_date": day(data, "meeting_date")}


DERIVERS = {
    "E02": _derive_prepare,
    "E03": lambda data, ctx: {"request_decision": data["decision"], "request_replied_at": day(data, "replied_at")},
    "E04": _derive_nominate,
    "E04b": lambda data, ctx: {"shortlist_decision": data["decision"], "election_not_before": day(data, "reviewed_at")},
    "E05": lambda data, ctx: derive_round(data, ctx, _limits(ctx).min_seats),
    "E06": _derive_officers,
    "E06b": _derive_assembly_officers,
    "E07": lambda data, ctx: {"report_submitted_at": day(data, "report_submitted_at")},
    "E07b": lambda data, ctx: {**derive_approval(data, ctx, "term_started_on"), **approval.derive_refusal(
        data, ctx, _committee(ctx.case_data), [int(i) for i in ctx.case_data.get("shortlist_ids") or ()],
        approval.officer_posts(ctx.case_data.get("officers")),
        officers_nominated=not ctx.case_data.get("has_committee"))},
}


def officers_for_approval(case_data: Mapping[str, Any]) -> list[int]:
    """The 书记 and 副书记 the superior approves at E07b, 书记 first (the picker of those it refuses)."""
    return [member for _post, member in approval.by_post(approval.officer_posts(case_data.get("officers")))]


def _committee(case_data: Mapping[str, Any]) -> list[int]:
    """The 委员 of the new committee (none in a branch without one: its 党员大会 elected officers only)."""
    return [int(i) for i in case_data.get("elected_ids") or ()] if case_data.get("has_committee") else []


def step_key(step_code: str) -> str:
    """The rule key of a step code or form key: "E04b_review_shortlist" → "E04b"; the revised request
    has the rules of the request."""
    key = step_code.split("_", 1)[0]
    return "E02" if key == "E02b" else key


RULES = StepRules(STEP_FIELDS, GUARDS, DERIVERS, MEMBER_FIELDS, step_key)
check = RULES.check
derive = RULES.derive
member_changes = no_member_changes


def org_changes(step_code: str, data: Mapping[str, Any], case_data: Mapping[str, Any]) -> list:
    """E07b: the superior's decision, recorded in the words of the organisation's setting (§12 C16); approved,
    the new term starts and the committee's posts change (RULES.md §4.3 "New term"), for the committee as
    approved."""
    if step_key(step_code) != "E07b":
        return []
    unit_id = int(case_data["election_unit_id"])
    officers = case_data.get("officers") or {}
    decision = approval.decision_record(unit_id, data, case_data, _committee(case_data),
                                        approval.officer_posts(officers))
    if data.get("decision") != "approved":
        return decision
    start, members = case_data["term_started_on"], [int(i) for i in case_data.get("elected_ids") or ()]
    return [*decision, StartTerm(unit_id, start), *position_changes(unit_id, start, officers, members)]


DueDates = tuple[date | None, date | None, date | None]


def due_dates(deadline_key: str, opened_on: date, case_data: Mapping[str, Any],
              settings: Mapping[str, Any]) -> DueDates:
    """(due_on, hard_due_on, remind_on) of an election deadline.

    ``upper_reply``: the upper organisation answers within ``election.request_sla_days`` (a design default:
    RULES.md found no national limit); ``planned_election``: the 党员大会 is due on the day the request
    planned; ``handover``: handed over and archived within ``election.handover_days``.
    """
    if deadline_key == "upper_reply":
        return upper_reply_due(opened_on, settings), None, None
    if deadline_key == "planned_election":
        return parse_date(case_data.get("planned_election_date")) or opened_on, None, None
    if deadline_key == "handover":
        return add_days(opened_on, settings["election.handover_days"]), None, None
    raise ValueError(f"unknown election deadline: {deadline_key!r}")
