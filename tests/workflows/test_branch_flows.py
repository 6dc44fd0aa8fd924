"""The three definitions of 党支部设置 through the engine alone (RULES.md §6.2–§6.4, §6.6): each path and
exit, the lane of each step, the reply's deadline and the temporary branch's end (TM21, TM22)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workflows.engine import CaseEngine
from workflows.serialization import CaseSerializer
from workflows.settings import RuleSettings
from workflows.specs import load_definition

BPMN = Path(__file__).parents[2] / "bpmn"
SETUP = load_definition((BPMN / "branch_setup.bpmn").read_bytes())
CHANGE = load_definition((BPMN / "branch_change.bpmn").read_bytes())
DISSOLUTION = load_definition((BPMN / "branch_dissolution.bpmn").read_bytes())
ENGINE = CaseEngine()
NOW = datetime(2026, 12, 1, 2, tzinfo=UTC)  # 10:00 in China


def run(definition, start, answers, now=NOW, settings=None, limit=30):
    """Drive a case with ``answers``: step code → a list of the variables it sets, one per visit (the last
    one repeats). The steps visited and the end event (None while the case waits for a timer)."""
    serializer = CaseSerializer(lambda sha: definition)
    workflow = ENGINE.start(definition, start, settings, now)
    visits, visited = {}, []
    while not ENGINE.is_finished(workflow) and len(visited) < limit:
        workflow = serializer.loads(serializer.dumps(workflow))
        ready = ENGINE.ready_tasks(definition, workflow)
        if not ready:
            return visited, None, workflow
        (task,) = ready
        visited.append(task.step_code)
        given = answers.get(task.step_code, [{}])
        answer = given[min(visits.get(task.step_code, 0), len(given) - 1)]
        visits[task.step_code] = visits.get(task.step_code, 0) + 1
        ENGINE.complete(workflow, task.task_id, answer, settings, now)
    return visited, ENGINE.end_event(workflow), workflow


REQUEST = {"requested_on": "2026-11-25", "is_temporary": False, "temporary_until": None}
APPROVED = {"reply_decision": "approved", "replied_on": "2026-11-30"}
RETURNED = {"reply_decision": "returned"}
REFUSED = {"reply_decision": "refused"}


def test_a_set_up_is_replied_filed_and_ends_with_the_branch_established():
    visited, end, _ = run(SETUP, REQUEST, {"O02_superior_reply": [APPROVED],
                                           "O04_file_setup": [{"setup_filing_result": "filed"}]})
    assert visited == ["O02_superior_reply", "O04_file_setup"]
    assert end == "branch_established"


def test_a_returned_request_is_revised_and_replied_again():
    visited, end, _ = run(SETUP, REQUEST, {"O02_superior_reply": [RETURNED, APPROVED],
                                           "O04_file_setup": [{"setup_filing_result": "filed"}]})
    assert visited == ["O02_superior_reply", "O01b_revise_request", "O02_superior_reply", "O04_file_setup"]
    assert end == "branch_established"


def test_a_refused_request_ends_without_a_branch():
    visited, end, _ = run(SETUP, REQUEST, {"O02_superior_reply": [REFUSED]})
    assert (visited, end) == (["O02_superior_reply"], "setup_refused")


def test_an_unknown_reply_never_sets_a_branch_up_it_goes_back_for_revision():
    visited, _end, _ = run(SETUP, REQUEST, {"O02_superior_reply": [{"reply_decision": "maybe"}, REFUSED]})
    assert visited[:2] == ["O02_superior_reply", "O01b_revise_request"]


def test_a_returned_filing_is_corrected_by_the_committee_and_filed_again():
    visited, end, _ = run(SETUP, REQUEST, {
        "O02_superior_reply": [APPROVED],
        "O04_file_setup": [{"setup_filing_result": "returned"}, {"setup_filing_result": "filed"}]})
    assert visited == ["O02_superior_reply", "O04_file_setup", "O04b_correct_filing", "O04_file_setup"]
    assert end == "branch_established"


def test_a_temporary_branch_waits_for_the_end_of_its_task_and_is_dissolved_then():
    start = {**REQUEST, "is_temporary": True, "temporary_until": "2027-03-31"}
    visited, end, workflow = run(SETUP, start, {"O02_superior_reply": [APPROVED],
                                                "O04_file_setup": [{"setup_filing_result": "filed"}]})
    assert (visited, end) == (["O02_superior_reply", "O04_file_setup"], None)
    # TM22: the first instant of its last day, in China's time zone
    assert ENGINE.next_timer_at(workflow) == datetime(2027, 3, 30, 16, tzinfo=UTC)
    assert ENGINE.fire_timers(workflow, datetime(2027, 3, 30, 15, 59, tzinfo=UTC)) == []
    assert ENGINE.fire_timers(workflow, datetime(2027, 3, 30, 16, 1, tzinfo=UTC)) == ["temporary_task_ended"]
    assert ENGINE.end_event(workflow) == "temporary_branch_dissolved"


def test_a_temporary_branch_whose_task_ended_already_is_dissolved_with_the_filing():
    start = {**REQUEST, "is_temporary": True, "temporary_until": "2026-11-28"}
    _visited, end, _ = run(SETUP, start, {"O02_superior_reply": [APPROVED],
                                          "O04_file_setup": [{"setup_filing_result": "filed"}]})
    assert end == "temporary_branch_dissolved"


@pytest.mark.parametrize(("months", "due"), [(1, datetime(2026, 12, 25, 16, tzinfo=UTC)),
                                             (2, datetime(2027, 1, 25, 16, tzinfo=UTC))])
def test_the_reply_is_escalated_on_the_day_after_its_month_from_the_request(months, due):
    # TM21: 上级党组织应当在1个月内批复; the setting may give more time
    settings = RuleSettings({"branch.reply_months": months})
    workflow = ENGINE.start(SETUP, REQUEST, settings, NOW)
    assert ENGINE.next_timer_at(workflow) == due
    assert ENGINE.fire_timers(workflow, due + timedelta(minutes=1), settings) == ["reply_overdue"]
    assert [t.step_code for t in ENGINE.ready_tasks(SETUP, workflow)] == ["O02_superior_reply"]  # still waiting


def test_a_change_is_replied_and_filed_or_returned_or_refused():
    filed = {"O23_file_change": [{"change_filing_result": "returned"}, {"change_filing_result": "filed"}]}
    assert run(CHANGE, {"requested_on": "2026-11-25"}, {"O22_superior_reply": [RETURNED, APPROVED], **filed})[:2] == (
        ["O22_superior_reply", "O21b_revise_change", "O22_superior_reply", "O23_file_change", "O23b_correct_filing",
         "O23_file_change"], "branch_changed")
    assert run(CHANGE, {}, {"O22_superior_reply": [REFUSED]})[:2] == (["O22_superior_reply"], "change_refused")


DISSOLVE = {
    "O12_superior_reply": [APPROVED],
    "O12f_file_dissolution": [{"dissolution_filing_result": "filed", "members_remain": True}],
    "O13_transfer_members": [{"members_remain": True}, {"members_remain": False}],
    "O15_close_branch": [{"close_outcome": "close"}],
}


def test_a_dissolution_transfers_in_rounds_until_nobody_is_left_then_hands_over_and_closes():
    visited, end, _ = run(DISSOLUTION, {}, DISSOLVE)
    assert visited == ["O12_superior_reply", "O12f_file_dissolution", "O13_transfer_members", "O13_transfer_members",
                       "O14_handover", "O15_close_branch"]
    assert end == "branch_dissolved"


def test_a_branch_with_nobody_left_goes_straight_to_the_handover():
    answers = {**DISSOLVE, "O12f_file_dissolution": [{"dissolution_filing_result": "filed", "members_remain": False}]}
    visited, end, _ = run(DISSOLUTION, {}, answers)
    assert visited == ["O12_superior_reply", "O12f_file_dissolution", "O14_handover", "O15_close_branch"]
    assert end == "branch_dissolved"


def test_people_who_arrived_before_the_closing_are_transferred_before_it_closes():
    answers = {**DISSOLVE, "O13_transfer_members": [{"members_remain": False}],
               "O15_close_branch": [{"close_outcome": "transfer_more"}, {"close_outcome": "close"}]}
    visited, end, _ = run(DISSOLUTION, {}, answers)
    assert visited[2:] == ["O13_transfer_members", "O14_handover", "O15_close_branch", "O13_transfer_members",
                           "O14_handover", "O15_close_branch"]
    assert end == "branch_dissolved"


def test_a_returned_dissolution_filing_goes_back_to_the_committee_s_reply():
    answers = {**DISSOLVE, "O12f_file_dissolution": [{"dissolution_filing_result": "returned"},
                                                     {"dissolution_filing_result": "filed", "members_remain": False}]}
    visited, _end, _ = run(DISSOLUTION, {}, answers)
    assert visited[:4] == ["O12_superior_reply", "O12f_file_dissolution", "O12_superior_reply", "O12f_file_dissolution"]


def test_a_refused_or_returned_dissolution():
    refused = run(DISSOLUTION, {}, {"O12_superior_reply": [REFUSED]})
    assert refused[:2] == (["O12_superior_reply"], "dissolution_refused")
    visited, _end, _ = run(DISSOLUTION, {}, {"O12_superior_reply": [RETURNED, REFUSED]})
    assert visited == ["O12_superior_reply", "O11b_revise_proposal", "O12_superior_reply"]


@pytest.mark.parametrize(("definition", "lanes"), [
    (SETUP, {"O01b_revise_request": "requesting_org", "O02_superior_reply": "unit_committee",
             "O04_file_setup": "unit_committee_department", "O04b_correct_filing": "unit_committee"}),
    (CHANGE, {"O21b_revise_change": "branch_secretary", "O22_superior_reply": "unit_committee",
              "O23_file_change": "unit_committee_department", "O23b_correct_filing": "unit_committee"}),
    (DISSOLUTION, {"O11b_revise_proposal": "branch_secretary", "O12_superior_reply": "unit_committee",
                   "O12f_file_dissolution": "unit_committee_department", "O13_transfer_members": "unit_committee",
                   "O14_handover": "branch_secretary", "O15_close_branch": "unit_committee"}),
])
def test_each_step_sits_in_the_lane_of_its_actor(definition, lanes):
    # 成立 / 调整 / 撤销支部: the branch (or the unit above it) applies, the 基层党委 approves, the
    # organisation department above it files (RULES.md §1.3)
    assert {s.step_code: s.lane for s in definition.user_steps()} == lanes


def test_only_the_set_up_reply_has_a_deadline():
    deadlines = {s.step_code: s.deadline for d in (SETUP, CHANGE, DISSOLUTION) for s in d.user_steps() if s.deadline}
    assert deadlines == {"O02_superior_reply": "setup_reply"}
