"""The recruitment definition through the engine alone: the main path and every exit of RULES.md §3.3."""

from datetime import date, timedelta
from pathlib import Path

import pytest

from workflows.engine import CaseEngine
from workflows.serialization import CaseSerializer
from workflows.specs import load_definition

RECRUITMENT = load_definition((Path(__file__).parents[2] / "bpmn" / "recruitment.bpmn").read_bytes())
# Legal dates long past: the definition's timers (the year of cultivation, the end of probation) are
# due at once, so these runs never wait (tests/workflows/test_timers.py makes them wait).
RECENT = (date.today() - timedelta(days=10)).isoformat()  # a resolution the committee approves in time
START = {"deliberating_units": [], "political_review_fail_target": "cultivation",
         "refusal_target": "development_candidate", "application_date": "2020-01-06"}
# The answers that take the main path; a scenario overrides some of them, in order of appearance.
MAIN = {
    "R03_designate_activist": {"activist_decision": "designate", "activist_date": "2020-03-02"},
    "R04_file_activist": {"activist_filing_result": "filed"},
    "R06_cultivation_review": {"cultivation_next": "propose_candidate"},
    "R08_file_candidate": {"candidate_filing_result": "filed"},
    "R10_political_review": {"political_review_conclusion": "pass"},
    "R12_committee_review": {"committee_review_decision": "qualified"},
    "R13_pre_review": {"pre_review_result": "pass"},
    "R15_assembly_admission_vote": {"admission_vote_passed": True, "resolution_date": RECENT},
    "R17_committee_approval": {"admission_decision": "approved", "probation_end": "2022-06-01"},
    "R18_file_upper_department": {"admission_filing_result": "filed"},
    "R21_probation_review": {"probation_next": "probation_ending"},
    "R23_assembly_regularization_vote": {"regularization_vote_passed": True, "regularization_outcome": "regularize"},
    "R24_committee_regularization_approval": {"regularization_decision": "approved"},
}
MAIN_PATH = [
    "R02_initial_talk", "R03_designate_activist", "R04_file_activist", "R05_assign_mentors",
    "R06_cultivation_review", "R07_designate_candidate", "R08_file_candidate", "R09_assign_sponsors",
    "R10_political_review", "R11_intensive_training", "R12_committee_review", "R13_pre_review",
    "R14_fill_admission_form", "R15_assembly_admission_vote", "R16_committee_talk", "R17_committee_approval",
    "R18_file_upper_department", "R19_assign_branch_group", "R20_oath", "R21_probation_review",
    "R22_regularization_application", "R23_assembly_regularization_vote", "R24_committee_regularization_approval",
    "R25_archive_dossier",
]


def run(overrides=(), start=START, limit=80):
    """Drive a case; ``overrides`` are (step, answer) pairs used once each, the first time the step comes."""
    engine, serializer = CaseEngine(), CaseSerializer(lambda sha: RECRUITMENT)
    pending = list(overrides)
    workflow = engine.start(RECRUITMENT, start)
    visited = []
    while not engine.is_finished(workflow) and len(visited) < limit:
        workflow = serializer.loads(serializer.dumps(workflow))
        (task,) = engine.ready_tasks(RECRUITMENT, workflow)
        visited.append(task.step_code)
        answer = MAIN.get(task.step_code, {})
        for index, (step, override) in enumerate(pending):
            if step == task.step_code:
                answer = {**answer, **override}
                del pending[index]
                break
        engine.complete(workflow, task.task_id, answer)
    return visited, engine.end_event(workflow)


def test_the_main_path_visits_all_24_user_steps_in_order_and_ends_in_full_membership():
    visited, end = run()
    assert visited == MAIN_PATH
    assert end == "full_member_end"


def test_each_step_sits_in_the_lane_of_its_actor():
    lanes = {s.step_code: s.lane for s in RECRUITMENT.user_steps()}
    assert lanes["R03_designate_activist"] == "branch_committee"
    assert lanes["R04_file_activist"] == "approving_committee"
    assert lanes["R15_assembly_admission_vote"] == "branch_assembly"
    assert lanes["R15b_intermediate_deliberation"] == "deliberating_org"
    assert lanes["R18_file_upper_department"] == "organisation_department"


def test_every_intermediate_unit_deliberates_once_before_approval():
    visited, end = run(start={**START, "deliberating_units": [4, 9]})
    assert visited.count("R15b_intermediate_deliberation") == 2
    assert visited.count("R23b_intermediate_deliberation") == 2
    assert end == "full_member_end"


@pytest.mark.parametrize(
    ("overrides", "returns_to"),
    [
        ([("R03_designate_activist", {"activist_decision": "defer"})], "R03_designate_activist"),
        ([("R04_file_activist", {"activist_filing_result": "returned"})], "R03_designate_activist"),
        ([("R06_cultivation_review", {"cultivation_next": "review_again"})], "R06_cultivation_review"),
        ([("R08_file_candidate", {"candidate_filing_result": "returned"})], "R07_designate_candidate"),
        ([("R10_political_review", {"political_review_conclusion": "needs_more"})], "R10_political_review"),
        ([("R10_political_review", {"political_review_conclusion": "fail"})], "R06_cultivation_review"),
        ([("R12_committee_review", {"committee_review_decision": "not_qualified"})], "R12_committee_review"),
        ([("R13_pre_review", {"pre_review_result": "fail"})], "R12_committee_review"),
        ([("R13_pre_review", {"pre_review_result": "return"})], "R12_committee_review"),
        ([("R15_assembly_admission_vote", {"admission_vote_passed": False})], "R12_committee_review"),
        ([("R17_committee_approval", {"admission_decision": "lapsed"})], "R15_assembly_admission_vote"),
        ([("R17_committee_approval", {"admission_decision": "not_approved"})], "R12_committee_review"),
        ([("R18_file_upper_department", {"admission_filing_result": "returned"})], "R17_committee_approval"),
        ([("R21_probation_review", {"probation_next": "review_again"})], "R21_probation_review"),
        ([("R23_assembly_regularization_vote", {"regularization_vote_passed": False})],
         "R23_assembly_regularization_vote"),
        ([("R24_committee_regularization_approval", {"regularization_decision": "not_approved"})],
         "R23_assembly_regularization_vote"),
    ],
)
def test_each_return_goes_back_to_the_right_step_and_the_case_can_still_finish(overrides, returns_to):
    visited, end = run(overrides)
    step = overrides[0][0]
    assert visited[visited.index(step) + 1] == returns_to
    assert end == "full_member_end"


def test_refusal_can_send_the_person_back_to_cultivation_as_activist():
    visited, _ = run([("R17_committee_approval", {"admission_decision": "not_approved"})],
                     start={**START, "refusal_target": "activist"})
    assert visited[visited.index("R17_committee_approval") + 1] == "R06_cultivation_review"


def test_a_failed_political_review_can_close_the_case():
    visited, end = run([("R10_political_review", {"political_review_conclusion": "fail"})],
                       start={**START, "political_review_fail_target": "close"})
    assert visited[-1] == "R10_political_review"
    assert end == "not_admitted_end"


def test_an_extension_loops_back_to_probation_review_then_regularizes():
    visited, end = run([("R23_assembly_regularization_vote", {"regularization_outcome": "extend"})])
    after = visited[visited.index("R24_committee_regularization_approval") + 1]
    assert after == "R21_probation_review"
    assert visited.count("R23_assembly_regularization_vote") == 2
    assert end == "full_member_end"


def test_a_revocation_is_archived_and_ends_the_probation():
    visited, end = run([("R23_assembly_regularization_vote", {"regularization_outcome": "revoke"})])
    assert visited[-1] == "R25_archive_dossier"
    assert end == "probation_revoked_end"
