"""A unit's term (任期) as the 督办 page, the organisation list and the chart show it: ok, ending soon, overdue.

Only ``OrgUnit.term_due_on`` (the end of the current term) is read here. "Ending soon" begins on the day the
timer worker reminds the unit (TM17, ``term.reminder_months`` before the end in the unit's own settings, six by
default: RULES.md §4.7), so that the pages and the reminder agree.
"""

from __future__ import annotations

from datetime import date

from workflows.settings import RuleSettings, SettingError
from workflows.terms import reminder_day

from ..cases.context import rule_settings_for


def unit_term_settings(unit_id: int | None) -> RuleSettings:
    """The settings the term of ``unit_id`` is reminded by (the defaults while its settings contradict each
    other: the admin settings page says so)."""
    if unit_id is None:
        return RuleSettings()
    try:
        return rule_settings_for(unit_id)
    except SettingError:
        return RuleSettings()


def term_status(due_on: date | None, today: date, unit_id: int | None = None) -> str | None:
    """"overdue" once the term has ended, "ending" from the unit's reminder day, "ok" before; None: no term."""
    if due_on is None:
        return None
    if due_on < today:
        return "overdue"
    return "ending" if reminder_day(due_on, unit_term_settings(unit_id)) <= today else "ok"
