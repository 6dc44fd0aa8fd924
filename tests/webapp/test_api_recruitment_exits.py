"""发展党员 through the JSON API: the exits of RULES.md §3.3. Each case is driven quickly along the main
path (api_driver.drive, demo_cases.step_data answers) to the point of the exit, the exit is taken with
POST /api/v1/work-items/<id>/complete, and the next work item is looked for in GET /api/v1/work-items of
every unit's user: only the routed unit sees it (内科第一党支部 never sees the 县人民医院党委's items, nor
the committee the branch's). Only webapp.clock.today/now is patched.
"""

from __future__ import annotations

import pytest
from api_driver import api_scenario, case, case_holders, do, drive, expect, post, start
from recruitment_driver import FakeClock, answers, member, variables

from workflows.calendar import add_days, add_months, add_years, parse_date


@pytest.fixture
def sc(app, client, demo, monkeypatch):
    return api_scenario(app, client, demo, FakeClock(monkeypatch))


def refused(response, field: str) -> list[str]:
    """The messages of a 400 beside ``field``."""
    assert response.status_code == 400, response.json
    assert response.json["errors"][field], response.json
    return response.json["errors"][field]


def snapshot(sc) -> tuple[list[int], int, str]:
    """What a refused request must leave as it was: open items, length of the history, the subject's stage."""
    shown = case(sc)
    return [i["id"] for i in shown["open_work_items"]], len(shown["history"]), shown["subject"]["stage"]


def test_deferred_activist_waits_again_at_the_branch(sc):
    start(sc)
    first = drive(sc, "R03_designate_activist")

    do(sc, "R03_designate_activist", decision="defer", activist_date=None)

    again = expect(sc, "R03_designate_activist")  # in branch1_secretary's inbox only
    assert again != first
    shown = case(sc)
    assert shown["subject"]["stage"] == "applicant" and shown["status"] == "running"


def test_returned_filing_needs_comments_and_goes_back_to_the_branch(sc):
    start(sc)
    drive(sc, "R04_file_activist")  # checks: hospital_org_member sees it, branch1_secretary does not
    before = snapshot(sc)

    refused(post(sc, "R04_file_activist", result="returned"), "comments")
    assert snapshot(sc) == before

    do(sc, "R04_file_activist", result="returned", comments="请补充党员推荐材料和支委会会议记录。")

    expect(sc, "R03_designate_activist")
    submitted = case(sc, "hospital_org_member")["submissions"][-1]
    assert submitted["data"]["comments"] == "请补充党员推荐材料和支委会会议记录。"


def test_candidate_one_day_before_a_year_of_cultivation_is_refused_with_the_earliest_date(sc):
    """The step opens on the day the year is complete (a timer); a decision dated the day before is refused."""
    start(sc)
    drive(sc, "R07_designate_candidate")
    earliest = add_years(parse_date(variables(sc)["activist_date"]), 1)
    assert sc.clock.today == earliest
    before = snapshot(sc)

    (message,) = refused(post(sc, "R07_designate_candidate", candidate_date=add_days(earliest, -1).isoformat()),
                         "candidate_date")

    assert f"最早可选 {earliest.isoformat()}" in message
    assert snapshot(sc) == before and before[2] == "activist"
    expect(sc, "R07_designate_candidate")  # still the branch's, and only the branch's
    do(sc, "R07_designate_candidate")
    assert expect(sc, "R08_file_candidate") and member(sc).candidate_date == earliest


def test_failed_political_review_returns_to_cultivation(sc):
    start(sc)
    drive(sc, "R10_political_review")

    do(sc, "R10_political_review", conclusion="fail", conclusion_doc="直系亲属情况未如实说明，审查不合格。")

    expect(sc, "R06_cultivation_review")
    assert case(sc)["subject"]["stage"] == "activist"


def test_failed_pre_review_returns_to_the_branch_committee_review(sc):
    start(sc)
    drive(sc, "R13_pre_review")

    do(sc, "R13_pre_review", result="fail", opinion="群众反映问题尚未查清，预审不合格。")

    expect(sc, "R12_committee_review")
    assert case(sc)["subject"]["stage"] == "development_candidate"


def test_assembly_vote_with_exactly_half_yes_does_not_pass(sc):
    start(sc)
    drive(sc, "R15_assembly_admission_vote")
    voters = answers(sc, "R15_assembly_admission_vote")["expected_voting"]
    assert voters % 2 == 0

    # 细则第二十一条: more than half of the voting members must vote yes; half is not enough
    do(sc, "R15_assembly_admission_vote", yes=voters // 2, no=voters // 2, resolution_text="未通过。")

    expect(sc, "R12_committee_review")  # not R15b: 内科党总支 gets nothing
    shown = case(sc)
    assert shown["variables"]["admission_vote_passed"] is False
    assert shown["subject"]["stage"] == "development_candidate"


def test_approval_after_six_months_can_only_lapse_and_goes_back_to_the_assembly(sc):
    start(sc)
    drive(sc, "R17_committee_approval")
    resolution = parse_date(variables(sc)["resolution_date"])
    sc.clock.move_to(add_days(add_months(resolution, 6), 1))
    before = snapshot(sc)

    (message,) = refused(post(sc, "R17_committee_approval", check_inboxes=False), "decision")

    assert "只能记为失效" in message and snapshot(sc) == before
    do(sc, "R17_committee_approval", decision="lapsed")
    expect(sc, "R15_assembly_admission_vote")
    shown = case(sc)
    assert shown["subject"]["stage"] == "development_candidate" and shown["status"] == "running"
    assert member(sc).probation_start is None


def test_probation_extension_of_13_months_is_refused_6_months_moves_the_end(sc):
    start(sc)
    drive(sc, "R23_assembly_regularization_vote")
    end = member(sc).probation_end
    before = snapshot(sc)

    refused(post(sc, "R23_assembly_regularization_vote", check_inboxes=False, outcome="extend",
                 extension_months=13), "extension_months")
    assert snapshot(sc) == before

    do(sc, "R23_assembly_regularization_vote", outcome="extend", extension_months=6, reasons="纪律观念不强。")
    expect(sc, "R23b_intermediate_deliberation")  # 内科党总支 only
    do(sc, "R23b_intermediate_deliberation")
    assert member(sc).probation_end == end  # counts once the committee approves
    expect(sc, "R24_committee_regularization_approval")
    do(sc, "R24_committee_regularization_approval")

    expect(sc, "R21_probation_review")  # 细则第三十二条: back to the branch's probation review
    assert (member(sc).stage, member(sc).probation_end) == ("probationary_member", add_months(end, 6))
    drive(sc, "R23_assembly_regularization_vote")
    assert "只能延长一次" in refused(post(sc, "R23_assembly_regularization_vote", check_inboxes=False,
                                          outcome="extend", extension_months=6), "outcome")[0]


def test_revoked_probation_ends_the_case_rejected(sc):
    start(sc)
    drive(sc, "R23_assembly_regularization_vote")

    do(sc, "R23_assembly_regularization_vote", outcome="revoke", reasons="预备期内严重违反纪律。")
    expect(sc, "R23b_intermediate_deliberation")
    do(sc, "R23b_intermediate_deliberation")
    expect(sc, "R24_committee_regularization_approval")
    do(sc, "R24_committee_regularization_approval")
    expect(sc, "R25_archive_dossier")
    result = do(sc, "R25_archive_dossier")

    assert result["case"]["status"] == "rejected" and result["next_work_items"] == []
    shown = case(sc, "hospital_secretary")
    assert (shown["outcome"], shown["subject"]["stage"]) == ("probation_revoked_end", "probation_revoked")
    assert shown["record_intact"] is True
    assert shown["open_work_items"] == [] and case_holders(sc) == []
