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
