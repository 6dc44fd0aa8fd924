"""Terms of office (RULES.md §4.1, §4.3, §4.7): length by kind of unit from the settings, reminder day
(TM17) and overdue day (TM18)."""

from datetime import date

import pytest

from workflows.settings import TERM_SETTINGS, RuleSettings, SettingError, validate_override
from workflows.terms import has_term, is_overdue, is_reminder_due, overdue_since, reminder_day, term_end, term_years

DEFAULTS = RuleSettings()


def test_branches_and_general_branches_serve_three_years_and_committees_five_by_default():
    assert {kind: term_years(kind, DEFAULTS) for kind in (
        "branch", "general_branch", "primary_committee", "working_committee", "county_committee")} == {
        "branch": 3, "general_branch": 3, "primary_committee": 5, "working_committee": 5, "county_committee": 5}
    assert term_years("party_group", DEFAULTS) is None and not has_term("org_department")


def test_a_unit_may_set_another_term_length_within_the_bounds_of_the_sources():
    assert term_years("branch", RuleSettings({"term.years.branch": 2})) == 2  # seed S1/S4: 2 years
    with pytest.raises(SettingError):
        validate_override("term.years.committee", 2)  # 党章: 3 to 5 years
    with pytest.raises(SettingError):
        validate_override("term.reminder_months", 0)
    assert all(s.source and s.label for s in TERM_SETTINGS)


def test_a_term_ends_the_same_day_years_later_and_a_leap_day_the_day_before():
    assert term_end(date(2024, 6, 30), 3) == date(2027, 6, 30)
    assert term_end(date(2024, 2, 29), 5) == date(2029, 2, 28)


def test_the_reminder_is_due_from_six_months_before_the_end_to_the_last_day():
    due = date(2027, 6, 30)
    assert reminder_day(due, DEFAULTS) == date(2026, 12, 30)
    assert not is_reminder_due(due, date(2026, 12, 29), DEFAULTS)
    assert is_reminder_due(due, date(2026, 12, 30), DEFAULTS) and is_reminder_due(due, due, DEFAULTS)
    assert not is_reminder_due(due, date(2027, 7, 1), DEFAULTS)
    assert reminder_day(due, RuleSettings({"term.reminder_months": 3})) == date(2027, 3, 30)


def test_a_term_is_overdue_the_day_after_it_ends_or_after_the_grace_days():
    due = date(2027, 6, 30)
    assert overdue_since(due) == date(2027, 7, 1)
    assert not is_overdue(due, due, DEFAULTS) and is_overdue(due, date(2027, 7, 1), DEFAULTS)
    grace = RuleSettings({"term.overdue_grace_days": 10})
    assert not is_overdue(due, date(2027, 7, 10), grace) and is_overdue(due, date(2027, 7, 11), grace)
