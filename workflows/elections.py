"""Elections (换届选举, 补选): seats, the competitive slate, quorum, ballots and winners.

Pure functions of RULES.md §2.1, §2.2 and §4.2–§4.6; every number is a rule setting
(workflows/settings.py ``ELECTION_SETTINGS``) so that the organisations whose rules differ (§12 C7, C8)
keep one definition. The procedures ``term_election`` and ``by_election`` call these when a step
completes; a form's raw tallies are kept in its submission, so a result can be recomputed after a
rule changes (``count_ballot`` on the stored votes).

Sources: 《中国共产党基层组织选举工作条例》(2020) and its predecessor 暂行条例 (1990) [N-ELE],
《中国共产党支部工作条例（试行）》 [N-BR]; the numbers RULES.md could not confirm say so in their setting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .calendar import add_years

# The seat settings of each kind of unit that elects a committee (RULES.md §4.2).
SEAT_SETTINGS = {
    "branch": ("election.seats.branch.min", "election.seats.branch.max"),
    "general_branch": ("election.seats.general_branch.min", "election.seats.general_branch.max"),
    "primary_committee": ("election.seats.committee.min", "election.seats.committee.max"),
}

# Outcomes of one ballot of a 党员大会 (one round of E05 / B03).
NO_QUORUM = "no_quorum"  # 到会人数不足: the assembly cannot elect; it is convened again
VOID = "void"  # 收回的选票多于发出的选票: the ballot is void and held again
REVOTE = "revote"  # a tie at the cut: a new ballot among the tied only
SUPPLEMENTARY = "supplementary"  # 另行选举: fewer winners than seats, a new ballot among the non-winners
COMPLETE = "complete"  # every seat is filled (or the seats were reduced to the winners)
ROUND_OUTCOMES = (NO_QUORUM, VOID, REVOTE, SUPPLEMENTARY, COMPLETE)


@dataclass(frozen=True)
class SeatLimits:
    """How many 委员 a unit elects, and how many 副书记 it may have.

    ``has_committee`` False: a branch of fewer than 7 full members, which has no 支部委员会 and elects
    its 书记 (and, when needed, one 副书记) directly in the 党员大会 (N-BR).
    """

    has_committee: bool
    min_seats: int
    max_seats: int
    max_deputies: int


def committee_required(kind: str, full_members: int, settings: Mapping[str, Any]) -> bool:
    """Whether the unit elects a committee: a branch of ``branch.committee_min_full_members``
    (7) full members or more (正式党员7人以上的党支部设立支部委员会, N-BR); a 总支 or 党委 always."""
    if kind != "branch":
        return kind in SEAT_SETTINGS
    return full_members >= settings["branch.committee_min_full_members"]


def seat_limits(kind: str, full_members: int, settings: Mapping[str, Any]) -> SeatLimits:
    """The seats a unit of ``kind`` with ``full_members`` 正式党员 may elect (RULES.md §4.2).

    :raises ValueError: for a kind of unit that elects no committee (a 党小组, an 组织部).
    """
    if kind not in SEAT_SETTINGS:
        raise ValueError(f"a {kind} elects no committee")
    deputies = settings["election.deputy_seats.max"]
    if not committee_required(kind, full_members, settings):
        return SeatLimits(False, 0, 0, deputies)
    low, high = SEAT_SETTINGS[kind]
    return SeatLimits(True, settings[low], settings[high], deputies)


def needs_delegate_assembly(members: int, settings: Mapping[str, Any]) -> bool:
    """党员人数达到 ``election.delegate_assembly_members`` (500): a 党员代表大会 elects, not a 党员大会
    (《中国共产党基层组织选举工作条例》第四条)."""
    return members >= settings["election.delegate_assembly_members"]


def min_candidates(seats: int, settings: Mapping[str, Any]) -> int:
    """差额选举: more candidates than seats by at least ``election.competitive_ratio_percent`` (20 %)
    of the seats, rounded up: 3 seats → 4 candidates, 5 → 6, 6 → 8 (RULES.md §2.2 competitive_slate)."""
    percent = settings["election.competitive_ratio_percent"]
    return seats + -(-seats * percent // 100)  # ceil in integers: no float rounding at 5 seats × 20 %


def is_competitive(candidates: int, seats: int, settings: Mapping[str, Any]) -> bool:
    """The slate has at least ``min_candidates(seats)`` candidates."""
    return candidates >= min_candidates(seats, settings)


def quorum_ok(present: int, expected: int, strict: bool = True) -> bool:
    """More than four fifths of the expected electors are present (超过应到会人数的五分之四); with
    ``strict`` False (§12 C8, some local texts: 不少于) four fifths suffice."""
    if strict:
        return present * 5 > expected * 4
    return present * 5 >= expected * 4


def minimum_present(expected: int, strict: bool = True) -> int:
    """The smallest attendance that reaches the quorum (10 expected → 9 strict, 8 otherwise)."""
    return expected * 4 // 5 + 1 if strict else -(-expected * 4 // 5)


def ballots_valid(issued: int, returned: int) -> bool:
    """收回的选票等于或少于发出的选票, 选举有效; 多于发出的选票, 选举无效, 应重新选举 (暂行条例)."""
    return returned <= issued


def ballot_is_valid(marks: int, seats: int) -> bool:
    """One ballot is valid when it marks at most ``seats`` names (多于应选人数的选票无效)."""
    return marks <= seats


def majority_base(present: int, expected: int, settings: Mapping[str, Any]) -> int:
    """The electors whose half a winner must exceed: the present ones (暂行条例第二十二条, the default)
    or the expected ones (``election.majority_base``, §12 C7)."""
    return expected if settings["election.majority_base"] == "expected" else present


def is_elected(yes: int, base: int) -> bool:
    """More yes votes than half of ``base`` (strictly: exactly half is not enough)."""
    return yes * 2 > base


@dataclass(frozen=True)
class BallotResult:
    """The count of one ballot: who is elected, who is tied at the cut and for how many seats, how many
    seats stay empty."""

    elected: tuple[int, ...]
    tied: tuple[int, ...] = ()
    tied_seats: int = 0
    shortfall: int = 0


def count_ballot(votes: Mapping[int, int], seats: int, base: int) -> BallotResult:
    """Winners of a ballot for ``seats`` seats (RULES.md §2.2 is_elected, ranking):

    those with more yes votes than half of ``base`` pass; when more pass than there are seats, the
    highest counts win; a tie at the cut leaves the tied candidates for a re-vote among them only, for
    the seats the ones above the cut did not take; fewer passing than seats leave a shortfall.
    Candidates are member ids; ``elected`` is ordered by votes, then by id.
    """
    passing = sorted((c for c, yes in votes.items() if is_elected(yes, base)), key=lambda c: (-votes[c], c))
    if len(passing) <= seats:
        return BallotResult(tuple(passing), shortfall=seats - len(passing))
    cut = votes[passing[seats - 1]]
    above = tuple(c for c in passing if votes[c] > cut)
    at_cut = tuple(c for c in passing if votes[c] == cut)
    if len(above) + len(at_cut) == seats:  # the one at the cut is alone there
        return BallotResult(above + at_cut)
    return BallotResult(above, tied=at_cut, tied_seats=seats - len(above))


def may_reduce_seats(elected: int, min_seats: int, agreed: int, present: int, settings: Mapping[str, Any]) -> bool:
    """Instead of 另行选举, the seats may be reduced to the ``elected`` when the rules allow it, more than
    half of the present electors agree, and no fewer than ``min_seats`` remain (不应留出委员空额, never
    below the legal minimum)."""
    return settings["election.allow_seat_reduction"] and elected >= min_seats and agreed * 2 > present


@dataclass(frozen=True)
class Ballot:
    """The ballot an assembly holds next: its kind (first, revote, supplementary, rerun), candidates,
    seats, the winners of earlier ballots of the same election and the seats of the election."""

    kind: str
    candidates: tuple[int, ...]
    seats: int
    elected: tuple[int, ...]
    total_seats: int


@dataclass(frozen=True)
class RoundFacts:
    """What the assembly recorded for one ballot (the raw tallies of the form)."""

    expected: int
    present: int
    issued: int = 0
    returned: int = 0
    votes: Mapping[int, int] | None = None
    reduce_seats: bool = False
    reduction_agreed: int = 0


@dataclass(frozen=True)
class RoundDecision:
    """The outcome of a ballot and what follows: the next ballot (None once complete), the winners so
    far and the seats of the election (fewer after a reduction)."""

    outcome: str
    elected: tuple[int, ...]
    total_seats: int
    next_ballot: Ballot | None


def decide_round(ballot: Ballot, facts: RoundFacts, min_seats: int, settings: Mapping[str, Any]) -> RoundDecision:
    """Quorum, ballot validity, count, then tie, shortfall or completion (RULES.md §2.2, §4.3 E5)."""
    if not quorum_ok(facts.present, facts.expected, settings["election.quorum_strict"]):
        return RoundDecision(NO_QUORUM, ballot.elected, ballot.total_seats, ballot)
    if not ballots_valid(facts.issued, facts.returned):
        return RoundDecision(VOID, ballot.elected, ballot.total_seats, ballot)
    result = count_ballot(facts.votes or {}, ballot.seats, majority_base(facts.present, facts.expected, settings))
    elected = ballot.elected + result.elected
    if result.tied:
        tied = Ballot(REVOTE, result.tied, result.tied_seats, elected, ballot.total_seats)
        return RoundDecision(REVOTE, elected, ballot.total_seats, tied)
    if not result.shortfall:
        return RoundDecision(COMPLETE, elected, ballot.total_seats, None)
    if facts.reduce_seats and may_reduce_seats(len(elected), min_seats, facts.reduction_agreed, facts.present,
                                               settings):
        return RoundDecision(COMPLETE, elected, len(elected), None)
    # A ballot has at least as many candidates as seats, so the non-winners are enough for the empty
    # seats: 另行选举 among them (a single-slate candidate who failed may stand again).
    others = tuple(c for c in ballot.candidates if c not in result.elected)
    supplementary = Ballot(SUPPLEMENTARY, others, result.shortfall, elected, ballot.total_seats)
    return RoundDecision(SUPPLEMENTARY, elected, ballot.total_seats, supplementary)


def may_vote(stage: str, in_good_standing: bool) -> bool:
    """选举权: only 正式党员 not deprived of their rights (预备党员 and members under 留党察看 have none,
    RULES.md §2.1)."""
    return stage == "full_member" and in_good_standing


def may_be_elected(stage: str, in_good_standing: bool) -> bool:
    """被选举权: the same people as ``may_vote`` (党章: 预备党员没有表决权、选举权和被选举权)."""
    return may_vote(stage, in_good_standing)


def has_standing(party_standing_since: date | None, on: date, years: int) -> bool:
    """党龄 of at least ``years`` on ``on``, counted from ``party_standing_since`` (the end of probation)."""
    return party_standing_since is not None and add_years(party_standing_since, years) <= on


def expected_electors(entitled: int, approved_exclusions: int) -> int:
    """应到会有选举权的党员: those with the right to vote, less the exclusions the upper organisation
    agreed to and the assembly approved (RULES.md §2.1)."""
    return entitled - approved_exclusions


def votes_from(data: Mapping[Any, Any] | None) -> dict[int, int]:
    """Vote counts by member id from stored form data (keys may be text: JSON object keys)."""
    return {int(member_id): int(count) for member_id, count in (data or {}).items()}


def distinct(ids: Iterable[int]) -> tuple[int, ...]:
    """``ids`` without repeats, in their first order."""
    return tuple(dict.fromkeys(ids))
