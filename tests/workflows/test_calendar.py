"""Legal dates use calendar months and years (RULES.md §2.8)."""

from datetime import date, datetime

import pytest

from workflows.calendar import add_days, add_months, add_years, age_on, parse_date


def test_one_month_after_january_31_is_the_last_day_of_february():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 1, 31), 1) == date(2023, 2, 28)


def test_months_roll_over_the_year_in_both_directions():
    assert add_months(date(2024, 11, 15), 3) == date(2025, 2, 15)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
    assert add_months(date(2024, 1, 10), -13) == date(2022, 12, 10)


def test_a_year_after_february_29_is_february_28():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_add_days_counts_plain_days():
    assert add_days(date(2024, 2, 28), 1) == date(2024, 2, 29)
    assert add_days(date(2024, 3, 1), -1) == date(2024, 2, 29)


def test_age_turns_on_the_birthday_not_the_day_before():
    assert age_on(date(2006, 5, 20), date(2024, 5, 20)) == 18
    assert age_on(date(2006, 5, 20), date(2024, 5, 19)) == 17


def test_age_of_someone_born_on_february_29_agrees_with_add_years():
    born = date(2004, 2, 29)
    assert age_on(born, date(2022, 2, 28)) == 18
    assert age_on(born, date(2022, 2, 27)) == 17
    assert age_on(born, add_years(born, 18)) == 18


def test_parse_date_accepts_dates_datetimes_and_iso_text():
    assert parse_date(date(2024, 1, 2)) == date(2024, 1, 2)
    assert parse_date(datetime(2024, 1, 2, 9, 30)) == date(2024, 1, 2)
    assert parse_date("2024-01-02") == date(2024, 1, 2)
    assert parse_date("2024-01-02T09:30:00+08:00") == date(2024, 1, 2)


def test_parse_date_treats_blank_as_no_date_and_refuses_garbage():
    assert parse_date(None) is None
    assert parse_date("") is None
    with pytest.raises(ValueError):
        parse_date("2024-02-30")
    with pytest.raises(ValueError):
        parse_date(20240101)
