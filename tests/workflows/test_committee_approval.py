"""Who approves the new committee (RULES.md §12 C16, ``election.committee_member_result``) through the engine
and the election rules alone (no Flask): in ``file`` mode the 委员 are filed and the 书记/副书记 approved; in
``approve`` mode the superior approves the whole committee, names whom it refuses, and the refusal sends the
case back to the 党员大会 (or to a new nomination when too few reviewed candidates are left) or, for
officers only, back to their election. The posts are written on approval, for those approved only."""

import pytest
from test_election_flow import (
    APPROVE,
    ARCHIVE,
    REPORT,
    Run,
    ballot,
    decide,
    nominate,
    officers,
    prepare,
    reply,
    review,
    to_ballot,
    vacancy,
)

from workflows.org_changes import CommitteeDecision, EndPositions, GrantPosition, StartTerm
from workflows.procedures.election_common import COMMITTEE_ROLES
from workflows.settings import RuleSettings, SettingError

UNIT = 7
APPROVING = RuleSettings({"election.committee_member_result": "approve"})


def refusal(members=(), officer_ids=(), **more):
    return {**APPROVE, "decision": "not_approved", "opinion": "部分人选不予批准", "refused_member_ids": list(members),
            "refused_officer_ids": list(officer_ids), **more}


def elected(run: Run) -> Run:
    """The 党员大会 elected 党员2, 党员3 and 党员4 (党员5, reviewed, was not); 党员2 书记, 党员3 副书记."""
    to_ballot(run).do("E05_assembly_election", ballot({2: 11, 3: 10, 4: 9, 5: 3}))
    return run.do("E06_elect_officers", officers()).do("E07_report_results", REPORT)


def posts(run: Run) -> list[GrantPosition]:
    return [change for change in run.changes if isinstance(change, GrantPosition)]


def test_the_setting_files_the_members_by_default_and_knows_only_its_two_modes():
    assert RuleSettings()["election.committee_member_result"] == "file"
    with pytest.raises(SettingError):
        RuleSettings({"election.committee_member_result": "appoint"})


def test_when_the_superior_approves_the_whole_committee_the_record_says_so_and_the_posts_follow():
    run = elected(Run("term_election", settings=APPROVING)).do("E07b_approve_results", APPROVE)
    assert run.variables["committee_member_result"] == "approve"
    assert run.changes == [
        CommitteeDecision(UNIT, "approve", "approved", (2, 3, 4), (("secretary", 2), ("deputy_secretary", 3))),
        StartTerm(UNIT, "2026-05-20"), EndPositions(UNIT, COMMITTEE_ROLES, "2026-05-19"),
        GrantPosition(2, UNIT, "secretary", "2026-05-20"), GrantPosition(3, UNIT, "deputy_secretary", "2026-05-20"),
        GrantPosition(4, UNIT, "org_member", "2026-05-20")]
    run.do("E08_handover_archive", ARCHIVE)
    assert run.end == "term_renewed_end"


def test_a_refused_member_is_replaced_by_the_assembly_among_the_reviewed_candidates_left():
    run = elected(Run("term_election", settings=APPROVING))
    run.do("E07b_approve_results", refusal(members=[4]))
    facts = run.variables
    assert (run.waiting, facts["reelection"], facts["refill_seats"]) == ("E05_assembly_election", "seats", 1)
    assert (facts["ballot_kind"], facts["ballot_candidate_ids"], facts["ballot_seats"]) == ("reelection", [5], 1)
    assert (facts["elected_ids"], facts["not_approved_member_ids"]) == ([2, 3], [4])
    assert run.changes == [CommitteeDecision(UNIT, "approve", "not_approved", (4,))]  # no post is written
    # the assembly meets after the superior's decision (2026-05-25), for the one seat
    assert run.refused("E05_assembly_election", ballot({5: 10}, seats=1)) == ["election_date"]
    run.do("E05_assembly_election", ballot({5: 10}, seats=1, day="2026-06-01"))
    assert (run.variables["elected_ids"], run.waiting) == ([2, 3, 5], "E06_elect_officers")
    run.do("E06_elect_officers", {**officers(), "meeting_date": "2026-06-01", "org_member_id": 5})
    run.do("E07_report_results", {**REPORT, "report_submitted_at": "2026-06-01"})
    run.do("E07b_approve_results", {**APPROVE, "decided_on": "2026-06-01"})
    assert posts(run) == [GrantPosition(2, UNIT, "secretary", "2026-06-01"),
                          GrantPosition(3, UNIT, "deputy_secretary", "2026-06-01"),
                          GrantPosition(5, UNIT, "org_member", "2026-06-01")]  # never 党员4


def test_refused_members_are_nominated_again_when_too_few_reviewed_candidates_are_left():
    run = elected(Run("term_election", settings=APPROVING))
    run.do("E07b_approve_results", refusal(members=[3, 4]))  # two seats, only 党员5 left
    assert (run.waiting, run.variables["reelection"], run.variables["elected_ids"]) == ("E04_nominate", "nomination",
                                                                                         [2])
    again = {**nominate(candidates=(5, 6, 7), secretary=2, deputy=5), "committee_meeting_date": "2026-05-26",
             "reported_at": "2026-05-26"}
    # two seats: three candidates at least; a refused member is no candidate, an approved one is elected already
    assert run.refused("E04_nominate", {**again, "candidate_ids": [5, 6]}) == ["candidate_ids"]
    assert run.refused("E04_nominate", {**again, "candidate_ids": [4, 5, 6]}) == ["candidate_ids"]
    assert run.refused("E04_nominate", {**again, "candidate_ids": [2, 5, 6, 7]}) == ["candidate_ids"]
    assert set(run.refused("E04_nominate", {**again, "deputy_candidate_id": 3})) == {"deputy_candidate_id"}
    # after the superior's decision of 2026-05-25, not before
    assert run.refused("E04_nominate", {**again, "committee_meeting_date": "2026-05-24"}) == ["committee_meeting_date"]
    run.do("E04_nominate", again).do("E04b_review_shortlist", {**review(), "reviewed_at": "2026-05-27"})
    facts = run.variables
    assert (facts["ballot_candidate_ids"], facts["ballot_seats"], facts["elected_ids"]) == ([5, 6, 7], 2, [2])
    run.do("E05_assembly_election", ballot({5: 10, 6: 9, 7: 2}, seats=2, day="2026-06-01"))
    assert run.variables["elected_ids"] == [2, 5, 6]


def test_a_refused_secretary_alone_is_elected_again_by_the_committee_but_not_the_same_member():
    run = elected(Run("term_election", settings=APPROVING))
    assert run.refused("E07b_approve_results", refusal(officer_ids=[4])) == ["refused_officer_ids"]  # 党员4: 委员 only
    run.do("E07b_approve_results", refusal(officer_ids=[2]))
    assert (run.waiting, run.variables["reelection"], run.variables["elected_ids"]) == ("E06_elect_officers",
                                                                                        "officers", [2, 3, 4])
    assert run.changes == [CommitteeDecision(UNIT, "approve", "not_approved", (), (("secretary", 2),))]
    assert run.refused("E06_elect_officers", officers()) == ["secretary_id"]
    run.do("E06_elect_officers", officers(secretary=3, deputy=4)).do("E07_report_results", REPORT)
    run.do("E07b_approve_results", APPROVE)
    assert GrantPosition(2, UNIT, "committee_member", "2026-05-20") in posts(run)  # still a 委员
    assert GrantPosition(3, UNIT, "secretary", "2026-05-20") in posts(run)


def test_an_approval_names_nobody_and_a_refusal_names_someone_of_this_election():
    run = elected(Run("term_election", settings=APPROVING))
    assert run.refused("E07b_approve_results", refusal()) == ["refused_member_ids"]
    assert run.refused("E07b_approve_results", {**APPROVE, "refused_member_ids": [4]}) == ["refused_member_ids"]
    assert run.refused("E07b_approve_results", refusal(members=[5])) == ["refused_member_ids"]  # not elected
    assert run.refused("E07b_approve_results", refusal(members=[4], opinion="")) == ["opinion"]
    filing = elected(Run("term_election"))
    assert filing.refused("E07b_approve_results", refusal(members=[4])) == ["refused_member_ids"]  # files 委员


def test_the_mode_is_read_when_the_superior_decides():
    run = elected(Run("term_election"))  # the case ran under the national rule until now
    run.settings = APPROVING
    run.do("E07b_approve_results", refusal(members=[4]))
    assert (run.variables["committee_member_result"], run.waiting) == ("approve", "E05_assembly_election")


def test_a_branch_without_a_committee_nominates_a_new_secretary_when_the_superior_refuses_its_choice():
    run = Run("term_election", full_members=6, voting=6, settings=APPROVING)
    run.start(prepare(seats=0, deputies=0)).do("E03_request_approval", reply())
    run.do("E04_nominate", nominate(candidates=(), secretary=2, deputy=None)).do("E04b_review_shortlist", review())
    vote = {"election_date": "2026-05-20", "expected_electors": 6, "present_electors": 6, "rules_adopted": True,
            "ballots_issued": 6, "ballots_returned": 6, "ballots_invalid": 0, "secretary_votes": 5}
    run.do("E06b_assembly_elect_officers", vote).do("E07_report_results", REPORT)
    assert run.refused("E07b_approve_results", refusal(members=[2])) == ["refused_member_ids"]  # no 委员 here
    run.do("E07b_approve_results", refusal(officer_ids=[2]))
    assert (run.waiting, run.variables["reelection"]) == ("E04_nominate", "nomination")
    again = {**nominate(candidates=(), secretary=4, deputy=None), "committee_meeting_date": "2026-05-26",
             "reported_at": "2026-05-26"}
    assert run.refused("E04_nominate", {**again, "secretary_candidate_id": 2}) == ["secretary_candidate_id"]
    run.do("E04_nominate", again).do("E04b_review_shortlist", {**review(), "reviewed_at": "2026-05-27"})
    run.do("E06b_assembly_elect_officers", {**vote, "election_date": "2026-06-01"})
    run.do("E07_report_results", {**REPORT, "report_submitted_at": "2026-06-01"})
    run.do("E07b_approve_results", {**APPROVE, "decided_on": "2026-06-01"})
    assert run.changes[-1] == GrantPosition(4, UNIT, "secretary", "2026-06-01")
    assert run.changes[1] == CommitteeDecision(UNIT, "approve", "approved", (), (("secretary", 4),))


def by_elected(run: Run, candidates=(6, 7), method="competitive") -> Run:
    run.start(vacancy()).do("B02_decide", decide(candidates, method))
    run.do("B02b_reply", reply(replied_at="2026-04-10"))
    run.do("B03_assembly_by_election", ballot({c: 9 - i * 6 for i, c in enumerate(candidates)}, seats=1,
                                              day="2026-05-10"))
    return run.do("B05_report", {**REPORT, "report_submitted_at": "2026-05-11"})


def test_a_by_election_filed_or_approved_is_recorded_in_the_words_of_the_setting():
    filed = by_elected(Run("by_election")).do("B05b_approve_report", APPROVE)
    approved = by_elected(Run("by_election", settings=APPROVING)).do("B05b_approve_report", APPROVE)
    assert filed.changes[1:] == [CommitteeDecision(UNIT, "file", "approved", (6,)),
                                 GrantPosition(6, UNIT, "org_member", "2026-05-10")]
    assert approved.changes[1:] == [CommitteeDecision(UNIT, "approve", "approved", (6,)),
                                    GrantPosition(6, UNIT, "org_member", "2026-05-10")]


def test_a_refused_by_elected_member_is_by_elected_again_among_the_candidates_left():
    run = by_elected(Run("by_election", settings=APPROVING))
    run.do("B05b_approve_report", refusal(members=[6]))
    assert (run.waiting, run.variables["ballot_candidate_ids"], run.variables["elected_ids"]) == (
        "B03_assembly_by_election", [7], [])
    run.do("B03_assembly_by_election", ballot({7: 9}, seats=1, day="2026-06-01"))
    run.do("B05_report", {**REPORT, "report_submitted_at": "2026-06-01"})
    run.do("B05b_approve_report", {**APPROVE, "decided_on": "2026-06-01"})
    assert (run.end, posts(run)) == ("by_election_done_end", [GrantPosition(7, UNIT, "org_member", "2026-06-01")])


def test_a_refused_single_slate_by_election_is_proposed_again_without_the_refused_member():
    run = by_elected(Run("by_election", settings=APPROVING), candidates=(6,), method="single_slate")
    run.do("B05b_approve_report", refusal(members=[6]))
    assert (run.waiting, run.variables["reelection"]) == ("B02_decide", "nomination")
    again = {**decide((8,), "single_slate"), "committee_meeting_date": "2026-05-26",
             "request_submitted_at": "2026-05-26", "planned_election_date": "2026-06-10"}
    assert run.refused("B02_decide", {**again, "candidate_ids": [6]}) == ["candidate_ids"]
    assert run.refused("B02_decide", decide((8,), "single_slate")) == ["committee_meeting_date"]  # before 05-25
    run.do("B02_decide", again)
    assert (run.waiting, run.variables["ballot_candidate_ids"]) == ("B02b_reply", [8])


def test_a_refused_replacement_secretary_is_chosen_again_by_the_committee():
    run = Run("by_election", settings=APPROVING).start(vacancy("secretary", 2)).do("B02_decide", decide())
    run.do("B02b_reply", reply(replied_at="2026-04-10"))
    run.do("B03_assembly_by_election", ballot({6: 9, 7: 3}, seats=1, day="2026-05-10"))
    replacement = {"meeting_date": "2026-05-10", "method": "elected", "officer_id": 3, "committee_size": 5,
                   "committee_present": 5, "officer_votes": 5}
    run.do("B04_officer_replacement", replacement).do("B05_report", {**REPORT, "report_submitted_at": "2026-05-11"})
    run.do("B05b_approve_report", refusal(officer_ids=[3]))
    assert run.waiting == "B04_officer_replacement"
    assert run.refused("B04_officer_replacement", replacement) == ["officer_id"]
    run.do("B04_officer_replacement", {**replacement, "officer_id": 5})
    run.do("B05_report", {**REPORT, "report_submitted_at": "2026-05-11"}).do("B05b_approve_report", APPROVE)
    assert GrantPosition(5, UNIT, "secretary", "2026-05-10") in posts(run)

