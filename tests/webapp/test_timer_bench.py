"""The timer benchmark (bench/bench_timers.py) on a tiny scale, so that it cannot rot unseen: its cases are
real cases, a tick fires exactly the due ones, and the whole script runs. No timing is asserted."""

from collections import Counter
from types import SimpleNamespace

import pytest

from bench import bench_timers
from bench.timer_cases import add_not_due, build_cases, publish_reminders, remove_clones, restore_due, save_due
from webapp import audit, clock
from webapp.cases import timer_worker
from webapp.cases.consistency import check_all_cases
from webapp.extensions import db
from webapp.models import AuditEvent, Case


def build(app, demo, due: int, not_due: int):
    with app.app_context():
        publish_reminders()
        cases = build_cases(demo.unit("branch1"), demo.user("branch1_secretary"), clock.now(), due, not_due)
        db.session.commit()
    return cases


def timer_events_by_case(app) -> Counter:
    with app.app_context():
        return Counter(db.session.scalars(db.select(AuditEvent.case_id).filter_by(kind="timer")))


def test_a_tick_over_cloned_cases_fires_exactly_the_due_ones(app, demo):
    cases = build(app, demo, due=4, not_due=46)  # two of each kind started for real, the rest cloned
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).where(Case.status == "running")) == 50
        assert check_all_cases() == []  # clones included: engine state, work items, record agree
        assert sorted(timer_worker.due_timer_case_ids(cases.now)) == sorted(cases.due_ids)
        saved = save_due(cases)

        assert timer_worker.tick(cases.now) == timer_worker.Tick(due=4, moved=4, fired=4)
        assert timer_worker.tick(cases.now).fired == 0  # each round once
    assert timer_events_by_case(app) == Counter(cases.due_ids)

    with app.app_context():
        restore_due(saved)  # as before the tick: due again, the event gone
        db.session.commit()
        assert timer_events_by_case(app) == Counter()
        assert check_all_cases() == []
        assert timer_worker.tick(cases.now).fired == 4
        assert all(audit.verify_case(case_id) is None for case_id in cases.due_ids)
    assert timer_events_by_case(app) == Counter(cases.due_ids)


def test_the_bench_grows_and_shrinks_the_cases_that_are_not_due(app, demo):
    cases = build(app, demo, due=2, not_due=8)
    with app.app_context():
        grown = add_not_due(cases, 10, "extra")
        db.session.commit()
        assert grown.not_due == 18
        assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 20
        assert check_all_cases() == []
        assert remove_clones("extra") == 10
        db.session.commit()
        assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 10
        assert timer_worker.tick(cases.now).fired == 2


def test_the_due_case_query_reads_only_due_cases_on_sqlite(app, demo):
    cases = build(app, demo, due=2, not_due=20)
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL chooses its plan by the table's statistics: the bench prints it at 10,000 cases")
    plan = " / ".join(bench_timers.due_query_plan(app, cases.now))
    assert "USING COVERING INDEX ix_cases_status_next_timer_at (status=? AND next_timer_at<?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # already in the order the worker asks for


def test_the_bench_script_runs_on_a_tiny_scale(app_config, capsys):
    args = SimpleNamespace(cases=30, baseline_cases=12, due=3, rounds=2)
    bench_timers.run(app_config["SQLALCHEMY_DATABASE_URI"], args)
    output = capsys.readouterr().out
    assert "3 due cases, 2 ticks per size, each firing 3 timers" in output
    assert "tick over     30 cases (measured)" in output and "ratio per fired timer/raw" in output
