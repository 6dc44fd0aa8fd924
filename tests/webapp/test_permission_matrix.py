"""Permission matrix (issue 3, point 8): every route of the app, as every role, on a case, a work item
and an organisation unit in the user's own unit, the unit above, a sibling unit and a unit below.

ROWS classifies every route (app.url_map) by who may use it: a route without a row fails the first
test. The roles, the units and the rules are in _permission_rules.py. Expected answers:
- allowed reading answers 200; allowed acting gets past the permission check: a redirect, or 400/409/422
  when the state or the deliberately empty form refuses it, so that the acts change nearly nothing;
- refused answers 403 or 404, for reading as for acting;
- anonymous pages lead to the login page, the API answers 401;
- no answer shows the applicants or members of a unit the user does not supervise, or a unit of another
  organisation; no full ID number appears outside the dossier and the API's case record, and there
  only to those who may read the case.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from _permission_rules import (
    NOTIFICATION_OWNER,
    POSITIONS,
    RELATIONS,
    ROLES,
    CaseFacts,
    ItemFacts,
    Role,
    Who,
    admin_only,
    away_recorders,
    case_readers,
    item_actors,
    item_readers,
    item_reassigners,
    logged_in,
    notification_owner,
    public,
    reads_case,
    supervises,
    supervision_urgers,
    unit_starters,
    unit_viewers,
)
from test_api import bearer

from webapp.cases import escalation
from webapp.demo import DEMO_PASSWORD, fake_id_number
from webapp.extensions import db
from webapp.models import Case, Member, Notification, OrgUnit, ProcessDefinition, SupervisionItem, User, WorkItem
from webapp.notifications.service import notify


@pytest.fixture
def app_config(app_config):
    # Hundreds of requests from one address post empty login forms: this test is about who may do what,
    # not about login throttling (test_security.py), which would lock the address after 20 failures.
    return {**app_config, "LOGIN_MAX_FAILURES": 10**6, "LOGIN_MAX_FAILURES_PER_ADDRESS": 10**6}


ORDINARY_MEMBER = "林伟"  # a full member of 内科第一党支部; the world gives him the login branch1_member
NEIGHBOUR = ("邻县县委", "邻县第一党支部", "欧阳明")  # another top-level organisation, its branch and member


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    path: str  # {id}: the subject's id; {definition}, {user}, {branch}, {notification}: fixed ids of the world
    access: Callable  # a rule of _permission_rules: (who, subject) → allowed
    subject: str | None = None  # "case", "item" or "unit": one request per relation
    form: dict | None = None
    json: Callable | dict | None = None
    data: bytes | None = None
    ok: frozenset | set = frozenset({200})  # the answers of an allowed request
    shows_id_numbers: bool = False  # may show full ID numbers, to those allowed

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


ACTED = {302, 409, 422}  # a page's act got past the permission check
CLAIMED = {200, 302, 409}  # 409: a colleague claimed it first
INVALID = {400}  # the API's answer to data that fails validation
ROWS = (
    Row("static", "GET", "/static/css/app.css", public),
    Row("auth.login", "GET", "/auth/login", public, ok={200, 302}),  # logged in: on to 工作台
    Row("auth.login", "POST", "/auth/login", public, form={"username": "nobody", "password": "x"}, ok={200, 302}),
    Row("auth.set_language", "POST", "/auth/language/zh_CN", public, ok={302}),
    Row("api.issue_token", "POST", "/api/v1/auth/token", public, json={"username": "nobody", "password": "x"},
        ok={401}),
    Row("api.openapi", "GET", "/api/v1/openapi.json", public),
    Row("home.index", "GET", "/", logged_in),
    Row("inbox.index", "GET", "/inbox/", logged_in),
    *(Row("inbox.index", "GET", f"/inbox/?tab={tab}", logged_in) for tab in ("done", "mine", "supervised")),
    Row("inbox.index", "GET", "/inbox/?tab=supervised&unit={id}", logged_in, "unit"),  # a filter is no key
    # the lists behind the numbers of 督办: a unit and every unit below it, the user's own items included
    Row("inbox.index", "GET", "/inbox/?tab=supervised&own=y&unit={id}&below=y", logged_in, "unit"),
    Row("inbox.index", "GET", "/inbox/?tab=supervised&own=y&overdue=y", logged_in),
    Row("cases.index", "GET", "/cases/", logged_in),
    Row("cases.index", "GET", "/cases/?unit={id}", logged_in, "unit"),
    Row("cases.new", "GET", "/cases/new", logged_in),
    Row("cases.new", "GET", "/cases/new?process=recruitment&unit={id}", unit_starters, "unit"),
    Row("cases.new", "POST", "/cases/new?process=recruitment&unit={id}", unit_starters, "unit", form={}, ok=ACTED),
    Row("members.index", "GET", "/members/", logged_in),
    Row("members.index", "GET", "/members/?unit={id}", logged_in, "unit"),
    Row("members.index", "GET", "/members/?stage=activist&waited=6to12m", logged_in),  # a bar of 督办's chart
    Row("members.away", "GET", "/members/{member}/away", away_recorders),
    Row("members.away", "POST", "/members/{member}/away", away_recorders, form={}, ok={422}),
    Row("orgs.index", "GET", "/orgs/", logged_in),
    Row("orgs.index", "GET", "/orgs/?view=chart", logged_in),  # 结构图
    Row("dashboard.index", "GET", "/dashboard/", logged_in),  # 督办: the units the user supervises, and no other
    Row("orgs.show", "GET", "/orgs/{id}", unit_viewers, "unit"),
    Row("orgs.save_term", "POST", "/orgs/{id}/term", admin_only, "unit", form={}, ok={422, 404}),
    Row("cases.show", "GET", "/cases/{id}", case_readers, "case"),
    Row("cases.diagram", "GET", "/cases/{id}/diagram.xml", case_readers, "case"),
    Row("cases.dossier", "GET", "/cases/{id}/dossier", case_readers, "case", shows_id_numbers=True),
    Row("cases.reroute", "POST", "/cases/{id}/reroute", admin_only, "case", ok={409}),  # none is in error
    Row("inbox.complete", "GET", "/inbox/{id}", item_readers, "item"),
    Row("inbox.complete", "POST", "/inbox/{id}", item_actors, "item", form={}, ok={422}),
    Row("inbox.claim", "POST", "/inbox/{id}/claim", item_actors, "item", ok=CLAIMED),
    Row("inbox.reassign", "GET", "/inbox/{id}/reassign", item_reassigners, "item"),
    Row("inbox.reassign", "POST", "/inbox/{id}/reassign", item_reassigners, "item", form={"assignee": "0"},
        ok={422}),
    Row("api.list_processes", "GET", "/api/v1/processes", logged_in),
    Row("api.list_org_units", "GET", "/api/v1/org-units", logged_in),
    Row("api.list_work_items", "GET", "/api/v1/work-items", logged_in),
    Row("api.list_work_items", "GET", "/api/v1/work-items?status=completed", logged_in),
    Row("api.get_case", "GET", "/api/v1/cases/{id}", case_readers, "case", shows_id_numbers=True),
    Row("api.start_case", "POST", "/api/v1/cases", unit_starters, "unit",
        json=lambda unit_id: {"process_key": "recruitment", "unit_id": unit_id, "data": {}}, ok=INVALID),
    Row("api.get_work_item", "GET", "/api/v1/work-items/{id}", item_readers, "item"),
    Row("api.claim_work_item", "POST", "/api/v1/work-items/{id}/claim", item_actors, "item", ok=CLAIMED),
    Row("api.complete_work_item", "POST", "/api/v1/work-items/{id}/complete", item_actors, "item",
        json={"data": {}}, ok=INVALID | {409}),
    Row("api.reassign_work_item", "POST", "/api/v1/work-items/{id}/reassign", item_reassigners, "item",
        json={"user_id": 0}, ok=INVALID),
    Row("api.publish_process", "POST", "/api/v1/processes/publish", admin_only, data=b"<x/>", ok={422}),
    Row("admin.index", "GET", "/admin/", admin_only),
    Row("admin.processes", "GET", "/admin/processes", admin_only),
    Row("admin.publish_process", "POST", "/admin/processes/publish", admin_only, form={}, ok={422}),
    Row("admin.process", "GET", "/admin/processes/{definition}", admin_only),
    Row("admin.process_bpmn", "GET", "/admin/processes/{definition}.bpmn", admin_only),
    Row("admin.lanes", "GET", "/admin/lanes", admin_only),
    Row("admin.lanes", "POST", "/admin/lanes", admin_only, form={"key": ""}, ok={422}),
    Row("admin.settings", "GET", "/admin/settings?unit={branch}", admin_only),
    Row("admin.save_setting", "POST", "/admin/settings", admin_only, form={"unit": "{branch}"}, ok={422}),
    Row("admin.users", "GET", "/admin/users", admin_only),
    Row("admin.user_positions", "GET", "/admin/users/{user}/positions", admin_only),
    Row("admin.user_positions", "POST", "/admin/users/{user}/positions", admin_only, form={}, ok={422}),
    Row("admin.user_email", "POST", "/admin/users/{user}/email", admin_only, form={"email": "x"}, ok={422}),
    Row("admin.new_account", "GET", "/admin/users/new", admin_only),
    Row("admin.new_account", "POST", "/admin/users/new?member=1", admin_only, form={}, ok={422}),
    Row("admin.events", "GET", "/admin/events", admin_only),
    Row("notifications.index", "GET", "/notifications/", logged_in),
    Row("notifications.index", "GET", "/notifications/?show=unread", logged_in),
    Row("notifications.open", "GET", "/notifications/{notification}/open", notification_owner, ok={302}),
    Row("notifications.read", "POST", "/notifications/{notification}/read", notification_owner, ok={302}),
    Row("notifications.read_all", "POST", "/notifications/read-all", logged_in, ok={302}),
    Row("supervision.index", "GET", "/supervision/", logged_in),
    Row("supervision.index", "GET", "/supervision/?show=done", logged_in),
    Row("supervision.urge", "POST", "/supervision/{supervision}/urge", supervision_urgers, ok={302}),
    Row("auth.logout", "POST", "/auth/logout", logged_in, ok={302}),  # each role's last request
)


def test_every_route_has_a_row_in_the_matrix(app):
    routes = {(rule.endpoint, method) for rule in app.url_map.iter_rules()
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    classified = {(row.endpoint, row.method) for row in ROWS}

    assert routes - classified == set(), "routes without a row in ROWS: classify them"
    assert classified - routes == set(), "rows of ROWS for routes that do not exist"


def test_each_role_reads_and_acts_only_where_the_rules_allow_and_sees_nothing_else(app, demo_with_cases, login):
    world = build_world(app, demo_with_cases)
    sessions = {role.name: open_session(app, role, login) for role in ROLES}
    reads = [row for row in ROWS if row.method == "GET"]
    acts = [row for row in ROWS if row.method != "GET" and row.endpoint != "auth.logout"]
    logouts = [row for row in ROWS if row.endpoint == "auth.logout"]

    findings = Findings()
    for rows in (reads, acts, logouts):  # every role reads before anyone acts: a claim changes the lists
        for role in ROLES:
            for row in rows:
                for relation, subject_id, subject in world.subjects(row, role):
                    check_request(findings, world, sessions[role.name], role, row, relation, subject_id, subject)

    assert findings.wrong_answers + findings.leaks == [], "\n".join(findings.wrong_answers + findings.leaks)
    assert findings.refused > 200 and findings.allowed > 200  # the matrix ran, with both answers
    # the look for leaks is not blind: supervisors do find the people of their units and below
    assert {("branch secretary", "郑海燕"), ("committee secretary", "金秀珍"), ("organisation officer", "范志远"),
            ("committee member", "孟思远"), ("admin", "彭建军")} <= findings.seen


# ---------- the world: the demo with its cases, an ordinary member and a neighbouring county ----------


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str | None
    unit: str | None  # demo unit key; None in the neighbouring county
    case: CaseFacts | None  # the case of which the person is the applicant
    has_login: bool  # position holders: their names are on the organisation pages of the whole tree


@dataclass
class World:
    unit_ids: dict[str, int]  # demo unit key → id
    cases: dict[str, CaseFacts]  # unit key → a case of the unit, or else one waiting there
    items: dict[str, ItemFacts]  # unit key → an open work item routed to the unit
    fixed: dict[str, int]  # the ids of {definition}, {user}, {branch} and {notification}
    who: dict[str, Who]  # username → Who
    people: list[Person]
    names: dict[int, str]  # unit id → name

    def subjects(self, row: Row, role: Role) -> list[tuple]:
        """(relation, id, subject) of each request of the row for this role."""
        if row.subject is None:
            return [(None, None, None)]
        found = []
        for relation in RELATIONS:
            unit = role.units[relation]
            subject = {"unit": unit, "case": self.cases.get(unit), "item": self.items.get(unit)}[row.subject]
            if subject is not None:
                found.append((relation, self.unit_ids[unit] if row.subject == "unit" else subject.id, subject))
        return found


def build_world(app, demo) -> World:
    with app.app_context():
        _add_ordinary_member()
        _add_neighbouring_county()
        db.session.commit()
        keys = {unit_id: key for key, unit_id in demo.unit_ids.items()}
        cases = {case.id: _case_facts(case, keys) for case in db.session.scalars(db.select(Case).order_by(Case.id))}
        items: dict[str, ItemFacts] = {}
        for item in db.session.scalars(db.select(WorkItem).filter_by(status="open").order_by(WorkItem.id)):
            unit = keys[item.unit_id]
            items.setdefault(unit, ItemFacts(item.id, unit, frozenset(item.position_list), cases[item.case_id]))
        by_unit: dict[str, CaseFacts] = {}
        for case in cases.values():
            by_unit.setdefault(case.unit, case)
        for unit, item in items.items():
            by_unit.setdefault(unit, item.case)
        users = db.session.scalars(db.select(User)).all()
        with_login = {user.member_id for user in users}
        applicants = {case.applicant: case for case in cases.values()}
        people = [Person(m.name, m.id_number, keys.get(m.unit_id), applicants.get(m.name), m.id in with_login)
                  for m in db.session.scalars(db.select(Member))]
        definition = db.session.scalar(db.select(ProcessDefinition.id).filter_by(process_key="recruitment"))
        notification = _add_notification(demo.user_ids[NOTIFICATION_OWNER], demo.unit_ids["branch1"])
        supervision = _add_supervision(demo.unit_ids["community_branch"])
        return World(
            unit_ids=demo.unit_ids, cases=by_unit, items=items,
            fixed={"definition": definition, "user": demo.user_ids["branch1_secretary"],
                   "branch": demo.unit_ids["branch1"], "notification": notification,
                   "supervision": supervision,
                   "member": db.session.scalar(db.select(Member.id).filter_by(name=ORDINARY_MEMBER))},
            who={u.username: Who(u.username, u.id, POSITIONS.get(u.username, frozenset())) for u in users},
            people=people, names=dict(db.session.execute(db.select(OrgUnit.id, OrgUnit.name)).all()),
        )


def _case_facts(case: Case, keys: dict[int, str]) -> CaseFacts:
    steps = tuple((keys[item.unit_id], frozenset(item.position_list)) for item in case.work_items)
    subject = case.subject.name if case.subject else None  # a case about a unit has no subject member
    return CaseFacts(case.id, keys[case.unit_id], case.started_by_id, steps, subject)


def _add_supervision(branch_id: int) -> int:
    """The branch's first item with a due date, overdue: the escalation ladder puts it before the unit above."""
    item = db.session.scalars(db.select(WorkItem).where(WorkItem.unit_id == branch_id, WorkItem.status == "open",
                                                        WorkItem.due_on.is_not(None)).order_by(WorkItem.id)).first()
    escalation.escalate_case(item.case_id, item.due_on + timedelta(days=1))
    db.session.commit()
    supervision = db.session.scalars(db.select(SupervisionItem).filter_by(work_item_id=item.id)).one()
    assert supervision.unit_id == db.session.scalar(db.select(OrgUnit.id).filter_by(name="东街社区党委"))
    return supervision.id


def _add_notification(user_id: int, unit_id: int) -> int:
    notify([db.session.get(User, user_id)], key="matrix", kind="test", message="任期提醒", link=f"/orgs/{unit_id}")
    db.session.commit()
    return db.session.scalar(db.select(Notification.id).filter_by(key="matrix"))


def _add_ordinary_member() -> None:
    member = db.session.scalar(db.select(Member).filter_by(name=ORDINARY_MEMBER))
    user = User(username="branch1_member", display_name=member.name, member=member)
    user.set_password(DEMO_PASSWORD)
    db.session.add(user)


def _add_neighbouring_county() -> None:
    county_name, branch_name, member_name = NEIGHBOUR
    county = OrgUnit(name=county_name, kind="county_committee")
    branch = OrgUnit(name=branch_name, kind="branch", parent=county)
    db.session.add_all([county, branch])
    db.session.flush()
    county.top_org_id = branch.top_org_id = county.id
    db.session.add(Member(name=member_name, id_number=fake_id_number(date(1990, 3, 4), True, 777), unit=branch,
                          top_org_id=county.id, stage="full_member"))


# ---------- one request: its answer, and what it shows ----------


@dataclass
class Findings:
    wrong_answers: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    allowed: int = 0
    refused: int = 0
    seen: set[tuple[str, str]] = field(default_factory=set)  # (role, name): people a role may see, and saw


@dataclass
class Session:
    client: object
    headers: dict[str, str]  # the API's bearer token; none when anonymous


def open_session(app, role: Role, login) -> Session:
    client = app.test_client()
    if role.username is None:
        return Session(client, {})
    assert login(client, role.username).status_code == 302, role.username
    return Session(client, bearer(client, role.username))


def check_request(findings: Findings, world: World, session: Session, role: Role, row: Row, relation: str | None,
                  subject_id: int | None, subject) -> None:
    path = row.path.format(id=subject_id, **world.fixed)
    response = _send(session, row, path, subject_id, world.fixed)
    where = f"{row.method} {path} ({row.endpoint}) as {role.name}"
    if relation is not None:
        where += f" on the {row.subject} of the {relation} unit ({world.names[world.unit_ids[role.units[relation]]]})"
    who = world.who[role.username] if role.username else None
    if who is None and row.access is not public:
        if row.is_api:
            expected, fits = "401", response.status_code == 401
        else:
            expected = "the login page"
            fits = response.status_code == 302 and "/auth/login" in response.headers.get("Location", "")
    elif row.access(who, subject):
        findings.allowed += 1
        expected, fits = "/".join(map(str, sorted(row.ok))), response.status_code in row.ok
    else:
        findings.refused += 1
        expected, fits = "403/404", response.status_code in (403, 404)
    if not fits:
        findings.wrong_answers.append(f"{where}: {response.status_code}, expected {expected}")
    # JSON escapes Chinese as \uXXXX: read it back as a client would.
    body = json.dumps(response.get_json(), ensure_ascii=False) if response.is_json else response.get_data(as_text=True)
    response.close()  # a static file stays open until then
    _look_for_leaks(findings, world, who, role, row, where, body)


def _send(session: Session, row: Row, path: str, subject_id: int | None, fixed: dict[str, int]):
    if row.method == "GET":
        return session.client.get(path, headers=session.headers if row.is_api else None)
    if row.data is not None:
        return session.client.post(path, headers=session.headers, data=row.data, content_type="application/xml")
    if row.is_api:
        body = row.json(subject_id) if callable(row.json) else row.json
        return session.client.post(path, headers=session.headers, json=body or {})
    form = {key: value.format(id=subject_id, **fixed) for key, value in (row.form or {}).items()}
    return session.client.post(path, data=form)


def _look_for_leaks(findings: Findings, world: World, who: Who | None, role: Role, row: Row, where: str,
                    body: str) -> None:
    for person in world.people:
        knows = who is not None and (supervises(who, person.unit) or (person.case and reads_case(who, person.case)))
        if person.name in body and not person.has_login:
            if knows:
                findings.seen.add((role.name, person.name))
            else:
                findings.leaks.append(f"{where} shows {person.name}, not a person of the user's units")
        if person.id_number and person.id_number in body and not (knows and row.shows_id_numbers):
            findings.leaks.append(f"{where} shows the full ID number of {person.name}")
    if who is None or not who.is_admin:
        findings.leaks.extend(f"{where} shows {name} of another organisation" for name in NEIGHBOUR[:2] if name in body)
