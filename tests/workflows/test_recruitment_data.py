"""What each recruitment step writes into the case and the member record, and its deadlines."""

import json
from datetime import date

import pytest

from workflows.guards import StepContext
from workflows.procedures import recruitment
from workflows.settings import RuleSettings

TODAY = date(2025, 6, 30)
VOTE = {"expected_voting": 10, "present_voting": 8, "no": 1, "abstain": 1, "written_yes": 0,
        "written_no": 0, "resolution_text": "同意", "resolution_date": "2025-03-10"}


def context(case=None, overrides=None):
    return StepContext(TODAY, case or {}, {}, 10, RuleSettings.resolve([overrides] if overrides else []))


def derive(step, data, case=None, overrides=None):
    derived = recruitment.derive(step, data, context(case, overrides))
    json.dumps(derived)  # engine variables must be JSON-serializable
    return derived


def test_application_records_its_dates_and_the_outcome_rules_of_the_unit():
    derived = derive("R01_submit_application", {"application_date": date(2024, 5, 20), "birth_date": "2006-05-20"},
                     overrides={"political_review.fail_target": "close"})
    assert derived == {"application_date": "2024-05-20", "applicant_birth_date": "2006-05-20",
                       "political_review_fail_target": "close", "refusal_target": "development_candidate",
                       "extension_used": False}
    changes = recruitment.member_changes("R01_submit_application", {}, derived, {})
    assert changes == {"stage": "applicant", "application_date": date(2024, 5, 20)}


def test_deferred_activist_keeps_the_applicant_stage():
    derived = derive("R03_designate_activist", {"decision": "defer", "activist_date": "2025-01-01"})
    assert derived == {"activist_decision": "defer", "activist_date": None}
    assert recruitment.member_changes("R03_designate_activist", {"decision": "defer"}, derived, {}) == {}


def test_designated_activist_and_candidate_move_the_member_stage():
    derived = derive("R03_designate_activist", {"decision": "designate", "activist_date": "2025-01-01"})
    assert recruitment.member_changes("R03_designate_activist", {"decision": "designate"}, derived, {}) == {
        "stage": "activist", "activist_date": date(2025, 1, 1)}
    derived = derive("R07_designate_candidate", {"candidate_date": "2026-01-02"})
    assert recruitment.member_changes("R07_designate_candidate", {}, derived, {})["stage"] == "development_candidate"


@pytest.mark.parametrize("step, data, expected", [
    ("R04_file_activist", {"result": "returned"}, {"activist_filing_result": "returned"}),
    ("R06_cultivation_review", {"cultivation_next": "review_again"}, {"cultivation_next": "review_again"}),
    ("R08_file_candidate", {"result": "filed"}, {"candidate_filing_result": "filed"}),
    ("R10_political_review", {"conclusion": "pass"}, {"political_review_conclusion": "pass"}),
    ("R11_intensive_training", {"start": "2025-05-01", "end": "2025-05-02", "hours": 23}, {"training_ok": False}),
    ("R12_committee_review", {"decision": "qualified"}, {"committee_review_decision": "qualified"}),
    ("R13_pre_review", {"result": "pass", "decided_at": "2025-02-20"},
     {"pre_review_result": "pass", "pre_review_decided_at": "2025-02-20"}),
    ("R18_file_upper_department", {"result": "filed"}, {"admission_filing_result": "filed"}),
    ("R21_probation_review", {"probation_next": "probation_ending"}, {"probation_next": "probation_ending"}),
    ("R22_regularization_application", {"application_date": "2025-02-01"},
     {"regularization_applied_at": "2025-02-01"}),
    ("R14_fill_admission_form", {"admission_form_no": "001"}, {}),
])
def test_each_step_derives_exactly_its_engine_variables(step, data, expected):
    assert derive(step, data) == expected


def test_vote_result_is_computed_from_the_tally_never_typed():
    assert derive("R15_assembly_admission_vote", {**VOTE, "yes": 5, "no": 2, "passed": True}) == {
        "admission_vote_passed": False, "resolution_date": "2025-03-10"}
    assert derive("R15_assembly_admission_vote", {**VOTE, "yes": 6})["admission_vote_passed"] is True
    assert derive("R15_assembly_admission_vote", {**VOTE, "yes": 5, "no": 2, "written_yes": 1})[
        "admission_vote_passed"] is True


def test_approval_starts_probation_on_the_resolution_date_for_one_year():
    derived = derive("R17_committee_approval", {"decision": "approved"}, {"resolution_date": "2024-02-29"})
    assert derived == {"admission_decision": "approved", "probation_start": "2024-02-29",
                       "probation_end": "2025-02-28"}
    assert recruitment.member_changes("R17_committee_approval", {"decision": "approved"}, derived, {}) == {
        "stage": "probationary_member", "probation_start": date(2024, 2, 29), "probation_end": date(2025, 2, 28)}


def test_refused_admission_returns_the_member_to_the_configured_stage():
    case = {"refusal_target": "activist"}
    derived = derive("R17_committee_approval", {"decision": "not_approved"}, case)
    assert recruitment.member_changes("R17_committee_approval", {"decision": "not_approved"}, derived, case) == {
        "stage": "activist", "candidate_date": None}
    kept = {"refusal_target": "development_candidate"}
    assert recruitment.member_changes("R17_committee_approval", {"decision": "not_approved"}, derived, kept) == {
        "stage": "development_candidate"}
    assert recruitment.member_changes("R17_committee_approval", {"decision": "lapsed"}, {}, case) == {}


def test_failed_political_review_closes_or_returns_to_cultivation_per_setting():
    fail = {"conclusion": "fail"}
    assert recruitment.member_changes("R10_political_review", fail, {},
                                      {"political_review_fail_target": "close"}) == {"stage": "not_approved"}
    assert recruitment.member_changes("R10_political_review", fail, {},
                                      {"political_review_fail_target": "cultivation"}) == {
        "stage": "activist", "candidate_date": None}


def test_assigning_the_party_group_records_it_on_the_member():
    assert recruitment.member_changes("R19_assign_branch_group", {"group_id": "7"}, {}, {}) == {"group_id": 7}
    assert recruitment.member_changes("R19_assign_branch_group", {"group_id": None}, {}, {}) == {}


def test_an_extension_moves_the_end_of_probation_only_when_the_committee_approves_it():
    case = {"probation_end": "2025-03-10", "extension_used": False}
    derived = derive("R23_assembly_regularization_vote", {**VOTE, "yes": 6, "outcome": "extend",
                                                          "extension_months": 6}, case)
    assert derived == {"regularization_vote_passed": True, "regularization_outcome": "extend",
                       "proposed_probation_end": "2025-09-10"}
    merged = {**case, **derived}
    refused = derive("R24_committee_regularization_approval", {"decision": "not_approved"}, merged)
    assert refused == {"regularization_decision": "not_approved"}
    approved = {"decision": "approved"}
    derived = derive("R24_committee_regularization_approval", approved, merged)
    assert derived == {"regularization_decision": "approved", "probation_end": "2025-09-10", "extension_used": True}
    facts = {**merged, **derived}
    assert recruitment.member_changes("R24_committee_regularization_approval", approved, derived, facts) == {
        "probation_end": date(2025, 9, 10)}


def test_regularization_dates_party_standing_from_the_end_of_probation():
    case = {"probation_end": "2025-03-10", "regularization_outcome": "regularize"}
    approved = {"decision": "approved", "decided_on": "2025-05-20"}
    derived = derive("R24_committee_regularization_approval", approved, case)
    assert derived["party_standing_since"] == "2025-03-10"
    assert recruitment.member_changes("R24_committee_regularization_approval", approved, derived, case) == {
        "stage": "full_member", "party_standing_since": date(2025, 3, 10)}


def test_approved_revocation_ends_the_probation():
    case = {"regularization_outcome": "revoke"}
    assert recruitment.member_changes("R24_committee_regularization_approval", {"decision": "approved"}, {},
                                      case) == {"stage": "probation_revoked"}


SETTINGS = RuleSettings.resolve([])
OPENED = date(2025, 1, 31)
CASE = {"application_date": "2024-12-31", "pre_review_decided_at": "2025-01-31",
        "resolution_date": "2024-08-31", "probation_end": "2025-03-10"}


@pytest.mark.parametrize("key, expected", [
    ("initial_talk", (date(2025, 1, 31), None, None)),
    ("activist_revisit", (date(2025, 7, 31), None, None)),
    ("cultivation_review", (date(2025, 7, 31), None, None)),
    ("pre_review", (date(2025, 2, 28), None, None)),
    ("assembly_after_pre_review", (date(2025, 2, 28), None, None)),
    ("admission_approval", (date(2024, 11, 30), date(2025, 2, 28), None)),
    ("probation_review", (date(2025, 4, 30), None, None)),
    ("regularization_application", (date(2025, 3, 10), None, date(2025, 2, 8))),
    ("regularization_assembly", (date(2025, 3, 10), None, None)),
    ("regularization_approval", (date(2025, 4, 30), None, None)),
    ("archive", (date(2025, 2, 7), None, None)),
])
def test_deadlines_use_calendar_months_from_their_anchor(key, expected):
    assert recruitment.due_dates(key, OPENED, CASE, SETTINGS) == expected


def test_unknown_deadline_or_missing_anchor_is_an_error():
    with pytest.raises(ValueError):
        recruitment.due_dates("coffee_break", OPENED, CASE, SETTINGS)
    with pytest.raises(ValueError):
        recruitment.due_dates("admission_approval", OPENED, {}, SETTINGS)


def test_every_step_belongs_to_a_stage_and_end_events_map_to_case_status():
    stage_keys = [key for key, _label in recruitment.STAGES]
    assert stage_keys == ["application", "activist", "development_candidate", "admission", "probation"]
    assert set(recruitment.STEPS.values()) == set(stage_keys)
    assert recruitment.END_STATUS == {"full_member_end": "completed", "probation_revoked_end": "rejected",
                                      "not_admitted_end": "rejected"}
