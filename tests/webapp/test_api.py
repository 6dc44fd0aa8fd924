"""The JSON API: tokens, processes, starting a case, work items (claim, complete, reassign), cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from webapp import clock
from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db
from webapp.models import AuditEvent, Case, Member, Submission, WorkItem
from workflows.calendar import add_years

API = "/api/v1"


def token_for(client, username: str, password: str = DEMO_PASSWORD):
    return client.post(f"{API}/auth/token", json={"username": username, "password": password})


def bearer(client, username: str) -> dict[str, str]:
    response = token_for(client, username)
    assert response.status_code == 200, response.json
    return {"Authorization": f"Bearer {response.json['token']}"}


def applicant(age_years: int = 25, **changes) -> dict:
    today = clock.today()
    birth = add_years(today, -age_years) - timedelta(days=10)
    data = {
        "name": "赵小明", "gender": "male", "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "id_number": f"620999{birth:%Y%m%d}1234", "education": "undergraduate", "occupation": "护士",
        "work_unit": "县人民医院内科", "youth_league_member": True, "phone": "13800000000",
        "application_letter_received": True, "application_date": today.isoformat(),
    }
    return {**data, **changes}


def start_case(client, headers, unit_id: int, data: dict | None = None):
    return client.post(f"{API}/cases", headers=headers,
                       json={"process_key": "recruitment", "unit_id": unit_id, "data": data or applicant()})


@pytest.fixture
def case(client, demo):
    """A recruitment case started in 内科第一党支部; its first work item is R02 (谈话)."""
    response = start_case(client, bearer(client, "branch1_secretary"), demo.unit_ids["branch1"])
    assert response.status_code == 201, response.json
    return response.json


def full_member_ids(app, unit_id: int, count: int) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(
            db.select(Member.id).filter_by(unit_id=unit_id, stage="full_member", in_good_standing=True)
            .order_by(Member.id).limit(count)))


def talk_data(app, demo, **changes) -> dict:
    talker = full_member_ids(app, demo.unit_ids["branch1"], 1)
    data = {"talk_date": clock.today().isoformat(), "talker_ids": talker, "summary": "了解入党动机，讲明党员条件。"}
    return {**data, **changes}


def test_token_login_returns_a_bearer_token(app, client, demo):
    response = token_for(client, "branch1_secretary")
    assert response.status_code == 200
    assert response.json["token_type"] == "Bearer"
    assert response.json["expires_in"] == app.config["API_TOKEN_MAX_AGE"]
    headers = {"Authorization": f"Bearer {response.json['token']}"}
    assert client.get(f"{API}/org-units", headers=headers).status_code == 200


def test_wrong_password_is_401(client, demo):
    response = token_for(client, "branch1_secretary", "wrong")
    assert response.status_code == 401
    assert response.json["error"] == 401 and "密码" in response.json["message"]
    assert "token" not in response.json


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic abc"}])
def test_missing_or_invalid_token_is_401(client, demo, headers):
    response = client.get(f"{API}/processes", headers=headers)
    assert response.status_code == 401
    assert response.json["error"] == 401 and response.json["message"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_expired_token_is_401(app, client, demo):
    headers = bearer(client, "branch1_secretary")
    app.config["API_TOKEN_MAX_AGE"] = -1
    assert client.get(f"{API}/processes", headers=headers).status_code == 401


def test_token_of_a_disabled_user_is_401(app, client, demo):
    headers = bearer(client, "branch1_secretary")
    with app.app_context():
        demo.user("branch1_secretary").is_enabled = False
        db.session.commit()
    assert client.get(f"{API}/processes", headers=headers).status_code == 401
    assert token_for(client, "branch1_secretary").status_code == 401


def test_list_processes_gives_start_form_fields_and_stages(client, demo):
    response = client.get(f"{API}/processes", headers=bearer(client, "branch1_secretary"))
    assert response.status_code == 200
    (recruitment,) = [p for p in response.json["processes"] if p["key"] == "recruitment"]
    assert recruitment["version"] == 1
    assert recruitment["start"]["form_key"] == "R01_submit_application"
    fields = {f["name"]: f for f in recruitment["start"]["fields"]}
    assert fields["birth_date"]["type"] == "date" and fields["birth_date"]["required"]
    assert {c["value"] for c in fields["gender"]["choices"]} == {"male", "female"}
    assert [s["key"] for s in recruitment["stages"]] == [
        "application", "activist", "development_candidate", "admission", "probation"]


def test_org_units_are_the_tree(client, demo):
    response = client.get(f"{API}/org-units", headers=bearer(client, "branch1_secretary"))
    units = {u["id"]: u for u in response.json["units"]}
    branch = units[demo.unit_ids["branch1"]]
    assert branch["kind"] == "branch" and branch["parent_id"] == demo.unit_ids["internal_gb"]
    assert units[demo.unit_ids["hospital"]]["can_approve_admission"] is True
    assert units[demo.unit_ids["internal_gb"]]["can_approve_admission"] is False


def test_start_case_with_an_under_18_applicant_is_400_and_creates_nothing(app, client, demo):
    with app.app_context():
        members_before = db.session.scalar(db.select(db.func.count(Member.id)))
    response = start_case(client, bearer(client, "branch1_secretary"), demo.unit_ids["branch1"], applicant(17))
    assert response.status_code == 400
    assert response.json["error"] == 400
    assert any("十八" in m or "18" in m for m in response.json["errors"]["application_date"])
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0
        assert db.session.scalar(db.select(db.func.count(Member.id))) == members_before


def test_start_case_with_a_malformed_field_is_400_naming_it(client, demo):
    data = applicant(id_number="12345")
    response = start_case(client, bearer(client, "branch1_secretary"), demo.unit_ids["branch1"], data)
    assert response.status_code == 400
    assert "id_number" in response.json["errors"]


def test_start_case_elsewhere_is_403_and_unknown_process_or_unit_404(client, demo):
    headers = bearer(client, "town_branch_secretary")
    assert start_case(client, headers, demo.unit_ids["branch1"]).status_code == 403
    assert start_case(client, headers, 999999).status_code == 404
    response = client.post(f"{API}/cases", headers=headers,
                           json={"process_key": "nope", "unit_id": demo.unit_ids["town_branch"], "data": {}})
    assert response.status_code == 404 and response.json["error"] == 404


def test_started_case_has_its_first_work_item_and_an_intact_record(client, demo, case):
    assert case["business_key"].startswith("FZ-")
    assert case["status"] == "running" and case["unit"]["id"] == demo.unit_ids["branch1"]
    assert case["subject"]["name"] == "赵小明" and case["subject"]["stage"] == "applicant"
    assert [i["step_code"] for i in case["open_work_items"]] == ["R02_initial_talk"]
    assert case["submissions"][0]["step_code"] == "R01_submit_application"
    assert case["history"][0]["kind"] == "start" and case["record_intact"] is True
    shown = client.get(f"{API}/cases/{case['id']}", headers=bearer(client, "branch1_deputy")).json
    assert shown["variables"]["application_date"] == clock.today().isoformat()


def test_case_of_another_branch_is_403(client, demo, case):
    response = client.get(f"{API}/cases/{case['id']}", headers=bearer(client, "town_branch_secretary"))
    assert response.status_code == 403 and response.json["message"]
    assert client.get(f"{API}/cases/999999", headers=bearer(client, "admin")).status_code == 404


def test_my_work_items_list_the_form_fields_with_the_branch_roster(app, client, demo, case):
    response = client.get(f"{API}/work-items", headers=bearer(client, "branch1_org"))
    (item,) = [i for i in response.json["items"] if i["case"]["id"] == case["id"]]
    assert item["step_code"] == "R02_initial_talk" and item["unit"]["id"] == demo.unit_ids["branch1"]
    assert item["overdue_days"] == 0 and item["due_on"]
    fields = {f["name"]: f for f in item["fields"]}
    roster = {c["value"] for c in fields["talker_ids"]["choices"]}
    assert set(full_member_ids(app, demo.unit_ids["branch1"], 100)) <= roster
    assert fields["summary"]["required"] is True


def test_another_branchs_work_item_is_403_to_see_claim_and_complete(app, client, demo, case):
    item_id = case["open_work_items"][0]["id"]
    headers = bearer(client, "town_branch_secretary")
    assert client.get(f"{API}/work-items/{item_id}", headers=headers).status_code == 403
    assert client.post(f"{API}/work-items/{item_id}/claim", headers=headers).status_code == 403
    response = client.post(f"{API}/work-items/{item_id}/complete", headers=headers, json={"data": talk_data(app, demo)})
    assert response.status_code == 403 and response.json["error"] == 403
    assert client.get(f"{API}/work-items", headers=headers).json["items"] == []


def test_a_supervisor_sees_the_item_but_may_not_claim_it(client, demo, case):
    item_id = case["open_work_items"][0]["id"]
    headers = bearer(client, "hospital_secretary")
    response = client.get(f"{API}/work-items/{item_id}", headers=headers)
    assert response.status_code == 200 and response.json["can_act"] is False
    assert client.post(f"{API}/work-items/{item_id}/claim", headers=headers).status_code == 403


def test_claim_then_someone_else_claims_is_409(app, client, demo, case):
    item_id = case["open_work_items"][0]["id"]
    response = client.post(f"{API}/work-items/{item_id}/claim", headers=bearer(client, "branch1_secretary"))
    assert response.status_code == 200
    assert response.json["assignee"]["id"] == demo.user_ids["branch1_secretary"]
    colleague = bearer(client, "branch1_org")
    response = client.post(f"{API}/work-items/{item_id}/claim", headers=colleague)
    assert response.status_code == 409 and "已被他人办理" in response.json["message"]
    response = client.post(f"{API}/work-items/{item_id}/complete", headers=colleague,
                           json={"data": talk_data(app, demo)})
    assert response.status_code == 409
    assert all(i["id"] != item_id for i in client.get(f"{API}/work-items", headers=colleague).json["items"])


def test_complete_twice_the_second_is_409(app, client, demo, case):
    item_id = case["open_work_items"][0]["id"]
    headers = bearer(client, "branch1_secretary")
    first = client.post(f"{API}/work-items/{item_id}/complete", headers=headers, json={"data": talk_data(app, demo)})
    assert first.status_code == 200, first.json
    assert [i["step_code"] for i in first.json["next_work_items"]] == ["R03_designate_activist"]
    second = client.post(f"{API}/work-items/{item_id}/complete", headers=headers, json={"data": talk_data(app, demo)})
    assert second.status_code == 409
    assert second.json == {"error": 409, "message": second.json["message"]}
    done = client.get(f"{API}/work-items?status=completed", headers=headers).json["items"]
    assert [i["id"] for i in done] == [item_id] and done[0]["completed_by"]["id"] == demo.user_ids["branch1_secretary"]


def _case_state(app, case_id: int):
    with app.app_context():
        case = db.session.get(Case, case_id)
        return (case.version, case.state, [(i.id, i.status) for i in case.work_items],
                db.session.scalar(db.select(db.func.count(Submission.id)).filter_by(case_id=case_id)),
                db.session.scalar(db.select(db.func.count(AuditEvent.id)).filter_by(case_id=case_id)))


def test_complete_with_a_missing_required_field_is_400_and_changes_nothing(app, client, demo, case):
    item_id = case["open_work_items"][0]["id"]
    before = _case_state(app, case["id"])
    response = client.post(f"{API}/work-items/{item_id}/complete", headers=bearer(client, "branch1_secretary"),
                           json={"data": talk_data(app, demo, summary="")})
    assert response.status_code == 400
    assert list(response.json["errors"]) == ["summary"]
    assert _case_state(app, case["id"]) == before


@pytest.mark.parametrize("smuggled", [
    {"activist_decision": "designate"},  # the decision of a later step
    {"typename": "BpmnWorkflow"},  # the serializer's type key
    {"csrf_token": "x"}, {"deliberating_units": [1]},  # a reserved name, an engine variable
], ids=["later decision", "typename", "csrf_token", "engine variable"])
def test_complete_with_a_key_that_is_not_a_field_of_the_step_is_400_and_changes_nothing(
        app, client, demo, case, smuggled):
    item_id = case["open_work_items"][0]["id"]
    before = _case_state(app, case["id"])
    response = client.post(f"{API}/work-items/{item_id}/complete", headers=bearer(client, "branch1_secretary"),
                           json={"data": {**talk_data(app, demo), **smuggled}})
    assert response.status_code == 400
    assert list(response.json["errors"]) == list(smuggled) and "本环节表单" in response.json["errors"][
        next(iter(smuggled))][0]
    assert _case_state(app, case["id"]) == before


def test_a_start_form_with_an_unknown_key_is_400_and_creates_nothing(app, client, demo):
    response = start_case(client, bearer(client, "branch1_secretary"), demo.unit_ids["branch1"],
                          applicant(stage="full_member"))
    assert response.status_code == 400 and list(response.json["errors"]) == ["stage"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_complete_refused_by_a_rule_is_400_beside_the_field(app, client, demo, case):
    # 谈话日期 before the application: the form is well-formed, the domain rule refuses it.
    item_id = case["open_work_items"][0]["id"]
    before = _case_state(app, case["id"])
    early = (clock.today() - timedelta(days=3)).isoformat()
    response = client.post(f"{API}/work-items/{item_id}/complete", headers=bearer(client, "branch1_secretary"),
                           json={"data": talk_data(app, demo, talk_date=early)})
    assert response.status_code == 400 and "talk_date" in response.json["errors"]
    assert _case_state(app, case["id"]) == before


def test_api_works_with_csrf_protection_on(app, client, demo):
    app.config["WTF_CSRF_ENABLED"] = True
    headers = bearer(client, "branch1_secretary")
    response = start_case(client, headers, demo.unit_ids["branch1"])
    assert response.status_code == 201, response.json
    assert "Set-Cookie" not in response.headers  # the API is stateless
    item_id = response.json["open_work_items"][0]["id"]
    response = client.post(f"{API}/work-items/{item_id}/complete", headers=headers, json={"data": talk_data(app, demo)})
    assert response.status_code == 200, response.json


def test_reassign_to_a_colleague_and_refusals(client, demo, case):
    item_id = case["open_work_items"][0]["id"]
    secretary = bearer(client, "branch1_secretary")
    response = client.post(f"{API}/work-items/{item_id}/reassign", headers=bearer(client, "branch1_org"),
                           json={"user_id": demo.user_ids["branch1_deputy"]})
    assert response.status_code == 403
    response = client.post(f"{API}/work-items/{item_id}/reassign", headers=secretary,
                           json={"user_id": demo.user_ids["town_branch_secretary"]})
    assert response.status_code == 400 and "user_id" in response.json["errors"]
    response = client.post(f"{API}/work-items/{item_id}/reassign", headers=secretary,
                           json={"user_id": demo.user_ids["branch1_org"]})
    assert response.status_code == 200 and response.json["assignee"]["id"] == demo.user_ids["branch1_org"]
    history = client.get(f"{API}/cases/{case['id']}", headers=secretary).json["history"]
    assert history[-1]["kind"] == "reassign" and history[-1]["data"]["to_user_id"] == demo.user_ids["branch1_org"]


def test_a_body_that_is_not_a_json_object_is_400(client, demo):
    response = client.post(f"{API}/cases", headers={**bearer(client, "branch1_secretary"),
                                                    "Content-Type": "application/json"}, data="[1, 2]")
    assert response.status_code == 400 and response.json["message"].startswith("请求体须为 JSON 对象")


def test_unknown_api_path_is_a_json_404(client, demo):
    response = client.get(f"{API}/nothing-here", headers=bearer(client, "branch1_secretary"))
    assert response.status_code == 404 and response.json["error"] == 404


def test_a_step_whose_form_is_not_registered_is_a_clear_500(app, client, demo, case):
    item_id = case["open_work_items"][0]["id"]
    with app.app_context():
        db.session.get(WorkItem, item_id).form_key = "R99_unknown"
        db.session.commit()
    response = client.post(f"{API}/work-items/{item_id}/complete", headers=bearer(client, "branch1_secretary"),
                           json={"data": {}})
    assert response.status_code == 500
    assert response.json == {"error": 500, "message": response.json["message"]}
    assert "R99_unknown" in response.json["message"] and "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize("shaped, message", [
    ({"summary": {"typename": "datetime", "value": "2020-01-01"}}, "不接受对象"),  # the serializer's type key
    ({"summary": ["两段", "文字"]}, "不接受列表"),
    ({"talker_ids": [{"id": 1}]}, "不接受对象"),
], ids=["object", "list for one value", "object in a list"])
def test_complete_with_a_value_of_the_wrong_shape_is_400_and_changes_nothing(app, client, demo, case, shaped, message):
    item_id = case["open_work_items"][0]["id"]
    before = _case_state(app, case["id"])
    response = client.post(f"{API}/work-items/{item_id}/complete", headers=bearer(client, "branch1_secretary"),
                           json={"data": {**talk_data(app, demo), **shaped}})
    assert response.status_code == 400
    (field,) = shaped
    assert list(response.json["errors"]) == [field] and message in response.json["errors"][field][0]
    assert _case_state(app, case["id"]) == before
