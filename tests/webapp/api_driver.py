"""Drive one recruitment case through the JSON API (/api/v1) as the demo users, with the answers of
webapp/demo_cases.py, and check through GET /api/v1/work-items which unit's user holds each step.

The routing (ROUTES, LEVELS, unit_of), the clock and the answers come from recruitment_driver, the
bearer tokens and the inbox from test_api_recruitment_scenario; only the requests are the API's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from recruitment_driver import STARTERS, UNIT_USERS, Scenario, answers, unit_of, wait_for, wait_for_timers
from test_api_recruitment_scenario import API, Api

from webapp.demo_cases import StepFacts, step_data


@dataclass
class ApiScenario(Scenario):
    """A recruitment Scenario whose steps go through the API (``api``: tokens and inbox per user)."""

    api: Any = None
    next_items: list[dict] = field(default_factory=list)  # the case's open items after the last request


def api_scenario(app, client, demo, fake_clock) -> ApiScenario:
    return ApiScenario(app, demo, None, fake_clock, api=Api(client, demo))


def start(sc: ApiScenario, branch: str = "branch1") -> int:
    """POST /cases: the application (R01) as the branch's 组织委员 or secretary."""
    sc.branch = branch
    data = step_data("R01_submit_application", StepFacts(today=sc.clock.today))
    response = sc.api.client.post(f"{API}/cases", headers=sc.api.as_user(STARTERS[branch]), json={
        "process_key": "recruitment", "unit_id": sc.demo.unit_ids[branch], "data": data})
    assert response.status_code == 201, response.json
    sc.case_id, sc.next_items = response.json["id"], response.json["open_work_items"]
    return sc.case_id


def case(sc: ApiScenario, username: str = "branch1_secretary") -> dict[str, Any]:
    """GET /cases/<id>: the case with its subject, variables, open items and history."""
    response = sc.api.client.get(f"{API}/cases/{sc.case_id}", headers=sc.api.as_user(username))
    assert response.status_code == 200, response.json
    return response.json


def holders(sc: ApiScenario, item_id: int) -> list[str]:
    """The units whose user finds the item in GET /work-items."""
    return [key for key, username in UNIT_USERS.items() if item_id in {i["id"] for i in sc.api.inbox(username)}]


def case_holders(sc: ApiScenario) -> list[str]:
    """The units whose user finds any open item of the case in GET /work-items."""
    return [key for key, username in UNIT_USERS.items()
            if any(i["case"]["id"] == sc.case_id for i in sc.api.inbox(username))]


def expect(sc: ApiScenario, step_code: str, check_inboxes: bool = True) -> int:
    """The case waits (GET /cases/<id>) at ``step_code`` in its routed unit only, and that unit's user,
    and no other, has it in GET /work-items; the item's id."""
    unit = unit_of(sc, step_code)
    items = case(sc)["open_work_items"]
    assert [(i["step_code"], i["unit"]["id"]) for i in items] == [(step_code, sc.demo.unit_ids[unit])], items
    if check_inboxes:
        assert holders(sc, items[0]["id"]) == [unit], step_code
    return items[0]["id"]


def post(sc: ApiScenario, step_code: str, check_inboxes: bool = True, **overrides):
    """POST /work-items/<id>/complete with the step's main-path answers changed by ``overrides``, as the
    routed unit's user; the response, whatever it is."""
    item_id = expect(sc, step_code, check_inboxes)
    response = sc.api.client.post(f"{API}/work-items/{item_id}/complete",
                                  headers=sc.api.as_user(UNIT_USERS[unit_of(sc, step_code)]),
                                  json={"data": answers(sc, step_code, **overrides)})
    if response.status_code == 200:
        sc.next_items = response.json["next_work_items"]
    return response


def do(sc: ApiScenario, step_code: str, check_inboxes: bool = False, **overrides) -> dict[str, Any]:
    response = post(sc, step_code, check_inboxes, **overrides)
    assert response.status_code == 200, (step_code, response.json)
    return response.json


def drive(sc: ApiScenario, until: str) -> int:
    """Complete the main path up to ``until`` (not included), following each response's next_work_items;
    checks every unit's inbox at ``until``; the work item id of ``until``."""
    while (waiting := next_step(sc)) != until:
        wait_for(sc, waiting)
        do(sc, waiting)
    return expect(sc, until)


def next_step(sc: ApiScenario) -> str:
    """The step the case waits at, once the time it waits for alone has passed (wait_for_timers)."""
    if not sc.next_items:
        wait_for_timers(sc)
        sc.next_items = case(sc)["open_work_items"]
    return sc.next_items[0]["step_code"]
