"""The timer worker's tick: fire every timer due at an instant, one case per transaction.

Each case is locked, checked again and committed on its own, so several workers may tick at once
(PostgreSQL: the second waits for the first's lock, then finds the timer no longer due), and a worker
that dies mid-tick loses nothing: what it did not commit is still due at the next tick.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy.exc import OperationalError

from .. import clock
from ..extensions import db
from ..models import Case
from . import operations


@dataclass(frozen=True)
class Tick:
    """What one tick did: cases looked at (their timer was due), cases moved on, timers fired."""

    due: int
    moved: int
    fired: int


def tick(now: datetime) -> Tick:
    """Fire the timers due at ``now`` (the app's clock, or ``--now`` to see what a given day would do)."""
    now = now.astimezone(UTC)  # as the database keeps its instants (SQLite: without an offset)
    due = due_timer_case_ids(now)
    db.session.rollback()  # end the reading transaction: each case gets its own
    moved = fired = 0
    for case_id in due:  # each once per tick, even if its next timer is due again at once
        try:
            events = operations.fire_due_timers(case_id, now)
            db.session.commit()
        except operations.AlreadyHandled:
            db.session.rollback()  # another worker, or a person, changed the case first
            continue
        except OperationalError as err:  # a lock wait ran out: the next tick tries again
            db.session.rollback()
            current_app.logger.warning("timer tick: case %s skipped: %s", case_id, err)
            continue
        if events:
            moved, fired = moved + 1, fired + len(events)
    return Tick(due=len(due), moved=moved, fired=fired)


def due_timer_case_ids(now: datetime, limit: int = 500) -> list[int]:
    """Running cases with a timer due at ``now``, the longest overdue first (the index on status and next_timer_at)."""
    return list(db.session.scalars(
        db.select(Case.id).where(Case.status == "running", Case.next_timer_at <= now)
        .order_by(Case.next_timer_at, Case.id).limit(limit)
    ))


def run(interval_seconds: float, ticks: int | None = None) -> None:
    """Tick every ``interval_seconds`` at the app's clock, for ever (or ``ticks`` times)."""
    done = 0
    while ticks is None or done < ticks:
        result = tick(clock.now())
        if result.fired:
            current_app.logger.info("timer tick: %s timers fired in %s cases", result.fired, result.moved)
        done += 1
        if ticks is None or done < ticks:
            time.sleep(interval_seconds)
