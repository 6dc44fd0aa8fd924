"""换届选举 and 补选 through the pages and through the JSON API (each scenario runs both ways), from the request
to the archive and through every exit: the request refused or returned, the shortlist returned, an assembly
without quorum, a void ballot, a tie re-voted, a supplementary ballot, officers not elected or not approved;
at every step the work item is in the 待办 of the responsible unit and of no other (RULES.md §4.3, §4.6).

内科第一党支部 (15 full members: a committee of five) answers to 内科党总支; 城关镇机关党支部 (six: no committee,
its 党员大会 elects the 书记) to 城关镇党委; 内科党总支 itself to 县人民医院党委.
"""

from __future__ import annotations

import pytest
from election_driver import (
    MAIN_PATH,
    NO_COMMITTEE_PATH,
    Election,
    FakeClock,
    do,
    drive,
    expect,
    member_id,
    officer_username,
    open_items,
    post,
    refusals,
    start,
    started,
    variables,
)

from webapp.extensions import db
from webapp.models import AuditEvent, Case, OrgUnit
from workflows.calendar import add_years


@pytest.fixture(params=["page", "api"])
def via(request):
    return request.param


@pytest.fixture
def run(app, demo, login, monkeypatch, via) -> Election:
    return Election(app, demo, login, FakeClock(monkeypatch), via=via)


def case(run: Election) -> Case:
    with run.app.app_context():
        return db.session.get(Case, run.case_id)


def unit(run: Election, key: str) -> OrgUnit:
    with run.app.app_context():
        return run.demo.unit(key)


def history(run: Election) -> list[tuple[str, str]]:
    with run.app.app_context():
        return [(e.kind, e.summary) for e in db.session.scalars(
            db.select(AuditEvent).filter_by(case_id=run.case_id).order_by(AuditEvent.seq))]


@pytest.mark.parametrize("key", ["branch1", "internal_gb"])
def test_a_term_election_from_the_request_to_the_archive_at_every_level(run, runner, key):
    run.unit = key
    before = unit(run, key)
    started(run)
    drive(run, MAIN_PATH[:-1], check_inboxes=True)
    run.users[key] = officer_username(run, key)  # the new committee's officers act for the unit now
    do(run, "E08_handover_archive")
    assert (case(run).status, case(run).outcome) == ("completed", "term_renewed_end")
    after = unit(run, key)
    assert after.term_no == before.term_no + 1
    assert (after.term_started_on, after.term_overdue_since, after.term_reminded_on) == (run.clock.today, None, None)
    assert after.term_due_on == add_years(run.clock.today, 3)  # term.years of a branch and of a general branch
    kinds = [kind for kind, _summary in history(run)]
    assert kinds.count("org_change") >= 3 and kinds[-1] == "finish"
    # the record's hash chain holds, and the engine state, work items, forms and record agree
    assert [runner.invoke(args=[*command]).output.strip() for command in (("audit", "verify"), ("cases", "check"))] == [
        "OK", "OK"]


def test_a_branch_without_a_committee_elects_its_secretary_in_the_assembly(run):
    run.unit = "town_branch"
    started(run, committee_seats=0)
    assert variables(run)["has_committee"] is False
    drive(run, NO_COMMITTEE_PATH[:3], check_inboxes=True)
    expect(run, "E06b_assembly_elect_officers")
    drive(run, NO_COMMITTEE_PATH[3:])
    assert case(run).status == "completed"


def test_a_refused_request_ends_the_case_and_a_returned_one_is_revised(run):
    started(run)
    do(run, "E03_request_approval", decision="refused", opinion="本年度暂缓换届")
    assert (case(run).status, open_items(run)) == ("rejected", [])

    second = Election(run.app, run.demo, run.login, run.clock, via=run.via, api=run.api, clients=run.clients)
    started(second)  # the refused one has ended: a new election may start
    do(second, "E03_request_approval", decision="returned", opinion="委员名额请按五名报")
    expect(second, "E02b_revise_request")
    do(second, "E02b_revise_request", committee_seats=5)
    expect(second, "E03_request_approval")


def test_a_returned_shortlist_is_nominated_again(run):
    started(run)
    drive(run, ["E03_request_approval", "E04_nominate"])
    do(run, "E04b_review_shortlist", decision="returned", opinion="候选人结构需调整")
    expect(run, "E04_nominate")


def ballot_ready(run: Election) -> list[int]:
    started(run)
    drive(run, ["E03_request_approval", "E04_nominate", "E04b_review_shortlist"])
    return variables(run)["ballot_candidate_ids"]


def test_an_assembly_without_quorum_is_convened_again(run):
    ballot_ready(run)
    # 14 electors: 11 present is not more than four fifths (11.2)
    do(run, "E05_assembly_election", present_electors=11, ballots_issued=None, ballots_returned=None,
       ballots_invalid=None, votes=None, scrutineer_ids=None)
    assert variables(run)["round_outcome"] == "no_quorum"
    expect(run, "E05_assembly_election")
    do(run, "E05_assembly_election", present_electors=12, ballots_issued=12, ballots_returned=12,
       votes={c: (11 if i < 5 else 1) for i, c in enumerate(variables(run)["ballot_candidate_ids"])})
    expect(run, "E06_elect_officers")


def test_a_ballot_with_more_papers_returned_than_issued_is_void_and_held_again(run):
    candidates = ballot_ready(run)
    do(run, "E05_assembly_election", ballots_returned=15)
    assert (variables(run)["round_outcome"], variables(run)["ballot_candidate_ids"]) == ("void", candidates)
    expect(run, "E05_assembly_election")


def test_a_tie_at_the_cut_is_revoted_among_the_tied_then_a_shortfall_is_filled_by_a_supplementary_ballot(run):
    candidates = ballot_ready(run)  # six candidates for five seats, 14 present
    do(run, "E05_assembly_election", votes=dict(zip(candidates, [13, 13, 13, 13, 9, 9], strict=True)))
    facts = variables(run)
    assert (facts["ballot_kind"], facts["ballot_candidate_ids"], facts["ballot_seats"]) == (
        "revote", candidates[4:], 1)
    assert facts["elected_ids"] == candidates[:4]
    do(run, "E05_assembly_election", seats=1, votes={candidates[4]: 7, candidates[5]: 7})  # nobody passes half
    facts = variables(run)
    assert (facts["ballot_kind"], facts["ballot_candidate_ids"], facts["ballot_seats"]) == (
        "supplementary", candidates[4:], 1)
    do(run, "E05_assembly_election", seats=1, votes={candidates[4]: 4, candidates[5]: 10})
    assert variables(run)["elected_ids"] == [*candidates[:4], candidates[5]]
    expect(run, "E06_elect_officers")


def test_officers_not_elected_are_voted_again_and_not_approved_go_back_to_the_committee(run):
    ballot_ready(run)
    do(run, "E05_assembly_election")
    do(run, "E06_elect_officers", secretary_votes=2)  # 2 of 5: not more than half of the committee
    assert variables(run)["officers_elected"] is False
    do(run, "E06_elect_officers")
    do(run, "E07_report_results")
    do(run, "E07b_approve_results", decision="not_approved", opinion="书记人选请重新研究")
    expect(run, "E06_elect_officers")
    assert unit(run, "branch1").term_no == 5  # nothing changed in the organisation
    do(run, "E06_elect_officers")
    do(run, "E07_report_results")
    do(run, "E07b_approve_results", decision="returned", opinion="请补充选票统计表")
    expect(run, "E07_report_results")


def test_the_rules_refuse_a_slate_without_twenty_percent_more_candidates_beside_the_field(run):
    started(run)  # five seats: six candidates at least
    do(run, "E03_request_approval")
    five = [member_id(run, name) for name in ("陈晓明", "刘芳", "杨帆", "周婷", "吴国庆")]
    response = post(run, "E04_nominate", candidate_ids=five)
    assert response.status_code in (400, 422)
    assert "候选人至少 6 名" in " ".join(refusals(run, response)["candidate_ids"])
    expect(run, "E04_nominate")  # nothing changed


def test_a_second_election_of_the_same_unit_is_refused_while_one_runs(run):
    started(run)
    second = Election(run.app, run.demo, run.login, run.clock, via=run.via, api=run.api, clients=run.clients)
    refused = start(second)
    assert refused.status_code in (400, 422)
    message = " ".join(refusals(second, refused)["_form"])
    assert "已有一件正在办理的换届选举" in message and case(run).business_key in message


def test_a_by_election_fills_a_vacancy_for_the_rest_of_the_term(run):
    run.process = "by_election"
    before = unit(run, "branch1")
    started(run)
    for step_code in ("B02_decide", "B02b_reply", "B03_assembly_by_election", "B05_report", "B05b_approve_report"):
        do(run, step_code)
    assert case(run).status == "completed"
    after = unit(run, "branch1")
    assert (after.term_no, after.term_due_on) == (before.term_no, before.term_due_on)  # the term goes on


def test_a_vacant_secretary_is_replaced_by_the_committee_after_the_by_election(run):
    run.process = "by_election"
    started(run, vacancy_post="secretary", vacated_member_id=member_id(run, "陈晓明"))
    for step_code in ("B02_decide", "B02b_reply", "B03_assembly_by_election"):
        do(run, step_code)
    expect(run, "B04_officer_replacement")
    do(run, "B04_officer_replacement", officer_id=member_id(run, "刘芳"))
    do(run, "B05_report")
    do(run, "B05b_approve_report", decision="not_approved", opinion="另行研究")
    expect(run, "B04_officer_replacement")
