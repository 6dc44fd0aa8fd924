"""What the fuzzers (test_fuzz_api.py, test_fuzz_forms.py) found, each pinned with its exact input.

Numbers beyond what the database compares (PostgreSQL INTEGER, SQLite's 64 bits) made the driver
raise: an id, a page number or a unit picked by number is now no id, an empty page, a 404.
"""

from __future__ import annotations

import re

import pytest
from test_api import API, applicant, bearer

from webapp.extensions import db
from webapp.models import AuditEvent, Case, RuleOverride, WorkItem

HUGE = "89780167062257634639872"  # as schemathesis sent it
BEYOND_INTEGER = str(2**31)


@pytest.fixture
def item_id(app, demo_with_cases) -> int:
    """The open talk (R02) of the demo case in 内科第一党支部: its secretary may do it."""
    with app.app_context():
        return db.session.scalars(db.select(WorkItem.id).filter_by(
            status="open", step_code="R02_initial_talk", unit_id=demo_with_cases.unit_ids["branch1"])).one()


@pytest.mark.parametrize("number", [HUGE, BEYOND_INTEGER])
@pytest.mark.parametrize("path", ["/cases/{}", "/work-items/{}", "/work-items/{}/claim", "/work-items/{}/complete",
                                  "/work-items/{}/reassign"])
def test_an_id_beyond_the_database_is_a_json_404(client, demo, path, number):
    method = client.get if path.count("/") == 2 else client.post
    response = method(API + path.format(number), headers=bearer(client, "branch1_secretary"), json={})
    assert response.status_code == 404
    assert response.json["error"] == 404 and response.json["message"]


@pytest.mark.parametrize("path", ["/cases/{}", "/cases/{}/dossier", "/inbox/{}", "/admin/users/{}/positions"])
def test_an_id_beyond_the_database_is_the_404_page(client, demo, login, path):
    login(client, "admin")
    response = client.get(path.format(HUGE))
    assert response.status_code == 404
    assert "页面不存在" in response.text


def test_a_page_beyond_the_database_is_an_empty_page_of_the_api(client, demo):
    response = client.get(f"{API}/work-items?per_page=84&status=open&page=29397932136454184960",
                          headers=bearer(client, "branch1_secretary"))
    assert response.status_code == 200
    assert response.json["items"] == [] and response.json["page"] == 100_000


@pytest.mark.parametrize("path", ["/cases/", "/inbox/", "/inbox/?tab=done", "/members/", "/admin/users",
                                  "/admin/events"])
def test_a_page_beyond_the_database_is_an_empty_list_page(client, demo, login, path):
    login(client, "admin")
    separator = "&" if "?" in path else "?"
    assert client.get(f"{path}{separator}page={HUGE}").status_code == 200


def test_a_done_notice_for_an_id_beyond_the_database_is_ignored(client, demo, login):
    login(client, "branch1_secretary")
    response = client.get(f"/inbox/?done={HUGE}")
    assert response.status_code == 200
    assert "已提交" not in response.text


@pytest.mark.parametrize("unit_id", [int(HUGE), BEYOND_INTEGER, "²", "١", 1.5, -1, True])
def test_starting_a_case_in_a_unit_that_is_no_id_is_a_404_and_creates_nothing(app, client, demo, unit_id):
    response = client.post(f"{API}/cases", headers=bearer(client, "branch1_secretary"),
                           json={"process_key": "recruitment", "unit_id": unit_id, "data": applicant()})
    assert response.status_code == 404
    assert "unit_id" in response.json["message"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


@pytest.mark.parametrize("user_id", [int(HUGE), BEYOND_INTEGER, "²"])
def test_reassigning_to_a_user_that_is_no_id_is_a_400_beside_the_field(client, item_id, user_id):
    response = client.post(f"{API}/work-items/{item_id}/reassign", headers=bearer(client, "admin"),
                           json={"user_id": user_id})
    assert response.status_code == 400
    assert response.json["errors"]["user_id"]


@pytest.mark.parametrize("body", [b"\xff", b'["text"]'])
@pytest.mark.parametrize("path", ["/auth/token", "/cases", "/work-items/{}/complete", "/work-items/{}/reassign"])
def test_a_body_that_is_no_json_object_is_a_documented_400(client, item_id, path, body):
    response = client.post(API + path.format(item_id), headers={
        **bearer(client, "branch1_secretary"), "Content-Type": "application/json"}, data=body)
    assert response.status_code == 400
    assert response.json["errors"]["_form"] == ["请求体须为 JSON 对象（Content-Type: application/json）。"]
    assert response.json["message"] == response.json["errors"]["_form"][0]


def test_the_token_endpoint_documents_its_refusals(client):
    responses = client.get(f"{API}/openapi.json").json["paths"]["/auth/token"]["post"]["responses"]
    assert {"200", "400", "401"} <= set(responses)
    assert client.post(f"{API}/auth/token", json={"username": "", "password": "x"}).status_code == 401


def test_publish_without_a_file_is_a_documented_400(client, demo):
    response = client.post(f"{API}/processes/publish", headers=bearer(client, "admin"), data={"other": "x"})
    assert response.status_code == 400 and response.json["message"]
    assert "400" in client.get(f"{API}/openapi.json").json["paths"]["/processes/publish"]["post"]["responses"]


@pytest.mark.parametrize("unit", ["²", "١٢", HUGE, BEYOND_INTEGER, "-1"])
def test_a_rule_setting_for_a_unit_that_is_no_id_is_a_404_and_saves_nothing(app, client, demo, login, unit):
    login(client, "admin")
    response = client.post("/admin/settings", data={"unit": unit, "key": "probation_years", "value": "1",
                                                    "save": "保存"})
    assert response.status_code == 404
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RuleOverride.id))) == 0


# ---------- NUL (U+0000): PostgreSQL stores none, in text or jsonb; it was a 500 there ----------

NUL_REFUSED = "提交的内容含有空字符（NUL），无法保存。请删除这些字符后重新提交。"


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return tuple(db.session.scalar(db.select(db.func.count()).select_from(model))
                     for model in (Case, WorkItem, AuditEvent))


def test_a_login_name_with_nul_is_refused_with_a_message(client, demo):
    response = client.post("/auth/login", data={"username": "admin\x00", "password": "x"})
    assert response.status_code == 400
    assert NUL_REFUSED in response.text


def test_a_search_with_nul_is_refused_with_a_message(client, demo, login):
    login(client, "admin")
    response = client.get("/admin/users?q=a%00b")
    assert response.status_code == 400
    assert NUL_REFUSED in response.text


def test_a_start_form_with_nul_is_refused_and_starts_nothing(app, client, demo, login):
    login(client, "branch1_secretary")
    before = counts(app)
    response = client.post(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}",
                           data=applicant(occupation="护士\x00"))
    assert response.status_code == 400
    assert NUL_REFUSED in response.text
    assert counts(app) == before


def test_a_step_form_with_nul_is_refused_and_completes_nothing(app, client, item_id, login):
    login(client, "branch1_secretary")
    before = counts(app)
    response = client.post(f"/inbox/{item_id}", data={"summary": "谈话\x00", "talk_date": "2026-01-01"})
    assert response.status_code == 400
    assert counts(app) == before


@pytest.mark.parametrize("body, field", [
    ({"username": "admin\x00", "password": "x"}, "username"),
    ({"username": "admin", "password": "x", "k\x00": 1}, "_form"),
])
def test_a_token_request_with_nul_is_a_400_naming_the_field(client, demo, body, field):
    response = client.post(f"{API}/auth/token", json=body)
    assert response.status_code == 400
    assert response.json["message"] == NUL_REFUSED and list(response.json["errors"]) == [field]


def test_api_data_with_nul_is_a_400_naming_the_field_and_starts_nothing(app, client, demo):
    before = counts(app)
    response = client.post(f"{API}/cases", headers=bearer(client, "branch1_secretary"), json={
        "process_key": "recruitment", "unit_id": demo.unit_ids["branch1"],
        "data": applicant(name="张\x00三", work_unit=["县人民医院\x00"])})
    assert response.status_code == 400
    assert set(response.json["errors"]) == {"name", "work_unit"}
    assert counts(app) == before


def test_a_query_with_nul_is_a_json_400_in_the_api(client, demo):
    response = client.get(f"{API}/work-items?status=open%00", headers=bearer(client, "branch1_secretary"))
    assert response.status_code == 400
    assert response.json["errors"] == {"status": ["此栏含有空字符（NUL），请删除后重新提交。"]}


# ---------- a rule setting post that names no setting of the page: refused without a word ----------


@pytest.mark.parametrize("post, message", [
    ({"key": "no_such_setting", "value": "1"}, "没有这项规则设置，请刷新页面后重试。"),
    ({"value": "1"}, "没有这项规则设置，请刷新页面后重试。"),
    ({"key": "initial_talk_within_months", "value": "3"}, "须在 1 至 1 之间"),  # fixed nationally: no input shown
])
def test_a_rule_setting_post_for_no_setting_of_the_page_says_why(app, client, demo, login, post, message):
    login(client, "admin")
    response = client.post("/admin/settings", data={"unit": demo.unit_ids["county"], "save": "1", **post})
    assert response.status_code == 422
    errors = re.findall(r'class="(?:field-error|form-errors)"[^>]*>(.*?)</(?:p|div)>', response.text, re.S)
    assert errors and message in errors[0]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(RuleOverride.id))) == 0


def test_a_multipart_part_without_a_name_is_no_field(client, demo):
    # As schemathesis sent it to publish: a part with no name parameter (werkzeug reads its name as None).
    body = (b'--b\r\nContent-Disposition: form-data\r\n\r\nnull\r\n'
            b'--b\r\nContent-Disposition: form-data; name="file"; filename="file.zip"\r\n\r\nPK\x03\x04\r\n--b--\r\n')
    response = client.post(f"{API}/processes/publish", data=body, content_type="multipart/form-data; boundary=b",
                           headers=bearer(client, "admin"))
    assert response.status_code == 422
    assert response.json["problems"]


# ---------- dates at the far ends of the calendar: the rules add years to them ----------


@pytest.mark.parametrize("changes, field", [
    ({"birth_date": "9999-12-31"}, "birth_date"),  # add_years(birth, 18): year 10017, a ValueError (500)
    ({"application_date": "0001-01-01"}, "application_date"),
    ({"birth_date": "1899-12-31"}, "birth_date"),
])
def test_a_date_outside_1900_to_2100_is_refused_beside_the_field(app, client, demo, login, changes, field):
    login(client, "branch1_secretary")
    response = client.post(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}",
                           data=applicant(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error">「' in response.text and "须在 1900 年至 2100 年之间。" in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_the_api_refuses_a_date_outside_1900_to_2100_beside_the_field(client, demo):
    response = client.post(f"{API}/cases", headers=bearer(client, "branch1_secretary"), json={
        "process_key": "recruitment", "unit_id": demo.unit_ids["branch1"], "data": applicant(birth_date="9999-12-31")})
    assert response.status_code == 400
    assert response.json["errors"]["birth_date"] == ["「出生日期」须在 1900 年至 2100 年之间。"]


# ---------- a picked member off the list: WTForms said it in English ----------


def test_a_member_off_the_roster_is_refused_in_chinese(client, item_id, login):
    login(client, "branch1_secretary")
    response = client.post(f"/inbox/{item_id}", data={"talk_date": "2026-01-01", "talker_ids": "0", "summary": "谈话"})
    assert response.status_code == 422
    assert ('<p class="field-error" id="talker_ids-error">所选的值不在可选范围内，请从列表中重新选择。</p>'
            in response.text)
    assert "not a valid choice" not in response.text


# ---------- a start form longer than the member record: PostgreSQL refused it with a 500 ----------


@pytest.mark.parametrize("field, length", [("ethnicity", 17), ("occupation", 65), ("work_unit", 121)])
def test_a_start_form_field_longer_than_the_member_record_is_refused_beside_it(app, client, demo, login, field,
                                                                                 length):
    login(client, "branch1_secretary")
    response = client.post(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}",
                           data=applicant(**{field: "族" * length}))
    assert response.status_code == 422
    assert f'id="{field}-error">' in response.text
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_every_text_of_the_start_form_fits_its_column_of_the_member_record():
    from wtforms import StringField
    from wtforms.validators import Length

    from webapp.forms.recruitment import SubmitApplicationForm
    from webapp.models import Member

    columns = Member.__table__.columns
    patterned = {"id_number": 18, "phone": 20}  # their Regexp bounds them: 18 digits, at most 20 characters
    texts = {name: field for name, field in SubmitApplicationForm.__dict__.items()
             if getattr(field, "field_class", None) is StringField and name in columns}
    assert {"name", "ethnicity", "occupation", "work_unit", "id_number", "phone"} <= set(texts)
    for name, field in texts.items():
        bounds = [v.max for v in field.kwargs.get("validators", []) if isinstance(v, Length)]
        longest = patterned.get(name) or (bounds[0] if bounds else None)
        assert longest is not None and longest <= columns[name].type.length, name
