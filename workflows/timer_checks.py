"""Publish-time checks of timer values: a quoted ISO 8601 literal within sane bounds, a reference to
a rule setting (``months(setting("key"))``, ``repeat(n, …)`` for a cycle) bounded over the setting's
whole allowed range, or a date counted from a date of the case (``date_after(resolution_date, …)``).
At run time the restricted language evaluates them (expressions.py, timer_dates.py)."""

from __future__ import annotations

import ast
import re
from datetime import datetime, timedelta

from .i18n import N_
from .settings import SETTINGS_BY_KEY

# Bounds of timers (issue "hostile input": sane limits at publish time).
MIN_TIMER = timedelta(minutes=1)
MAX_TIMER = timedelta(days=5 * 365)
MAX_CYCLE_REPEATS = 100
MIN_CYCLE_INTERVAL = timedelta(hours=1)
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")
_CYCLE = re.compile(r"^R(\d+)/(?:[^/]+/)?(P[^/]+)$")


def _duration(text: str) -> timedelta | None:
    """An ISO 8601 duration (years as 365 days, months as 30), or None when it is not one."""
    match = _DURATION.match(text)
    if match is None or text in ("P", "PT") or text.endswith("T"):
        return None
    years, months, weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
    return timedelta(days=years * 365 + months * 30 + weeks * 7 + days, hours=hours, minutes=minutes,
                     seconds=seconds)


def _literal(text: str) -> str | None:
    """The string of a quoted literal expression ("P6M"), or None for anything else."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError:
        return None
    body = tree.body
    return body.value if isinstance(body, ast.Constant) and isinstance(body.value, str) else None


# How long one unit of each duration function is, to bound a setting's range (months as 30 days).
_UNIT = {"years": timedelta(days=365), "months": timedelta(days=30), "weeks": timedelta(days=7),
         "days": timedelta(days=1), "hours": timedelta(hours=1)}


def _setting_reference(kind: str, text: str) -> tuple[str, dict] | tuple[()] | None:
    """A timer value that refers to a rule setting: months(setting("key")) for a duration, or
    repeat(n, months(setting("key"))) for a cycle. None when ``text`` is no reference at all; () when it
    is a good one; else the problem. The bounds hold for every value the setting may take."""
    try:
        body = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    repeats = None
    if kind == "timeCycle" and _is_call(body, "repeat", 2) and isinstance(body.args[0], ast.Constant):
        repeats, body = body.args[0].value, body.args[1]
    if not (isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id in _UNIT
            and len(body.args) == 1 and _is_call(body.args[0], "setting", 1)
            and isinstance(body.args[0].args[0], ast.Constant) and isinstance(body.args[0].args[0].value, str)):
        return None
    if kind == "timeDate" or (kind == "timeCycle" and repeats is None):
        return N_("定时器的值 %(value)s：日期定时器只能写 ISO 8601 字面量；循环定时器写成 repeat(次数, 时长)"), {}
    key = body.args[0].args[0].value
    rule = SETTINGS_BY_KEY.get(key)
    if rule is None or rule.kind != "int":
        return N_("定时器引用的规则设置 %(key)s 不存在或不是整数"), {"key": key}
    unit = _UNIT[body.func.id]
    shortest, longest = unit * (rule.min_value or 0), unit * (rule.max_value or 0)
    if kind == "timeCycle":
        if not isinstance(repeats, int) or isinstance(repeats, bool) or not 1 <= repeats <= MAX_CYCLE_REPEATS:
            return N_("循环定时器 %(value)s 重复次数须为 1 到 %(limit)s"), {"limit": MAX_CYCLE_REPEATS}
        if shortest < MIN_CYCLE_INTERVAL:
            return N_("循环定时器 %(value)s 的间隔必须至少 1 小时"), {}
        return ()
    if shortest < MIN_TIMER or longest > MAX_TIMER:
        return N_("定时器时长 %(value)s 必须在 1 分钟到 5 年之间（按该设置的取值范围）"), {}
    return ()


_DATE_FUNCTIONS = ("date_after", "date_before")


def _case_date_reference(kind: str, text: str) -> tuple[str, dict] | tuple[()] | None:
    """A date timer counted from a date of the case: date_after(resolution_date, months(setting("key")),
    days(1)) (timer_dates.py). None when ``text`` is no such call; () when it is a good one; else the
    problem. The first argument names a case variable; each shift is a quoted whole-day ISO duration
    ("P1D"), a whole number of days, weeks, months or years (days(1)) or a setting in those units, and
    together they move the date by at most 5 years over every value the settings may take."""
    try:
        body = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return None
    if not (isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id in _DATE_FUNCTIONS):
        return None
    if kind != "timeDate":
        return N_("定时器的值 %(value)s：date_after / date_before 只能用于日期定时器（timeDate）"), {}
    if body.keywords or not body.args or not isinstance(body.args[0], ast.Name) or body.args[0].id.startswith("_"):
        return N_("定时器的值 %(value)s：第一个参数须为办件中的日期变量名，如 resolution_date"), {}
    longest = timedelta()
    for shift in body.args[1:]:
        span = _shift_span(shift)
        if span is None:
            return N_("定时器的值 %(value)s：日期只能按整年、月、周、日移动，写成 \"P1D\" 或 "
                      "months(setting(\"approval.sla_months\"))"), {}
        longest += span
    if longest > MAX_TIMER:
        return N_("定时器的值 %(value)s：日期移动超过 5 年（按设置的取值范围）"), {}
    return ()


def _shift_span(node: ast.AST) -> timedelta | None:
    """The longest a shift of a timer date may be, or None when it is not a whole-day shift."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        duration = _duration(node.value)
        return None if duration is None or "T" in node.value else duration
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _UNIT
            and node.func.id != "hours" and len(node.args) == 1 and not node.keywords):
        return None
    count = node.args[0]
    if isinstance(count, ast.Constant):  # days(1): the day after
        whole = isinstance(count.value, int) and not isinstance(count.value, bool) and 0 <= count.value <= 10_000
        return _UNIT[node.func.id] * count.value if whole else None
    if not _is_call(count, "setting", 1):
        return None
    key = count.args[0]
    rule = SETTINGS_BY_KEY.get(key.value) if isinstance(key, ast.Constant) and isinstance(key.value, str) else None
    if rule is None or rule.kind != "int" or (rule.min_value or 0) < 0:
        return None
    return _UNIT[node.func.id] * (rule.max_value or 0)


def _is_call(node: ast.AST, name: str, arity: int) -> bool:
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == name
            and len(node.args) == arity and not node.keywords)


def timer_value_problem(kind: str, text: str) -> tuple[str, dict] | None:
    """What is wrong with a timer's value (its element's kind: timeDate, timeDuration, timeCycle), as an
    ``N_()`` template and its parameters; None when it is fine."""
    literal = _literal(text)
    if literal is None:
        reference = _case_date_reference(kind, text)
        if reference is None:
            reference = _setting_reference(kind, text)
        if reference is not None:
            return reference or None
        return N_("定时器的值 %(value)s 必须是加引号的 ISO 8601 字面量（如 \"P6M\"），或引用规则设置，"
                  "如 months(setting(\"activist.review_interval_months\"))"), {}
    if kind == "timeDate":
        try:
            datetime.fromisoformat(literal)
        except ValueError:
            return N_("定时器日期 %(value)s 不是 ISO 8601 日期时间"), {}
        return None
    if kind == "timeCycle":
        match = _CYCLE.match(literal)
        if match is None:
            return N_("循环定时器 %(value)s 必须写明重复次数，形如 \"R3/PT12H\""), {}
        repeats, interval = int(match.group(1)), _duration(match.group(2))
        if repeats > MAX_CYCLE_REPEATS:
            return N_("循环定时器 %(value)s 重复次数超过 %(limit)s"), {"limit": MAX_CYCLE_REPEATS}
        if interval is None or interval < MIN_CYCLE_INTERVAL:
            return N_("循环定时器 %(value)s 的间隔必须至少 1 小时"), {}
        return None
    duration = _duration(literal)
    if duration is None:
        return N_("定时器时长 %(value)s 不是 ISO 8601 时长"), {}
    if not MIN_TIMER <= duration <= MAX_TIMER:
        return N_("定时器时长 %(value)s 必须在 1 分钟到 5 年之间"), {}
    return None
