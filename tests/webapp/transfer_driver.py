"""Drive one 组织关系转接 case through the pages (发起, 待办 → 办理) or the JSON API (/api/v1), as the demo
users, with the answers of webapp/demo_transfer.py, and check which unit's 待办 holds each step — on the
sending side and on the receiving side.

``Transfer(mode="web" | "api")``: the same calls either way; only the clock is patched (webapp.clock).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from webapp import clock
from webapp.cases import timer_worker
from webapp.cases.formkit import formdata_from_json
from webapp.demo import DEMO_PASSWORD
from webapp.demo_transfer import transfer_answers
from webapp.extensions import db
from webapp.models import Case, Member, TransferLetter, WorkItem

API = "/api/v1"

# One user per unit work may be routed to (sending and receiving sides): each must see exactly its items.
UNIT_USERS = {
    "branch1": "branch1_secretary",
    "joint_branch": "joint_secretary",
    "internal_gb": "internal_gb_secretary",
    "hospital": "hospital_org_member",
    "county_org_dept": "county_org_staff",
    "town_branch": "town_branch_secretary",
    "town": "town_org_member",
    "community_branch": "community_branch_secretary",
}


@dataclass
class Transfer:
    app: Any
    demo: Any
    mode: str
    case_id: int | None = None
    member_id: int | None = None
    clients: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, dict[str, str]] = field(default_factory=dict)

    # ---------- users ----------

    def client(self, username: str):
        if username not in self.clients:
            client = self.app.test_client()
            if self.mode == "web":
                response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
                assert response.status_code == 302, username
            self.clients[username] = client
        return self.clients[username]

    def headers(self, username: str) -> dict[str, str]:
        if username not in self.tokens:
            response = self.client(username).post(f"{API}/auth/token",
                                                  json={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.json
            self.tokens[username] = {"Authorization": f"Bearer {response.json['token']}"}
        return self.tokens[username]

    # ---------- the case ----------

    def member(self, name: str, branch: str = "branch1") -> int:
        with self.app.app_context():
            return db.session.scalars(db.select(Member.id).filter_by(
                name=name, unit_id=self.demo.unit_ids[branch])).one()

    def start(self, name: str, branch: str = "branch1", receiving: str | None = "town", **overrides):
        """发起 as the branch's secretary: the response (302/201 when the case started)."""
        self.member_id = self.member(name, branch)
        data = transfer_answers("T01_request", clock.today(), {
            "member_id": self.member_id,
            "receiving_unit_id": self.demo.unit_ids[receiving] if receiving else None, **overrides})
        unit_id, username = self.demo.unit_ids[branch], UNIT_USERS[branch]
        if self.mode == "web":
            response = self.client(username).post(f"/cases/new?process=membership_transfer&unit={unit_id}",
                                                  data=formdata_from_json(data))
            if response.status_code == 302:
                self.case_id = int(response.headers["Location"].rsplit("/", 1)[1])
        else:
            response = self.client(username).post(f"{API}/cases", headers=self.headers(username), json={
                "process_key": "membership_transfer", "unit_id": unit_id, "data": data})
            if response.status_code == 201:
                self.case_id = response.json["id"]
        return response

    def open_items(self) -> list[tuple[int, str, str]]:
        """(id, step code, unit key) of the case's open work items."""
        keys = {unit_id: key for key, unit_id in self.demo.unit_ids.items()}
        with self.app.app_context():
            rows = db.session.execute(db.select(WorkItem.id, WorkItem.step_code, WorkItem.unit_id)
                                      .filter_by(case_id=self.case_id, status="open").order_by(WorkItem.id)).all()
        return [(row.id, row.step_code, keys.get(row.unit_id, row.unit_id)) for row in rows]

    def holders(self, item_id: int) -> list[str]:
        """The units whose user finds the item in 待办 (the page, or GET /work-items)."""
        found = []
        for key, username in UNIT_USERS.items():
            if self.mode == "web":
                seen = f'href="/inbox/{item_id}"' in self.client(username).get("/inbox/").get_data(as_text=True)
            else:
                response = self.client(username).get(f"{API}/work-items?per_page=100", headers=self.headers(username))
                seen = item_id in {item["id"] for item in response.json["items"]}
            if seen:
                found.append(key)
        return found

    def expect(self, *steps: tuple[str, str]) -> dict[str, int]:
        """The case waits at exactly these (step, unit key) and each item is in that unit's 待办 only;
        the items' ids by step code."""
        items = self.open_items()
        assert sorted((code, unit) for _, code, unit in items) == sorted(steps), items
        for item_id, code, unit in items:
            assert self.holders(item_id) == [unit], (code, unit)
        return {code: item_id for item_id, code, _unit in items}

    def post(self, step_code: str, unit: str, **overrides):
        """Submit the step's form as the unit's user: the response, whatever it is."""
        item_id = next(i for i, code, key in self.open_items() if code == step_code and key == unit)
        data = transfer_answers(step_code, clock.today(), overrides)
        username = UNIT_USERS[unit]
        if self.mode == "web":
            return self.client(username).post(f"/inbox/{item_id}", data=formdata_from_json(data))
        return self.client(username).post(f"{API}/work-items/{item_id}/complete", headers=self.headers(username),
                                          json={"data": data})

    def do(self, step_code: str, unit: str, **overrides) -> None:
        response = self.post(step_code, unit, **overrides)
        assert response.status_code in (200, 302), (step_code, self.errors(response))

    def errors(self, response) -> dict[str, list[str]]:
        """The refusals beside the fields (page) or under ``errors`` (API)."""
        if self.mode == "api":
            return (response.json or {}).get("errors", {})
        found: dict[str, list[str]] = {}
        page = response.get_data(as_text=True)
        for name, text in re.findall(r'<p class="field-error" id="([\w-]+)-error">([^<]*)</p>', page):
            found.setdefault(name, []).append(text)
        return found

    def refused(self, response) -> bool:
        return response.status_code == (400 if self.mode == "api" else 422)

    # ---------- what it changed ----------

    def case(self) -> Case:
        with self.app.app_context():
            case = db.session.get(Case, self.case_id)
            db.session.expunge(case)
            return case

    def member_row(self) -> Member:
        with self.app.app_context():
            member = db.session.get(Member, self.member_id)
            db.session.expunge(member)
            return member

    def letters(self) -> list[tuple[str, str]]:
        """(number, status) of the case's letters, in issue order."""
        with self.app.app_context():
            return [tuple(row) for row in db.session.execute(
                db.select(TransferLetter.number, TransferLetter.status).filter_by(case_id=self.case_id)
                .order_by(TransferLetter.id)).all()]


def tick(app) -> int:
    """The timer worker's tick at the app's (fake) clock; how many timers fired."""
    with app.app_context():
        return timer_worker.tick(clock.now()).fired
