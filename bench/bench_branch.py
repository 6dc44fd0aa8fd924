"""Benchmark: 党支部设置 on SQLite, over HTTP and as the raw engine step, in one run.

Each round sets a branch up under 内科党总支 (request, the committee's reply, the filing), renames it
(request, reply, filing) and dissolves it again (proposal, reply, filing, transfer of its member back,
handover, closing): three starts and nine completed work items over HTTP (POST /cases/new and
POST /inbox/<id>, logged in, with the CSRF token a page gives, as a browser posts them). The replies
that change the organisation (a unit created, members moved, a position, the first election offered)
are the heaviest steps and are reported apart. After each HTTP step, one raw engine step of the
recruitment twin case (bench/raw_engine.py: load state, complete, run, save; no web, no database) is
measured under the same load of the machine, and the ratios are to its median.

    .venv/bin/python -m bench.bench_branch [--rounds 10]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from webapp import clock
from webapp.demo import demo_units
from webapp.demo_branch import answers
from webapp.extensions import db
from webapp.models import Case, Member, OrgUnit, User, WorkItem

from .bench_recruitment import BenchClock, Officer, build_app, consume_flashes, form_data, ms
from .raw_engine import RawCase

ACTORS = {"internal_gb": "internal_gb_secretary", "hospital": "hospital_org_member",
          "county_org_dept": "county_org_staff"}
# The steps that change the organisation in their transaction.
CHANGING = ("O02_superior_reply", "O22_superior_reply", "O13_transfer_members", "O15_close_branch")


class Timings:
    def __init__(self):
        self.starts: dict[str, list[float]] = {}
        self.completes: dict[str, list[float]] = {}
        self.raws: list[float] = []
        self.twin = RawCase()

    def raw_step(self) -> None:
        """One raw engine step of the twin recruitment case, a new twin when one has finished."""
        took = self.twin.step()
        if took is None:
            self.twin = RawCase()
            took = self.twin.step()
        self.raws.append(took[0])


def timed_post(officer: Officer, url: str, data: dict, into: list[float], timings: Timings):
    began = time.perf_counter()
    response = officer.post(url, data=form_data(data))
    into.append(time.perf_counter() - began)
    assert response.status_code == 302, (url, response.get_data(as_text=True)[:800])
    consume_flashes(officer.client)
    timings.raw_step()
    return response


def start(officers, units, process: str, unit_id: int, data: dict, timings: Timings) -> int:
    response = timed_post(officers["internal_gb"], f"/cases/new?process={process}&unit={unit_id}", data,
                          timings.starts.setdefault(process, []), timings)
    return int(response.headers["Location"].rsplit("/", 1)[1])


def complete_all(app, officers, units, case_id: int, timings: Timings, extra: dict[str, dict]) -> str:
    """Complete the case's items one after the other with their main-path answers; the case's status."""
    keys = {unit_id: key for key, unit_id in units.items()}
    while True:
        with app.app_context():
            item = db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id, status="open")).first()
            if item is None:
                return db.session.get(Case, case_id).status
            code, form_key, item_id, unit_key = item.step_code, item.form_key, item.id, keys.get(item.unit_id)
        data = answers(form_key, clock.today(), **extra.get(code, {}))
        officer = officers.get(unit_key) or officers["new_branch"]
        kind = "changing" if code in CHANGING else "other"
        timed_post(officer, f"/inbox/{item_id}", data, timings.completes.setdefault(kind, []), timings)


def run_round(app, officers, units, serial: int, mover: int, timings: Timings) -> None:
    name = f"内科测试第{serial}党支部"
    request = answers("O01_submit_request", clock.today(), branch_name=name, parent_id=units["internal_gb"],
                      full_member_count=3, member_ids=[mover], secretary_id=mover)
    case_id = start(officers, units, "branch_setup", units["internal_gb"], request, timings)
    assert complete_all(app, officers, units, case_id, timings, {}) == "completed"
    with app.app_context():
        branch = db.session.scalar(db.select(OrgUnit.id).filter_by(name=name))
    rename = answers("O21_submit_change", clock.today(), new_name=f"{name}（更名）")
    case_id = start(officers, units, "branch_change", branch, rename, timings)
    assert complete_all(app, officers, units, case_id, timings, {}) == "completed"
    case_id = start(officers, units, "branch_dissolution", branch,
                    answers("O11_propose_dissolution", clock.today()), timings)
    back = {"O13_transfer_members": {"member_ids": [mover], "target_unit_id": units["branch1"]}}
    assert complete_all(app, officers, units, case_id, timings, back) == "completed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        BenchClock()
        with app.app_context():
            units = {key: unit.id for key, unit in demo_units().items()}
            mover = db.session.get(User, db.session.scalar(db.select(User.id).filter_by(
                username="branch1_publicity"))).member_id
            assert db.session.get(Member, mover).unit_id == units["branch1"]
        officers = {key: Officer(app, username) for key, username in ACTORS.items()}
        officers["new_branch"] = Officer(app, "branch1_publicity")  # the new branch's secretary hands over
        run_round(app, officers, units, 0, mover, Timings())  # warm-up: caches, first imports
        timings = Timings()
        for serial in range(1, args.rounds + 1):
            run_round(app, officers, units, serial, mover, timings)
    raw_ms = ms(timings.raws)
    print(f"党支部设置 on SQLite (WAL, synchronous={app.config['SQLITE_SYNCHRONOUS']}, CSRF on): {args.rounds} rounds "
          f"of set-up, rename and dissolution, {sum(map(len, timings.completes.values()))} work items completed")
    for process, values in timings.starts.items():
        print(f"  start {process:<20} over HTTP  median {ms(values):7.2f} ms   p90 {ms(values, 0.9):7.2f} ms   "
              f"ratio {ms(values) / raw_ms:5.1f}x")
    labels = {"changing": "complete, changing the tree", "other": "complete, other steps"}
    for kind, values in timings.completes.items():
        print(f"  {labels[kind]:<28} (HTTP) median {ms(values):7.2f} ms   p90 {ms(values, 0.9):7.2f} ms   "
              f"ratio {ms(values) / raw_ms:5.1f}x")
    print(f"  raw engine step, recruitment twin (load+complete+run+save)  median {raw_ms:7.3f} ms")


if __name__ == "__main__":
    main()
