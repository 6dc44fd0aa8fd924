"""The one place the web layer reads the clock (tests monkeypatch these)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

LOCAL_ZONE = ZoneInfo("Asia/Shanghai")


def now() -> datetime:
    """The current instant, in UTC."""
    return datetime.now(UTC)


def today() -> date:
    """Today's date where the organisations are (Asia/Shanghai): legal dates are local dates."""
    return now().astimezone(LOCAL_ZONE).date()


def as_utc(value: datetime) -> datetime:
    """A stored timestamp in UTC (SQLite hands timestamps back without their zone)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
