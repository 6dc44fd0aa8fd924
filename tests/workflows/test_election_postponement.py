"""延期或提前换届 (RULES.md §4.4) through its rules and the engine alone (no Flask): the request is made before
the term ends, moves the election to the other side of the end, never further than
``election.max_shift_months`` from the regular end of the term (a second request included); the approver
follows the organisation's setting (§12 C3); an approval moves the end of the term, a refusal nothing."""

from datetime import date
from pathlib import Path

import pytest

from workflows.engine import CaseEngine
from workflows.guards import StepContext, UnitFacts
from workflows.org_changes import ShiftTerm
from workflows.procedures import election_postponement as postponement
from workflows.settings import RuleSettings
from workflows.specs import load_definition

DEFINITION = load_definition((Path(__file__).parents[2] / "bpmn" / "election_postponement.bpmn").read_bytes())
ENGINE = CaseEngine()
TODAY = date(2026, 6, 1)
# A branch elected on 2023-09-01 for three years: its term ends on 2026-09-01.
BRANCH = UnitFacts(7, "内科联合党支部", "branch", 5, term_no=2, term_started_on=date(2023, 9, 1),
                   term_due_on=date(2026, 9, 1))


def ctx(unit=BRANCH, settings=None, case_data=None, today=TODAY) -> StepContext:
    return StepContext(today, case_data or {}, {}, 0, settings or RuleSettings(), unit_id=unit.id,
                       units={unit.id: unit})


def request(kind="postpone", new_date="2027-03-01", request_date="2026-05-20", **changes):
    return {"shift_kind": kind, "new_election_date": new_date, "reasons": "多数党员外出执行防汛任务",
            "committee_meeting_date": "2026-05-18", "request_date": request_date, **changes}


def refused(data, context=None) -> list[tuple[str, str]]:
    return [(v.field, v.rule) for v in postponement.check("P01_request_shift", data, context or ctx())]


@pytest.mark.parametrize(("new_date", "ok"), [("2027-09-01", True), ("2027-09-02", False), ("2026-09-02", True),
                                              ("2026-09-01", False)])
def test_a_postponement_lands_after_the_end_and_at_most_twelve_months_past_it(new_date, ok):
    assert (refused(request(new_date=new_date)) == []) is ok


@pytest.mark.parametrize(("new_date", "ok"), [("2026-08-31", True), ("2026-09-01", False), ("2026-05-20", True),
                                              ("2026-05-19", False)])
def test_an_early_election_lands_before_the_end_and_not_before_the_request(new_date, ok):
    assert (refused(request("advance", new_date=new_date)) == []) is ok


def test_the_request_is_made_before_the_term_ends_on_its_last_day_at_the_latest():
    later = ctx(today=date(2026, 9, 2))
    assert refused(request(request_date="2026-09-01", committee_meeting_date="2026-08-30"), later) == []
    assert refused(request(request_date="2026-09-02", committee_meeting_date="2026-08-30"), later) == [
        ("request_date", "request_before_due")]


def test_a_second_postponement_counts_from_the_regular_end_of_the_term():
    moved = UnitFacts(**{**BRANCH.__dict__, "term_due_on": date(2027, 3, 1)})  # once postponed by six months
    assert refused(request(new_date="2027-09-01"), ctx(moved)) == []
    assert refused(request(new_date="2027-09-02"), ctx(moved)) == [("new_election_date", "election.max_shift_months")]


def test_where_seed_004_applies_six_months_is_the_limit():
    six = RuleSettings({"election.max_shift_months": 6})
    assert refused(request(new_date="2027-03-01"), ctx(settings=six)) == []
    assert refused(request(new_date="2027-03-02"), ctx(settings=six)) == [("new_election_date",
                                                                          "election.max_shift_months")]


def test_a_unit_without_a_registered_term_cannot_request():
    no_term = UnitFacts(8, "新设党支部", "branch", 5)
    assert refused(request(), ctx(no_term)) == [("", "term_registered")]


def test_the_reply_is_dated_after_the_request_and_gives_reasons_when_it_does_not_agree():
    case = {"request_date": "2026-05-20"}
    reply = {"decision": "returned", "replied_at": "2026-05-19", "opinion": ""}
    found = {(v.field, v.rule) for v in postponement.check("P02_approve_shift", reply, ctx(case_data=case))}
    assert found == {("replied_at", "date_order"), ("opinion", "return_with_comments")}


def run(replies, settings=None) -> tuple[list[str], list, str | None]:
    """A request answered by ``replies`` in turn; the steps the case went through, its organisation
    changes and the end event it reached."""
    settings = settings or RuleSettings()
    start = request()
    variables = postponement.derive("P01_request_shift", start, ctx(settings=settings))
    workflow = ENGINE.start(DEFINITION, variables, settings, None)
    steps, changes, replies = [], [], list(replies)
    while ready := ENGINE.ready_tasks(DEFINITION, workflow):
        (task,) = ready
        steps.append(task.step_code)
        case_data = ENGINE.snapshot(DEFINITION, workflow).variables
        data = request() if task.step_code == "P03_revise_request" else replies.pop(0)
        assert postponement.check(task.step_code, data, ctx(settings=settings, case_data=case_data)) == []
        derived = postponement.derive(task.step_code, data, ctx(settings=settings, case_data=case_data))
        changes += postponement.org_changes(task.step_code, data, {**case_data, **derived})
        ENGINE.complete(workflow, task.task_id, derived, settings, None)
    return steps, changes, ENGINE.snapshot(DEFINITION, workflow).end_event


APPROVED = {"decision": "approved", "replied_at": "2026-05-25"}
RETURNED = {"decision": "returned", "replied_at": "2026-05-22", "opinion": "请补充党员外出情况"}
REFUSED = {"decision": "refused", "replied_at": "2026-05-25", "opinion": "应按期换届"}


def test_an_approved_postponement_moves_the_end_of_the_term():
    steps, changes, end = run([APPROVED])
    assert steps == ["P02_approve_shift"]
    assert changes == [ShiftTerm(7, "2027-03-01", "postpone")]
    assert (end, postponement.END_STATUS[end]) == ("shift_approved_end", "completed")


def test_a_returned_request_is_revised_and_answered_again():
    steps, changes, end = run([RETURNED, APPROVED])
    assert steps == ["P02_approve_shift", "P03_revise_request", "P02_approve_shift"]
    assert end == "shift_approved_end" and len(changes) == 1


def test_a_refused_request_changes_nothing():
    steps, changes, end = run([REFUSED])
    assert (changes, postponement.END_STATUS[end]) == ([], "rejected")


def test_the_committee_above_replies_where_the_organisation_says_so():
    steps, _changes, _end = run([APPROVED], RuleSettings({"election.postponement_approver": "upper_committee"}))
    assert steps == ["P02b_approve_shift"]
    lanes = {step.step_code: step.lane for step in DEFINITION.user_steps()}
    assert (lanes["P02_approve_shift"], lanes["P02b_approve_shift"]) == ("upper_org", "upper_committee")
