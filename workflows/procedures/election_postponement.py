"""Process B2 — 延期或提前换届 (election_postponement): RULES.md §4.4, a procedure of its own.

The unit's officers request (请示) to hold the election later or earlier than the end of the term, with the
reasons and the new date, before the term ends (P01); the approver replies (批复, P02): the upper organisation
by default (《中国共产党基层组织选举工作条例》第三条: 报上级党组织批准), or the committee above when the
organisation's setting says so (《关于党的基层组织任期的意见》: 上级党的委员会; §12 C3); approved, returned
for correction (P03, then P02 again) or refused. On approval the term ends on the new date; a refused request
changes nothing, so a term that ends without an election stays flagged 未按期换届 (§4.5).

The shift is bounded by ``election.max_shift_months`` from the regular end of the term (12 by default, 6 where
seed 004 applies: §12 C2); a second request may not go beyond it (原则上延期一年, 不可以再延期).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.calendar import add_months
from workflows.guards import StepContext, Violation, date_value, iso, not_before, setting_violation, violation
from workflows.i18n import N_
from workflows.org_changes import ShiftTerm
from workflows.procedures.election_common import StepFields, StepRules, no_member_changes, reply_guard, upper_reply_due
from workflows.terms import term_end, term_years

PROCESS_KEY = "election_postponement"
BUSINESS_KEY_PREFIX = "YQ"
# The case is about the unit whose election moves; the units that hold elections request it.
SUBJECT_KIND = "unit"
START_UNIT_KINDS: tuple[str, ...] = ("branch", "general_branch", "primary_committee")
# 临时党支部不换届 (RULES.md §6.6): nothing to postpone.
STARTS_IN_TEMPORARY_BRANCHES = False
# One request at a time: a second one waits for the reply to the first.
ONE_RUNNING_PER_UNIT = ("election_postponement",)
# The rules read the unit's term (StepContext.unit).
UNIT_FACT_FIELDS: tuple[str, ...] = ()

SOURCE = N_("《中国共产党基层组织选举工作条例》第三条、《关于党的基层组织任期的意见》 [N-ELE][N-TERM]")

STAGES: tuple[tuple[str, str], ...] = (
    ("request", N_("请示")),
    ("reply", N_("上级批复")),
)

STEPS: Mapping[str, str] = {
    "P01_request_shift": "request",
    "P03_revise_request": "request",
    "P02_approve_shift": "reply",
    "P02b_approve_shift": "reply",
}

# A returned request is revised on its own form; both approvers answer on one form.
FORM_KEYS: Mapping[str, str] = {
    "P01_request_shift": "P01_request_shift",
    "P03_revise_request": "P01_request_shift",
    "P02_approve_shift": "P02_approve_shift",
    "P02b_approve_shift": "P02_approve_shift",
}

MEMBER_FIELDS: tuple[str, ...] = ()
PICKER_SOURCES: Mapping[str, str] = {}

KEY_DATES: tuple[tuple[str, str], ...] = (
    ("term_due_on", N_("原任期届满日期")),
    ("request_date", N_("报送请示")),
    ("new_election_date", N_("申请的换届时间")),
    ("reply_date", N_("上级批复")),
)

END_STATUS: Mapping[str, str] = {"shift_approved_end": "completed", "shift_refused_end": "rejected"}

SHIFT_KINDS = ("postpone", "advance")
DECISIONS = ("approved", "returned", "refused")
# Who replies (§12 C3): the upper organisation (N-ELE, the default) or the committee above (N-TERM).
APPROVERS = ("upper_org", "upper_committee")


def step_key(step_code: str) -> str:
    """The rules of a step code or form key: a revision has the request's, both replies have one."""
    return FORM_KEYS.get(step_code, step_code)


def regular_end(ctx: StepContext) -> date | None:
    """The end of the unit's term as elected (started + the term years of its kind), which the shift is
    counted from however often it was moved; the stored end when the term's start is unknown."""
    unit = ctx.unit
    if unit is None:
        return None
    years = term_years(unit.kind, ctx.settings)
    if unit.term_started_on is not None and years:
        return term_end(unit.term_started_on, years)
    return unit.term_due_on


def shift_problems(kind: str, new_date: date, request_date: date, ctx: StepContext) -> list[Violation]:
    """What keeps the election from moving to ``new_date`` (RULES.md §4.4): no term to move, a request after
    the term has ended, a date on the wrong side of the end, or beyond the organisation's limit."""
    unit = ctx.unit
    if unit is None or unit.term_due_on is None:
        return [violation("", N_("本组织尚未登记任期（届次和届满日期），无法申请延期或提前换届；请先由系统管理员"
                                 "在组织页面登记现任届次"), "term_registered", SOURCE)]
    due, regular = unit.term_due_on, regular_end(ctx)
    problems: list[Violation] = []
    if request_date > due:
        problems.append(violation("request_date", N_(
            "延期或提前换届须在任期届满（%(due)s）前报上级批准；任期已届满的，应尽快换届"), "request_before_due",
            SOURCE, due=due))
    limit = ctx.settings["election.max_shift_months"]
    if kind == "postpone":
        latest = add_months(regular, limit)
        if new_date <= due:
            problems.append(violation("new_election_date", N_(
                "延期换届的时间须晚于现任期届满日期（%(due)s）"), "postpone_after_due", SOURCE, due=due))
        elif new_date > latest:
            problems.append(setting_violation("new_election_date", N_(
                "延期换届一般不超过%(months)s个月：最晚为 %(latest)s（本届任期按期应于 %(regular)s 届满）"),
                "election.max_shift_months", months=limit, latest=latest, regular=regular))
    else:
        earliest = max(add_months(regular, -limit), request_date)
        if new_date >= due:
            problems.append(violation("new_election_date", N_(
                "提前换届的时间须早于现任期届满日期（%(due)s）"), "advance_before_due", SOURCE, due=due))
        elif new_date < earliest:
            problems.append(setting_violation("new_election_date", N_(
                "提前换届一般不超过%(months)s个月，且不能早于请示日期：最早为 %(earliest)s"),
                "election.max_shift_months", months=limit, earliest=earliest))
    return problems


def _request(data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    problems = not_before(data, "request_date", date_value(data, "committee_meeting_date"),
                          N_("请示日期不能早于支委会研究日期（%(earliest)s）"))
    return problems + shift_problems(data["shift_kind"], date_value(data, "new_election_date"),
                                     date_value(data, "request_date"), ctx)


_reply = reply_guard("replied_at", "request_date", "decision", ("returned", "refused"), "opinion",
                     N_("批复日期不能早于请示日期（%(earliest)s）"))


def _derive_request(data: Mapping[str, Any], ctx: StepContext) -> dict[str, Any]:
    unit = ctx.unit
    return {"shift_unit_id": ctx.unit_id, "shift_kind": data["shift_kind"],
            "new_election_date": iso(date_value(data, "new_election_date")),
            "request_date": iso(date_value(data, "request_date")),
            "term_due_on": iso(unit.term_due_on) if unit is not None else None,
            "postponement_approver": ctx.settings["election.postponement_approver"]}


def _derive_reply(data: Mapping[str, Any], ctx: StepContext) -> dict[str, Any]:
    return {"shift_decision": data["decision"], "reply_date": iso(date_value(data, "replied_at"))}


STEP_FIELDS: Mapping[str, StepFields] = {
    "P01_request_shift": StepFields(
        ("shift_kind", "new_election_date", "reasons", "committee_meeting_date", "request_date"),
        ("committee_meeting_date", "request_date"), ("new_election_date",)),
    "P02_approve_shift": StepFields(("decision", "replied_at"), ("replied_at",)),
}
RULES = StepRules(
    fields=STEP_FIELDS,
    guards={"P01_request_shift": _request, "P02_approve_shift": _reply},
    derivers={"P01_request_shift": _derive_request, "P02_approve_shift": _derive_reply},
    member_fields=MEMBER_FIELDS,
    step_key=step_key,
)
check = RULES.check
derive = RULES.derive
member_changes = no_member_changes


def org_changes(step_code: str, data: Mapping[str, Any], case_data: Mapping[str, Any]) -> list:
    """An approved request moves the end of the term to the new date (the reminder and the overdue mark
    follow it); a returned or refused one changes nothing."""
    if step_key(step_code) != "P02_approve_shift" or data.get("decision") != "approved":
        return []
    return [ShiftTerm(int(case_data["shift_unit_id"]), str(case_data["new_election_date"]),
                      str(case_data["shift_kind"]))]


def due_dates(deadline_key: str, opened_on: date, case_data: Mapping[str, Any],
              settings: Mapping[str, Any]) -> tuple[date | None, date | None, date | None]:
    """The reply is due within ``election.request_sla_days``, as the reply to a 换届请示 (RULES.md §4.3, E3)."""
    if deadline_key == "shift_reply":
        return upper_reply_due(opened_on, settings), None, None
    raise ValueError(f"unknown deadline of election_postponement: {deadline_key!r}")

