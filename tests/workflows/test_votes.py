"""Admission and regularization votes count against 应到会 (RULES.md §2.2, 细则第二十一条)."""

from workflows.votes import (
    VoteTally,
    admission_passed,
    admission_quorum_ok,
    assembly_quorum_ok,
    minimum_quorum,
    validate_tally,
)


def tally(expected=10, present=8, yes=6, no=1, abstain=1, written_yes=0, written_no=0):
    return VoteTally(expected, present, yes, no, abstain, written_yes, written_no)


def test_yes_votes_of_exactly_half_the_expected_members_do_not_pass():
    assert not admission_passed(tally(yes=5, no=3, abstain=0))


def test_one_yes_vote_more_than_half_passes():
    assert admission_passed(tally(yes=6, no=2, abstain=0))


def test_the_denominator_is_the_expected_not_the_present_members():
    assert not admission_passed(tally(expected=10, present=6, yes=5, no=1, abstain=0))


def test_written_yes_opinions_of_absent_members_are_counted():
    assert admission_passed(tally(expected=10, present=8, yes=5, no=3, abstain=0, written_yes=1))


def test_quorum_of_exactly_half_fails_and_one_more_passes():
    assert not admission_quorum_ok(tally(expected=10, present=5, yes=5, no=0, abstain=0))
    assert admission_quorum_ok(tally(expected=10, present=6, yes=5, no=0, abstain=0))
    assert minimum_quorum(10) == 6 and minimum_quorum(9) == 5


def test_general_assembly_quorum_accepts_half_only_when_not_strict():
    half = tally(expected=10, present=5, yes=5, no=0, abstain=0)
    assert not assembly_quorum_ok(half)
    assert assembly_quorum_ok(half, strict=False)


def test_a_consistent_tally_has_no_problems():
    assert validate_tally(tally(written_yes=1, written_no=1)) == []


def test_negative_counts_are_problems():
    problems = validate_tally(tally(no=-1))
    assert [p.field for p in problems] == ["no"]
    assert "不能为负数" in problems[0].text()


def test_more_present_than_expected_is_a_problem():
    assert [p.field for p in validate_tally(tally(expected=7, present=8))] == ["present_voting"]


def test_more_ballots_than_attendees_is_a_problem():
    assert [p.field for p in validate_tally(tally(present=8, yes=7, no=1, abstain=1))] == ["yes"]


def test_written_opinions_can_only_come_from_absent_members():
    problems = validate_tally(tally(expected=10, present=9, yes=9, no=0, abstain=0, written_yes=2))
    assert [p.field for p in problems] == ["written_yes"]
    assert problems[0].params == {"written": 2, "present": 9, "expected": 10}


def test_no_expected_voting_members_is_a_problem():
    assert [p.field for p in validate_tally(tally(expected=0, present=0, yes=0, no=0, abstain=0))] == [
        "expected_voting"]


def test_tally_is_read_from_form_data_with_missing_written_opinions_as_zero():
    read = VoteTally.from_data({"expected_voting": 9, "present_voting": "7", "yes": 5, "no": 1, "abstain": 1})
    assert read == VoteTally(9, 7, 5, 1, 1, 0, 0)
    assert read.yes_total == 5
