"""Drive an election case (换届选举, 补选) as the demo users, through the pages or through the JSON API, with
the answers of webapp/demo_election.py, and check which unit's 待办 holds each step (RULES.md §1.2 upper_org).

Plain functions over an ``Election`` record; ``via`` is "page" or "api". Only the clock is patched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from recruitment_driver import FakeClock, field_errors  # noqa: F401 (the scenario tests' clock and refusals)
from test_api_recruitment_scenario import API, Api
from test_api_recruitment_scenario import UNIT_USERS as RECRUITMENT_UNIT_USERS

from webapp.cases.formkit import formdata_from_json
from webapp.demo_election import case_election_facts, election_facts, election_step_data
from webapp.extensions import db
from webapp.models import Case, Member, Position, User, WorkItem

# One user per unit that an election's work may be routed to; each sees only its own unit's items: those of
# the recruitment scenarios, and the superiors of the other branches.
UNIT_USERS = {**RECRUITMENT_UNIT_USERS, "town": "town_org_member", "community_branch": "community_branch_secretary",
              "community": "community_secretary"}
# The unit that holds the election, and its direct superior (upper_org: 批复, 审查, 审批).
UPPER = {"branch1": "internal_gb", "town_branch": "town", "community_branch": "community", "internal_gb": "hospital",
         "joint_branch": "internal_gb"}
UPPER_STEPS = ("E03", "E04b", "E07b", "B02b", "B05b", "P02")
STARTERS = {"branch1": "branch1_org", "town_branch": "town_branch_secretary", "internal_gb": "internal_gb_secretary",
            "community_branch": "community_branch_secretary", "joint_branch": "joint_secretary"}
# The start form of each procedure of the election family.
START_STEPS = {"term_election": "E02_prepare", "by_election": "B01_register_vacancy",
               "election_postponement": "P01_request_shift"}


@dataclass
class Election:
    """One election case of one unit, the clients (or API tokens) of the demo users, the clock."""

    app: Any
    demo: Any
    login: Any
    clock: Any
    via: str = "page"
    unit: str = "branch1"
    process: str = "term_election"
    case_id: int | None = None
    clients: dict[str, Any] = field(default_factory=dict)
    api: Any = None
    users: dict[str, str] = field(default_factory=lambda: dict(UNIT_USERS))

    def __post_init__(self):
        if self.api is None:
            self.api = Api(self.app.test_client(), self.demo)


def as_user(run: Election, username: str):
    """A test client logged in as ``username`` through the login form (one per user, kept)."""
    if username not in run.clients:
        client = run.app.test_client()
        assert run.login(client, username).status_code == 302, username
        run.clients[username] = client
    return run.clients[username]


def unit_of(run: Election, step_code: str) -> str:
    return UPPER[run.unit] if step_code.split("_", 1)[0] in UPPER_STEPS else run.unit


def open_items(run: Election) -> list[tuple[int, str, int]]:
    with run.app.app_context():
        rows = db.session.execute(db.select(WorkItem.id, WorkItem.step_code, WorkItem.unit_id)
                                  .filter_by(case_id=run.case_id, status="open").order_by(WorkItem.id)).all()
    return [tuple(row) for row in rows]


def holders(run: Election, item_id: int) -> list[str]:
    """The units whose user finds the item in 待办 (the page's /inbox/, or the API's /work-items)."""
    if run.via == "api":
        return [key for key, username in run.users.items() if item_id in {i["id"] for i in run.api.inbox(username)}]
    link = f'href="/inbox/{item_id}"'
    return [key for key, username in run.users.items()
            if link in as_user(run, username).get("/inbox/").get_data(as_text=True)]


def expect(run: Election, step_code: str, check_inboxes: bool = True) -> int:
    """The case waits at ``step_code`` in its unit and, read from the pages or the API, in no other unit's 待办."""
    unit = unit_of(run, step_code)
    items = open_items(run)
    assert [(code, unit_id) for _, code, unit_id in items] == [(step_code, run.demo.unit_ids[unit])], items
    if check_inboxes:
        assert holders(run, items[0][0]) == [unit], step_code
    return items[0][0]


def officer_username(run: Election, key: str) -> str:
    """The username of someone who holds the 书记, 副书记 or 组织委员 post of the unit today (after a new
    committee took office, the unit's work goes to its new officers)."""
    with run.app.app_context():
        holders = db.session.scalars(db.select(User.username).join(Position, Position.user_id == User.id).where(
            Position.unit_id == run.demo.unit_ids[key],
            Position.role.in_(("secretary", "deputy_secretary", "org_member")),
            Position.started_on <= run.clock.today,
            (Position.ended_on.is_(None)) | (Position.ended_on >= run.clock.today)).order_by(Position.id)).all()
    assert holders, f"nobody acts for {key}"
    return holders[0]


def variables(run: Election) -> dict[str, Any]:
    with run.app.app_context():
        return dict(db.session.get(Case, run.case_id).variables)


def member_id(run: Election, name: str) -> int:
    with run.app.app_context():
        return db.session.scalars(db.select(Member.id).filter_by(name=name)).one()


def answers(run: Election, step_code: str, **overrides) -> dict[str, Any]:
    """The main-path answers of the step on the clock's today, changed by ``overrides``; vote counts given as
    {member id: count} become the list in the ballot's order that the form takes."""
    with run.app.app_context():
        if run.case_id is None:
            facts = election_facts(run.demo.unit_ids[run.unit], run.clock.today)
        else:
            facts = case_election_facts(db.session.get(Case, run.case_id), run.clock.today)
    if isinstance(overrides.get("votes"), dict):
        order = facts.variables.get("ballot_candidate_ids") or []
        overrides["votes"] = [overrides["votes"].get(int(c), 0) for c in order]
    return election_step_data(step_code, facts, overrides)


def start(run: Election, starter: str | None = None, **overrides):
    """发起: the start form (E02 or B01) as the unit's officer; the response, whatever it is."""
    start_code = START_STEPS[run.process]
    data, unit_id = answers(run, start_code, **overrides), run.demo.unit_ids[run.unit]
    username = starter or STARTERS[run.unit]
    if run.via == "api":
        response = run.api.client.post(f"{API}/cases", headers=run.api.as_user(username), json={
            "process_key": run.process, "unit_id": unit_id, "data": data})
        if response.status_code == 201:
            run.case_id = response.json["id"]
        return response
    response = as_user(run, username).post(f"/cases/new?process={run.process}&unit={unit_id}",
                                           data=formdata_from_json(data))
    if response.status_code == 302:
        run.case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return response


def started(run: Election, **overrides) -> int:
    response = start(run, **overrides)
    assert response.status_code in (201, 302), refusals(run, response)
    return run.case_id


def post(run: Election, step_code: str, check_inboxes: bool = True, username: str | None = None, **overrides):
    """Submit the step's form as the routed unit's user (or ``username``); the response, whatever it is."""
    item_id = expect(run, step_code, check_inboxes)
    data = answers(run, step_code, **overrides)
    user = username or run.users[unit_of(run, step_code)]
    if run.via == "api":
        return run.api.client.post(f"{API}/work-items/{item_id}/complete", headers=run.api.as_user(user),
                                   json={"data": data})
    return as_user(run, user).post(f"/inbox/{item_id}", data=formdata_from_json(data))


def do(run: Election, step_code: str, check_inboxes: bool = True, **overrides) -> None:
    response = post(run, step_code, check_inboxes, **overrides)
    assert response.status_code in (200, 302), (step_code, refusals(run, response))


def refusals(run: Election, response) -> dict[str, list[str]]:
    """The refusals by field: beside the fields of the page, or in the API's 422 body."""
    if run.via == "api":
        return (response.json or {}).get("errors", response.json)
    return field_errors(response) | ({"_form": _form_errors(response)} if _form_errors(response) else {})


def _form_errors(response) -> list[str]:
    import re

    block = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', response.get_data(True), re.S)
    return re.findall(r"<li>([^<]*)</li>", block.group(1)) if block else []


def drive(run: Election, path: list[str], check_inboxes: bool = False) -> None:
    """Complete the steps of ``path`` in order with the main-path answers."""
    for step_code in path:
        do(run, step_code, check_inboxes)


MAIN_PATH = ["E03_request_approval", "E04_nominate", "E04b_review_shortlist", "E05_assembly_election",
             "E06_elect_officers", "E07_report_results", "E07b_approve_results", "E08_handover_archive"]
NO_COMMITTEE_PATH = ["E03_request_approval", "E04_nominate", "E04b_review_shortlist",
                     "E06b_assembly_elect_officers", "E07_report_results", "E07b_approve_results",
                     "E08_handover_archive"]
