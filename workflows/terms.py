"""Terms of office (任期): how long a unit's committee serves, when its end is reminded, when it is overdue.

RULES.md §4.1: the length depends on the kind of unit and is a rule setting (the sources disagree);
§4.3: due_on = started_on + term years (an approved postponement, §4.4, sets due_on explicitly);
§4.7 TM17: the unit and its superior are reminded ``term.reminder_months`` before due_on;
§4.5 and TM18: a term whose due_on has passed without a new term is overdue (未按期换届), after
``term.overdue_grace_days``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .calendar import add_days, add_months, add_years

# The setting of the term length of each kind of unit that has a term; 组织部 and 党小组 have none.
TERM_YEARS_SETTING = {
    "branch": "term.years.branch",
    "general_branch": "term.years.general_branch",
    "primary_committee": "term.years.committee",
    "working_committee": "term.years.committee",
    "county_committee": "term.years.committee",
}


def has_term(kind: str) -> bool:
    """Branches, general branches and committees are elected for a term."""
    return kind in TERM_YEARS_SETTING


def term_years(kind: str, settings: Mapping[str, Any]) -> int | None:
    """The term length of a unit of ``kind`` under its rule settings, or None for a kind without terms."""
    key = TERM_YEARS_SETTING.get(kind)
    return settings[key] if key is not None else None


def term_end(started_on: date, years: int) -> date:
    """The day a term elected on ``started_on`` ends (届满): the same day ``years`` later."""
    return add_years(started_on, years)


def reminder_day(due_on: date, settings: Mapping[str, Any]) -> date:
    """TM17: the first day the end of the term is reminded."""
    return add_months(due_on, -settings["term.reminder_months"])


def is_reminder_due(due_on: date, today: date, settings: Mapping[str, Any]) -> bool:
    """From the reminder day up to the last day of the term (afterwards the term is overdue instead)."""
    return reminder_day(due_on, settings) <= today <= due_on


def overdue_since(due_on: date) -> date:
    """The first day without a term: the day after it ended."""
    return add_days(due_on, 1)


def is_overdue(due_on: date, today: date, settings: Mapping[str, Any]) -> bool:
    """TM18: the term ended and the grace days after it have passed, with no new term."""
    return today > add_days(due_on, settings["term.overdue_grace_days"])
