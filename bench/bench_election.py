"""Benchmark: 换届选举 and 补选 on SQLite, over HTTP and as the raw engine step, in one run.

Prints the median (and 90th percentile) time of
- starting an election over HTTP (POST /cases/new through the Flask test client, logged in, with the CSRF
  token a page gives, as a browser posts it): 换届选举 (E02), 补选 (B01) and 延期或提前换届 (P01),
- completing a work item over HTTP (POST /inbox/<id>): every step of both procedures, the 党员大会's ballot
  (E05, B03: the roster counted, the ballot decided) and the approval (E07b, B05b: the term and the
  committee's posts written) and the reply to a postponement (P02: the term's end moved) also on their own,
- the raw engine step (load state, complete, run engine steps, save state: no web, no database) of the
  recruitment definition (bench/raw_engine.py, the project's baseline) and of the term_election definition,
  taken right after each HTTP step so that all see the same load of the machine,
and the ratios of the HTTP figures to the raw recruitment step measured in this run.

    .venv/bin/python -m bench.bench_election [--cases 10]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from webapp import clock
from webapp.demo import demo_units
from webapp.demo_election import case_election_facts, election_facts, election_step_data
from webapp.extensions import db
from webapp.models import Case, OrgUnit, WorkItem
from workflows.engine import CaseEngine
from workflows.serialization import CaseSerializer
from workflows.specs import load_definition

from .bench_recruitment import BenchClock, Officer, build_app, consume_flashes, form_data, ms
from .raw_engine import BPMN, RawCase

# Who acts for each unit of a 内科第一党支部 election: the branch (its 书记 is re-elected by the main-path
# answers, so the same account acts throughout) and its superior, 内科党总支 (upper_org).
ACTORS = {"branch1": "branch1_secretary", "internal_gb": "internal_gb_secretary"}
START_FORMS = {"term_election": "E02_prepare", "by_election": "B01_register_vacancy",
               "election_postponement": "P01_request_shift"}

ELECTION_BPMN = BPMN.parent / "term_election.bpmn"
# The engine variables of the main path of a term election (what the rules derive from the forms).
RAW_ANSWERS = {
    "E03_request_approval": {"request_decision": "approved"},
    "E04_nominate": {"ballot_kind": "first", "ballot_candidate_ids": [1, 2, 3, 4, 5, 6], "ballot_seats": 5},
    "E04b_review_shortlist": {"shortlist_decision": "approved"},
    "E05_assembly_election": {"round_outcome": "complete", "elected_ids": [1, 2, 3, 4, 5]},
    "E06_elect_officers": {"officers_elected": True},
    "E07b_approve_results": {"approval_decision": "approved"},
}


class RawElection:
    """One term election driven by the engine alone, a step at a time, its state kept as JSON."""

    definition = None

    def __init__(self):
        if RawElection.definition is None:
            RawElection.definition = load_definition(ELECTION_BPMN.read_bytes())
        self.engine = CaseEngine()
        self.serializer = CaseSerializer(lambda sha: RawElection.definition)
        start = {"has_committee": True, "committee_seats": 5, "deputy_seats": 1, "elected_ids": []}
        self.state = self.serializer.dumps(self.engine.start(RawElection.definition, start))

    def step(self) -> float | None:
        began = time.perf_counter()
        workflow = self.serializer.loads(self.state)
        ready = self.engine.ready_tasks(RawElection.definition, workflow)
        if not ready:
            return None
        self.engine.complete(workflow, ready[0].task_id, RAW_ANSWERS.get(ready[0].step_code, {}))
        self.state = self.serializer.dumps(workflow)
        return time.perf_counter() - began


class Timings:
    def __init__(self):
        self.starts: dict[str, list[float]] = {key: [] for key in START_FORMS}
        self.completes: dict[str, list[float]] = {}
        self.raw_recruitment: list[float] = []
        self.raw_election: list[float] = []
        self.twins = (RawCase(), RawElection())

    def raw(self) -> None:
        """One raw step of each twin, restarted when it has finished."""
        recruitment, election = self.twins
        took = recruitment.step()
        if took is None:
            recruitment = RawCase()
            took = recruitment.step()
        self.raw_recruitment.append(took[0])
        took = election.step()
        if took is None:
            election = RawElection()
            took = election.step()
        self.raw_election.append(took)
        self.twins = (recruitment, election)


def _start_overrides(process_key: str, unit: OrgUnit) -> dict:
    """延期或提前换届: each request postpones the branch's election by one more day (a dozen stay far within the
    year the rules allow)."""
    if process_key != "election_postponement":
        return {}
    return {"shift_kind": "postpone", "new_election_date": (unit.term_due_on + timedelta(days=1)).isoformat()}


def run_case(app, clients, units, bench_clock, process_key: str, timings: Timings | None, once=None) -> str:
    """One election of 内科第一党支部 over HTTP, from its start to its end; ``once`` maps a step code to a function
    of the case's variables giving the answers that change the main path the first time the step is met (a
    refusal), timed under "<step code> once"."""
    once = dict(once or {})
    unit_id = units["branch1"]
    with app.app_context():
        data = election_step_data(START_FORMS[process_key], election_facts(unit_id, clock.today()),
                                  _start_overrides(process_key, db.session.get(OrgUnit, unit_id)))
    began = time.perf_counter()
    response = clients["branch1"].post(f"/cases/new?process={process_key}&unit={unit_id}", data=form_data(data))
    took = time.perf_counter() - began
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    consume_flashes(clients["branch1"].client)
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    unit_keys = {unit_id: key for key, unit_id in units.items()}
    if timings is not None:
        timings.starts[process_key].append(took)
        timings.raw()
    while True:
        bench_clock.move_to(clock.today() + timedelta(days=1))
        with app.app_context():
            case = db.session.get(Case, case_id)
            item = db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id, status="open")).first()
            if item is None:
                return case.status
            changed = once.pop(item.step_code, None)
            overrides = changed(case.variables) if changed else None
            form = form_data(election_step_data(item.step_code, case_election_facts(case, clock.today()), overrides))
            item_id, step_code, client = item.id, item.step_code, clients[unit_keys[item.unit_id]]
        began = time.perf_counter()
        response = client.post(f"/inbox/{item_id}", data=form)
        took = time.perf_counter() - began
        assert response.status_code == 302, (step_code, response.get_data(as_text=True)[:800])
        consume_flashes(client.client)
        if timings is not None:
            timings.completes.setdefault(f"{step_code} once" if changed else step_code, []).append(took)
            timings.raw()


def warmed_up(folder: Path):
    """The app on the demo data in ``folder``, its clock, the demo units' ids and the officers' clients, after a
    first term election (caches, first imports)."""
    app = build_app(folder)
    bench_clock = BenchClock()
    with app.app_context():
        units = {key: unit.id for key, unit in demo_units().items()}
    clients = {key: Officer(app, username) for key, username in ACTORS.items()}
    run_case(app, clients, units, bench_clock, "term_election", None)
    return app, bench_clock, units, clients


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        app, bench_clock, units, clients = warmed_up(Path(folder))
        timings = Timings()
        outcomes = [run_case(app, clients, units, bench_clock, key, timings)
                    for key in START_FORMS for _ in range(args.cases)]
    completes = [t for values in timings.completes.values() for t in values]
    raw_ms = ms(timings.raw_recruitment)
    print(f"elections on SQLite (synchronous={app.config['SQLITE_SYNCHRONOUS']}, CSRF on): {args.cases} term elections"
          f", {args.cases} by-elections and {args.cases} requests to postpone the election of 内科第一党支部, "
          f"{len(completes)} work items completed, "
          f"outcomes {set(outcomes)}")
    for key, label in (("term_election", "start a term election (HTTP)"),
                       ("by_election", "start a by-election (HTTP)"),
                       ("election_postponement", "start a postponement (HTTP)")):
        values = timings.starts[key]
        print(f"  {label:34} median {ms(values):7.2f} ms   p90 {ms(values, 0.9):7.2f} ms")
    print(f"  {'complete a work item (HTTP)':34} median {ms(completes):7.2f} ms   p90 {ms(completes, 0.9):7.2f} ms")
    for step_code in ("E05_assembly_election", "E07b_approve_results", "B03_assembly_by_election",
                      "B05b_approve_report", "P02_approve_shift"):
        values = timings.completes[step_code]
        print(f"    {step_code:32} median {ms(values):7.2f} ms")
    print(f"  raw engine step, recruitment (baseline)  median {raw_ms:7.3f} ms")
    print(f"  raw engine step, term_election           median {ms(timings.raw_election):7.3f} ms")
    start_ms = ms(timings.starts["term_election"])
    print(f"  ratio complete/raw {ms(completes) / raw_ms:5.1f}x   ratio start/raw {start_ms / raw_ms:5.1f}x")


if __name__ == "__main__":
    main()
