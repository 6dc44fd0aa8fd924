"""The JSON API fuzzed from its own OpenAPI document (schemathesis, on hypothesis).

Every operation of GET /api/v1/openapi.json gets requests generated from the document: valid and
invalid bodies, path and query parameters and headers. They are sent to the real app on the demo
data with its recruitment cases, as a real user's bearer token (or with none, or a forged one),
and half the time with the id of a real case or work item in the path. Every answer must be
documented: no 5xx, a documented status code, a JSON body of the documented shape with its
messages in Chinese, and nothing reaches the app's handler of unexpected errors.

PARTYFLOW_FUZZ_EXAMPLES sets the number of generated requests per operation (default 25); raise
it for a longer run, e.g. ``PARTYFLOW_FUZZ_EXAMPLES=500 pytest tests/webapp/test_fuzz_api.py``.
"""

from __future__ import annotations

import json
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis import checks
from test_api import bearer

from webapp.api.openapi import build_document
from webapp.extensions import db
from webapp.models import Case, WorkItem

API = "/api/v1"
EXAMPLES = int(os.environ.get("PARTYFLOW_FUZZ_EXAMPLES", "25"))
CHECKS = [checks.not_a_server_error, checks.status_code_conformance, checks.content_type_conformance,
          checks.response_schema_conformance]
# Who sends the request: users of several roles and units, and nobody or a forged token.
USERS = ("branch1_secretary", "branch1_org", "hospital_org_member", "town_branch_secretary", "admin")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
FORGED = {"Authorization": "Bearer eyJ1aWQiOjF9.forged.signature"}


@pytest.fixture
def world(app, client, demo_with_cases):
    """Tokens of the demo users and the ids of real cases and work items (open and completed)."""
    with app.app_context():
        case_ids = list(db.session.scalars(db.select(Case.id)))
        item_ids = list(db.session.scalars(db.select(WorkItem.id)))
    assert case_ids and item_ids
    return {
        "headers": [bearer(client, username) for username in USERS] + [{}, FORGED],
        "case_id": case_ids, "item_id": item_ids,
    }


# The document GET /api/v1/openapi.json serves (test_the_fuzzed_document_is_the_served_one).
schema = schemathesis.openapi.from_dict(build_document())


def test_the_fuzzed_document_is_the_served_one(client):
    assert client.get(f"{API}/openapi.json").json == json.loads(json.dumps(build_document()))


@schema.parametrize()
@schema.given(data=st.data())
@settings(max_examples=EXAMPLES, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much, HealthCheck.data_too_large])
def test_every_operation_answers_as_documented(case, data, app, world, app_errors):
    for name in ("case_id", "item_id"):
        if name in (case.path_parameters or {}) and data.draw(st.booleans(), label=f"real {name}"):
            case.path_parameters[name] = data.draw(st.sampled_from(world[name]), label=name)
    headers = data.draw(st.sampled_from(world["headers"]), label="who")
    response = case.call_and_validate(app=app, headers=headers, checks=CHECKS)
    assert response.status_code < 500, response.text
    assert not app_errors, [record.getMessage() for record in app_errors]
    if response.status_code >= 400:  # a sentence in Chinese, and one beside each field
        body = response.json()
        messages = [body["message"], *(m for field in body.get("errors", {}).values() for m in field)]
        assert all(CHINESE.search(m) for m in messages), response.text
