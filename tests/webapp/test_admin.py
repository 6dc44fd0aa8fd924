"""管理: admins only; rule overrides per unit; the lane registry; appointing and ending positions;
every change recorded in admin_events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from _admin_helpers import admin_events, post_setting

from webapp import clock, permissions
from webapp.cases import operations as case_operations
from webapp.extensions import db
from webapp.models import AdminEvent, LaneRuleRow, Position, ProcessDefinition, WorkItem
from workflows.calendar import add_years

# ---------- helpers ----------


def admin_urls(app, demo) -> list[tuple[str, str]]:
    """(method, url) of every route of the admin blueprint, with real ids filled in."""
    with app.app_context():
        definition_id = db.session.scalar(db.select(ProcessDefinition.id).limit(1))
    args = {"definition_id": definition_id, "user_id": demo.user_ids["branch1_secretary"]}
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin."):
            continue
        url = rule.build({name: args[name] for name in rule.arguments}, append_unknown=False)[1]
        found.extend((method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"}))
    return found


def lane_form(key: str = "", original_key: str = "", **changes) -> dict:
    data = {"original_key": original_key, "key": key, "label": "支部书记/组织委员", "selector_kind": "case_branch",
            "selector_variable": "", "positions": ["secretary", "org_member"]}
    return {**data, **changes}


def applicant() -> dict:
    today = clock.today()
    birth = add_years(today, -25) - timedelta(days=10)
    return {
        "name": "赵小明", "gender": "male", "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "id_number": f"620999{birth:%Y%m%d}1234", "education": "undergraduate", "occupation": "护士",
        "work_unit": "县人民医院内科", "youth_league_member": True, "phone": "13800000000",
        "application_letter_received": True, "application_date": today.isoformat(),
    }


def inbox_item_ids(app, demo, username: str) -> set[int]:
    with app.app_context():
        user = demo.user(username)
        return set(db.session.scalars(db.select(WorkItem.id).where(permissions.inbox_filter(user))))


# ---------- who may come in ----------


def test_non_admins_get_403_on_every_admin_route(app, client, demo, login):
    login(client, "branch1_secretary")
    urls = admin_urls(app, demo)
    assert len(urls) >= 9

    for method, url in urls:
        response = client.open(url, method=method, data={})
        assert response.status_code == 403, (method, url)
        assert "无权办理" in response.get_data(as_text=True)


def test_visitors_who_are_not_logged_in_are_sent_to_the_login_page(app, client, demo):
    for method, url in admin_urls(app, demo):
        response = client.open(url, method=method)
        assert response.status_code in (302, 401), (method, url)


def test_the_admin_sees_every_admin_page(app, client, demo, login):
    login(client, "admin")

    for method, url in admin_urls(app, demo):
        if method == "GET":
            response = client.get(url)
            assert response.status_code == 200, url


def test_the_processes_page_lists_each_version_with_its_running_cases(app, client, demo, login):
    with app.app_context():
        row = case_operations.current_definition("recruitment")
        case_operations.start_case(row, demo.unit("branch1"), applicant(), demo.user("branch1_secretary"))
        db.session.commit()
        sha_prefix, definition_id = row.sha256[:12], row.id
    login(client, "admin")

    page = client.get("/admin/processes").get_data(as_text=True)
    detail = client.get(f"/admin/processes/{definition_id}").get_data(as_text=True)

    assert sha_prefix in page and "当前版本" in page and "第 1 版" in page
    assert "R02_initial_talk" in detail and "支部书记/组织委员" in detail
    assert "收到入党申请书后派人谈话的期限（月）" in detail  # the deadline, by its rule setting


def test_the_bpmn_download_is_the_stored_definition(app, client, demo, login):
    with app.app_context():
        row = case_operations.current_definition("recruitment")
        definition_id, xml = row.id, row.bpmn_xml
    login(client, "admin")

    response = client.get(f"/admin/processes/{definition_id}.bpmn")

    assert response.status_code == 200
    assert response.get_data(as_text=True) == xml
    assert "attachment" in response.headers["Content-Disposition"]
    assert client.get("/admin/processes/999999.bpmn").status_code == 404


# ---------- rule settings ----------


def test_a_lane_with_an_unknown_selector_is_refused(app, client, demo, login):
    login(client, "admin")

    edited = client.post("/admin/lanes", data=lane_form(original_key="branch_secretary",
                                                          selector_kind="whole_county"))
    added = client.post("/admin/lanes", data=lane_form(key="new_lane", selector_kind="whole_county"))

    for response in (edited, added):
        assert response.status_code == 422
        assert "不认识的办理组织规则“whole_county”" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(LaneRuleRow, "branch_secretary").selector == "case_branch"
        assert db.session.get(LaneRuleRow, "new_lane") is None
    assert admin_events(app) == []


def test_a_lane_needs_at_least_one_known_position_and_a_variable_when_the_selector_names_one(
        app, client, demo, login):
    login(client, "admin")

    no_position = client.post("/admin/lanes", data=lane_form(original_key="branch_secretary", positions=[]))
    unknown = client.post("/admin/lanes", data=lane_form(original_key="branch_secretary", positions=["emperor"]))
    no_variable = client.post("/admin/lanes", data=lane_form(key="receiving", selector_kind="case_unit"))

    assert no_position.status_code == unknown.status_code == no_variable.status_code == 422
    assert "请至少选择一个可办理的职务" in no_position.get_data(as_text=True)
    assert "不认识的职务：emperor" in unknown.get_data(as_text=True)
    assert "请在“变量名”中填写英文变量名" in no_variable.get_data(as_text=True)
    assert admin_events(app) == []


def test_editing_a_lane_changes_the_registry_and_is_recorded(app, client, demo, login):
    login(client, "admin")

    response = client.post("/admin/lanes", data=lane_form(
        original_key="branch_secretary", key="ignored", label="支部书记", positions=["secretary"]))

    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(LaneRuleRow, "branch_secretary")
        assert (row.label, row.selector, row.positions) == ("支部书记", "case_branch", ["secretary"])
        assert db.session.get(LaneRuleRow, "ignored") is None  # the key of a lane never changes
    [event] = admin_events(app, "lane_updated")
    assert event.target == "lane:branch_secretary"
    assert event.data["before"]["positions"] == ["secretary", "deputy_secretary", "org_member"]
    assert event.data["after"]["positions"] == ["secretary"]


def test_adding_a_lane_with_a_variable_selector(app, client, demo, login):
    login(client, "admin")

    response = client.post("/admin/lanes", data=lane_form(
        key="destination_branch", label="接收党支部", selector_kind="case_unit", selector_variable="receiving_unit"))
    duplicate = client.post("/admin/lanes", data=lane_form(key="destination_branch", label="又一个"))
    bad_key = client.post("/admin/lanes", data=lane_form(key="Receiving Branch"))

    assert response.status_code == 302
    with app.app_context():
        row = db.session.get(LaneRuleRow, "destination_branch")
        assert (row.label, row.selector) == ("接收党支部", "case_unit:receiving_unit")
        assert row.rule().positions == ("secretary", "org_member")
    assert duplicate.status_code == 422 and "已经存在" in duplicate.get_data(as_text=True)
    assert bad_key.status_code == 422 and "只能使用英文小写字母" in bad_key.get_data(as_text=True)
    assert [e.kind for e in admin_events(app)] == ["lane_created"]


def test_editing_a_lane_that_does_not_exist_is_404(client, demo, login):
    login(client, "admin")

    assert client.post("/admin/lanes", data=lane_form(original_key="no_such_lane")).status_code == 404


# ---------- users and positions ----------


def test_adding_and_ending_a_position_changes_what_the_inbox_shows(app, client, demo, login):
    with app.app_context():
        row = case_operations.current_definition("recruitment")
        case = case_operations.start_case(row, demo.unit("branch1"), applicant(), demo.user("branch1_secretary"))
        db.session.commit()
        [talk] = [item.id for item in case.work_items if item.is_open]  # R02, for the branch's officers
    user_id = demo.user_ids["town_branch_secretary"]
    before = inbox_item_ids(app, demo, "town_branch_secretary")
    assert talk not in before
    login(client, "admin")
    week_ago = clock.today() - timedelta(days=7)

    added = client.post(f"/admin/users/{user_id}/positions", data={
        "unit": demo.unit_ids["branch1"], "role": "org_member", "started_on": week_ago.isoformat(), "add": "1"})

    assert added.status_code == 302
    assert talk in inbox_item_ids(app, demo, "town_branch_secretary")
    with app.app_context():
        position = db.session.scalars(db.select(Position).filter_by(user_id=user_id, role="org_member")).one()
        position_id = position.id
        assert position in demo.user("town_branch_secretary").active_positions(clock.today())

    ended = client.post(f"/admin/users/{user_id}/positions", data={
        "position": position_id, "ended_on": (clock.today() - timedelta(days=1)).isoformat(), "end": "1"})

    assert ended.status_code == 302
    assert inbox_item_ids(app, demo, "town_branch_secretary") == before
    with app.app_context():
        assert all(p.id != position_id for p in demo.user("town_branch_secretary").active_positions(clock.today()))
    assert [e.kind for e in admin_events(app)] == ["position_added", "position_ended"]
    assert admin_events(app)[1].data["unit"] == "内科第一党支部"


def test_a_position_cannot_end_before_it_started_or_be_ended_twice(app, client, demo, login):
    login(client, "admin")
    user_id = demo.user_ids["branch1_org"]
    with app.app_context():
        position = demo.user("branch1_org").positions[0]
        position_id, started_on = position.id, position.started_on
    url = f"/admin/users/{user_id}/positions"
    day_before = (started_on - timedelta(days=1)).isoformat()

    too_early = client.post(url, data={"position": position_id, "ended_on": day_before, "end": "1"})
    not_a_date = client.post(url, data={"position": position_id, "ended_on": "2026-13-45", "end": "1"})
    client.post(url, data={"position": position_id, "ended_on": clock.today().isoformat(), "end": "1"})
    twice = client.post(url, data={"position": position_id, "ended_on": clock.today().isoformat(), "end": "1"})
    someone_elses = client.post(f"/admin/users/{demo.user_ids['admin']}/positions",
                                data={"position": position_id, "ended_on": clock.today().isoformat(), "end": "1"})

    assert too_early.status_code == 422 and "不能早于任职日期" in too_early.get_data(as_text=True)
    assert not_a_date.status_code == 422
    assert twice.status_code == 422 and "已于" in twice.get_data(as_text=True)
    assert someone_elses.status_code == 422 and "没有找到这项职务" in someone_elses.get_data(as_text=True)
    assert [e.kind for e in admin_events(app)] == ["position_ended"]


@pytest.mark.parametrize(("data", "message"), [
    ({"unit": "999999", "role": "secretary"}, "所选组织不存在"),
    ({"unit": "", "role": "secretary"}, "请选择任职的组织"),
    ({"role": "emperor"}, "不认识的职务"),
    ({"role": ""}, "请选择职务"),
    ({"started_on": "yesterday"}, "不是有效的日期值"),
    ({"started_on": ""}, "请填写任职日期"),
    ({"role": "secretary", "unit": "branch1"}, "无需重复任命"),  # he already is its secretary
])
def test_an_invalid_appointment_is_refused_with_a_message(app, client, demo, login, data, message):
    login(client, "admin")
    form = {"unit": demo.unit_ids["town_branch"], "role": "org_member", "started_on": clock.today().isoformat(),
            "add": "1", **data}
    if form["unit"] == "branch1":
        form["unit"] = demo.unit_ids["branch1"]

    response = client.post(f"/admin/users/{demo.user_ids['branch1_secretary']}/positions", data=form)

    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert admin_events(app) == []


def test_the_users_page_shows_positions_with_their_dates(client, demo, login):
    login(client, "admin")

    page = client.get("/admin/users?q=陈晓明").get_data(as_text=True)

    assert "内科第一党支部 · 书记" in page and "至今" in page
    assert "郭志华" not in page


# ---------- the admins' record ----------


def test_the_event_log_lists_changes_newest_first_and_filters_by_kind(app, client, demo, login):
    login(client, "admin")
    post_setting(client, demo.unit_ids["hospital"], "min_age_years", "20")
    client.post("/admin/lanes", data=lane_form(original_key="branch_secretary", label="支部书记"))

    page = client.get("/admin/events").get_data(as_text=True)
    lanes_only = client.get("/admin/events?kind=lane_updated").get_data(as_text=True)

    assert page.index("修改泳道") < page.index("设置规则")
    assert "申请入党最低年龄（周岁）" in page and "县人民医院党委" in page
    assert "申请入党最低年龄（周岁）" not in lanes_only


def test_admin_events_are_append_only(app, demo):
    with app.app_context():
        event = AdminEvent(at=clock.now(), actor_id=demo.user_ids["admin"], kind="setting_set", target="x", data={})
        db.session.add(event)
        db.session.commit()

        event.target = "changed"
        with pytest.raises(ValueError, match="append-only"):
            db.session.commit()
        db.session.rollback()
        db.session.delete(event)
        with pytest.raises(ValueError, match="append-only"):
            db.session.commit()
        db.session.rollback()


def test_saving_a_lane_unchanged_records_nothing(app, client, demo, login):
    login(client, "admin")
    with app.app_context():
        row = db.session.get(LaneRuleRow, "branch_secretary")
        same = lane_form(original_key=row.key, label=row.label, positions=list(row.positions))

    response = client.post("/admin/lanes", data=same)

    assert response.status_code == 302
    assert admin_events(app) == []
