"""Process B′ — 补选 (by_election) when a committee seat falls vacant: B01–B05 of RULES.md §4.6.

The vacancy is registered (B01: post, member, reason, date) → the committee proposes the by-election and
its candidates and the upper organisation replies (B02, B02b) → the 党员大会 by-elects with the quorum
and ballot rules of any election (B03, rounds as E05) → a vacant 书记 or 副书记 post is filled by the
committee among its members, or appointed by the upper organisation (B04) → the result is reported:
委员 filed, 书记/副书记 approved (B05, B05b). The by-elected serve the rest of the current term: the
term does not change. Vacancies must be filled promptly (及时): the steps are due ``by_election.sla_months``
after the vacancy (no national number was found; a design default).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows import elections
from workflows.calendar import add_days, add_months, parse_date
from workflows.guards import StepContext, Violation, date_value, member_ids, not_before, violation
from workflows.i18n import N_
from workflows.org_changes import EndMemberPositions
from workflows.procedures import committee_approval as approval
from workflows.procedures.election_common import (
    BR,
    COMMITTEE_ROLES,
    OFFICER_ROLES,
    ROUND_FIELDS,
    RULES_SOURCE,
    StepFields,
    StepRules,
    day,
    derive_approval,
    derive_round,
    first_ballot,
    ineligible,
    no_member_changes,
    one_id,
    position_changes,
    reply_guard,
    round_guard,
    standing_problem,
    upper_reply_due,
)

PROCESS_KEY = "by_election"
BUSINESS_KEY_PREFIX = "BX"
SUBJECT_KIND = "unit"
START_UNIT_KINDS: tuple[str, ...] = ("branch", "general_branch", "primary_committee")
STARTS_IN_TEMPORARY_BRANCHES = False  # a temporary branch's officers are designated (RULES.md §6.6)
COUNTS_ROSTER = True
ONE_RUNNING_PER_UNIT = ("term_election", "by_election")  # one election at a time in a unit

STAGES: tuple[tuple[str, str], ...] = (
    ("vacancy", N_("出缺和请示")),
    ("election", N_("补选")),
    ("report", N_("报批和备案")),
)

STEPS: Mapping[str, str] = {
    "B01_register_vacancy": "vacancy",
    "B02_decide": "vacancy",
    "B02b_reply": "vacancy",
    "B03_assembly_by_election": "election",
    "B04_officer_replacement": "election",
    "B05_report": "report",
    "B05b_approve_report": "report",
}
FORM_KEYS: Mapping[str, str] = {code: code for code in STEPS}

MEMBER_FIELDS: tuple[str, ...] = ("vacated_member_id", "candidate_ids", "excluded_ids", "scrutineer_ids", "votes",
                                  "officer_id", "refused_member_ids", "refused_officer_ids")
PICKER_SOURCES: Mapping[str, str] = {
    "vacated_member_id": "unit_committee", "candidate_ids": "electorate_members", "excluded_ids": "electorate_members",
    "scrutineer_ids": "electorate_members", "votes": "ballot_candidates", "officer_id": "unit_committee",
    "refused_member_ids": "elected_committee", "refused_officer_ids": "elected_officers",
}

KEY_DATES: tuple[tuple[str, str], ...] = (
    ("vacancy_date", N_("出缺日期")),
    ("request_submitted_at", N_("报送补选请示")),
    ("request_replied_at", N_("上级党组织批复")),
    ("election_date", N_("党员大会补选")),
    ("approval_date", N_("上级党组织批复补选结果")),
)

END_STATUS: Mapping[str, str] = {"by_election_done_end": "completed", "by_election_refused_end": "rejected"}

VACANCY_POSTS: Mapping[str, str] = {
    "secretary": N_("书记"), "deputy_secretary": N_("副书记"), "org_member": N_("组织委员"),
    "publicity_member": N_("宣传委员"), "discipline_member": N_("纪检委员"), "committee_member": N_("委员"),
}
VACANCY_REASONS: Mapping[str, str] = {
    "transfer_out": N_("组织关系转出"), "resignation": N_("辞职"), "removal": N_("免职或罢免"), "death": N_("去世"),
    "discipline": N_("受处分"), "other": N_("其他"),
}


def _limits(ctx: StepContext) -> elections.SeatLimits:
    return elections.seat_limits(ctx.unit_kind, ctx.full_members, ctx.settings)


def _register(data, ctx: StepContext) -> list[Violation]:
    """B01: a branch without a committee has only a 书记 (and a 副书记) to fill; the seats within the committee."""
    limits, seats, post = _limits(ctx), int(data["seats"]), data["vacancy_post"]
    problems: list[Violation] = []
    if not limits.has_committee and post not in OFFICER_ROLES:
        problems.append(violation("vacancy_post", N_("本支部不设支部委员会，只能补选书记或副书记"),
                                  "branch.committee_min_full_members", BR + " [N-BR]"))
    most = limits.max_seats if limits.has_committee else 1
    if not 1 <= seats <= most or (post in OFFICER_ROLES and seats != 1):
        problems.append(violation("seats", N_("补选名额应为 1 至 %(max)s 名（书记、副书记出缺时为 1 名）"),
                                  "election.seats", RULES_SOURCE, max=most))
    return problems


def _decide(data, ctx: StepContext) -> list[Violation]:
    """B02: candidates with 被选举权, at least as many as seats (差额 or 等额, RULES.md §4.6: unconfirmed),
    or 20 % more when the committee chose a competitive ballot; after the superior refused by-elected members
    (``approve`` mode), for their seats only, and never those it refused."""
    seats = approval.refill(ctx.case_data) or int(ctx.case_data.get("by_election_seats") or 1)
    candidates = set(member_ids(data.get("candidate_ids")))
    needed = elections.min_candidates(seats, ctx.settings) if data["method"] == "competitive" else seats
    problems: list[Violation] = []
    if len(candidates) < needed or (data["method"] == "single_slate" and len(candidates) != seats):
        problems.append(violation("candidate_ids", N_(
                                      "补选 %(seats)s 名：%(method)s须有 %(needed)s 名候选人，现有 %(given)s 名"),
                                  "election.competitive_ratio_percent", RULES_SOURCE, seats=seats,
                                  method=N_("差额选举") if data["method"] == "competitive" else N_("等额选举"),
                                  needed=needed, given=len(candidates)))
    refused = {int(i) for key in ("not_approved_member_ids", "not_approved_officer_ids")
               for i in ctx.case_data.get(key) or ()}
    if names := [ctx.members[c].name for c in sorted(candidates) if c in refused or c in _kept(ctx.case_data)]:
        problems.append(violation("candidate_ids", N_(
            "%(names)s已经上级党组织审批（不批准或已批准），不能再作为补选候选人"), "shortlist", approval.SOURCE,
            names="、".join(names)))
    problems += ineligible("candidate_ids", sorted(candidates), ctx, N_("补选候选人"))
    if ctx.case_data.get("vacancy_post") in OFFICER_ROLES and not ctx.case_data.get("has_committee"):
        on = date_value(data, "planned_election_date")
        problems += [p for c in sorted(candidates) if ctx.case_data.get("vacancy_post") == "secretary"
                     for p in standing_problem("candidate_ids", c, on, ctx)]
    problems += not_before(data, "committee_meeting_date", ctx.case_date("vacancy_date"),
                           N_("研究补选的日期不能早于出缺日期（%(earliest)s）"))
    problems += approval.renomination_problems(data, ctx)
    problems += not_before(data, "request_submitted_at", date_value(data, "committee_meeting_date"),
                           N_("请示报送日期不能早于研究日期（%(earliest)s）"))
    return problems


def _officer(data, ctx: StepContext) -> list[Violation]:
    """B04: the committee elects a replacement 书记/副书记 among its members (more than half present, more than
    half of all members in favour), or the upper organisation appoints one (指派)."""
    problems: list[Violation] = []
    if data["method"] == "elected":
        size, present = int(data.get("committee_size") or 0), int(data.get("committee_present") or 0)
        if present > size or present * 2 <= size:
            problems.append(violation("committee_present", N_(
                "委员会会议须有半数以上委员到会：委员 %(size)s 名，到会 %(present)s 名"), "committee_quorum",
                BR + " [N-BR]", size=size, present=present))
        if int(data.get("officer_votes") or 0) > present:
            problems.append(violation("officer_votes", N_("得票数不能多于到会委员人数（%(present)s）"), "officers",
                                      RULES_SOURCE, present=present))
    elif not (data.get("appointment_doc") or "").strip():
        problems.append(violation("appointment_doc", N_("上级党组织指派时须写明指派文件"), "officers", RULES_SOURCE))
    if ctx.case_data.get("vacancy_post") == "secretary":
        officer, on = one_id(data.get("officer_id")), date_value(data, "meeting_date")
        problems += standing_problem("officer_id", officer, on, ctx)
    if approval.refused_again(one_id(data.get("officer_id")), ctx.case_data):
        problems.append(violation("officer_id", N_("上级党组织不批准%(name)s任书记、副书记：请另行产生"), "officers",
                                  approval.SOURCE, name=ctx.members[one_id(data.get("officer_id"))].name))
    problems += ineligible("officer_id", [one_id(data.get("officer_id"))], ctx, N_("书记、副书记"))
    return problems + not_before(data, "meeting_date", ctx.case_date("election_date"),
                                 N_("不能早于党员大会补选日期（%(earliest)s）"))


def _report(data, ctx: StepContext) -> list[Violation]:
    earliest = ctx.case_date("officer_election_date") or ctx.case_date("election_date")
    return not_before(data, "report_submitted_at", earliest, N_("报告日期不能早于补选日期（%(earliest)s）"))


GUARDS = {
    "B01": _register,
    "B02": _decide,
    "B02b": reply_guard("replied_at", "request_submitted_at", "decision", ("returned", "refused"), "opinion",
                        N_("批复日期不能早于请示报送日期（%(earliest)s）")),
    # 不应留出委员空额: a by-election fills its seats, it never reduces them.
    "B03": round_guard(lambda ctx: int(ctx.case_data.get("by_election_seats") or 1)),
    "B04": _officer,
    "B05": _report,
    "B05b": approval.approval_guard(
        reply_guard("decided_on", "report_submitted_at", "decision", ("returned", "not_approved"), "opinion",
                    N_("批复日期不能早于补选结果报告日期（%(earliest)s）")),
        lambda case: _by_elected(case), lambda case: _officers(case), lambda case: bool(case.get("has_committee"))),
}

STEP_FIELDS: Mapping[str, StepFields] = {
    "B01": StepFields(("vacancy_post", "vacancy_reason", "vacancy_date", "seats"), ("vacancy_date",)),
    "B02": StepFields(("committee_meeting_date", "candidate_ids", "method", "planned_election_date",
                       "request_submitted_at"), ("committee_meeting_date", "request_submitted_at"),
                      ("planned_election_date",)),
    "B02b": StepFields(("replied_at", "decision"), ("replied_at",)),
    "B03": ROUND_FIELDS,
    "B04": StepFields(("meeting_date", "method", "officer_id"), ("meeting_date",)),
    "B05": StepFields(("report_submitted_at", "result_report"), ("report_submitted_at",)),
    "B05b": StepFields(("decided_on", "decision"), ("decided_on",)),
}


def _derive_register(data, ctx: StepContext) -> dict[str, Any]:
    post = data["vacancy_post"]
    return {"election_unit_id": ctx.unit_id, "has_committee": _limits(ctx).has_committee, "vacancy_post": post,
            "officer_vacant": post in OFFICER_ROLES, "vacated_member_id": one_id(data.get("vacated_member_id")),
            "vacancy_date": day(data, "vacancy_date"), "by_election_seats": int(data["seats"]),
            "committee_seats": int(data["seats"]), "elected_ids": []}


def _derive_decide(data, ctx: StepContext) -> dict[str, Any]:
    """The candidates (kept as ``shortlist_ids``: a refused member's seat is by-elected again among them) and
    the first ballot: for every seat, or for the seats of refused members beside those approved."""
    candidates = list(dict.fromkeys(member_ids(data.get("candidate_ids"))))
    seats = approval.refill(ctx.case_data) or int(ctx.case_data.get("by_election_seats") or 1)
    return {"request_submitted_at": day(data, "request_submitted_at"),
            "planned_election_date": day(data, "planned_election_date"), "shortlist_ids": candidates,
            **first_ballot(candidates, seats, _kept(ctx.case_data))}


def _kept(case_data: Mapping[str, Any]) -> list[int]:
    """The by-elected the superior approved, while the seats of refused ones are proposed again (else none)."""
    return [int(i) for i in case_data.get("elected_ids") or ()] if approval.refill(case_data) else []


def _by_elected(case_data: Mapping[str, Any]) -> list[int]:
    """The by-elected 委员 (none in a branch without a committee: it by-elects its 书记 or 副书记)."""
    return [int(i) for i in case_data.get("elected_ids") or ()] if case_data.get("has_committee") else []


def officers_for_approval(case_data: Mapping[str, Any]) -> list[int]:
    """The 书记 or 副书记 the superior approves at B05b (the picker of those it refuses)."""
    return list(_officers(case_data))


def _officers(case_data: Mapping[str, Any]) -> dict[int, str]:
    """The 书记/副书记 the by-election gives: the committee's replacement (B04), or, without a committee, the
    by-elected officer."""
    post, elected = case_data.get("vacancy_post"), [int(i) for i in case_data.get("elected_ids") or ()]
    if post not in OFFICER_ROLES:
        return {}
    if not case_data.get("has_committee"):
        return {elected[0]: post} if elected else {}
    replacement = case_data.get("replacement_officer_id")
    return {int(replacement): post} if replacement is not None else {}


def _derive_officer(data, ctx: StepContext) -> dict[str, Any]:
    if data["method"] == "appointed":  # 指派: the upper organisation's decision needs no vote
        elected = True
    else:
        elected = elections.is_elected(int(data.get("officer_votes") or 0), int(data.get("committee_size") or 0))
    return {"officers_elected": elected, "replacement_officer_id": one_id(data.get("officer_id")) if elected else None,
            "officer_election_date": day(data, "meeting_date")}


DERIVERS = {
    "B01": _derive_register,
    "B02": _derive_decide,
    "B02b": lambda data, ctx: {"request_decision": data["decision"], "request_replied_at": day(data, "replied_at"),
                               "election_not_before": day(data, "replied_at")},
    "B03": lambda data, ctx: derive_round(data, ctx, int(ctx.case_data.get("by_election_seats") or 1)),
    "B04": _derive_officer,
    "B05": lambda data, ctx: {"report_submitted_at": day(data, "report_submitted_at")},
    "B05b": lambda data, ctx: {**derive_approval(data, ctx, "posts_start_on"), **approval.derive_refusal(
        data, ctx, _by_elected(ctx.case_data), [int(i) for i in ctx.case_data.get("shortlist_ids") or ()],
        _officers(ctx.case_data), officers_nominated=not ctx.case_data.get("has_committee"))},
}


def step_key(step_code: str) -> str:
    """The rule key of a step code or form key: "B02b_reply" → "B02b"."""
    return step_code.split("_", 1)[0]


RULES = StepRules(STEP_FIELDS, GUARDS, DERIVERS, MEMBER_FIELDS, step_key)
check = RULES.check
derive = RULES.derive
member_changes = no_member_changes


def org_changes(step_code: str, data: Mapping[str, Any], case_data: Mapping[str, Any]) -> list:
    """B01: the vacated member's posts end on the day of the vacancy. B05b approved: the by-elected and the
    replacement officer take their posts for the rest of the term (the term itself does not change)."""
    key = step_key(step_code)
    unit_id = case_data.get("election_unit_id")
    if key == "B01" and case_data.get("vacated_member_id") is not None:
        return [EndMemberPositions(int(unit_id), int(case_data["vacated_member_id"]), COMMITTEE_ROLES,
                                   case_data["vacancy_date"])]
    if key != "B05b":
        return []
    members = [int(i) for i in case_data.get("elected_ids") or ()] if case_data.get("has_committee") else []
    decision = approval.decision_record(int(unit_id), data, case_data, members, _officers(case_data))
    if data.get("decision") != "approved":
        return decision
    return [*decision, *_posts_after(int(unit_id), case_data)]


def _posts_after(unit_id: int, case_data: Mapping[str, Any]) -> list:
    start, post = case_data["posts_start_on"], case_data["vacancy_post"]
    elected = [int(i) for i in case_data.get("elected_ids") or ()]
    replacement = case_data.get("replacement_officer_id")
    if not case_data.get("has_committee"):  # the 党员大会 elected the 书记 or 副书记 directly
        return position_changes(unit_id, start, {post: elected[0]}, [], end_roles=())
    if post in OFFICER_ROLES:  # the by-elected join as 委员; the committee's choice fills the vacant post
        changes = position_changes(unit_id, start, {post: replacement}, elected, end_roles=())
        if replacement is not None and int(replacement) not in elected:
            day_before = add_days(date.fromisoformat(start), -1).isoformat()
            changes.insert(0, EndMemberPositions(unit_id, int(replacement), ("committee_member",), day_before))
        return changes
    # a vacant 委员 or duty (组织/宣传/纪检委员): the first by-elected takes it, any others join as 委员
    return position_changes(unit_id, start, {post: elected[0]} if post != "committee_member" else {}, elected,
                            end_roles=())


DueDates = tuple[date | None, date | None, date | None]


def due_dates(deadline_key: str, opened_on: date, case_data: Mapping[str, Any],
              settings: Mapping[str, Any]) -> DueDates:
    """(due_on, hard_due_on, remind_on): ``by_election`` is due ``by_election.sla_months`` after the vacancy
    (TM20, RULES.md §4.7 vacancy_sla); ``upper_reply`` ``election.request_sla_days`` after the request."""
    if deadline_key == "by_election":
        vacancy = parse_date(case_data.get("vacancy_date")) or opened_on
        return add_months(vacancy, settings["by_election.sla_months"]), None, None
    if deadline_key == "upper_reply":
        return upper_reply_due(opened_on, settings), None, None
    raise ValueError(f"unknown by-election deadline: {deadline_key!r}")
