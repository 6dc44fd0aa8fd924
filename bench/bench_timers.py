"""Benchmark: one tick of the timer worker over 10,000 running cases of which 1 % have a due timer.

Builds the cases (bench/timer_cases.py: a few started through the real operation, the rest cloned
in bulk), then measures, in the same run,
- one tick (timer_worker.tick) over ``--cases`` running cases of which ``--due`` are due: its time and
  its time per fired timer,
- the baseline: one tick over ``--baseline-cases`` cases with the same due cases (10x fewer cases
  that are not due, by default): the ratio of the two must be about 1, because a tick touches only
  the due cases,
- the due-case query alone (timer_worker.due_timer_case_ids) at both sizes, and its query plan,
- the raw engine: CaseEngine.fire_timers on one deserialized workflow (no database), and the ratio
  of the tick's time per fired timer to it.
Each figure is the median of ``--rounds`` ticks per size. The sizes take turns (the not-due cases
that make the difference are cloned and deleted again between them), so that both see the same load
of the machine; after each tick the due cases are put back as they were, due again.

    .venv/bin/python -m bench.bench_timers [--cases 10000] [--due 100] [--baseline-cases 1000] [--rounds 5]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/pf_bench]

Without ``--database-url`` it runs on SQLite in a temporary file. A ``--database-url`` database is
emptied first (every table of the models dropped): give it a database of its own.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event, text

from webapp import clock, create_app
from webapp.bootstrap import load_lane_registry, load_shipped_definitions
from webapp.cases import timer_worker
from webapp.demo import demo_units, seed_demo
from webapp.extensions import db
from webapp.models import Case, User
from webapp.orgcache import current_config
from webapp.runtime import runtime

from .timer_cases import TimerCases, add_not_due, build_cases, publish_reminders, remove_clones, restore_due, save_due

EXTRA = "extra"  # the tag of the not-due cases that make the measured size out of the baseline


def build_app(database_url: str):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        with db.engine.begin() as connection:
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.create_all()
        load_shipped_definitions()
        load_lane_registry()
        seed_demo(with_cases=False)
        publish_reminders()
        db.session.commit()
    return app


def build(app, cases: int, due: int) -> TimerCases:
    """``due`` due cases and ``cases - due`` not due, committed."""
    with app.app_context():
        unit = demo_units()["branch1"]
        actor = db.session.scalars(db.select(User).filter_by(username="branch1_secretary")).one()
        built = build_cases(unit, actor, clock.now(), due, cases - due)
        db.session.commit()
    settle(app)
    return built


def resize(app, cases: TimerCases, extra: int, grow: bool) -> None:
    """Add ``extra`` not-due cases, or take them away again (the measured size and the baseline)."""
    with app.app_context():
        if grow:
            add_not_due(cases, extra, EXTRA)
        else:
            remove_clones(EXTRA)
        db.session.commit()
    settle(app)


def settle(app) -> None:
    """What the database does on its own soon after a bulk change, done now so that no tick pays for
    the set-up: SQLite checkpoints its write-ahead log into the database file; PostgreSQL's autovacuum
    vacuums and analyses the tables, and its checkpointer writes the changed pages to disk."""
    with app.app_context():
        with db.engine.connect() as connection:
            if db.engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            else:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.exec_driver_sql("VACUUM ANALYZE cases, work_items, audit_events, submissions")
                connection.exec_driver_sql("CHECKPOINT")


def timed_tick(app, cases: TimerCases, saved: list[dict]) -> tuple[float, float]:
    """Seconds of one tick, and of the due-case query alone just before it; then the due cases are
    put back as ``saved``, due again for the next tick."""
    with app.app_context():
        began = time.perf_counter()
        due = timer_worker.due_timer_case_ids(cases.now)
        query = time.perf_counter() - began
        db.session.rollback()
        assert sorted(due) == sorted(cases.due_ids), (len(due), len(cases.due_ids))
        began = time.perf_counter()
        result = timer_worker.tick(cases.now)
        took = time.perf_counter() - began
        assert result.fired == result.moved == len(cases.due_ids), result
        restore_due(saved)
        db.session.commit()
    return took, query


def raw_fire_times(app, case_id: int, state: str, now, count: int) -> tuple[list[float], list[float]]:
    """Seconds of CaseEngine.fire_timers on a deserialized workflow of ``state`` (no database), and of
    the whole engine side of a fired case: load the state, fire, snapshot, save the state."""
    with app.app_context():
        rt = runtime()
        case = db.session.get(Case, case_id)
        definition = rt.definition_of(case.definition_id)
        config = current_config()
        settings = config.settings(config.tree().load_chain(case.unit_id))
        fire, whole = [], []
        for _ in range(count):
            began = time.perf_counter()
            workflow = rt.serializer.loads(state)
            fire_began = time.perf_counter()
            fired = rt.engine.fire_timers(workflow, now, settings)
            fire.append(time.perf_counter() - fire_began)
            rt.engine.snapshot(definition, workflow)
            rt.serializer.dumps(workflow)
            whole.append(time.perf_counter() - began)
            assert len(fired) == 1, fired
    return fire, whole


@contextmanager
def captured_statements(engine):
    """The SQL statements (and their parameters) ``engine`` runs inside the block."""
    statements = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", capture)


def due_query_plan(app, now) -> list[str]:
    """The plan of the worker's own due-case query (captured as it runs), as the database explains it."""
    with app.app_context():
        with captured_statements(db.engine) as statements:
            timer_worker.due_timer_case_ids(now)
        statement, parameters = next((s, p) for s, p in statements if "next_timer_at" in s)
        connection = db.session.connection()
        if db.engine.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plan = [row[-1] for row in rows]
        else:
            plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN ANALYZE " + statement, parameters)]
        db.session.rollback()
    return plan


def ms(values: list[float]) -> float:
    return statistics.median(values) * 1000


def run(database_url: str, args) -> None:
    app = build_app(database_url)
    began = time.perf_counter()
    cases = build(app, args.baseline_cases, args.due)
    built_in = time.perf_counter() - began
    with app.app_context():
        saved = save_due(cases)
    timed_tick(app, cases, saved)  # warm-up: caches, first imports, the definition loaded
    extra = args.cases - args.baseline_cases
    # Baseline and measured size in turns (A B, B A, A B ...), so that both see the same load of the machine.
    measured = {False: [], True: []}
    plans, grown, resized = {}, False, []
    for round_ in range(args.rounds):
        for big in (False, True) if round_ % 2 == 0 else (True, False):
            if big != grown:
                began = time.perf_counter()
                resize(app, cases, extra, grow=big)
                resized.append(time.perf_counter() - began)
                grown = big
            plans.setdefault(big, due_query_plan(app, cases.now))
            measured[big].append(timed_tick(app, cases, saved))
    raw = raw_fire_times(app, saved[0]["id"], saved[0]["state"], cases.now, max(100, args.due))
    report(app, args, cases, measured, plans, raw, (built_in, resized[0]))
    with app.app_context():
        db.engine.dispose()


def report(app, args, cases: TimerCases, measured: dict, plans: dict, raw: tuple, set_up: tuple) -> None:
    due = len(cases.due_ids)
    tick_ms = {big: ms([t for t, _ in values]) for big, values in measured.items()}
    query_ms = {big: ms([q for _, q in values]) for big, values in measured.items()}
    raw_ms, engine_ms = ms(raw[0]), ms(raw[1])
    print(f"timer tick on {db_label(app)}: {due} due cases, {args.rounds} ticks per size, each firing {due} "
          f"timers (set-up: {args.baseline_cases} cases in {set_up[0]:.1f} s, "
          f"{args.cases - args.baseline_cases} more in {set_up[1]:.1f} s)")
    for big, size in ((False, args.baseline_cases), (True, args.cases)):
        print(f"  plan of the due-case query over {size} cases:")
        for line in plans[big]:
            print(f"    {line}")
    for big, size, label in ((False, args.baseline_cases, "baseline"), (True, args.cases, "measured")):
        print(f"  tick over {size:6d} cases ({label})  median {tick_ms[big]:8.2f} ms   "
              f"per fired timer {tick_ms[big] / due:6.3f} ms   due-case query alone {query_ms[big]:6.3f} ms")
    print(f"  raw engine fire_timers (one deserialized workflow, no database)  median {raw_ms:6.3f} ms")
    print(f"  engine side of a fired case (load state, fire, snapshot, save)   median {engine_ms:6.3f} ms")
    # Each round's two ticks ran one after the other: the median of their ratios is the least disturbed
    # by the load of the machine changing during the run.
    paired = statistics.median(big[0] / base[0] for base, big in zip(measured[False], measured[True], strict=True))
    print(f"  ratio tick {args.cases}/{args.baseline_cases} cases {tick_ms[True] / tick_ms[False]:5.2f}x "
          f"(median of each round's ratio {paired:4.2f}x)   "
          f"ratio query {query_ms[True] / query_ms[False]:5.2f}x   "
          f"ratio per fired timer/raw {tick_ms[True] / due / raw_ms:5.1f}x")


def db_label(app) -> str:
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return f"SQLite (WAL, synchronous={app.config['SQLITE_SYNCHRONOUS']})"
    with app.app_context():
        version = db.session.execute(text("SHOW server_version")).scalar()
    return f"PostgreSQL {version}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--due", type=int, default=100)
    parser.add_argument("--baseline-cases", type=int, default=1_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--database-url", help="default: SQLite in a temporary file")
    args = parser.parse_args()
    if args.database_url:
        run(args.database_url, args)
        return
    with tempfile.TemporaryDirectory() as folder:
        run(f"sqlite:///{Path(folder)}/bench.sqlite", args)


if __name__ == "__main__":
    main()
