"""Benchmark: the 25-step recruitment on SQLite, over HTTP and as the raw engine step, in one run.

Prints the median (and 90th percentile) time of
- starting a case over HTTP (POST /cases/new through the Flask test client, logged in, with the
  CSRF token a page gives, as a browser posts it),
- completing a work item over HTTP (POST /inbox/<id>),
- the raw engine step of the same definition (load state, complete, run engine steps, save state:
  no web, no database), taken right after each HTTP step on a twin case so that both see the same
  load of the machine,
and the ratios of the HTTP figures to the raw step measured in this run.

    .venv/bin/python -m bench.bench_recruitment [--cases 10]
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from webapp import clock, create_app
from webapp.bootstrap import load_lane_registry, load_shipped_definitions
from webapp.cases import timer_worker
from webapp.demo import DEMO_PASSWORD, demo_units, fake_id_number, seed_demo
from webapp.demo_cases import case_facts, step_data
from webapp.extensions import db
from webapp.models import Case, WorkItem
from workflows.calendar import add_years, parse_date

from .raw_engine import RawCase

# Who does each step of a 内科第一党支部 case: the branch, its general branch, the approving committee,
# the county organisation department (RULES.md §1.2).
ACTORS = {"branch1": "branch1_secretary", "internal_gb": "internal_gb_secretary",
          "hospital": "hospital_org_member", "county_org_dept": "county_org_staff"}


class BenchClock:
    """Moves webapp.clock forward so that guards see the year of cultivation and of probation pass."""

    def __init__(self):
        self.start = datetime.now(clock.LOCAL_ZONE).replace(hour=10, minute=0, second=0, microsecond=0)
        self.offset = timedelta()
        clock.now = lambda: clock.as_utc(self.start + self.offset)
        clock.today = lambda: (self.start + self.offset).date()

    def move_to(self, day) -> None:
        self.offset = max(self.offset, timedelta(days=(day - self.start.date()).days))


def build_app(folder: Path):
    # As in production: CSRF protection on, SQLite as configured by default.
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench"})
    with app.app_context():
        db.create_all()
        load_shipped_definitions()
        load_lane_registry()
        seed_demo(with_cases=False)
        db.session.commit()
    return app


class Officer:
    """A logged-in browser: its cookies, and the CSRF token its pages carry (sent with every form)."""

    def __init__(self, app, username: str):
        self.client = app.test_client()
        self.csrf_token = page_csrf_token(self.client, "/auth/login")
        response = self.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302, response.status_code
        self.csrf_token = page_csrf_token(self.client, "/inbox/")

    def post(self, url: str, data: dict):
        return self.client.post(url, data={**data, "csrf_token": self.csrf_token})


def page_csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def logged_in_clients(app) -> dict[str, Officer]:
    return {unit_key: Officer(app, username) for unit_key, username in ACTORS.items()}


def application(serial: int) -> dict:
    today = clock.today()
    birth = today.replace(year=today.year - 24)
    return {"name": f"测试申请人{serial}", "gender": "female", "ethnicity": "汉族", "birth_date": birth.isoformat(),
            "id_number": fake_id_number(birth, False, serial), "education": "undergraduate",
            "application_letter_received": "y", "application_date": today.isoformat()}


def run_case(app, clients, units, bench_clock, serial: int, starts: list, completes: list,
             raws: list | None = None) -> str:
    """One case over HTTP; after each HTTP step, one raw engine step of a twin case (``raws``), so
    that both are measured under the same load of the machine."""
    twin = RawCase() if raws is not None else None
    case_id = timed_start(clients["branch1"], f"/cases/new?process=recruitment&unit={units['branch1']}",
                          application(serial), starts)
    unit_keys = {unit_id: key for key, unit_id in units.items()}
    while True:
        with app.app_context():
            case = db.session.get(Case, case_id)
            item = db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id, status="open")).first()
            if item is None and case.status == "running" and case.next_timer_at is not None:
                # The case waits for time (the year of cultivation, the end of probation): it passes,
                # and the timer worker moves the case on (not measured: no HTTP request).
                bench_clock.move_to(clock.as_utc(case.next_timer_at).astimezone(clock.LOCAL_ZONE).date())
                timer_worker.tick(clock.now())
                continue
            if item is None:
                return case.status
            wait_for(bench_clock, item.step_code, case.variables)
            form = form_data(step_data(item.step_code, case_facts(case, clock.today())))
            item_id, client = item.id, clients[unit_keys[item.unit_id]]
        began = time.perf_counter()
        response = client.post(f"/inbox/{item_id}", data=form)
        completes.append(time.perf_counter() - began)
        assert response.status_code == 302, (item.step_code, response.get_data(as_text=True)[:800])
        consume_flashes(client.client)
        if twin is not None:
            raws.append(twin.step())
        bench_clock.move_to(clock.today() + timedelta(days=1))


def timed_start(officer, url: str, data: dict, timings: list[float]) -> int:
    """发起 over HTTP as ``officer``, its time appended to ``timings``: the new case's id."""
    began = time.perf_counter()
    response = officer.post(url, data=data)
    timings.append(time.perf_counter() - began)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    consume_flashes(officer.client)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def consume_flashes(client) -> None:
    """What the browser's next page would do: show and drop the flash message (the bench follows no
    redirect, and unshown messages would pile up in the session cookie)."""
    with client.session_transaction() as session:
        session.pop("_flashes", None)


def wait_for(bench_clock, step_code: str, variables: dict) -> None:
    if step_code == "R07_designate_candidate":
        bench_clock.move_to(add_years(parse_date(variables["activist_date"]), 1))
    if step_code == "R22_regularization_application":
        bench_clock.move_to(parse_date(variables["probation_end"]))


def form_data(data: dict) -> dict:
    """JSON answers as a browser posts them (booleans as a checkbox value, lists as repeated keys)."""
    return {key: ("y" if value is True else value) for key, value in data.items() if value is not False}


def ms(values: list[float], q: float = 0.5) -> float:
    """The q-quantile of ``values`` (seconds) in milliseconds; the median by default."""
    if q == 0.5:
        return statistics.median(values) * 1000
    return statistics.quantiles(values, n=100)[int(q * 100) - 1] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        bench_clock = BenchClock()
        with app.app_context():
            units = {key: unit.id for key, unit in demo_units().items()}
        clients = logged_in_clients(app)
        starts, completes, raws, outcomes = [], [], [], []
        run_case(app, clients, units, bench_clock, 0, [], [], [])  # warm-up: caches, first imports
        for serial in range(1, args.cases + 1):
            outcomes.append(run_case(app, clients, units, bench_clock, serial, starts, completes, raws))
    raw = [r[0] for r in raws if r is not None]
    engine_only = [r[1] for r in raws if r is not None]
    raw_ms, complete_ms, start_ms = ms(raw), ms(completes), ms(starts)
    print(f"recruitment on SQLite (WAL, synchronous={app.config['SQLITE_SYNCHRONOUS']}, CSRF on): {args.cases} cases, "
          f"{len(completes)} work items completed, outcomes {set(outcomes)}")
    print(f"  start a case over HTTP       median {start_ms:7.2f} ms   p90 {ms(starts, 0.9):7.2f} ms")
    print(f"  complete a work item (HTTP)  median {complete_ms:7.2f} ms   p90 {ms(completes, 0.9):7.2f} ms")
    print(f"  raw engine step (load+complete+run+save)  median {raw_ms:7.3f} ms")
    print(f"  engine step alone                          median {ms(engine_only):7.3f} ms")
    print(f"  ratio complete/raw {complete_ms / raw_ms:5.1f}x   ratio start/raw {start_ms / raw_ms:5.1f}x")


if __name__ == "__main__":
    main()
