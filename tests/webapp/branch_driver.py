"""Drive the cases of 党支部设置 (set-up, change, dissolution) through the pages or through the JSON API, as
the demo users, and read which unit's 待办 holds each step (RULES.md §1.3: the branch or its superior
applies, the 基层党委 approves, the organisation department above it files).

One ``Flow`` per test; its ``channel`` ("web" or "api") decides how a case is started, how a step is
submitted and how an inbox is read, so that each scenario runs the same way through both. Only the clock
is patched (recruitment_driver.FakeClock).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from recruitment_driver import UNIT_USERS, FakeClock, as_user, open_items
from test_api_recruitment_scenario import API, Api

from webapp.cases import timer_worker
from webapp.cases.formkit import formdata_from_json
from webapp.demo_branch import answers
from webapp.extensions import db
from webapp.models import Case, Member, OrgUnit, Position

# One user per unit that work may reach: each must find exactly its own unit's items.
BRANCH_UNIT_USERS = {**UNIT_USERS, "joint_branch": "joint_secretary"}
CHANNELS = ("web", "api")


@dataclass
class Flow:
    """One case of 党支部设置, driven through ``channel`` by the demo users."""

    app: Any
    client: Any
    demo: Any
    login: Any
    clock: Any
    channel: str = "web"
    case_id: int | None = None
    clients: dict[str, Any] = field(default_factory=dict)
    api: Api | None = None

    def __post_init__(self):
        self.api = Api(self.client, self.demo)

    def unit_id(self, key: str) -> int:
        return self.demo.unit_ids[key]

    def as_user(self, username: str):
        """A page client logged in as ``username`` (one per user, kept)."""
        return as_user(self, username)


def new_flow(request, app, client, demo, login, monkeypatch) -> Flow:
    """A Flow on the demo, through the channel a test is parametrized with (``indirect=True``), else the pages:
    what each test module's ``flow`` fixture returns."""
    return Flow(app, client, demo, login, FakeClock(monkeypatch), channel=getattr(request, "param", "web"))


def start(flow: Flow, process: str, unit: str, data: dict[str, Any], username: str) -> int:
    """发起 ``process`` in the unit (a demo key or an id) as ``username``; the new case's id."""
    response = start_response(flow, process, unit, data, username)
    if flow.channel == "web":
        assert response.status_code == 302, page_errors(response)
        flow.case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    else:
        assert response.status_code == 201, response.json
        flow.case_id = response.json["id"]
    return flow.case_id


def start_response(flow: Flow, process: str, unit, data: dict[str, Any], username: str):
    unit_id = flow.unit_id(unit) if isinstance(unit, str) else unit
    if flow.channel == "web":
        return flow.as_user(username).post(f"/cases/new?process={process}&unit={unit_id}",
                                           data=formdata_from_json(data))
    return flow.client.post(f"{API}/cases", headers=flow.api.as_user(username),
                            json={"process_key": process, "unit_id": unit_id, "data": data})


def holders(flow: Flow, item_id: int) -> list[str]:
    """The units whose user finds the item in 待办 (the page, or GET /work-items)."""
    found = []
    for key, username in BRANCH_UNIT_USERS.items():
        if flow.channel == "web":
            inbox = flow.as_user(username).get("/inbox/").get_data(as_text=True)
            held = f'href="/inbox/{item_id}"' in inbox
        else:
            held = item_id in {item["id"] for item in flow.api.inbox(username)}
        if held:
            found.append(key)
    return found


def expect(flow: Flow, step_code: str, unit: str) -> int:
    """The case waits at ``step_code`` in ``unit`` only, and that unit's user, and nobody else, has it."""
    items = open_items(flow)
    assert [(code, unit_id) for _id, code, unit_id in items] == [(step_code, flow.unit_id(unit))], items
    assert holders(flow, items[0][0]) == [unit], step_code
    return items[0][0]


def submit(flow: Flow, step_code: str, unit: str, data: dict[str, Any]):
    """Submit the step's form as ``unit``'s user, after checking where it waits; the response."""
    item_id = expect(flow, step_code, unit)
    username = BRANCH_UNIT_USERS[unit]
    if flow.channel == "web":
        return flow.as_user(username).post(f"/inbox/{item_id}", data=formdata_from_json(data))
    return flow.client.post(f"{API}/work-items/{item_id}/complete", headers=flow.api.as_user(username),
                            json={"data": data})


def do(flow: Flow, step_code: str, unit: str, data: dict[str, Any] | None = None, **overrides) -> None:
    """Complete the step with ``data`` (or its main-path answers on today, changed by ``overrides``)."""
    response = submit(flow, step_code, unit, data or step(flow, step_code, **overrides))
    expected = 302 if flow.channel == "web" else 200
    assert response.status_code == expected, (step_code, refusals(flow, response))


def refused(flow: Flow, step_code: str, unit: str, data: dict[str, Any] | None = None, **overrides
            ) -> dict[str, list[str]]:
    """Submit a step the rules refuse: the messages by field (nothing of the case changed)."""
    response = submit(flow, step_code, unit, data or step(flow, step_code, **overrides))
    assert response.status_code == (422 if flow.channel == "web" else 400), response.status_code
    return refusals(flow, response)


def refusals(flow: Flow, response) -> dict[str, list[str]]:
    return page_errors(response) if flow.channel == "web" else (response.json or {}).get("errors", {})


def page_errors(response) -> dict[str, list[str]]:
    """The refusals beside the fields of a page, and those above the form (under "_form")."""
    html = response.get_data(as_text=True)
    found: dict[str, list[str]] = {}
    for name, text in re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', html):
        found.setdefault(name, []).append(text)
    block = re.search(r'<div class="form-errors" role="alert">(.*?)</div>', html, re.S)
    if block:
        found["_form"] = re.findall(r"<li>([^<]*)</li>", block.group(1))
    return found


def step(flow: Flow, step_code: str, **overrides) -> dict[str, Any]:
    """The step's main-path answers on the clock's day (webapp/demo_branch.py), changed by ``overrides``."""
    form_key = {"O01b_revise_request": "O01_submit_request", "O21b_revise_change": "O21_submit_change",
                "O11b_revise_proposal": "O11_propose_dissolution"}.get(step_code, step_code)
    return answers(form_key, flow.clock.today, **overrides)


def tick(flow: Flow) -> int:
    """The timer worker's tick at the clock's now; how many timers fired."""
    from webapp import clock

    with flow.app.app_context():
        return timer_worker.tick(clock.now()).fired


# ---------- what the organisation and the case look like ----------


def case_row(flow: Flow) -> Case:
    with flow.app.app_context():
        return db.session.get(Case, flow.case_id)


def unit_named(flow: Flow, name: str) -> OrgUnit | None:
    with flow.app.app_context():
        return db.session.scalar(db.select(OrgUnit).filter_by(name=name).order_by(OrgUnit.id.desc()).limit(1))


def unit(flow: Flow, unit_id: int) -> OrgUnit:
    with flow.app.app_context():
        return db.session.get(OrgUnit, unit_id)


def member_ids(flow: Flow, unit: str | int, stage: str | None = None) -> list[int]:
    """Ids of the people on a unit's roster (of one stage), oldest record first."""
    unit_id = flow.unit_id(unit) if isinstance(unit, str) else unit
    with flow.app.app_context():
        query = db.select(Member.id).filter_by(unit_id=unit_id).order_by(Member.id)
        return list(db.session.scalars(query.filter_by(stage=stage) if stage else query))


def member_without_position(flow: Flow, unit: str, count: int) -> list[int]:
    """Full members of the unit who hold no position anywhere and have no login: the ones to move."""
    with flow.app.app_context():
        from webapp.models import User

        with_login = set(db.session.scalars(db.select(User.member_id).where(User.member_id.is_not(None))))
        rows = db.session.scalars(db.select(Member).filter_by(unit_id=flow.unit_id(unit), stage="full_member",
                                                              in_good_standing=True).order_by(Member.id))
        return [m.id for m in rows if m.id not in with_login][:count]


def positions(flow: Flow, unit_id: int) -> list[tuple[int, str, Any]]:
    """(user id, role, ended on) of the positions held in a unit."""
    with flow.app.app_context():
        return [(p.user_id, p.role, p.ended_on) for p in db.session.scalars(
            db.select(Position).filter_by(unit_id=unit_id).order_by(Position.id))]
