"""Benchmark: 组织关系转接 (a transfer to another committee of the tree) on SQLite, over HTTP and as the raw
engine step, in one run.

Prints the median (and 90th percentile) time of starting a transfer over HTTP (POST /cases/new with
the page's CSRF token), of completing a work item over HTTP (POST /inbox/<id>: T02 at the sending
branch, T03 at its committee, T05 at the receiving committee, T06 at the receiving branch, T07 back at
the issuing committee), and of the raw engine step of the same definition (load state, complete, run
engine steps, save state: no web, no database) on a twin case right after each HTTP step; and the ratios.
With ``--letter-issuer department`` the county keeps the older rule (RULES.md §12 C19): the county's
organisation department issues the letter after the committee's (T04d) and files the receipt (T07d).

    .venv/bin/python -m bench.bench_transfer [--cases 10] [--letter-issuer committee|department]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from webapp import clock
from webapp.demo import demo_units
from webapp.demo_transfer import transfer_answers
from webapp.extensions import db
from webapp.models import Case, Member, RuleOverride, WorkItem
from workflows.engine import CaseEngine
from workflows.procedures.transfer import letter_valid_until
from workflows.serialization import CaseSerializer
from workflows.specs import load_definition

from .bench_recruitment import BenchClock, Officer, build_app, consume_flashes, form_data, ms, timed_start

BPMN = Path(__file__).resolve().parents[1] / "bpmn" / "membership_transfer.bpmn"
ACTORS = {"branch1": "branch1_secretary", "hospital": "hospital_org_member", "town": "town_org_member",
          "town_branch": "town_branch_secretary", "county_org_dept": "county_org_staff"}
LETTERS = ("T03_issue_letter", "T04d_department_letter")


class RawTransfer:
    """One transfer driven by the engine alone, a step at a time, its state kept as JSON."""

    def __init__(self, definition, letter_issuer: str):
        self.answers = {"T02_branch_check": {"branch_check_decision": "submit", "letter_issuer": letter_issuer},
                        "T05_accept": {"receiving_decision": "accept"}}
        self.definition, self.engine = definition, CaseEngine()
        self.serializer = CaseSerializer(lambda sha: definition)
        self.state = self.serializer.dumps(self.engine.start(definition, {"transfer_kind": "within_system"}))

    def step(self) -> float | None:
        began = time.perf_counter()
        workflow = self.serializer.loads(self.state)
        ready = [t for t in self.engine.ready_tasks(self.definition, workflow) if t.step_code != "T05w_withdraw"]
        if not ready:
            return None
        data = self.answers.get(ready[0].step_code, {})
        if ready[0].step_code in LETTERS:
            data = {"letter_valid_until": letter_valid_until(clock.today(), 90)}
        self.engine.complete(workflow, ready[0].task_id, data)
        self.state = self.serializer.dumps(workflow)
        return time.perf_counter() - began


def add_members(app, count: int) -> list[int]:
    """Full members of 内科第一党支部 to transfer, one per case."""
    with app.app_context():
        unit = demo_units()["branch1"]
        members = [Member(name=f"转接测试{i}", unit_id=unit.id, top_org_id=unit.top_org_id, stage="full_member",
                          gender="male", dues_paid_until=f"{clock.today():%Y-%m}") for i in range(count)]
        db.session.add_all(members)
        db.session.commit()
        return [m.id for m in members]


def run_case(app, clients, units, member_id, starts, completes, raws, definition, letter_issuer) -> str:
    twin = RawTransfer(definition, letter_issuer)
    data = transfer_answers("T01_request", clock.today(), {"member_id": member_id, "receiving_unit_id": units["town"]})
    case_id = timed_start(clients["branch1"], f"/cases/new?process=membership_transfer&unit={units['branch1']}",
                          form_data(data), starts)
    unit_keys = {unit_id: key for key, unit_id in units.items()}
    while True:
        with app.app_context():
            item = db.session.scalars(db.select(WorkItem).filter(
                WorkItem.case_id == case_id, WorkItem.status == "open", WorkItem.step_code != "T05w_withdraw")).first()
            if item is None:
                return db.session.get(Case, case_id).status
            overrides = {"branch_id": units["town_branch"]} if item.step_code == "T05_accept" else {}
            form = form_data(transfer_answers(item.step_code, clock.today(), overrides))
            item_id, client = item.id, clients[unit_keys[item.unit_id]]
        began = time.perf_counter()
        response = client.post(f"/inbox/{item_id}", data=form)
        completes.append(time.perf_counter() - began)
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        consume_flashes(client.client)
        raws.append(twin.step())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--letter-issuer", choices=("committee", "department"), default="committee",
                        help="the county's setting transfer.letter_issuer (RULES.md §12 C19)")
    args = parser.parse_args()
    definition = load_definition(BPMN.read_bytes())
    with tempfile.TemporaryDirectory() as folder:
        app = build_app(Path(folder))
        BenchClock()
        with app.app_context():
            units = {key: unit.id for key, unit in demo_units().items()}
            if args.letter_issuer == "department":
                db.session.add(RuleOverride(unit_id=units["county"], key="transfer.letter_issuer", value="department"))
                db.session.commit()
        clients = {key: Officer(app, username) for key, username in ACTORS.items()}
        members = add_members(app, args.cases + 1)
        starts, completes, raws, outcomes = [], [], [], []
        run_case(app, clients, units, members[0], [], [], [], definition, args.letter_issuer)  # warm-up
        for member_id in members[1:]:
            outcomes.append(run_case(app, clients, units, member_id, starts, completes, raws, definition,
                                     args.letter_issuer))
    raw = [r for r in raws if r is not None]
    raw_ms, complete_ms, start_ms = ms(raw), ms(completes), ms(starts)
    print(f"membership_transfer on SQLite (CSRF on), letters issued by the {args.letter_issuer}: {args.cases} cases, "
          f"{len(completes)} work items completed, outcomes {set(outcomes)}")
    print(f"  start a transfer over HTTP    median {start_ms:7.2f} ms   p90 {ms(starts, 0.9):7.2f} ms")
    print(f"  complete a work item (HTTP)   median {complete_ms:7.2f} ms   p90 {ms(completes, 0.9):7.2f} ms")
    print(f"  raw engine step (load+complete+run+save)  median {raw_ms:7.3f} ms")
    print(f"  ratio complete/raw {complete_ms / raw_ms:5.1f}x   ratio start/raw {start_ms / raw_ms:5.1f}x")


if __name__ == "__main__":
    main()
