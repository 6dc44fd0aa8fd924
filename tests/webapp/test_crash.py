"""The served app killed (SIGKILL) while it starts cases and claims and completes work items under
load, three times: after each restart every acknowledged start, claim and completion is there,
every case agrees with itself (engine state, work items, submissions, record: `flask cases check`)
and the record's hash chains verify (`flask audit verify`).

The load: client threads, each driving its cases through the API (claim, then complete, step after
step with the answers of webapp/demo_cases.py, from R02 to R06: the next step waits a year), and
one thread starting new cases, which the others drive too. A reply received (200, 201) is an
acknowledgement; a request without a reply (the server died under it) may have been committed or
not, and either is fine as long as the case is whole. Run with ``CRASH_SEED=<n>`` to repeat a
run: the seed chooses the kill points and is named on failure.
"""

from __future__ import annotations

import http.client
import os
import queue
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field, replace

import pytest
from recruitment_driver import STARTERS, UNIT_USERS
from server_process import ROOT, SECRET_KEY, ApiUser, ServerProcess
from test_concurrency import start_recruitment

from webapp import clock
from webapp.audit import verify_all
from webapp.cases.consistency import check_all_cases
from webapp.demo_cases import StepFacts, branch_facts, step_data
from webapp.extensions import db
from webapp.models import AuditEvent, Submission, User, WorkItem

CASES, CLIENTS, ROUNDS = 24, 6, 3
# The steps of a recruitment that can follow each other on one day; the next one (R07) waits a year.
DONE_ON_ONE_DAY = ("R02_initial_talk", "R03_designate_activist", "R04_file_activist", "R05_assign_mentors",
                   "R06_cultivation_review")
# After R06 the case waits for the year of cultivation (a timer of the definition): no next item.
WAITS_FOR_TIME_AFTER = ("R06_cultivation_review",)
# Acknowledged replies between one (re)start and the kill: drawn from this range each round.
ACKS_BEFORE_KILL = (4, 24)


@dataclass(frozen=True)
class Ack:
    """A request the server answered (200, or 201 for a start): it must survive any crash after it."""

    action: str  # "start", "claim" or "complete"
    case_id: int
    item_id: int  # the item claimed or completed; the first open item of a started case
    step_code: str
    username: str


class ServerGone(Exception):
    """The server is not there any more: the client stops."""


@dataclass
class Load:
    """Client threads that claim and complete the open items of ``open_items`` (case id → its open
    item), and one that starts new cases."""

    server: ServerProcess
    users: dict[int, ApiUser]  # unit id → the API user acting there
    starter: ApiUser  # starts cases in the branch of ``facts``
    facts: StepFacts
    open_items: dict[int, dict]
    acks: list[Ack] = field(default_factory=list)
    unanswered: list[tuple[str, int | None, int | None]] = field(default_factory=list)  # (action, case, item)
    unexpected: list[str] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self):
        self.lock = threading.Lock()
        self.todo: queue.Queue = queue.Queue()
        for case_id in self.open_items:
            self.todo.put(case_id)
        self.threads = [threading.Thread(target=self._client, daemon=True) for _ in range(CLIENTS)]
        self.threads.append(threading.Thread(target=self._start_cases, daemon=True))

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def join(self) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=60)

    def _client(self) -> None:
        try:
            while not self.stopped.is_set():
                try:
                    case_id = self.todo.get(timeout=0.1)
                except queue.Empty:
                    continue
                while self._step(case_id):  # one case after the other, as far as it goes today
                    pass
        except ServerGone:
            return

    def _start_cases(self) -> None:
        application = step_data("R01_submit_application", self.facts)
        body = {"process_key": "recruitment", "unit_id": self.facts.branch_id, "data": application}
        try:
            while not self.stopped.is_set():
                reply = self._send("start", None, None, self.starter, "/cases", body)
                if reply is None:
                    return
                case_id, (item,) = reply.json()["id"], reply.json()["open_work_items"]
                with self.lock:
                    self.acks.append(Ack("start", case_id, item["id"], "R01_submit_application", self.starter.username))
                    self.open_items[case_id] = item
                self.todo.put(case_id)
        except ServerGone:
            return

    def _step(self, case_id: int) -> bool:
        """Claim (every other case) and complete the case's open item; True while the case can go on."""
        item = self.open_items.get(case_id)
        if item is None or item["step_code"] not in DONE_ON_ONE_DAY:
            return False
        user = self.users[item["unit"]["id"]]
        if case_id % 2 and item["assignee"] is None:
            reply = self._send("claim", case_id, item, user, f"/work-items/{item['id']}/claim", {})
            if reply is None:
                return False
            item["assignee"] = reply.json()["assignee"]
        data = step_data(item["step_code"], self.facts)
        reply = self._send("complete", case_id, item, user, f"/work-items/{item['id']}/complete", {"data": data})
        next_items = reply.json()["next_work_items"] if reply is not None else []
        expected = 0 if item["step_code"] in WAITS_FOR_TIME_AFTER else 1
        if reply is not None and len(next_items) != expected:
            with self.lock:
                self.unexpected.append(f"case {case_id} after {item['step_code']}: next items {next_items}")
        if len(next_items) != 1:
            return False
        self.open_items[case_id] = next_items[0]
        return True

    def _send(self, action: str, case_id: int | None, item: dict | None, user: ApiUser, path: str, payload: dict):
        """The reply when it is acknowledged (200, 201 for a start); None when the case stops here."""
        step_code, item_id = (item["step_code"], item["id"]) if item else ("R01_submit_application", None)
        try:
            reply = user.post(path, payload, timeout=30)
        except ConnectionRefusedError as gone:  # killed before this request: it never reached it
            raise ServerGone() from gone
        except (OSError, http.client.HTTPException) as gone:  # killed while it served this request
            with self.lock:
                self.unanswered.append((action, case_id, item_id))
            raise ServerGone() from gone
        if action == "start" and reply.status == 201:
            return reply  # acknowledged by the caller, who reads the new case's id
        if reply.status == 200:
            with self.lock:
                self.acks.append(Ack(action, case_id, item_id, step_code, user.username))
            return reply
        with self.lock:
            self.unexpected.append(f"{action} {step_code} of case {case_id}: {reply.status} {reply.text[:300]}")
        return None

    def acknowledged(self) -> int:
        with self.lock:
            return len(self.acks)


@pytest.mark.server
@pytest.mark.crash
def test_killing_the_server_under_load_loses_no_acknowledged_change_and_leaves_no_case_half_written(
        app, demo, app_config, tmp_path):
    seed = int(os.environ.get("CRASH_SEED") or random.randrange(1 << 30))
    draw = random.Random(seed)
    database_url = app_config["SQLALCHEMY_DATABASE_URI"]
    for n in range(CASES):
        start_recruitment(app, demo, serial=100 + n)
    with app.app_context():
        facts = branch_facts(demo.unit_ids["branch1"], clock.today())
    server = ServerProcess(database_url, tmp_path / "gunicorn.log", workers=2, threads=4).start()
    users = {demo.unit_ids[unit]: ApiUser(server, username) for unit, username in UNIT_USERS.items()}
    starter = ApiUser(server, STARTERS["branch1"])
    acks, unanswered, report = [], [], []
    try:
        for round_no in range(1, ROUNDS + 1):
            load = Load(server, users, starter, replace(facts, today=clock.today()), open_items_of(app))
            load.start()
            kill_after = draw.randint(*ACKS_BEFORE_KILL)
            deadline = time.monotonic() + 30
            while load.acknowledged() < kill_after and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(draw.uniform(0, 0.03))  # somewhere inside a request, not just after a reply
            server.kill()
            load.join()
            acks += load.acks
            unanswered += load.unanswered
            server.start()  # restarted on the same database, as an operator (or systemd) would
            context = f"seed {seed}, round {round_no}"
            assert load.unexpected == [], context
            assert load.acknowledged() >= kill_after, f"{context}: the load ran out of work"
            check_database(app, acks, context)
            report.append(f"round {round_no}: killed after {load.acknowledged()} acknowledged, "
                          f"{len(load.unanswered)} unanswered ({committed(app, load.unanswered)} of them committed)")
        assert unanswered, f"seed {seed}: no kill fell inside a request"
        for command in (["audit", "verify"], ["cases", "check"]):
            result = flask_command(database_url, command)
            assert (result.returncode, result.stdout.strip()) == (0, "OK"), (seed, result.stdout, result.stderr)
    finally:
        server.kill()
    print(f"\ncrash test, seed {seed}: " + "; ".join(report))


def open_items_of(app) -> dict[int, dict]:
    """What the users see after the restart: each case's open item (its id, step, unit and assignee)."""
    with app.app_context():
        items = db.session.scalars(db.select(WorkItem).where(WorkItem.status == "open"))
        return {item.case_id: {"id": item.id, "step_code": item.step_code, "unit": {"id": item.unit_id},
                               "assignee": {"id": item.assignee_id} if item.assignee_id else None} for item in items}


def check_database(app, acks: list[Ack], context: str) -> None:
    with app.app_context():
        assert verify_all() is None, context
        assert check_all_cases() == [], context
        for ack in acks:
            item = db.session.get(WorkItem, ack.item_id)
            assignee = db.session.get(User, item.assignee_id) if item.assignee_id else None
            if ack.action == "start":
                assert item.case.started_by.username == ack.username, (context, ack)
            elif ack.action == "complete":
                assert item.status == "completed", (context, ack)
                assert item.completed_by.username == ack.username, (context, ack)
                assert db.session.scalar(db.select(db.func.count(Submission.id)).filter_by(work_item_id=item.id)) == 1
            else:
                assert assignee is not None and assignee.username == ack.username, (context, ack)
                assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(
                    case_id=ack.case_id, kind="claim", step_code=ack.step_code)) == 1, (context, ack)
        db.session.remove()


def committed(app, unanswered: list[tuple[str, int | None, int | None]]) -> int:
    """How many of the claims and completions the kill cut off had been committed before it."""
    with app.app_context():
        done = 0
        for action, _case_id, item_id in unanswered:
            if action == "start":  # its case id never came back
                continue
            item = db.session.get(WorkItem, item_id)
            done += item.status == "completed" if action == "complete" else item.assignee_id is not None
        db.session.remove()
        return done


def flask_command(database_url: str, args: list[str]) -> subprocess.CompletedProcess:
    """A command of `flask --app webapp` as an admin runs it on the server, in a process of its own."""
    env = {**os.environ, "PARTYFLOW_SQLALCHEMY_DATABASE_URI": database_url, "PARTYFLOW_SECRET_KEY": SECRET_KEY}
    return subprocess.run([sys.executable, "-m", "flask", "--app", "webapp", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
