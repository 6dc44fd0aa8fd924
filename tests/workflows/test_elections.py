"""The election rules at the edges of every number (RULES.md §2.2, §4.2): quorum of four fifths, the
competitive slate of 20 % rounded up for 1 to 9 seats, the majority of more than half, ballots, ties,
shortfalls, seat limits by the size and kind of unit, eligibility and the secretary's Party standing."""

from datetime import date

import pytest

from workflows.elections import (
    COMPLETE,
    NO_QUORUM,
    REVOTE,
    SUPPLEMENTARY,
    VOID,
    Ballot,
    RoundFacts,
    ballot_is_valid,
    ballots_valid,
    committee_required,
    count_ballot,
    decide_round,
    expected_electors,
    has_standing,
    is_competitive,
    is_elected,
    majority_base,
    may_be_elected,
    may_reduce_seats,
    may_vote,
    min_candidates,
    minimum_present,
    needs_delegate_assembly,
    quorum_ok,
    seat_limits,
    votes_from,
)
from workflows.settings import RuleSettings

DEFAULTS = RuleSettings()


@pytest.mark.parametrize(("seats", "candidates"), [
    (1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 8), (7, 9), (8, 10), (9, 11)])
def test_a_competitive_slate_has_20_percent_more_candidates_rounded_up(seats, candidates):
    assert min_candidates(seats, DEFAULTS) == candidates
    assert is_competitive(candidates, seats, DEFAULTS)
    assert not is_competitive(candidates - 1, seats, DEFAULTS)


def test_a_higher_ratio_setting_asks_for_more_candidates():
    thirty = RuleSettings({"election.competitive_ratio_percent": 30})
    assert [min_candidates(seats, thirty) for seats in (3, 5, 7)] == [4, 7, 10]


@pytest.mark.parametrize(("expected", "strict", "minimum"), [
    (10, True, 9), (10, False, 8), (5, True, 5), (5, False, 4), (7, True, 6), (7, False, 6), (1, True, 1)])
def test_the_quorum_is_more_than_four_fifths_and_at_least_four_fifths_when_not_strict(expected, strict, minimum):
    assert minimum_present(expected, strict) == minimum
    assert quorum_ok(minimum, expected, strict)
    assert not quorum_ok(minimum - 1, expected, strict)


def test_exactly_four_fifths_present_is_no_quorum_unless_the_flag_allows_it():
    assert not quorum_ok(8, 10, strict=True)
    assert quorum_ok(8, 10, strict=False)
    assert quorum_ok(9, 10, strict=True)


@pytest.mark.parametrize(("base", "half", "more"), [(10, 5, 6), (9, 4, 5), (2, 1, 2), (1, 0, 1)])
def test_a_winner_needs_more_than_half_exactly_half_is_not_enough(base, half, more):
    assert not is_elected(half, base)
    assert is_elected(more, base)


def test_the_majority_base_is_the_present_electors_unless_set_to_the_expected():
    assert majority_base(9, 10, DEFAULTS) == 9
    assert majority_base(9, 10, RuleSettings({"election.majority_base": "expected"})) == 10


def test_returned_ballots_may_equal_the_issued_ones_but_not_exceed_them():
    assert ballots_valid(issued=20, returned=20)
    assert ballots_valid(issued=20, returned=19)
    assert not ballots_valid(issued=20, returned=21)


def test_a_ballot_marking_more_names_than_seats_is_invalid():
    assert ballot_is_valid(marks=3, seats=3)
    assert not ballot_is_valid(marks=4, seats=3)


def test_the_highest_counts_win_when_more_pass_than_there_are_seats():
    result = count_ballot({1: 10, 2: 9, 3: 8, 4: 7}, seats=3, base=12)
    assert (result.elected, result.tied, result.shortfall) == ((1, 2, 3), (), 0)


def test_a_tie_at_the_cut_leaves_a_revote_among_the_tied_for_the_seats_left():
    result = count_ballot({1: 10, 2: 9, 3: 9, 4: 7}, seats=2, base=12)
    assert (result.elected, result.tied, result.tied_seats) == ((1,), (2, 3), 1)


def test_a_tie_that_fits_the_seats_elects_everyone_tied():
    assert count_ballot({1: 10, 2: 9, 3: 9, 4: 3}, seats=3, base=12).elected == (1, 2, 3)


def test_fewer_passing_than_seats_leaves_a_shortfall():
    result = count_ballot({1: 10, 2: 6, 3: 5, 4: 2}, seats=3, base=12)
    assert (result.elected, result.shortfall) == ((1,), 2)


def ballot(candidates=(1, 2, 3, 4), seats=3, elected=(), total=3, kind="first"):
    return Ballot(kind, tuple(candidates), seats, tuple(elected), total)


def test_a_round_without_quorum_holds_the_same_ballot_again():
    decision = decide_round(ballot(), RoundFacts(expected=10, present=8), 3, DEFAULTS)
    assert (decision.outcome, decision.next_ballot) == (NO_QUORUM, ballot())


def test_a_round_with_more_ballots_returned_than_issued_is_void_and_held_again():
    facts = RoundFacts(expected=10, present=10, issued=10, returned=11, votes={1: 10, 2: 10, 3: 10})
    decision = decide_round(ballot(), facts, 3, DEFAULTS)
    assert (decision.outcome, decision.elected, decision.next_ballot) == (VOID, (), ballot())


def test_a_round_that_fills_every_seat_completes_the_election():
    facts = RoundFacts(expected=10, present=10, issued=10, returned=10, votes={1: 9, 2: 8, 3: 7, 4: 3})
    decision = decide_round(ballot(), facts, 3, DEFAULTS)
    assert (decision.outcome, decision.elected, decision.next_ballot) == (COMPLETE, (1, 2, 3), None)


def test_a_tie_at_the_cut_is_followed_by_a_revote_of_the_tied_for_the_seats_left():
    facts = RoundFacts(expected=10, present=10, issued=10, returned=10, votes={1: 9, 2: 7, 3: 7, 4: 7})
    decision = decide_round(ballot(), facts, 3, DEFAULTS)
    assert decision.outcome == REVOTE
    assert decision.next_ballot == ballot((2, 3, 4), seats=2, elected=(1,), kind=REVOTE)
    revote = decide_round(decision.next_ballot, RoundFacts(10, 10, 10, 10, {2: 8, 3: 6, 4: 2}), 3, DEFAULTS)
    assert (revote.outcome, revote.elected) == (COMPLETE, (1, 2, 3))


def test_unfilled_seats_go_to_a_supplementary_ballot_among_the_non_winners():
    facts = RoundFacts(expected=10, present=10, issued=10, returned=10, votes={1: 9, 2: 5, 3: 4, 4: 2})
    decision = decide_round(ballot(), facts, 3, DEFAULTS)
    assert decision.outcome == SUPPLEMENTARY
    assert decision.next_ballot == ballot((2, 3, 4), seats=2, elected=(1,), kind=SUPPLEMENTARY)


def test_a_single_slate_candidate_who_failed_stands_again_in_the_supplementary_ballot():
    single_slate = ballot(candidates=(1,), seats=1, total=1)
    facts = RoundFacts(expected=10, present=10, issued=10, returned=10, votes={1: 5})
    decision = decide_round(single_slate, facts, 1, DEFAULTS)
    assert (decision.outcome, decision.next_ballot.candidates, decision.next_ballot.seats) == (SUPPLEMENTARY, (1,), 1)


def test_seats_may_be_reduced_to_the_winners_with_more_than_half_agreeing_never_below_the_minimum():
    four = ballot(candidates=(1, 2, 3, 4, 5), seats=4, total=4)
    votes = {1: 9, 2: 8, 3: 7, 4: 5, 5: 2}
    half = RoundFacts(10, 10, 10, 10, votes, reduce_seats=True, reduction_agreed=5)
    more = RoundFacts(10, 10, 10, 10, votes, reduce_seats=True, reduction_agreed=6)
    assert decide_round(four, half, 3, DEFAULTS).outcome == SUPPLEMENTARY
    reduced = decide_round(four, more, 3, DEFAULTS)
    assert (reduced.outcome, reduced.elected, reduced.total_seats) == (COMPLETE, (1, 2, 3), 3)
    assert decide_round(four, more, 4, DEFAULTS).outcome == SUPPLEMENTARY  # 3 winners < the minimum of 4
    assert not may_reduce_seats(3, 3, 6, 10, RuleSettings({"election.allow_seat_reduction": False}))


@pytest.mark.parametrize(("full_members", "has_committee"), [(6, False), (7, True)])
def test_a_branch_has_a_committee_from_seven_full_members(full_members, has_committee):
    limits = seat_limits("branch", full_members, DEFAULTS)
    assert limits.has_committee is has_committee is committee_required("branch", full_members, DEFAULTS)
    assert (limits.min_seats, limits.max_seats) == ((3, 7) if has_committee else (0, 0))
    assert limits.max_deputies == 1


def test_a_general_branch_and_a_committee_always_elect_a_committee_within_their_limits():
    for kind, members in (("general_branch", 2), ("primary_committee", 40)):
        limits = seat_limits(kind, members, DEFAULTS)
        assert (limits.has_committee, limits.min_seats, limits.max_seats) == (True, 5, 9)
    with pytest.raises(ValueError):
        seat_limits("party_group", 10, DEFAULTS)


def test_from_500_members_a_delegate_assembly_elects():
    assert not needs_delegate_assembly(499, DEFAULTS)
    assert needs_delegate_assembly(500, DEFAULTS)


def test_only_full_members_in_good_standing_vote_and_may_be_elected():
    assert may_vote("full_member", True) and may_be_elected("full_member", True)
    assert not may_vote("probationary_member", True)  # 预备党员没有选举权
    assert not may_vote("full_member", False)  # 留党察看
    assert not may_be_elected("probationary_member", True)


def test_a_secretary_needs_a_year_of_party_standing_one_day_short_is_not_enough():
    since = date(2025, 3, 1)
    assert has_standing(since, date(2026, 3, 1), 1)
    assert not has_standing(since, date(2026, 2, 28), 1)
    assert not has_standing(None, date(2026, 3, 1), 1)


def test_approved_exclusions_reduce_the_expected_electors():
    assert expected_electors(entitled=15, approved_exclusions=2) == 13


def test_votes_stored_as_a_json_object_are_read_back_by_member_id():
    assert votes_from({"12": 9, "15": "7"}) == {12: 9, 15: 7}
