"""The page forms fuzzed with hypothesis: log in, start a case, do a step, a rule setting, publish.

Each post starts from good answers (or none) and spoils some fields: any text (control characters,
NUL, every script, markup), huge text, a list where one value is expected, a missing field, unknown
keys, numbers at the edges, dates out of range; publish gets random bytes and broken BPMN. The
page must never answer 5xx nor reach the handler of unexpected errors; a refused post is answered
with the form again (200/400/413/422) with a Chinese message beside the field or above the form,
and leaves the database as it was (cases, submissions, work items, audit and admin events, rule
settings, definitions counted before and after).

PARTYFLOW_FUZZ_EXAMPLES sets the number of posts per form (default 25).
"""

from __future__ import annotations

import io
import os
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from test_api import applicant
from werkzeug.datastructures import MultiDict

from webapp import clock, permissions
from webapp.cases import operations
from webapp.demo import DEMO_PASSWORD
from webapp.demo_branch import answers as branch_answers
from webapp.demo_cases import case_facts, step_data
from webapp.demo_election import case_election_facts, election_step_data
from webapp.demo_transfer import transfer_answers
from webapp.extensions import db
from webapp.forms import FORMS, describe_fields
from webapp.models import (
    AdminEvent,
    AuditEvent,
    Case,
    Member,
    ProcessDefinition,
    RuleOverride,
    Submission,
    User,
    WorkItem,
)
from workflows.settings import RECRUITMENT_SETTINGS

# The huge values make hypothesis warn about the size of a failing example's repr: not an error here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")
EXAMPLES = int(os.environ.get("PARTYFLOW_FUZZ_EXAMPLES", "25"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])
# What a refused form is answered with; 413 when the post is over the 2 MB limit.
REFUSED = (200, 400, 413, 422)
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MESSAGE = re.compile(r'class="(?:field-error|form-errors)[^"]*"[^>]*>(.*?)</(?:p|div)>', re.S)
# A post refused as a whole (400: e.g. a NUL in a field) gets the error page: its message in Chinese.
ERROR_PAGE = re.compile(r'class="card error-page".*?<h1>(.*?)</h1>\s*<p>(.*?)</p>', re.S)
WRITTEN = (Case, Submission, WorkItem, AuditEvent, AdminEvent, RuleOverride, ProcessDefinition, Member, User)
RECRUITMENT_BPMN = (Path(__file__).parents[2] / "bpmn" / "recruitment.bpmn").read_bytes()

# ---------- hostile values ----------

EDGE_TEXT = st.sampled_from([
    "", " ", "\x00", "a\x00b", "\x1b[31m", "\r\n", "\t", "\u202e", "\ufeff", "𠜎𠜱", "<script>alert(1)</script>",
    "{{ 7*7 }}", "%(name)s", "%s%s%n", "'; DROP TABLE cases; --", "../../etc/passwd", "null", "None", "[]", "{}",
    "typename", "__class__", "y", "on", "true", "false",
])
EDGE_NUMBERS = st.sampled_from([
    "-1", "0", "1", "100000", "100001", "2147483647", "2147483648", "9223372036854775808", "9" * 40, "-0",
    "1e308", "1e309", "NaN", "inf", "-inf", "1.5", "0x10", "١٢", "²", "1_000",
])
EDGE_DATES = st.sampled_from([
    "0001-01-01", "0001-12-31", "9999-12-31", "9990-06-15", "0000-00-00", "2024-02-30", "2023-02-29",
    "10000-01-01", "-2024-01-01", "1899-12-31", "1900-01-01", "2100-12-31", "2101-01-01", "2024-13-01",
    "2024-1-1", "20240101", "2024-01-01T00:00:00",
])
HUGE_TEXT = st.sampled_from(["长" * 5001, "x" * 100_001, "\x01\x7f" * 1000])
# NUL is refused before any form sees it (webapp/nul_guard.py): rare here, so that the forms are fuzzed.
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)
# The far ends of the calendar, where adding or taking years overflows.
DATES = st.one_of(EDGE_DATES, st.dates(min_value=date(9980, 1, 1)), st.dates(max_value=date(20, 12, 31)),
                  st.dates()).map(str)
TYPED = st.integers(0, 3).map(bool)  # three times in four: a date where the form expects a date
NUMBERS = st.one_of(EDGE_NUMBERS, st.integers().map(str))
VALUE = st.one_of(TEXT, EDGE_TEXT, NUMBERS, DATES, HUGE_TEXT)
# No value (the field is missing), one, or several where the form expects one.
VALUES = st.lists(VALUE, max_size=3)
UNKNOWN_KEYS = st.dictionaries(st.one_of(st.text(min_size=1, max_size=12), EDGE_TEXT.filter(bool)), VALUE,
                               max_size=3)


def spoiled(good: dict, field_types: dict[str, str]):
    """``good`` (a field → value or list of values) with some fields spoiled or dropped and unknown keys added,
    as the pairs of a form post; ``field_types``: the form's fields and their types (describe_fields)."""

    @st.composite
    def build(draw):
        data = {name: value if isinstance(value, list) else [value] for name, value in good.items()}
        data = {name: ["y" if v is True else "" if v is False else str(v) for v in values]
                for name, values in data.items()}
        names = sorted(set(field_types) | set(data))
        # Field positions drawn as plain numbers: the same draws whatever the form (hypothesis replays them).
        # Dates and numbers more often where the form expects them (drawn always, used by type).
        for position in draw(st.lists(st.integers(0, 99), min_size=1, max_size=4)):
            name = names[position % len(names)]
            values, a_date, a_number, typed = draw(VALUES), draw(DATES), draw(NUMBERS), draw(TYPED)
            typed_value = {"date": a_date, "integer": a_number}.get(field_types.get(name))
            data[name] = [typed_value] if typed and typed_value is not None else values
        for name, value in draw(UNKNOWN_KEYS).items():
            data.setdefault(name, []).append(value)
        return MultiDict([(name, value) for name, values in data.items() for value in values])

    return build()


def field_types(form_key: str) -> dict[str, str]:
    return {field["name"]: field["type"] for field in describe_fields(FORMS[form_key])}


# ---------- what the checks read ----------


@pytest.fixture
def app_config(app_config):
    # Every hypothesis example of the login form is a failed login from one address: the throttle
    # (test_security.py) would lock it after 20 and write the lock to the admin log. Here the subject
    # is what the form handler does with the input, not the throttle.
    return {**app_config, "LOGIN_MAX_FAILURES": 10**6, "LOGIN_MAX_FAILURES_PER_ADDRESS": 10**6}


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {model.__name__: db.session.scalar(db.select(db.func.count()).select_from(model)) for model in WRITTEN}


def check_answer(app, response, before: dict[str, int], app_errors, accepted: bool) -> None:
    """No 5xx, nothing logged as an error; a refusal shows a Chinese message and changed nothing."""
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics tells how many posts got through
    assert response.status_code < 500, response.text[:2000]
    assert not app_errors, [record.getMessage() for record in app_errors]
    if accepted:
        return
    assert response.status_code in REFUSED, response.status_code
    if response.status_code == 400:
        page = ERROR_PAGE.search(response.text)
        assert page and all(CHINESE.search(part) for part in page.groups()), response.text[:3000]
    elif response.status_code != 413:
        messages = MESSAGE.findall(response.text)
        assert messages and all(CHINESE.search(m) for m in messages), response.text[:3000]
    assert counts(app) == before


def logged_in(app, username: str):
    client = app.test_client()
    response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    return client


# ---------- the forms ----------


@FUZZ
@given(username=VALUES, password=VALUES, extra=UNKNOWN_KEYS)
def test_login_form(app, client, demo, app_errors, username, password, extra):
    data = MultiDict([("username", v) for v in username] + [("password", v) for v in password] + list(extra.items()))
    before = counts(app)
    response = client.post("/auth/login", data=data)
    if response.status_code == 302:  # some demo user's name and password, by chance
        client.post("/auth/logout")
    check_answer(app, response, before, app_errors, accepted=response.status_code == 302)


@pytest.fixture
def secretary(app, demo):
    return logged_in(app, "branch1_secretary")


@FUZZ
@given(data=st.data())
def test_start_case_form(app, demo, secretary, app_errors, data):
    fields = field_types("R01_submit_application")
    post = data.draw(spoiled(applicant(), fields), label="post")
    before = counts(app)
    response = secretary.post(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}", data=post)
    check_answer(app, response, before, app_errors, accepted=response.status_code == 302)


@pytest.fixture
def demo_case_ids(app, demo_with_cases) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(db.select(Case.id).order_by(Case.id)))


@pytest.fixture
def step_of(app):
    """``step_of(case_id)``: (item id, logged-in client of a user who may do it, good answers, the form's
    fields) of the case's open work item; None when the case waits for nothing (it ran to its end)."""
    clients: dict[str, object] = {}

    def doer(item: WorkItem) -> str:
        users = db.session.scalars(db.select(User).filter_by(is_enabled=True).order_by(User.id))
        return next(u.username for u in users if permissions.can_act(u, item))

    def open_item(case_id: int) -> WorkItem | None:
        return db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id, status="open")
                                  .order_by(WorkItem.id)).first()

    def current(case_id: int):
        with app.app_context():
            item = open_item(case_id)
            due = db.session.get(Case, case_id).next_timer_at
            if item is None and due is not None:
                # The case waits for time (the year of cultivation): let it pass, so that every case
                # drawn has a step to fuzz and each example draws the same way (hypothesis checks).
                operations.fire_due_timers(case_id, clock.as_utc(due))
                db.session.commit()
                item = open_item(case_id)
            if item is None:
                return None
            username = doer(item)
            if username not in clients:
                clients[username] = logged_in(app, username)
            if item.case.process_key == "recruitment":
                good = step_data(item.form_key, case_facts(item.case, clock.today()))
            elif item.case.process_key == "membership_transfer":  # a demo transfer (webapp/demo_transfer.py)
                good = transfer_answers(item.step_code, clock.today())
            elif item.case.process_key in ("term_election", "by_election", "election_postponement"):  # demo elections
                good = election_step_data(item.form_key, case_election_facts(item.case, clock.today()))
            else:  # 党支部设置 (webapp/demo_branch.py)
                good = branch_answers(item.form_key, clock.today())
            return item.id, clients[username], good, field_types(item.form_key)

    return current


@FUZZ
@given(data=st.data())
def test_complete_step_form(app, demo_case_ids, step_of, app_errors, data):
    # A case, not an item: once a post is accepted, the case's next step is fuzzed.
    step = step_of(data.draw(st.sampled_from(demo_case_ids), label="case"))
    if step is None:  # the case ran to its end: nothing to post, but the same draws (hypothesis replays them)
        data.draw(spoiled({"nothing": ""}, {}), label="post")
        return
    item_id, client, good, fields = step
    post = data.draw(spoiled(good, fields), label="post")
    before = counts(app)
    response = client.post(f"/inbox/{item_id}", data=post)
    check_answer(app, response, before, app_errors, accepted=response.status_code == 302)


@pytest.fixture
def admin(app, demo):
    return logged_in(app, "admin")


@FUZZ
@given(data=st.data())
def test_rule_setting_form(app, demo, admin, app_errors, data):
    keys = [s.key for s in RECRUITMENT_SETTINGS]
    good = {
        "unit": str(data.draw(st.sampled_from(sorted(demo.unit_ids.values())), label="unit")),
        "key": data.draw(st.sampled_from(keys), label="key"),
        "value": data.draw(st.sampled_from(["1", "3", "0.5", "true", "false", "18"]), label="value"),
        data.draw(st.sampled_from(["save", "remove"]), label="button"): "y",
    }
    post = data.draw(spoiled(good, dict.fromkeys(["unit", "key", "value", "save", "remove"], "text")), label="post")
    before = counts(app)
    response = admin.post("/admin/settings", data=post)
    # An unknown unit is a 404 page (nothing to show a form on): a refusal all the same.
    if response.status_code == 404:
        assert "页面不存在" in response.text and counts(app) == before
        return
    check_answer(app, response, before, app_errors, accepted=response.status_code == 302)


XML_PIECES = st.sampled_from([
    b'<?xml version="1.0" encoding="UTF-8"?>', b'<!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]>', b"&e;",
    b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">', b"</definitions>",
    b'<process id="p" isExecutable="true">', b"</process>", b'<startEvent id="s"/>', b'<endEvent id="e"/>',
    b'<userTask id="t" name="\xe5\x8a\x9e"/>', b'<scriptTask id="x"><script>__import__("os")</script></scriptTask>',
    b'<sequenceFlow id="f" sourceRef="s" targetRef="t"/>', b"<![CDATA[", b"]]>", b"<!--", b"-->", b"\x00", b"\xff\xfe",
])


@st.composite
def bpmn_files(draw):
    """Random bytes, fragments of BPMN, or the shipped definition cut or with bytes put in."""
    kind = draw(st.sampled_from(["bytes", "fragments", "mutated"]))
    if kind == "bytes":
        return draw(st.binary(max_size=2000))
    if kind == "fragments":
        return b"".join(draw(st.lists(XML_PIECES, max_size=12)))
    at = draw(st.integers(0, len(RECRUITMENT_BPMN)))
    return RECRUITMENT_BPMN[:at] + draw(st.binary(max_size=50)) + RECRUITMENT_BPMN[at + draw(st.integers(0, 200)):]


@FUZZ
@given(content=bpmn_files(), filename=st.one_of(st.sampled_from(["new.bpmn", "new.xml", "new.txt", "", ".bpmn"]),
                                                  st.text(max_size=20)), extra=UNKNOWN_KEYS)
def test_publish_form(app, demo, admin, app_errors, content, filename, extra):
    before = counts(app)
    data = MultiDict(list(extra.items()))
    data.add("bpmn_file", (io.BytesIO(content), filename))
    response = admin.post("/admin/processes/publish", data=data, content_type="multipart/form-data")
    check_answer(app, response, before, app_errors, accepted=response.status_code == 302)
