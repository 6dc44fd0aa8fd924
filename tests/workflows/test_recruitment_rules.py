"""Hard guards of 发展党员 (RULES.md §3.2 G, §3.3), each at its edge values."""

from datetime import date

from workflows.guards import MemberFacts, StepContext
from workflows.procedures import PROCEDURES, recruitment
from workflows.settings import RuleSettings

TODAY = date(2025, 6, 30)
MEMBERS = {
    1: MemberFacts(1, "王芳", "full_member", True, True, 10),
    2: MemberFacts(2, "李强", "full_member", True, True, 10),
    3: MemberFacts(3, "赵敏", "full_member", True, True, 10),
    4: MemberFacts(4, "陈晨", "probationary_member", True, False, 10),
    5: MemberFacts(5, "周亮", "full_member", True, False, 10),  # 留党察看: no voting rights
    6: MemberFacts(6, "孙丽", "full_member", False, True, 10),  # not in good standing
}
APPLICATION = {"name": "张三", "gender": "male", "ethnicity": "汉族", "birth_date": "2006-05-20",
               "id_number": "11010120060520001X", "education": "undergraduate", "occupation": "学生",
               "work_unit": "某大学", "youth_league_member": True, "phone": "13800000000",
               "application_letter_received": True, "application_date": "2024-05-20"}
TRAINING = {"class_id": "2025-1", "organiser_org": "县委组织部", "hours": 0, "training_exemption": False}
VOTE = {"expected_voting": 10, "present_voting": 8, "yes": 6, "no": 1, "abstain": 1,
        "written_yes": 0, "written_no": 0, "resolution_text": "同意接收", "resolution_date": "2025-03-10"}
ADMISSION_CASE = {"political_review_conclusion": "pass", "training_ok": True,
                  "pre_review_decided_at": "2025-02-20", "resolution_date": "2025-01-15"}
PROBATION_CASE = {"probation_start": "2024-03-10", "probation_end": "2025-03-10", "extension_used": False}


def context(case=None, overrides=None, voting_members=10):
    return StepContext(TODAY, case or {}, MEMBERS, voting_members,
                       RuleSettings.resolve([overrides] if overrides else []))


def check(step, data, case=None, **kwargs):
    return recruitment.check(step, data, context(case, **kwargs))


def fields(problems):
    return [p.field for p in problems]


def test_recruitment_is_registered_under_its_process_key():
    assert PROCEDURES["recruitment"] is recruitment


def test_applicant_whose_18th_birthday_is_the_application_date_may_apply():
    assert check("R01_submit_application", APPLICATION) == []


def test_applicant_one_day_short_of_18_is_refused_with_the_earliest_date():
    problems = check("R01_submit_application", {**APPLICATION, "application_date": "2024-05-19"})
    assert fields(problems) == ["application_date"]
    assert problems[0].rule == "min_age_years"
    assert problems[0].params["earliest"] == "2024-05-20"
    assert "第五条" in problems[0].text() and "2024-05-20" in problems[0].text()


def test_a_unit_that_raises_the_minimum_age_refuses_an_18_year_old():
    problems = check("R01_submit_application", APPLICATION, overrides={"min_age_years": 20})
    assert problems[0].params == {"years": 20, "earliest": "2026-05-20"}


def test_application_needs_the_written_letter_and_a_matching_id_number():
    problems = check("R01_submit_application", {**APPLICATION, "application_letter_received": False,
                                                "id_number": "110101200605210011"})
    assert fields(problems) == ["application_letter_received", "id_number"]


def test_missing_required_answers_are_reported_before_any_rule():
    problems = check("R01_submit_application", {**APPLICATION, "name": " ", "birth_date": None})
    assert fields(problems) == ["name", "birth_date"]
    assert {p.rule for p in problems} == {"required"}


def test_malformed_and_future_dates_are_refused():
    assert fields(check("R02_initial_talk", {"talk_date": "2025-13-01", "talker_ids": [1],
                                             "summary": "谈话"})) == ["talk_date"]
    problems = check("R02_initial_talk", {"talk_date": "2025-07-01", "talker_ids": [1], "summary": "谈话"})
    assert (fields(problems), problems[0].rule) == (["talk_date"], "date_not_in_future")


def test_talk_cannot_precede_the_application_and_talkers_must_exist():
    case = {"application_date": "2025-01-10"}
    assert fields(check("R02_initial_talk", {"talk_date": "2025-01-09", "talker_ids": [1], "summary": "谈话"},
                        case)) == ["talk_date"]
    assert fields(check("R02_initial_talk", {"talk_date": "2025-01-11", "talker_ids": [99], "summary": "谈话"},
                        case)) == ["talker_ids"]


def test_designating_an_activist_respects_a_local_waiting_period():
    data = {"recommendation_type": "league", "committee_meeting_date": "2025-03-01",
            "decision": "designate", "activist_date": "2025-03-01"}
    case = {"application_date": "2024-12-01"}
    assert check("R03_designate_activist", data, case) == []
    problems = check("R03_designate_activist", data, case, overrides={"activist.min_months_after_application": 6})
    assert problems[0].params["earliest"] == "2025-06-01"
    assert fields(check("R03_designate_activist", {**data, "activist_date": None}, case)) == ["activist_date"]


def test_one_or_two_full_members_may_be_mentors():
    for ids in ([1], [1, 2]):
        assert check("R05_assign_mentors", {"mentor_ids": ids, "assigned_at": "2025-01-05"}) == []


def test_no_mentor_or_three_mentors_are_refused():
    assert fields(check("R05_assign_mentors", {"mentor_ids": [1, 2, 3], "assigned_at": "2025-01-05"})) == [
        "mentor_ids"]
    assert fields(check("R05_assign_mentors", {"mentor_ids": [], "assigned_at": "2025-01-05"})) == ["mentor_ids"]


def test_a_probationary_member_or_one_not_in_good_standing_cannot_mentor():
    problems = check("R05_assign_mentors", {"mentor_ids": [4, 6], "assigned_at": "2025-01-05"})
    assert [p.params["name"] for p in problems] == ["陈晨", "孙丽"]


def test_candidate_after_364_days_of_cultivation_is_refused():
    problems = check("R07_designate_candidate", candidate("2023-02-28"), {"activist_date": "2022-03-01"})
    assert problems[0].rule == "candidate.min_cultivation_years"
    assert problems[0].params == {"years": 1, "earliest": "2023-03-01"}


def test_candidate_after_one_calendar_year_of_cultivation_is_allowed():
    assert check("R07_designate_candidate", candidate("2023-03-01"), {"activist_date": "2022-03-01"}) == []


def test_365_days_across_february_29_are_less_than_one_calendar_year():
    problems = check("R07_designate_candidate", candidate("2024-02-29"), {"activist_date": "2023-03-01"})
    assert problems[0].params["earliest"] == "2024-03-01"


def candidate(candidate_date):
    return {"group_opinion": "同意", "mentor_opinion": "同意", "members_and_masses_summary": "无异议",
            "committee_meeting_date": candidate_date, "candidate_date": candidate_date}


def test_exactly_two_sponsors_with_voting_rights_are_required():
    assert check("R09_assign_sponsors", {"sponsor_ids": [1, 2], "assigned_at": "2025-01-05"}) == []
    for ids in ([1], [1, 2, 3]):
        assert fields(check("R09_assign_sponsors", {"sponsor_ids": ids, "assigned_at": "2025-01-05"})) == [
            "sponsor_ids"]


def test_a_member_under_probation_within_the_party_cannot_sponsor():
    problems = check("R09_assign_sponsors", {"sponsor_ids": [1, 5], "assigned_at": "2025-01-05"})
    assert [p.params["name"] for p in problems] == ["周亮"]
    assert "第十四条" in problems[0].text()


def test_political_review_needs_a_conclusion_and_a_passed_one_needs_its_date():
    assert fields(check("R10_political_review", {"conclusion": None})) == ["conclusion"]
    assert fields(check("R10_political_review", {"conclusion": "pass", "conclusion_doc": "合格"})) == [
        "concluded_at"]
    assert check("R10_political_review", {"conclusion": "needs_more"}) == []


def test_three_days_of_training_are_enough():
    assert check("R11_intensive_training", {**TRAINING, "start": "2025-05-01", "end": "2025-05-03"}) == []


def test_two_days_and_23_hours_of_training_are_not_enough():
    problems = check("R11_intensive_training", {**TRAINING, "start": "2025-05-01", "end": "2025-05-02",
                                                "hours": 23})
    assert fields(problems) == ["hours"]
    assert problems[0].params == {"min_days": 3, "min_hours": 24, "days": 2, "hours": 23}


def test_24_hours_of_training_are_enough_even_in_one_day():
    assert check("R11_intensive_training", {**TRAINING, "start": "2025-05-01", "end": "2025-05-01",
                                            "hours": 24}) == []


def test_training_exemption_needs_a_reason_and_training_must_not_end_before_it_starts():
    exempt = {**TRAINING, "training_exemption": True}
    assert fields(check("R11_intensive_training", exempt)) == ["training_exemption_reason"]
    assert check("R11_intensive_training", {**exempt, "training_exemption_reason": "重大任务"}) == []
    assert fields(check("R11_intensive_training", {**TRAINING, "start": "2025-05-03", "end": "2025-05-01"})) == [
        "end"]


def test_committee_cannot_find_qualified_without_political_review_and_training():
    data = {"review_report": "合格", "committee_meeting_date": "2025-02-01", "decision": "qualified"}
    problems = check("R12_committee_review", data, {"political_review_conclusion": "needs_more"})
    assert [p.rule for p in problems] == ["political_review", "intensive_training"]
    assert check("R12_committee_review", data, ADMISSION_CASE) == []


def test_pre_review_refuses_a_candidate_leaving_within_three_months_unless_justified():
    data = {"received_at": "2025-02-01", "decided_at": "2025-02-20", "result": "pass", "opinion": "合格",
            "expected_leave_date": "2025-05-20"}
    assert fields(check("R13_pre_review", data, ADMISSION_CASE)) == ["leave_override_reason"]
    assert check("R13_pre_review", {**data, "leave_override_reason": "上级批准"}, ADMISSION_CASE) == []
    assert check("R13_pre_review", {**data, "expected_leave_date": "2025-05-21"}, ADMISSION_CASE) == []


def test_admission_vote_with_valid_tally_and_roster_passes_the_guards():
    assert check("R15_assembly_admission_vote", VOTE, ADMISSION_CASE) == []


def test_expected_voting_must_equal_the_branch_roster():
    problems = check("R15_assembly_admission_vote", VOTE, ADMISSION_CASE, voting_members=11)
    assert fields(problems) == ["expected_voting"]
    assert "11" in problems[0].text()


def test_a_vote_with_exactly_half_present_is_an_invalid_meeting():
    problems = check("R15_assembly_admission_vote", {**VOTE, "present_voting": 5, "yes": 5, "no": 0,
                                                     "abstain": 0}, ADMISSION_CASE)
    assert (fields(problems), problems[0].params) == (["present_voting"], {"minimum": 6})


def test_an_impossible_tally_is_refused():
    assert fields(check("R15_assembly_admission_vote", {**VOTE, "yes": 9}, ADMISSION_CASE)) == ["yes"]


def test_a_revote_after_a_failed_vote_waits_for_the_cooldown():
    case = {**ADMISSION_CASE, "admission_vote_passed": False, "resolution_date": "2025-01-10"}
    assert check("R15_assembly_admission_vote", VOTE, case) == []
    problems = check("R15_assembly_admission_vote", VOTE, case, overrides={"revote_cooldown_months": 6})
    assert problems[0].params["earliest"] == "2025-07-10"


def approval(decision, decided_on):
    return {"decision": decision, "decided_on": decided_on, "committee_meeting_date": decided_on}


def test_approval_on_the_last_day_of_six_months_is_allowed():
    case = {"resolution_date": "2024-09-15"}
    assert check("R17_committee_approval", approval("approved", "2025-03-15"), case) == []
    assert check("R17_committee_approval", approval("not_approved", "2025-03-15"), case) == []


def test_after_six_months_the_resolution_can_only_be_recorded_as_lapsed():
    case = {"resolution_date": "2024-09-15"}
    problems = check("R17_committee_approval", approval("approved", "2025-03-16"), case)
    assert (fields(problems), problems[0].params["lapse_on"]) == (["decision"], "2025-03-15")
    assert check("R17_committee_approval", approval("lapsed", "2025-03-16"), case) == []


def test_a_resolution_cannot_be_recorded_as_lapsed_before_six_months():
    problems = check("R17_committee_approval", approval("lapsed", "2025-03-15"), {"resolution_date": "2024-09-15"})
    assert problems[0].params["earliest"] == "2025-03-16"


def test_approval_cannot_precede_the_resolution_and_needs_it_in_the_case():
    assert fields(check("R17_committee_approval", approval("approved", "2024-09-14"),
                        {"resolution_date": "2024-09-15"})) == ["decided_on"]
    assert fields(check("R17_committee_approval", approval("approved", "2024-09-14"))) == [""]


def regularization(outcome, months=None, resolution_date="2025-03-12"):
    return {**VOTE, "resolution_date": resolution_date, "outcome": outcome, "extension_months": months}


def test_extension_of_6_to_12_months_is_allowed():
    for months in (6, 12):
        assert check("R23_assembly_regularization_vote", regularization("extend", months), PROBATION_CASE) == []


def test_extension_of_5_or_13_months_is_refused():
    for months in (5, 13):
        problems = check("R23_assembly_regularization_vote", regularization("extend", months), PROBATION_CASE)
        assert fields(problems) == ["extension_months"]


def test_probation_can_be_extended_only_once():
    case = {**PROBATION_CASE, "extension_used": True}
    problems = check("R23_assembly_regularization_vote", regularization("extend", 6), case)
    assert fields(problems) == ["outcome"]
    assert check("R23_assembly_regularization_vote", regularization("regularize"), case) == []
    assert check("R23_assembly_regularization_vote", regularization("revoke"), case) == []


def test_regularization_is_discussed_only_when_probation_ends():
    early = regularization("regularize", resolution_date="2025-03-09")
    problems = check("R23_assembly_regularization_vote", early, PROBATION_CASE)
    assert problems[0].params["earliest"] == "2025-03-10"
    assert check("R23_assembly_regularization_vote", regularization("revoke", resolution_date="2025-01-09"),
                 PROBATION_CASE) == []


def test_committee_talker_must_be_a_full_member_in_good_standing():
    data = {"talker_id": 4, "talk_date": "2025-03-01", "summary": "谈话", "opinion": "同意"}
    assert fields(check("R16_committee_talk", data)) == ["talker_id"]
    assert check("R16_committee_talk", {**data, "talker_id": 3}) == []


def test_filing_returned_for_correction_must_say_why():
    data = {"submitted_at": "2025-01-10", "acknowledged_at": "2025-01-12", "result": "returned"}
    assert fields(check("R04_file_activist", data)) == ["comments"]
    assert check("R08_file_candidate", {**data, "comments": "补充材料"}) == []


def test_archive_must_hold_every_required_document():
    data = {"archive_items": ["admission_form", "application_letter", "political_review", "cultivation_records"],
            "destination": "personnel_file", "archived_at": "2025-04-01"}
    assert check("R25_archive_dossier", data, {"regularization_outcome": "revoke"}) == []
    problems = check("R25_archive_dossier", data, {"regularization_outcome": "regularize"})
    assert problems[0].params == {"missing": "转正申请书"}


def test_steps_without_rules_pass():
    assert check("R99_added_by_admin", {"anything": 1}) == []


def test_the_shared_deliberation_form_key_has_the_deliberation_rules():
    problems = check("intermediate_deliberation", {"deliberating_org": "机关党总支", "opinion": ""})
    assert fields(problems) == ["opinion", "deliberated_on"]
    assert check("R23b_intermediate_deliberation", {"deliberating_org": "机关党总支", "opinion": "同意",
                                                    "deliberated_on": "2025-04-01"}) == []
