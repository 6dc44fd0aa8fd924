"""Drive one recruitment case through the pages (发起, 待办 → 办理) as the demo users, with the answers
of webapp/demo_cases.py, and check which unit's 待办 holds each step (RULES.md §1.2, §3.2).

Plain functions over a small ``Scenario`` record; only the clock is patched (webapp.clock).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from webapp import clock
from webapp.cases import timer_worker
from webapp.cases.formkit import formdata_from_json
from webapp.demo_cases import StepFacts, case_facts, step_data
from webapp.extensions import db
from webapp.models import AuditEvent, Case, Member, WorkItem
from workflows.calendar import add_years, parse_date

# One user per unit that work may be routed to: each must see exactly its own unit's items.
UNIT_USERS = {
    "branch1": "branch1_secretary",
    "internal_gb": "internal_gb_secretary",
    "hospital": "hospital_org_member",
    "county_org_dept": "county_org_staff",
    "town_branch": "town_branch_secretary",
    "town": "town_org_member",
    "community": "community_secretary",
    "community_branch": "community_branch_secretary",
}
STARTERS = {"branch1": "branch1_org", "town_branch": "town_branch_secretary",
            "community_branch": "community_branch_secretary"}

# Where each level resolves for a branch: the branch, its deliberating unit (none for 城关镇机关党支部),
# the approving committee and the 组织部 that files the admission (R18).
ROUTES = {
    "branch1": {"branch": "branch1", "deliberation": "internal_gb", "committee": "hospital",
                "department": "county_org_dept"},
    "town_branch": {"branch": "town_branch", "deliberation": None, "committee": "town",
                    "department": "county_org_dept"},
    "community_branch": {"branch": "community_branch", "deliberation": "community", "committee": "town",
                         "department": "county_org_dept"},
}
LEVELS = {"R04": "committee", "R08": "committee", "R11": "committee", "R13": "committee", "R16": "committee",
          "R17": "committee", "R24": "committee", "R15b": "deliberation", "R23b": "deliberation",
          "R18": "department"}

MAIN_PATH = (
    "R02_initial_talk", "R03_designate_activist", "R04_file_activist", "R05_assign_mentors",
    "R06_cultivation_review", "R07_designate_candidate", "R08_file_candidate", "R09_assign_sponsors",
    "R10_political_review", "R11_intensive_training", "R12_committee_review", "R13_pre_review",
    "R14_fill_admission_form", "R15_assembly_admission_vote", "R15b_intermediate_deliberation",
    "R16_committee_talk", "R17_committee_approval", "R18_file_upper_department", "R19_assign_branch_group",
    "R20_oath", "R21_probation_review", "R22_regularization_application", "R23_assembly_regularization_vote",
    "R23b_intermediate_deliberation", "R24_committee_regularization_approval", "R25_archive_dossier",
)


class FakeClock:
    """webapp.clock moved forward by whole days (monkeypatched ``now`` and ``today``)."""

    def __init__(self, monkeypatch):
        self.start = datetime.now(clock.LOCAL_ZONE).replace(hour=10, minute=0, second=0, microsecond=0)
        self.offset = timedelta()
        monkeypatch.setattr(clock, "now", lambda: clock.as_utc(self.start + self.offset))
        monkeypatch.setattr(clock, "today", lambda: (self.start + self.offset).date())

    def move_to(self, day: date) -> None:
        assert day >= self.today, "time only moves forward"
        self.offset = timedelta(days=(day - self.start.date()).days)

    @property
    def today(self) -> date:
        return clock.today()


@dataclass
class Scenario:
    """One case of one branch, the logged-in clients of the demo users, the clock."""

    app: Any
    demo: Any
    login: Any
    clock: FakeClock
    branch: str = "branch1"
    case_id: int | None = None
    clients: dict[str, Any] = field(default_factory=dict)


def as_user(sc: Scenario, username: str):
    """A test client logged in as ``username`` through the login form (one per user, kept)."""
    if username not in sc.clients:
        client = sc.app.test_client()
        assert sc.login(client, username).status_code == 302, username
        sc.clients[username] = client
    return sc.clients[username]


def unit_of(sc: Scenario, step_code: str) -> str:
    """The unit (demo key) a step of the case's branch must be routed to."""
    return ROUTES[sc.branch][LEVELS.get(step_code.split("_", 1)[0], "branch")]


def open_items(sc: Scenario) -> list[tuple[int, str, int]]:
    """(id, step code, unit id) of the case's open work items."""
    with sc.app.app_context():
        rows = db.session.execute(db.select(WorkItem.id, WorkItem.step_code, WorkItem.unit_id)
                                  .filter_by(case_id=sc.case_id, status="open").order_by(WorkItem.id)).all()
    return [tuple(row) for row in rows]


def inbox_holders(sc: Scenario, item_id: int) -> list[str]:
    """The units whose user finds the item in 待办 (GET /inbox/)."""
    link = f'href="/inbox/{item_id}"'
    return [key for key, username in UNIT_USERS.items()
            if link in as_user(sc, username).get("/inbox/").get_data(as_text=True)]


def expect_step(sc: Scenario, step_code: str, check_inboxes: bool = True) -> int:
    """The case waits at ``step_code`` in the right unit and, read from the pages, in no other unit's 待办."""
    unit = unit_of(sc, step_code)
    items = open_items(sc)
    assert [(code, unit_id) for _, code, unit_id in items] == [(step_code, sc.demo.unit_ids[unit])], items
    if check_inboxes:
        assert inbox_holders(sc, items[0][0]) == [unit], step_code
    return items[0][0]


def answers(sc: Scenario, step_code: str, **overrides) -> dict[str, Any]:
    """The main-path answers of the step on the clock's today (demo_cases.step_data), changed by ``overrides``."""
    with sc.app.app_context():
        facts = case_facts(db.session.get(Case, sc.case_id), sc.clock.today)
    return step_data(step_code, facts, overrides)


def post_step(sc: Scenario, step_code: str, check_inboxes: bool = True, **overrides):
    """Submit the step's form (POST /inbox/<id>) as the routed unit's user; the response, whatever it is."""
    item_id = expect_step(sc, step_code, check_inboxes)
    data = formdata_from_json(answers(sc, step_code, **overrides))
    return as_user(sc, UNIT_USERS[unit_of(sc, step_code)]).post(f"/inbox/{item_id}", data=data)


def do_step(sc: Scenario, step_code: str, check_inboxes: bool = True, **overrides) -> None:
    response = post_step(sc, step_code, check_inboxes, **overrides)
    assert response.status_code == 302, (step_code, field_errors(response))


def start(sc: Scenario, branch: str = "branch1", **overrides) -> int:
    """发起: the application (R01) through the 发起 page, as the branch's 组织委员 or secretary."""
    sc.branch = branch
    unit_id = sc.demo.unit_ids[branch]
    data = step_data("R01_submit_application", StepFacts(today=sc.clock.today), overrides)
    response = as_user(sc, STARTERS[branch]).post(f"/cases/new?process=recruitment&unit={unit_id}",
                                                   data=formdata_from_json(data))
    assert response.status_code == 302, field_errors(response)
    sc.case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return sc.case_id


def variables(sc: Scenario) -> dict[str, Any]:
    with sc.app.app_context():
        return dict(db.session.get(Case, sc.case_id).variables)


def wait_for(sc: Scenario, step_code: str) -> None:
    """Let the time pass that the step needs: the case's timers (wait_for_timers), a year of cultivation
    (R07), the end of probation (R22)."""
    wait_for_timers(sc)
    facts = variables(sc)
    if step_code == "R07_designate_candidate":
        sc.clock.move_to(max(sc.clock.today, add_years(parse_date(facts["activist_date"]), 1)))
    if step_code == "R22_regularization_application":
        sc.clock.move_to(max(sc.clock.today, parse_date(facts["probation_end"])))


def wait_for_timers(sc: Scenario) -> None:
    """While the case waits for time alone (no open item: the year of cultivation, the end of
    probation), move the clock to the day its next timer is due and let the timer worker tick."""
    while not open_items(sc):
        with sc.app.app_context():
            due = db.session.get(Case, sc.case_id).next_timer_at
            assert due is not None, "the case waits for nothing"
            sc.clock.move_to(max(sc.clock.today, clock.as_utc(due).astimezone(clock.LOCAL_ZONE).date()))
            assert timer_worker.tick(clock.now()).fired >= 1


def drive(sc: Scenario, until: str, check_inboxes: bool = False) -> int:
    """Complete the main path from the waiting step up to ``until`` (not included), checking the 待办 of
    every unit only at ``until`` unless asked; the work item id of ``until``."""
    while True:
        wait_for_timers(sc)
        (_, waiting, _), *_ = open_items(sc)
        if waiting == until:
            return expect_step(sc, until)
        wait_for(sc, waiting)
        do_step(sc, waiting, check_inboxes)


def member(sc: Scenario) -> Member:
    """The case's subject as stored now (detached: read its columns only)."""
    with sc.app.app_context():
        return db.session.get(Case, sc.case_id).subject


def case_row(sc: Scenario) -> Case:
    with sc.app.app_context():
        return db.session.get(Case, sc.case_id)


def history_length(sc: Scenario) -> int:
    with sc.app.app_context():
        return db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(case_id=sc.case_id))


def case_page(sc: Scenario, username: str = "branch1_secretary") -> str:
    response = as_user(sc, username).get(f"/cases/{sc.case_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def field_errors(response) -> dict[str, list[str]]:
    """The refusals shown beside the fields of a page (``<p class="field-error" id="<field>-error">``)."""
    found: dict[str, list[str]] = {}
    for name, text in re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', response.get_data(True)):
        found.setdefault(name, []).append(text)
    return found


def audit_verifies(runner) -> bool:
    result = runner.invoke(args=["audit", "verify"])
    return result.exit_code == 0 and result.output.strip() == "OK"
