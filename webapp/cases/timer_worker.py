"""The timer worker's tick: fire every timer due at an instant, one case per transaction.

Each case is locked, checked again and committed on its own, so several workers may tick at once
(PostgreSQL: a worker skips a case another worker holds, SKIP LOCKED, and one that comes after the
other's commit finds the timer no longer due), and a worker that dies mid-tick loses nothing: what it
did not commit is still due at the next tick.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm.exc import StaleDataError

from .. import clock
from ..extensions import db
from ..members.away import remind_away_members
from ..models import Case
from ..notifications.email import deliver_pending_email
from ..orgs.terms import remind_terms
from . import escalation, operations


@dataclass(frozen=True)
class Tick:
    """What one tick did: cases looked at (their timer was due), cases moved on, timers fired."""

    due: int
    moved: int
    fired: int
    escalated: int = 0  # levels of the escalation ladder climbed (reminders, overdue, 督办)


def tick(now: datetime) -> Tick:
    """Fire the timers due at ``now`` (the app's clock, or ``--now`` to see what a given day would do)."""
    now = now.astimezone(UTC)  # as the database keeps its instants (SQLite: without an offset)
    due = due_timer_case_ids(now)
    db.session.rollback()  # end the reading transaction: each case gets its own
    moved = fired = escalated = 0
    today = now.astimezone(clock.LOCAL_ZONE).date()
    for case_id in due:  # each once per tick, even if its next timer is due again at once
        try:
            events = operations.fire_due_timers(case_id, now)
            climbed = escalation.act_on_timers(case_id, events, today)
            db.session.commit()
        except operations.AlreadyHandled:
            db.session.rollback()  # another worker, or a person, changed the case first
            continue
        except OperationalError as err:  # a lock wait ran out: the next tick tries again
            db.session.rollback()
            current_app.logger.warning("timer tick: case %s skipped: %s", case_id, err)
            continue
        if events:
            moved, fired, escalated = moved + 1, fired + len(events), escalated + climbed
    escalated += escalate_overdue_work(today)
    remind_terms(today)  # 任期: TM17 reminders and TM18 overdue terms, once each
    remind_away_members(today)  # 外出超过六个月未转接: the branch is told once per absence
    db.session.commit()
    if current_app.config["MAIL_SMTP_HOST"]:  # e-mail is off unless an SMTP server is configured
        deliver_pending_email()
    return Tick(due=len(due), moved=moved, fired=fired, escalated=escalated)


def escalate_overdue_work(today: date) -> int:
    """督办: climb the escalation ladder of every open work item whose next level has come, one case per
    transaction; the number of levels climbed."""
    cases = escalation.due_case_ids(today)
    db.session.rollback()
    climbed = 0
    for case_id in cases:
        try:
            climbed += escalation.escalate_case(case_id, today)
            db.session.commit()
        except (operations.AlreadyHandled, StaleDataError):
            db.session.rollback()  # someone changed the case meanwhile: the next tick looks again
        except OperationalError as err:
            db.session.rollback()
            current_app.logger.warning("escalation: case %s skipped: %s", case_id, err)
    return climbed


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
