"""A unit's term (任期) as the 督办 page and the organisation chart show it: ok, ending soon, overdue.

Only ``OrgUnit.term_due_on`` (the end of the current term) is read here.
"""

from __future__ import annotations

from datetime import date

from workflows.calendar import add_months

# 换届提醒: the upper organisation reminds a unit about six months before its term ends (RULES.md §4,
# E1 and §9 term_reminder_upper). A constant for now: the term settings of issue 4 point 5 will make it
# a setting.
TERM_WARNING_MONTHS = 6


def warning_horizon(today: date) -> date:
    """The last term end that counts as ending soon."""
    return add_months(today, TERM_WARNING_MONTHS)


def term_status(due_on: date | None, today: date) -> str | None:
    """"overdue" once the term has ended, "ending" within TERM_WARNING_MONTHS, "ok" after; None: no term."""
    if due_on is None:
        return None
    if due_on < today:
        return "overdue"
    return "ending" if due_on <= warning_horizon(today) else "ok"
