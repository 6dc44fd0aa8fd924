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
class StartTerm:
    """The unit's committee starts a new term (换届, RULES.md §4.3): 届次 + 1 from ``started_on`` (ISO date);
    it ends after the term years of the unit's kind (``term.years.*``)."""

    unit_id: int
    started_on: str


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
