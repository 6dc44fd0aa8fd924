"""Changes a step makes to the organisation data: members, units, terms and positions (RULES.md §4–§6).

A procedure's ``org_changes`` returns them as plain values when a step completes; the web layer
(webapp/cases/org_changes.py) writes each in the transaction of the step, so that a case and the
organisation it changes never disagree, and records each in the case's history (全程纪实).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MoveMember:
    """The member now belongs to ``unit_id`` (组织关系转接 accepted, a branch merged or dissolved),
    in party group ``group_id`` of that unit, or in none."""

    member_id: int
    unit_id: int
    group_id: int | None = None


@dataclass(frozen=True)
class IssueLetter:
    """组织关系介绍信 (``kind`` "letter": number, issued on, valid days and last valid day, 抬头 and 党费交至)
    or 流动党员活动证 ("mobile_card") for the case's member; a new letter of a case supersedes the one
    it had (re-issued after expiry, or the organisation department's letter to another system)."""

    member_id: int
    kind: str
    number: str
    issued_on: str
    valid_days: int | None
    valid_until: str | None
    to_title: str
    dues_paid_until: str | None


@dataclass(frozen=True)
class CloseLetters:
    """The case's letters still out are closed: ``accepted`` (接收), ``refused`` (不予接收) or
    ``cancelled`` (撤销转接), on ``closed_on``."""

    status: str
    closed_on: str


@dataclass(frozen=True)
class FileReceipt:
    """回执 of the case's accepted letter received by the issuing side on ``received_on``."""

    received_on: str


@dataclass(frozen=True)
class RecordAway:
    """The member is away since ``since`` (外出, 流动) for ``reason`` at ``destination``; ``since`` None: back
    (or transferred), the flag is cleared."""

    member_id: int
    since: str | None
    reason: str
    destination: str


@dataclass(frozen=True)
class StartTerm:
    """The unit's committee starts a new term (换届, RULES.md §4.3): 届次 + 1 from ``started_on`` (ISO date);
    it ends after the term years of the unit's kind (``term.years.*``)."""

    unit_id: int
    started_on: str


@dataclass(frozen=True)
class ShiftTerm:
    """延期或提前换届 approved (RULES.md §4.4): the unit's term now ends on ``due_on`` (ISO date); ``kind`` is
    ``postpone`` or ``advance``. The term's number and start stay; its reminder and overdue mark follow the
    new end."""

    unit_id: int
    due_on: str
    kind: str


@dataclass(frozen=True)
class EndPositions:
    """Every post of ``roles`` in the unit held on ``ended_on`` (ISO date, the last day) ends then: the
    outgoing committee (the posts of people without an account too)."""

    unit_id: int
    roles: tuple[str, ...]
    ended_on: str


@dataclass(frozen=True)
class EndMemberPositions:
    """The member's posts of ``roles`` in the unit end on ``ended_on`` (a vacancy, a member who takes
    another post)."""

    unit_id: int
    member_id: int
    roles: tuple[str, ...]
    ended_on: str


@dataclass(frozen=True)
class GrantPosition:
    """The member holds ``role`` in the unit from ``started_on`` (ISO date): through their account, or,
    without one, recorded on the member and given when the account is created."""

    member_id: int
    unit_id: int
    role: str
    started_on: str
# 党支部设置 (RULES.md §6): a unit set up, renamed, moved, upgraded, dissolved or merged, and the officers
# and first election of a new one. Dates are ISO text (the history keeps each change as JSON).

# The unit id that stands for "the unit this case set up" (成立, or the new branch of a split): the
# CreateUnit of the same step or of an earlier step of the case. The web layer resolves it when it
# writes a change, since the unit's id exists only once it is written.
CASE_NEW_UNIT = -1


@dataclass(frozen=True)
class CreateUnit:
    """成立: a new unit under ``parent_id``, set up by the superior's reply of ``established_on``; its
    first term is empty until its first election."""

    name: str
    parent_id: int
    established_on: str
    kind: str = "branch"
    is_joint: bool = False
    covered_units: str | None = None  # 联合党支部: the units it covers, "、"-separated
    is_temporary: bool = False
    temporary_until: str | None = None  # 临时党支部: the last day of its task (TM22)


@dataclass(frozen=True)
class RenameUnit:
    """更名."""

    unit_id: int
    name: str


@dataclass(frozen=True)
class MoveUnit:
    """改变隶属关系: the unit, and every unit below it, now under ``parent_id`` (never below itself)."""

    unit_id: int
    parent_id: int


@dataclass(frozen=True)
class UpgradeUnit:
    """升格: a branch becomes a general branch (党总支); its term ends, the new committee is elected."""

    unit_id: int
    kind: str = "general_branch"


@dataclass(frozen=True)
class DissolveUnit:
    """撤销 (or 撤并 into ``merged_into_id``): the unit is closed on ``closed_on`` and kept in history; its
    party groups close with it and every position held in them ends. Its members have left before."""

    unit_id: int
    closed_on: str
    merged_into_id: int | None = None


@dataclass(frozen=True)
class AppointOfficer:
    """The member holds ``role`` in the unit from ``started_on`` (the designated secretary of a new branch),
    when the member has a user account."""

    unit_id: int
    member_id: int
    role: str
    started_on: str


@dataclass(frozen=True)
class OfferFirstElection:
    """The officers of a new (or upgraded) unit, the members named (its designated secretary, whose position
    is written with the step) and its committee are told to start its first election (换届选举)."""

    unit_id: int
    member_ids: tuple[int, ...] = ()
    upgraded: bool = False


@dataclass(frozen=True)
class CommitteeDecision:
    """The upper organisation's decision on a new committee or on by-elected members (RULES.md §4.3 E7,
    §12 C16), recorded in the case's history in the words of ``mode`` ("file": 委员 filed, 书记/副书记
    approved; "approve": the whole committee approved). ``decision`` "approved": ``members`` are the 委员 and
    ``officers`` the (post, member id) of the 书记/副书记 approved; "not_approved": those refused. It writes
    nothing itself: the posts are the GrantPosition changes that follow an approval."""

    unit_id: int
    mode: str
    decision: str
    members: tuple[int, ...] = ()
    officers: tuple[tuple[str, int], ...] = ()
