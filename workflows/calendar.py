"""Date arithmetic for legal dates (RULES.md §2.8).

"X个月内 / 满1年 / 预备期1年" are calendar months and years, never 30/365-day approximations.
A day that does not exist in the target month clamps to the month's last day.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import date, datetime, timedelta


def add_months(d: date, n: int) -> date:
    """Return ``d`` moved by ``n`` calendar months, clamped to the month end (01-31 + 1 → 02-29)."""
    month_index = d.year * 12 + (d.month - 1) + n
    year, month0 = divmod(month_index, 12)
    last_day = _stdlib_calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(d.day, last_day))


def add_years(d: date, n: int) -> date:
    """Return ``d`` moved by ``n`` calendar years (02-29 → 02-28 in a common year)."""
    return add_months(d, 12 * n)


def add_days(d: date, n: int) -> date:
    """Return ``d`` moved by ``n`` days."""
    return d + timedelta(days=n)


def age_on(birth_date: date, on_date: date) -> int:
    """Full years of age on ``on_date`` (周岁); consistent with ``add_years``.

    Someone born on 02-29 turns one year older on 02-28 of a common year, so that
    ``age_on(b, add_years(b, n)) == n`` always holds.
    """
    years = on_date.year - birth_date.year
    if add_years(birth_date, years) > on_date:
        years -= 1
    return years


def parse_date(value: date | str | None) -> date | None:
    """Return a ``date`` from a date, a datetime or an ISO string; ``None`` or ``""`` give ``None``.

    :raises ValueError: when a string is not an ISO date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        text = value.strip()
        if len(text) > 10:
            return datetime.fromisoformat(text).date()
        return date.fromisoformat(text)
    raise ValueError(f"not a date: {value!r}")
