"""换届选举 and 补选 through the engine and their rules alone (no Flask): every answer is checked by the
procedure's guards, its engine variables derived, and the definition follows them: the main path and
every exit (RULES.md §4.3, §4.6), and what each approval changes in the organisation."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from workflows.engine import CaseEngine
from workflows.guards import MemberFacts, StepContext
from workflows.org_changes import CommitteeDecision, EndMemberPositions, EndPositions, GrantPosition, StartTerm
from workflows.procedures import by_election, term_election
from workflows.procedures.election_common import COMMITTEE_ROLES
from workflows.serialization import CaseSerializer
from workflows.settings import RuleSettings
from workflows.specs import load_definition

BPMN = Path(__file__).parents[2] / "bpmn"
DEFINITIONS = {key: load_definition((BPMN / f"{key}.bpmn").read_bytes()) for key in ("term_election", "by_election")}
PROCEDURES = {"term_election": term_election, "by_election": by_election}
TODAY = date(2026, 6, 1)
UNIT = 7


def member(i, stage="full_member", good=True, since=date(2010, 1, 1)):
    return MemberFacts(i, f"党员{i}", stage, good, stage == "full_member" and good, UNIT, since)


# Twelve full members (党员1 joined the Party a month ago), a probationary member, one under 留党察看.
MEMBERS = {i: member(i) for i in range(1, 13)} | {
    1: member(1, since=date(2026, 5, 1)), 13: member(13, "probationary_member", since=None),
    14: member(14, good=False)}


@dataclass
class Run:
    """One case: its engine state, the steps it went through and the organisation changes it made."""

    key: str
    full_members: int = 13
    voting: int = 12
    settings: RuleSettings = field(default_factory=RuleSettings)
    workflow: Any = None
    visited: list = field(default_factory=list)
    changes: list = field(default_factory=list)

    @property
    def definition(self):
        return DEFINITIONS[self.key]

    def ctx(self, case_data) -> StepContext:
        return StepContext(TODAY, case_data, MEMBERS, self.voting, self.settings, unit_id=UNIT, unit_kind="branch",
                           full_members=self.full_members, party_members=self.full_members + 1)

    def start(self, data):
        procedure, start = PROCEDURES[self.key], self.definition.start_step
        ctx = self.ctx({})
        assert procedure.check(start.form_key, data, ctx) == []
        derived = procedure.derive(start.form_key, data, ctx)
        self.changes += procedure.org_changes(start.form_key, data, derived)
        self.workflow = CaseEngine().start(self.definition, derived)
        return self

    @property
    def variables(self):
        return CaseEngine().case_data(self.workflow)

    @property
    def waiting(self) -> str | None:
        ready = CaseEngine().ready_tasks(self.definition, self.workflow)
        return ready[0].step_code if ready else None

    def refused(self, step_code, data) -> list[str]:
        """The fields the rules refuse for ``data`` at the waiting step (which must be ``step_code``)."""
        assert self.waiting == step_code
        return [v.field for v in PROCEDURES[self.key].check(step_code, data, self.ctx(self.variables))]

    def do(self, step_code, data):
        engine, procedure = CaseEngine(), PROCEDURES[self.key]
        serializer = CaseSerializer(lambda sha: self.definition)
        self.workflow = serializer.loads(serializer.dumps(self.workflow))
        (task,) = engine.ready_tasks(self.definition, self.workflow)
        assert task.step_code == step_code
        case_data = self.variables
        ctx = self.ctx(case_data)
        assert procedure.check(step_code, data, ctx) == []
        derived = procedure.derive(step_code, data, ctx)
        self.changes += procedure.org_changes(step_code, data, {**case_data, **derived})
        engine.complete(self.workflow, task.task_id, derived)
        self.visited.append(step_code)
        return self

    @property
    def end(self):
        return CaseEngine().end_event(self.workflow)


def prepare(seats=3, deputies=1):
    return {"committee_meeting_date": "2026-03-02", "planned_election_date": "2026-05-20", "committee_seats": seats,
            "deputy_seats": deputies, "election_rules": "选举办法（草案）", "request_submitted_at": "2026-03-05"}


def reply(decision="approved", **more):
    return {"replied_at": "2026-03-20", "decision": decision, "opinion": "" if decision == "approved" else "请补充",
            **more}


def nominate(candidates=(2, 3, 4, 5), secretary=2, deputy=3):
    return {"committee_meeting_date": "2026-04-01", "recommendation_summary": "各党小组推荐",
            "reported_at": "2026-04-02", "candidate_ids": list(candidates), "secretary_candidate_id": secretary,
            "deputy_candidate_id": deputy}


def review(decision="approved"):
    return {"reviewed_at": "2026-04-10", "decision": decision, "opinion": "" if decision == "approved" else "请调整"}


def ballot(votes, seats=3, present=12, issued=None, returned=None, invalid=0, day="2026-05-20", **more):
    issued = present if issued is None else issued
    return {"election_date": day, "expected_electors": 12, "present_electors": present, "seats": seats,
            "rules_adopted": True, "ballots_issued": issued,
            "ballots_returned": issued if returned is None else returned,
            "ballots_invalid": invalid, "votes": {str(k): v for k, v in votes.items()}, "scrutineer_ids": [9, 10],
            **more}


def officers(secretary=2, deputy=3, votes=3, present=3):
    return {"meeting_date": "2026-05-20", "committee_present": present, "secretary_id": secretary,
            "secretary_votes": votes, "deputy_id": deputy, "deputy_votes": votes, "org_member_id": 4}


REPORT = {"report_submitted_at": "2026-05-21", "result_report": "选举结果报告"}
APPROVE = {"decided_on": "2026-05-25", "decision": "approved", "doc_no": "院党委〔2026〕5号"}
ARCHIVE = {"handover_date": "2026-05-28", "handover_items": ["seal"], "archived_at": "2026-05-28",
           "archive_items": list(term_election.ARCHIVE_ITEMS)}


def to_ballot(run: Run) -> Run:
    return run.start(prepare()).do("E03_request_approval", reply()).do("E04_nominate", nominate()).do(
        "E04b_review_shortlist", review())


def test_a_term_election_from_the_request_to_the_archive_renews_the_term_and_the_posts():
    run = to_ballot(Run("term_election"))
    run.do("E05_assembly_election", ballot({2: 11, 3: 10, 4: 9, 5: 3}))
    assert run.variables["elected_ids"] == [2, 3, 4]
    run.do("E06_elect_officers", officers()).do("E07_report_results", REPORT).do("E07b_approve_results", APPROVE)
    run.do("E08_handover_archive", ARCHIVE)
    assert run.end == "term_renewed_end"
    assert run.changes == [
        CommitteeDecision(UNIT, "file", "approved", (2, 3, 4), (("secretary", 2), ("deputy_secretary", 3))),
        StartTerm(UNIT, "2026-05-20"), EndPositions(UNIT, COMMITTEE_ROLES, "2026-05-19"),
        GrantPosition(2, UNIT, "secretary", "2026-05-20"), GrantPosition(3, UNIT, "deputy_secretary", "2026-05-20"),
        GrantPosition(4, UNIT, "org_member", "2026-05-20")]


def test_the_new_term_starts_on_the_approval_when_the_setting_says_so():
    run = to_ballot(Run("term_election", settings=RuleSettings({"election.term_start_event": "approval_date"})))
    run.do("E05_assembly_election", ballot({2: 11, 3: 10, 4: 9, 5: 3})).do("E06_elect_officers", officers())
    run.do("E07_report_results", REPORT).do("E07b_approve_results", APPROVE)
    assert run.changes[1] == StartTerm(UNIT, "2026-05-25")


def test_a_refused_request_ends_the_case_and_a_returned_one_is_revised_and_replied_again():
    refused = Run("term_election").start(prepare()).do("E03_request_approval", reply("refused"))
    assert (refused.waiting, refused.end) == (None, "request_refused_end")
    returned = Run("term_election").start(prepare()).do("E03_request_approval", reply("returned"))
    assert returned.waiting == "E02b_revise_request"
    returned.do("E02b_revise_request", prepare(seats=5)).do("E03_request_approval", reply())
    assert (returned.waiting, returned.variables["committee_seats"]) == ("E04_nominate", 5)


def test_a_returned_shortlist_is_nominated_again():
    run = Run("term_election").start(prepare()).do("E03_request_approval", reply()).do("E04_nominate", nominate())
    run.do("E04b_review_shortlist", review("returned"))
    assert run.waiting == "E04_nominate"


def test_a_round_without_quorum_or_with_too_many_ballots_is_held_again_with_the_same_candidates():
    run = to_ballot(Run("term_election"))
    run.do("E05_assembly_election", {**ballot({}, present=9), "votes": None, "ballots_issued": None})
    assert (run.variables["round_outcome"], run.waiting) == ("no_quorum", "E05_assembly_election")
    run.do("E05_assembly_election", ballot({2: 11, 3: 10, 4: 9, 5: 3}, returned=13))
    assert (run.variables["round_outcome"], run.variables["ballot_candidate_ids"]) == ("void", [2, 3, 4, 5])
    run.do("E05_assembly_election", ballot({2: 11, 3: 10, 4: 9, 5: 3}))
    assert run.waiting == "E06_elect_officers"


def test_a_tie_at_the_cut_is_revoted_among_the_tied_and_a_shortfall_goes_to_a_supplementary_ballot():
    run = to_ballot(Run("term_election"))
    run.do("E05_assembly_election", ballot({2: 11, 3: 8, 4: 8, 5: 8}))
    assert run.variables["ballot_kind"] == "revote"
    assert (run.variables["ballot_candidate_ids"], run.variables["ballot_seats"]) == ([3, 4, 5], 2)
    run.do("E05_assembly_election", ballot({3: 9, 4: 5, 5: 4}, seats=2))
    assert (run.variables["ballot_kind"], run.variables["ballot_candidate_ids"]) == ("supplementary", [4, 5])
    run.do("E05_assembly_election", ballot({4: 10, 5: 2}, seats=1))
    assert (run.variables["elected_ids"], run.waiting) == ([2, 3, 4], "E06_elect_officers")


def test_officers_not_elected_are_elected_again_and_refused_approval_goes_back_to_the_committee():
    run = to_ballot(Run("term_election"))
    run.do("E05_assembly_election", ballot({2: 11, 3: 10, 4: 9, 5: 3}))
    run.do("E06_elect_officers", officers(votes=1))  # 1 of 3: not more than half of the committee
    assert run.waiting == "E06_elect_officers"
    run.do("E06_elect_officers", officers()).do("E07_report_results", REPORT)
    run.do("E07b_approve_results", {**APPROVE, "decision": "not_approved", "opinion": "书记人选另行考虑"})
    # nothing changes in the organisation: the record says whom the superior did not approve
    assert (run.waiting, run.changes) == ("E06_elect_officers", [CommitteeDecision(
        UNIT, "file", "not_approved", (), (("secretary", 2), ("deputy_secretary", 3)))])
    run.do("E06_elect_officers", officers(secretary=3, deputy=2)).do("E07_report_results", REPORT)
    run.do("E07b_approve_results", {**APPROVE, "decision": "returned", "opinion": "补充材料"})
    assert run.waiting == "E07_report_results"


def test_a_branch_of_six_full_members_has_no_committee_and_its_assembly_elects_the_secretary():
    run = Run("term_election", full_members=6, voting=6)
    assert run.ctx({}) and "committee_seats" in [v.field for v in term_election.check(
        "E02_prepare", prepare(seats=3), run.ctx({}))]
    run.start(prepare(seats=0)).do("E03_request_approval", reply())
    run.do("E04_nominate", nominate(candidates=(), secretary=2, deputy=3)).do("E04b_review_shortlist", review())
    assert run.waiting == "E06b_assembly_elect_officers"
    vote = {"election_date": "2026-05-20", "expected_electors": 6, "present_electors": 6, "rules_adopted": True,
            "ballots_issued": 6, "ballots_returned": 6, "ballots_invalid": 0, "secretary_votes": 3, "deputy_votes": 6}
    run.do("E06b_assembly_elect_officers", vote)  # 3 of 6: exactly half is not enough
    assert run.waiting == "E06b_assembly_elect_officers"
    run.do("E06b_assembly_elect_officers", {**vote, "secretary_votes": 4})
    run.do("E07_report_results", REPORT).do("E07b_approve_results", APPROVE)
    assert run.changes[3:] == [GrantPosition(2, UNIT, "secretary", "2026-05-20"),
                               GrantPosition(3, UNIT, "deputy_secretary", "2026-05-20")]


def test_the_rules_refuse_a_slate_without_20_percent_more_candidates_and_ineligible_ones():
    run = Run("term_election").start(prepare()).do("E03_request_approval", reply())
    assert run.refused("E04_nominate", nominate(candidates=(2, 3, 4))) == ["candidate_ids"]
    assert run.refused("E04_nominate", nominate(candidates=(2, 3, 4, 13))) == ["candidate_ids"]  # 预备党员
    assert run.refused("E04_nominate", nominate(candidates=(2, 3, 4, 14))) == ["candidate_ids"]  # 留党察看
    # 党员1 has a month of standing: not a secretary candidate (RULES.md §4.2)
    assert run.refused("E04_nominate", nominate(candidates=(1, 3, 4, 5), secretary=1)) == ["secretary_candidate_id"]


def test_the_rules_refuse_an_expected_count_that_is_not_the_roster_and_a_ballot_over_the_seats():
    run = to_ballot(Run("term_election"))
    assert run.refused("E05_assembly_election", {**ballot({2: 11, 3: 10, 4: 9, 5: 3}), "expected_electors": 13}) == [
        "expected_electors"]
    # 12 valid ballots × 3 seats = 36 marks at most
    assert run.refused("E05_assembly_election", ballot({2: 12, 3: 12, 4: 12, 5: 1})) == ["votes"]
    assert run.refused("E05_assembly_election", ballot({2: 12, 3: 12, 4: 11, 5: 1})) == []
    assert run.refused("E05_assembly_election", ballot({2: 11, 3: 10, 4: 9, 5: 3}, scrutineer_ids=[2])) == [
        "scrutineer_ids"]


def test_approved_exclusions_reduce_the_expected_electors():
    run = to_ballot(Run("term_election"))
    excluded = {"excluded_ids": [12], "exclusions_upper_approved": True, "exclusions_assembly_approved": True}
    assert run.refused("E05_assembly_election", {**ballot({2: 11, 3: 10, 4: 9, 5: 3}, present=11), **excluded,
                                                 "expected_electors": 11}) == []
    unapproved = {**excluded, "exclusions_assembly_approved": False}
    assert run.refused("E05_assembly_election", {**ballot({2: 11, 3: 10, 4: 9, 5: 3}, present=11), **unapproved,
                                                 "expected_electors": 11}) == ["exclusions_upper_approved"]


def vacancy(post="org_member", member_id=4, seats=1):
    return {"vacancy_post": post, "vacancy_reason": "transfer_out", "vacancy_date": "2026-04-01", "seats": seats,
            "vacated_member_id": member_id}


def decide(candidates=(6, 7), method="competitive"):
    return {"committee_meeting_date": "2026-04-05", "candidate_ids": list(candidates), "method": method,
            "planned_election_date": "2026-05-10", "request_submitted_at": "2026-04-06"}


def test_a_by_election_fills_a_vacant_duty_for_the_rest_of_the_term():
    run = Run("by_election").start(vacancy()).do("B02_decide", decide())
    run.do("B02b_reply", reply(replied_at="2026-04-10"))
    run.do("B03_assembly_by_election", ballot({6: 9, 7: 3}, seats=1, day="2026-05-10"))
    assert run.waiting == "B05_report"
    run.do("B05_report", {**REPORT, "report_submitted_at": "2026-05-11"}).do("B05b_approve_report", APPROVE)
    assert run.end == "by_election_done_end"
    assert run.changes == [EndMemberPositions(UNIT, 4, by_election.COMMITTEE_ROLES, "2026-04-01"),
                           CommitteeDecision(UNIT, "file", "approved", (6,)),
                           GrantPosition(6, UNIT, "org_member", "2026-05-10")]


def test_a_vacant_secretary_is_replaced_by_the_committee_and_the_by_elected_joins_it():
    run = Run("by_election").start(vacancy("secretary", 2)).do("B02_decide", decide())
    run.do("B02b_reply", reply(replied_at="2026-04-10"))
    run.do("B03_assembly_by_election", ballot({6: 9, 7: 3}, seats=1, day="2026-05-10"))
    assert run.waiting == "B04_officer_replacement"
    replacement = {"meeting_date": "2026-05-10", "method": "elected", "officer_id": 3, "committee_size": 5,
                   "committee_present": 5, "officer_votes": 5}
    run.do("B04_officer_replacement", replacement).do("B05_report", {**REPORT, "report_submitted_at": "2026-05-11"})
    run.do("B05b_approve_report", {**APPROVE, "decision": "not_approved", "opinion": "另行考虑"})
    assert run.waiting == "B04_officer_replacement"
    run.do("B04_officer_replacement", {**replacement, "officer_id": 5})
    run.do("B05_report", {**REPORT, "report_submitted_at": "2026-05-11"}).do("B05b_approve_report", APPROVE)
    assert run.changes[1:] == [CommitteeDecision(UNIT, "file", "not_approved", (), (("secretary", 3),)),
                               CommitteeDecision(UNIT, "file", "approved", (6,), (("secretary", 5),)),
                               EndMemberPositions(UNIT, 5, ("committee_member",), "2026-05-09"),
                               GrantPosition(5, UNIT, "secretary", "2026-05-10"),
                               GrantPosition(6, UNIT, "committee_member", "2026-05-10")]


def test_a_refused_by_election_ends_and_a_returned_one_is_proposed_again():
    refused = Run("by_election").start(vacancy()).do("B02_decide", decide())
    refused.do("B02b_reply", reply("refused", replied_at="2026-04-10"))
    assert refused.end == "by_election_refused_end"
    returned = Run("by_election").start(vacancy()).do("B02_decide", decide())
    returned.do("B02b_reply", reply("returned", replied_at="2026-04-10"))
    assert returned.waiting == "B02_decide"


@pytest.mark.parametrize(("method", "candidates", "refused"), [
    ("competitive", (6,), ["candidate_ids"]), ("competitive", (6, 7), []),
    ("single_slate", (6,), []), ("single_slate", (6, 7), ["candidate_ids"])])
def test_a_by_election_may_be_competitive_or_single_slate(method, candidates, refused):
    run = Run("by_election").start(vacancy())
    assert run.refused("B02_decide", decide(candidates, method)) == refused


def test_the_deadlines_come_from_the_settings():
    settings = RuleSettings()
    assert term_election.due_dates("upper_reply", date(2026, 3, 5), {}, settings)[0] == date(2026, 4, 4)
    assert term_election.due_dates("planned_election", TODAY, {"planned_election_date": "2026-05-20"}, settings)[0] == \
        date(2026, 5, 20)
    assert by_election.due_dates("by_election", TODAY, {"vacancy_date": "2026-04-01"}, settings)[0] == date(2026, 7, 1)
    with pytest.raises(ValueError):
        term_election.due_dates("nonsense", TODAY, {}, settings)
