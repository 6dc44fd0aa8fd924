"""Recruitment data: the fields each step requires, the engine variables it derives and the
changes it makes to the subject's member record (RULES.md §3.2 "Data captured")."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from workflows.calendar import add_months, add_years, parse_date
from workflows.guards import StepContext, StepFields, date_value, iso
from workflows.procedures.recruitment_guards import training_ok
from workflows.votes import VoteTally, admission_passed, admission_quorum_ok

_FILING = StepFields(("submitted_at", "result"), ("submitted_at", "acknowledged_at"))
_TALLY = ("expected_voting", "present_voting", "yes", "no", "abstain")
_DELIBERATION = StepFields(("deliberating_org", "opinion", "deliberated_on"), ("deliberated_on",))

STEP_FIELDS: Mapping[str, StepFields] = {
    "R01": StepFields(("name", "gender", "ethnicity", "birth_date", "id_number", "education",
                       "application_date"), ("birth_date", "application_date")),
    "R02": StepFields(("talk_date", "talker_ids", "summary"), ("talk_date",)),
    "R03": StepFields(("recommendation_type", "committee_meeting_date", "decision"),
                      ("recommendation_date", "committee_meeting_date", "activist_date")),
    "R04": _FILING,
    "R05": StepFields(("mentor_ids", "assigned_at"), ("assigned_at",)),
    "R06": StepFields(("review_date", "branch_assessment", "cultivation_next"),
                      ("review_date", "period_start", "period_end")),
    "R06b": StepFields(("review_date", "branch_assessment"), ("review_date", "period_start", "period_end")),
    "R07": StepFields(("group_opinion", "mentor_opinion", "members_and_masses_summary",
                       "committee_meeting_date", "candidate_date"),
                      ("committee_meeting_date", "candidate_date")),
    "R08": _FILING,
    "R09": StepFields(("sponsor_ids", "assigned_at"), ("assigned_at",)),
    "R10": StepFields(("conclusion",), ("concluded_at",)),
    "R11": StepFields((), ("start", "end")),
    "R12": StepFields(("review_report", "committee_meeting_date", "decision"),
                      ("committee_meeting_date",)),
    "R13": StepFields(("decided_at", "result", "opinion"), ("received_at", "decided_at", "issued_at"),
                      ("expected_leave_date",)),
    "R14": StepFields(("admission_form_no", "filled_at"), ("filled_at",)),
    "R15": StepFields(_TALLY + ("resolution_text", "resolution_date"), ("resolution_date",)),
    "R15b": _DELIBERATION,
    "R16": StepFields(("talker_id", "talk_date", "summary", "opinion"), ("talk_date",)),
    "R17": StepFields(("decided_on", "decision"),
                      ("committee_meeting_date", "decided_on", "notice_sent_at", "announced_at")),
    "R18": StepFields(("filed_at", "result"), ("filed_at",)),
    "R19": StepFields(("branch_id", "assigned_at"), ("assigned_at",)),
    "R20": StepFields(("oath_date",), ("oath_date",)),
    "R21": StepFields(("review_date", "branch_assessment", "probation_next"),
                      ("review_date", "period_start", "period_end")),
    "R22": StepFields(("application_date",), ("application_date",)),
    "R23": StepFields(_TALLY + ("resolution_text", "resolution_date", "outcome"),
                      ("resolution_date",)),
    "R23b": _DELIBERATION,
    "R24": StepFields(("decided_on", "decision"),
                      ("committee_meeting_date", "decided_on", "notice_sent_at")),
    "R25": StepFields(("archive_items", "destination", "archived_at"), ("archived_at",)),
}


def _date(data: Mapping[str, Any], name: str) -> str | None:
    return iso(date_value(data, name))


def _vote_passed(data: Mapping[str, Any]) -> bool:
    # 第二十一条: a meeting without quorum takes no decision; yes votes over half of 应到会
    tally = VoteTally.from_data(data)
    return admission_quorum_ok(tally) and admission_passed(tally)


def _submit_application(data, ctx: StepContext) -> dict[str, Any]:
    # Outcome rules are copied from the settings when the case starts, so the case keeps them.
    return {"application_date": _date(data, "application_date"),
            "applicant_birth_date": _date(data, "birth_date"),
            "political_review_fail_target": ctx.settings["political_review.fail_target"],
            "refusal_target": ctx.settings["approval.refusal_target"],
            "extension_used": False}


def _committee_approval(data, ctx: StepContext) -> dict[str, Any]:
    derived = {"admission_decision": data["decision"]}
    if data["decision"] == "approved":
        # 预备期 runs from the day the 支部大会 adopted the resolution, for one year (党章第七条)
        start = ctx.case_date("resolution_date")
        derived["probation_start"] = iso(start)
        derived["probation_end"] = iso(add_years(start, ctx.settings["probation_years"]))
    return derived


def _regularization_vote(data, ctx: StepContext) -> dict[str, Any]:
    passed = _vote_passed(data)
    derived = {"regularization_vote_passed": passed, "regularization_outcome": data["outcome"]}
    if passed and data["outcome"] == "extend":
        # 第三十二条: 延长预备期 once; the new end is the old end plus the extension. It takes
        # effect only when the committee approves it (R24), so a refusal leaves the dates alone.
        end = add_months(ctx.case_date("probation_end"), int(data["extension_months"]))
        derived["proposed_probation_end"] = iso(end)
    return derived


def _regularization_approval(data, ctx: StepContext) -> dict[str, Any]:
    derived = {"regularization_decision": data["decision"]}
    if data["decision"] == "approved" and ctx.case_data.get("regularization_outcome") == "regularize":
        # 《中国共产党章程》第七条: 党龄 counts from the day the probation period ends
        derived["party_standing_since"] = ctx.case_data["probation_end"]
    if data["decision"] == "approved" and ctx.case_data.get("regularization_outcome") == "extend":
        derived.update(probation_end=ctx.case_data["proposed_probation_end"], extension_used=True)
    return derived


Deriver = Callable[[Mapping[str, Any], StepContext], dict[str, Any]]

DERIVERS: Mapping[str, Deriver] = {
    "R01": _submit_application,
    "R03": lambda data, ctx: {"activist_decision": data["decision"],
                              "activist_date": _date(data, "activist_date")
                              if data["decision"] == "designate" else None},
    "R04": lambda data, ctx: {"activist_filing_result": data["result"]},
    "R06": lambda data, ctx: {"cultivation_next": data["cultivation_next"]},
    "R07": lambda data, ctx: {"candidate_date": _date(data, "candidate_date")},
    "R08": lambda data, ctx: {"candidate_filing_result": data["result"]},
    "R10": lambda data, ctx: {"political_review_conclusion": data["conclusion"]},
    "R11": lambda data, ctx: {"training_ok": training_ok(data, ctx.settings)},
    "R12": lambda data, ctx: {"committee_review_decision": data["decision"]},
    "R13": lambda data, ctx: {"pre_review_result": data["result"],
                              "pre_review_decided_at": _date(data, "decided_at")},
    "R15": lambda data, ctx: {"admission_vote_passed": _vote_passed(data),
                              "resolution_date": _date(data, "resolution_date")},
    "R17": _committee_approval,
    "R18": lambda data, ctx: {"admission_filing_result": data["result"]},
    "R21": lambda data, ctx: {"probation_next": data["probation_next"]},
    "R22": lambda data, ctx: {"regularization_applied_at": _date(data, "application_date")},
    "R23": _regularization_vote,
    "R24": _regularization_approval,
}


def _dates(facts: Mapping[str, Any], *names: str) -> dict[str, Any]:
    return {name: parse_date(facts.get(name)) for name in names}


def _political_review_change(data, facts) -> dict[str, Any]:
    # 第十六条: no admission without a passed review; the case closes or goes back to cultivation
    if data["conclusion"] != "fail":
        return {}
    closes = facts.get("political_review_fail_target") == "close"
    # Back to cultivation: no longer a development candidate, so the candidate date goes too.
    return {"stage": "not_approved"} if closes else {"stage": "activist", "candidate_date": None}


def _approval_change(data, facts) -> dict[str, Any]:
    if data["decision"] == "approved":
        return {"stage": "probationary_member", **_dates(facts, "probation_start", "probation_end")}
    if data["decision"] == "not_approved":
        target = facts.get("refusal_target") or "development_candidate"
        return {"stage": target, **({"candidate_date": None} if target == "activist" else {})}
    return {}  # lapsed: the resolution goes back to the 支部大会, the person keeps the stage


def _regularization_change(data, facts) -> dict[str, Any]:
    if data["decision"] != "approved":
        return {}
    outcome = facts.get("regularization_outcome")
    if outcome == "regularize":
        return {"stage": "full_member", **_dates(facts, "party_standing_since")}
    if outcome == "extend":
        return _dates(facts, "probation_end")
    return {"stage": "probation_revoked"} if outcome == "revoke" else {}


Change = Callable[[Mapping[str, Any], Mapping[str, Any]], dict[str, Any]]

CHANGES: Mapping[str, Change] = {
    "R01": lambda data, facts: {"stage": "applicant", **_dates(facts, "application_date")},
    "R03": lambda data, facts: {"stage": "activist", **_dates(facts, "activist_date")}
    if data["decision"] == "designate" else {},
    "R07": lambda data, facts: {"stage": "development_candidate", **_dates(facts, "candidate_date")},
    "R10": _political_review_change,
    # 细则第二十四条: the new probationary member joins a branch and a Party group
    "R19": lambda data, facts: {"group_id": int(data["group_id"])} if data.get("group_id") else {},
    "R17": _approval_change,
    "R24": _regularization_change,
}
