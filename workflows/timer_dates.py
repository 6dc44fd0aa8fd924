"""Timer dates counted from a legal date of the case (RULES.md §2.8, §9).

A statutory limit runs from a date the branch entered (the resolution of the 支部大会, the designation
as 入党积极分子, the end of probation), not from the moment the engine reached the timer: "上级党委
应在三个月内审批" counts from the resolution. ``date_after(resolution_date, months(setting(
"approval.sla_months")), days(1))`` is the first instant of the day after the limit, in China's time
zone, where legal dates are; SpiffWorkflow's date timers take it as an ISO 8601 instant. Calendar
months and years, never 30/365 days (``add_months`` clamps to the month's end).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from .calendar import add_days, add_months, parse_date

# Where the organisations are: a legal date is a day of this zone (webapp.clock reads the same one).
LEGAL_ZONE = ZoneInfo("Asia/Shanghai")

_SHIFT = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


class TimerDateError(ValueError):
    """A timer date that cannot be computed: no such date in the case, or a shift that is no duration."""


def _shift(day: date, duration: Any, sign: int) -> date:
    match = _SHIFT.match(duration) if isinstance(duration, str) else None
    if match is None or duration == "P":
        raise TimerDateError(f"a timer date moves by whole years, months, weeks or days, not {duration!r}")
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    return add_days(add_months(day, sign * (12 * years + months)), sign * (7 * weeks + days))


def _day(value: Any) -> date:
    try:
        day = parse_date(value)
    except (TypeError, ValueError):
        day = None
    if day is None:
        raise TimerDateError(f"a timer date needs a date of the case, not {value!r}")
    return day


def _start_of(day: date) -> str:
    return datetime.combine(day, time(), LEGAL_ZONE).isoformat()


def date_after(value: Any, *durations: Any) -> str:
    """The start of the day ``value`` (a date of the case) moved forward by each of ``durations``."""
    day = _day(value)
    for duration in durations:
        day = _shift(day, duration, 1)
    return _start_of(day)


def date_before(value: Any, *durations: Any) -> str:
    """The start of the day ``value`` moved back by each of ``durations`` (a reminder before a date)."""
    day = _day(value)
    for duration in durations:
        day = _shift(day, duration, -1)
    return _start_of(day)


TIMER_DATE_FUNCTIONS = {"date_after": date_after, "date_before": date_before}
