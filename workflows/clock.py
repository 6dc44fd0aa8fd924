"""The engine's clock.

SpiffWorkflow's timer events read ``datetime.now(timezone.utc)`` themselves (bpmn/specs/
event_definitions/timer.py): when a timer is set, a duration counts from that instant, and a timer
fires once that instant is past it. Each engine call runs at an instant its caller gives instead (the
app's clock, or ``flask timers tick --now`` showing what a given day would do), so that a case set
waiting "six months" by a test or an admin preview waits six months of that clock, not of the machine's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _spiff_timer

_engine_now: ContextVar[datetime | None] = ContextVar("engine_now", default=None)


class _EngineDatetime(datetime):
    """``datetime`` whose ``now()`` is the engine call's instant (the machine's when none is given)."""

    @classmethod
    def now(cls, tz=None):
        instant = _engine_now.get()
        if instant is None:
            return datetime.now(tz)
        return instant.astimezone(tz) if tz is not None else instant.astimezone(UTC).replace(tzinfo=None)


_spiff_timer.datetime = _EngineDatetime  # the one name the timer module reads the time through


@contextmanager
def engine_time(now: datetime | None) -> Iterator[None]:
    """Run the engine at ``now`` (an aware datetime; None: the machine's clock)."""
    if now is not None and now.tzinfo is None:
        raise ValueError("the engine's time must be timezone-aware")
    token = _engine_now.set(now)
    try:
        yield
    finally:
        _engine_now.reset(token)
