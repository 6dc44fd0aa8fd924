"""发展党员 through the pages: the exits of RULES.md §3.3. Each case is driven quickly along the main path
to the point of the exit (routing checked in the database), then the exit is taken through the pages
and the next work item is looked for in every unit's 待办."""

from __future__ import annotations

import pytest
from recruitment_driver import (
    FakeClock,
    Scenario,
    answers,
    as_user,
    audit_verifies,
    case_page,
    case_row,
    do_step,
    drive,
    expect_step,
    field_errors,
    history_length,
    member,
    open_items,
    post_step,
    start,
    variables,
)

from webapp.extensions import db
from webapp.models import WorkItem
from workflows.calendar import add_days, add_months, add_years, parse_date


@pytest.fixture
def sc(app, demo, login, monkeypatch) -> Scenario:
    return Scenario(app, demo, login, FakeClock(monkeypatch))


def test_deferred_activist_comes_back_to_the_branch_committee(sc, runner):
    start(sc)
    first = drive(sc, "R03_designate_activist")

    do_step(sc, "R03_designate_activist", decision="defer", activist_date=None)

    again = expect_step(sc, "R03_designate_activist")
    assert again != first
    with sc.app.app_context():  # reminder to revisit: activist.revisit_months (default 6)
        assert db.session.get(WorkItem, again).due_on == add_months(sc.clock.today, 6)
    assert (member(sc).stage, member(sc).activist_date) == ("applicant", None)
    assert audit_verifies(runner)


@pytest.mark.parametrize("filing, redone", [("R04_file_activist", "R03_designate_activist"),
                                            ("R08_file_candidate", "R07_designate_candidate")])
def test_returned_filing_goes_back_with_its_comments(sc, runner, filing, redone):
    start(sc)
    drive(sc, filing)
    refused = post_step(sc, filing, result="returned")  # RULES.md §2.4: a return says what to correct
    assert refused.status_code == 422 and field_errors(refused)["comments"]

    do_step(sc, filing, result="returned", comments="请补充党员推荐材料和支委会会议记录。")

    expect_step(sc, redone)
    assert "请补充党员推荐材料和支委会会议记录。" in case_page(sc)
    assert "请补充党员推荐材料和支委会会议记录。" in case_page(sc, "hospital_org_member")
    assert audit_verifies(runner)


def test_candidate_before_one_year_of_cultivation_is_refused_with_the_earliest_date(sc):
    """细则第十三条: the step opens on the day the year of cultivation is complete (a timer); a decision
    dated before it is refused all the same, naming the earliest date."""
    start(sc)
    item = drive(sc, "R07_designate_candidate")
    activist_date = member(sc).activist_date
    earliest = add_years(activist_date, 1)
    assert sc.clock.today == earliest
    events = history_length(sc)

    response = post_step(sc, "R07_designate_candidate", candidate_date=add_days(earliest, -1).isoformat())

    assert response.status_code == 422
    (message,) = field_errors(response)["candidate_date"]
    assert f"最早可选 {earliest.isoformat()}" in message
    assert open_items(sc)[0][0] == item and history_length(sc) == events
    assert (member(sc).stage, member(sc).candidate_date) == ("activist", None)
    do_step(sc, "R07_designate_candidate")
    assert (member(sc).stage, member(sc).candidate_date) == ("development_candidate", earliest)


def test_failed_political_review_returns_to_cultivation(sc, runner):
    start(sc)
    drive(sc, "R10_political_review")

    do_step(sc, "R10_political_review", conclusion="fail", conclusion_doc="直系亲属情况未如实说明，审查不合格。")

    expect_step(sc, "R06_cultivation_review")  # political_review.fail_target = cultivation (default)
    assert member(sc).stage == "activist"
    assert audit_verifies(runner)


def test_failed_pre_review_returns_to_the_committee_review(sc):
    start(sc)
    drive(sc, "R13_pre_review")

    do_step(sc, "R13_pre_review", result="fail", opinion="群众反映问题尚未查清，预审不合格。")

    expect_step(sc, "R12_committee_review")
    assert member(sc).stage == "development_candidate"


def test_assembly_vote_with_exactly_half_yes_fails(sc, runner):
    start(sc)
    drive(sc, "R15_assembly_admission_vote")
    voters = answers(sc, "R15_assembly_admission_vote")["expected_voting"]
    assert voters % 2 == 0

    # 细则第二十一条: more than half of the voting members must vote yes; half is not enough
    do_step(sc, "R15_assembly_admission_vote", yes=voters // 2, no=voters // 2, resolution_text="未通过。")

    assert variables(sc)["admission_vote_passed"] is False
    expect_step(sc, "R12_committee_review")
    assert member(sc).stage == "development_candidate"
    assert audit_verifies(runner)


@pytest.mark.parametrize("target, back_to", [(None, "R12_committee_review"), ("activist", "R06_cultivation_review")])
def test_refused_approval_goes_back_as_the_refusal_target_says(sc, target, back_to):
    if target is not None:  # the 规则设置 page: 内科第一党支部's own approval.refusal_target
        response = as_user(sc, "admin").post("/admin/settings", data={
            "unit": sc.demo.unit_ids["branch1"], "key": "approval.refusal_target", "value": target, "save": "保存"})
        assert response.status_code == 302
    start(sc)
    drive(sc, "R17_committee_approval")

    do_step(sc, "R17_committee_approval", decision="not_approved")

    expect_step(sc, back_to)
    assert member(sc).stage == (target or "development_candidate")
    assert member(sc).probation_start is None


def test_approval_after_six_months_can_only_lapse_and_goes_back_to_the_assembly(sc, runner):
    start(sc)
    drive(sc, "R17_committee_approval")
    resolution = parse_date(variables(sc)["resolution_date"])
    sc.clock.move_to(add_days(add_months(resolution, 6), 1))

    refused = post_step(sc, "R17_committee_approval")

    assert refused.status_code == 422
    assert "只能记为失效" in field_errors(refused)["decision"][0]
    do_step(sc, "R17_committee_approval", decision="lapsed")
    expect_step(sc, "R15_assembly_admission_vote")
    assert member(sc).stage == "development_candidate"
    # the new resolution starts the probation (RULES.md §3.2 R17, lapse rules)
    for step_code in ("R15_assembly_admission_vote", "R15b_intermediate_deliberation", "R16_committee_talk"):
        do_step(sc, step_code, check_inboxes=False)
    do_step(sc, "R17_committee_approval")
    assert member(sc).probation_start == sc.clock.today
    assert audit_verifies(runner)


def test_probation_is_extended_once_then_the_member_is_regularized(sc, runner):
    start(sc)
    drive(sc, "R23_assembly_regularization_vote")
    end = member(sc).probation_end
    assert post_step(sc, "R23_assembly_regularization_vote", outcome="extend", extension_months=13).status_code == 422

    do_step(sc, "R23_assembly_regularization_vote", outcome="extend", extension_months=6, reasons="纪律观念不强。")
    do_step(sc, "R23b_intermediate_deliberation")
    assert member(sc).probation_end == end  # the extension counts once the committee approves it
    do_step(sc, "R24_committee_regularization_approval")

    expect_step(sc, "R21_probation_review")  # 细则第三十二条: back to the probation review
    extended = add_months(end, 6)
    assert (member(sc).stage, member(sc).probation_end) == ("probationary_member", extended)
    drive(sc, "R23_assembly_regularization_vote")
    assert sc.clock.today == extended
    again = post_step(sc, "R23_assembly_regularization_vote", outcome="extend", extension_months=6)
    assert again.status_code == 422 and "只能延长一次" in field_errors(again)["outcome"][0]
    drive(sc, "R25_archive_dossier")
    do_step(sc, "R25_archive_dossier")
    assert open_items(sc) == [] and case_row(sc).status == "completed"
    person = member(sc)  # 党章第七条: 党龄 from the end of the (extended) probation
    assert (person.stage, person.party_standing_since) == ("full_member", extended)
    assert audit_verifies(runner)


def test_revoked_probation_ends_the_case_as_not_passed(sc, runner):
    start(sc)
    drive(sc, "R23_assembly_regularization_vote")

    do_step(sc, "R23_assembly_regularization_vote", outcome="revoke", reasons="预备期内严重违反纪律。")
    do_step(sc, "R23b_intermediate_deliberation")
    do_step(sc, "R24_committee_regularization_approval")
    do_step(sc, "R25_archive_dossier")

    case = case_row(sc)
    assert (case.status, case.outcome, open_items(sc)) == ("rejected", "probation_revoked_end", [])
    assert member(sc).stage == "probation_revoked" and member(sc).party_standing_since is None
    assert "未通过" in case_page(sc)
    assert audit_verifies(runner)
