"""The timer worker (`flask timers tick --now`): a timer due at the given instant fires once, is recorded
in the case's history and moves the case; a second tick, or a second worker, fires nothing more."""

import time
from datetime import datetime, timedelta
from datetime import time as midnight
from pathlib import Path

import pytest
from _at_once import at_once
from test_busy_database import case_held_by_another
from test_concurrency import start_recruitment

from webapp import audit, clock
from webapp.admin.operations import publish_definition
from webapp.cases import timer_worker
from webapp.extensions import db
from webapp.models import AuditEvent, Case
from workflows.calendar import add_days, add_months

RECRUITMENT_XML = (Path(__file__).parents[2] / "bpmn" / "recruitment.bpmn").read_text(encoding="utf-8")
# 党组织派人谈话 gets a reminder every 7 days (archive.within_days, the shortest day setting), twice.
REMINDERS = (
    '<bpmn:boundaryEvent id="talk_reminder" name="谈话提醒" attachedToRef="R02_initial_talk" cancelActivity="false">'
    '<bpmn:outgoing>f_talk_reminder</bpmn:outgoing><bpmn:timerEventDefinition id="talk_reminder_timer">'
    '<bpmn:timeCycle>repeat(2, days(setting("archive.within_days")))</bpmn:timeCycle></bpmn:timerEventDefinition>'
    '</bpmn:boundaryEvent><bpmn:endEvent id="talk_reminded" name="已提醒谈话"><bpmn:incoming>f_talk_reminder'
    '</bpmn:incoming></bpmn:endEvent><bpmn:sequenceFlow id="f_talk_reminder" sourceRef="talk_reminder" '
    'targetRef="talk_reminded" />'
)


def publish_reminders(app) -> None:
    """Recruitment with the reminder, through the publish path and its checks."""
    with app.app_context():
        publish_definition(RECRUITMENT_XML.replace("</bpmn:process>", REMINDERS + "</bpmn:process>", 1).encode(),
                           actor=None)
        db.session.commit()


def timer_events(app, case_id):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent.summary).filter_by(case_id=case_id, kind="timer")
                                  .order_by(AuditEvent.seq)).all()


def test_a_due_reminder_fires_once_per_round_and_is_recorded(app, demo, runner):
    publish_reminders(app)
    case_id = start_recruitment(app, demo)
    start = clock.now()
    with app.app_context():
        due = db.session.get(Case, case_id).next_timer_at
    due = clock.as_utc(due)  # SQLite keeps UTC without its offset
    assert timedelta(days=7) - timedelta(minutes=1) <= due - start <= timedelta(days=7)

    sixth_day = (start + timedelta(days=6)).isoformat()
    assert "到期 0 件" in runner.invoke(args=["timers", "tick", "--now", sixth_day]).output
    eighth_day = (start + timedelta(days=8)).isoformat()
    result = runner.invoke(args=["timers", "tick", "--now", eighth_day])
    assert result.exit_code == 0 and "触发定时器 1 个" in result.output
    assert timer_events(app, case_id) == ["谈话提醒"]
    assert "触发定时器 0 个" in runner.invoke(args=["timers", "tick", "--now", eighth_day]).output  # once only

    runner.invoke(args=["timers", "tick", "--now", (start + timedelta(days=15)).isoformat()])
    runner.invoke(args=["timers", "tick", "--now", (start + timedelta(days=25)).isoformat()])
    assert timer_events(app, case_id) == ["谈话提醒", "谈话提醒"]  # two rounds, then no more
    with app.app_context():
        case = db.session.get(Case, case_id)
        # What waits now is the shipped 谈话逾期, on the day after the month from the application, which
        # start_recruitment dates three days back (细则第七条).
        overdue_on = add_days(add_months(add_days(clock.today(), -3), 1), 1)
        assert clock.as_utc(case.next_timer_at).astimezone(clock.LOCAL_ZONE) == datetime.combine(
            overdue_on, midnight(), clock.LOCAL_ZONE)
        assert (case.status, case.current_step) == ("running", "党组织派人谈话")
        assert [i.step_code for i in case.work_items if i.is_open] == ["R02_initial_talk"]  # still waiting
        assert audit.verify_case(case_id) is None


def test_a_local_time_without_an_offset_is_read_in_the_apps_timezone(app, demo, runner):
    result = runner.invoke(args=["timers", "tick", "--now", "2030-01-01T08:00"])
    assert result.exit_code == 0 and result.output.startswith("2030-01-01T08:00:00+08:00")
    assert "不是 ISO 8601" in runner.invoke(args=["timers", "tick", "--now", "next tuesday"]).output


def test_two_workers_ticking_at_once_fire_each_timer_once(app, demo):
    publish_reminders(app)
    case_ids = [start_recruitment(app, demo, serial=n) for n in range(3)]
    later = clock.now() + timedelta(days=8)
    results = at_once(app, lambda: timer_worker.tick(later))
    assert sum(r.fired for r in results) == 3, results
    for case_id in case_ids:
        assert timer_events(app, case_id) == ["谈话提醒"]
        with app.app_context():
            assert audit.verify_case(case_id) is None


def test_a_stopped_case_is_not_ticked(app, demo):
    publish_reminders(app)
    case_id = start_recruitment(app, demo)
    with app.app_context():
        db.session.get(Case, case_id).status = "error"
        db.session.commit()
        assert timer_worker.due_timer_case_ids(clock.now() + timedelta(days=8)) == []


def test_a_worker_passes_over_a_case_another_worker_holds_and_fires_it_next_tick(app, demo):
    """PostgreSQL: SKIP LOCKED, the tick does not queue behind the other worker's lock (nor wait for the
    lock timeout); SQLite writes one transaction at a time, so there the tick just waits its turn."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no row locks to skip")
    publish_reminders(app)
    held, free = start_recruitment(app, demo, serial=1), start_recruitment(app, demo, serial=2)
    later = clock.now() + timedelta(days=8)
    with case_held_by_another(app, held), app.app_context():
        started = time.monotonic()
        result = timer_worker.tick(later)
        assert time.monotonic() - started < 2  # the lock timeout of the suite is longer than that
        assert (result.due, result.fired) == (2, 1)
    assert (timer_events(app, held), timer_events(app, free)) == ([], ["谈话提醒"])
    with app.app_context():
        assert timer_worker.tick(later).fired == 1
    assert timer_events(app, held) == ["谈话提醒"]
