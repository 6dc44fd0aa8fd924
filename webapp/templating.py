"""Template filters and globals: dates as 2026年11月22日, labels of statuses and stages."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import get_locale
from flask_babel import gettext as _

from workflows.org import POSITIONS, UNIT_KINDS

from . import clock
from .models.case import CASE_STATUSES
from .models.member import STAGES


def long_date(value: date | datetime | str | None) -> str:
    """2026年11月22日 in Chinese, 2026-11-22 in English."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = value.astimezone(clock.LOCAL_ZONE).date()
    if str(get_locale()).startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(clock.LOCAL_ZONE)
    return f"{long_date(local.date())} {local:%H:%M}"


def init_app(app: Flask) -> None:
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(local_datetime, "local_datetime")

    @app.context_processor
    def _labels():
        return {
            "case_status_label": lambda s: _(CASE_STATUSES.get(s, s)),
            "stage_label": lambda s: _(STAGES.get(s, s)) if s else "",
            "unit_kind_label": lambda k: _(UNIT_KINDS.get(k, k)),
            "position_label": lambda p: _(POSITIONS.get(p, p)),
            "today": clock.today(),
        }
