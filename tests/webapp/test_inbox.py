"""待办 pages: the tabs, doing a step (办理), claiming (认领), handing on (转办), permissions."""

from __future__ import annotations

import re

from _ui_fixtures import days_later, open_item, start_application
from _ui_fixtures import talk_form as _talk_form

from webapp import clock
from webapp.extensions import db
from webapp.models import AuditEvent, Submission, WorkItem


def test_work_item_of_another_branch_is_forbidden_to_view_and_to_submit(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    client.post("/auth/logout")
    login(client, "town_branch_secretary")

    assert client.get(f"/inbox/{item.id}").status_code == 403
    assert client.post(f"/inbox/{item.id}", data=_talk_form(app, demo.unit_ids["branch1"])).status_code == 403
    assert client.post(f"/inbox/{item.id}/claim").status_code == 403
    assert client.get(f"/inbox/{item.id}/reassign").status_code == 403
    assert open_item(app, case.id).assignee_id is None


def test_inbox_lists_only_the_items_of_the_users_units(app, client, demo, login):
    login(client, "branch1_secretary")
    start_application(client, app, demo.unit_ids["branch1"], name="张三")
    client.post("/auth/logout")
    login(client, "town_branch_secretary")
    start_application(client, app, demo.unit_ids["town_branch"], name="王五", serial=902)

    town = client.get("/inbox/").get_data(as_text=True)
    client.post("/auth/logout")
    login(client, "branch1_deputy")
    branch1 = client.get("/inbox/").get_data(as_text=True)

    assert "发展党员 · 王五" in town and "发展党员 · 张三" not in town
    assert "发展党员 · 张三" in branch1 and "发展党员 · 王五" not in branch1
    assert "党组织派人谈话" in branch1 and "待认领" in branch1


def test_empty_inbox_says_what_would_appear_there(client, demo, login):
    login(client, "branch1_secretary")

    html = client.get("/inbox/").get_data(as_text=True)

    assert "暂无待办事项" in html and "办理期限" in html


def test_doing_a_step_completes_it_and_sends_the_case_to_the_next_step(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)

    form = client.get(f"/inbox/{item.id}").get_data(as_text=True)
    response = client.post(f"/inbox/{item.id}", data=_talk_form(app, demo.unit_ids["branch1"]))

    assert 'name="talk_date"' in form and "谈话人" in form and "办件概要" in form
    assert 'type="checkbox" name="talker_ids"' in form  # members picked from a list of checkboxes
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/inbox/?done={item.id}")
    assert "已提交：党组织派人谈话" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已提交" not in client.get("/inbox/").get_data(as_text=True)
    with app.app_context():
        done = db.session.get(WorkItem, item.id)
        assert done.status == "completed"
    assert "党组织派人谈话" in client.get("/inbox/?tab=done").get_data(as_text=True)


def test_the_submitted_notice_names_only_a_step_the_user_completed(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    done_address = client.post(f"/inbox/{item.id}", data=_talk_form(app, demo.unit_ids["branch1"])).headers["Location"]
    client.post("/auth/logout")

    login(client, "town_branch_secretary")
    assert "党组织派人谈话" not in client.get(done_address).get_data(as_text=True)
    assert client.get("/inbox/?done=not-a-number").status_code == 200


def test_a_step_form_with_errors_is_shown_again_with_the_messages_beside_the_fields_and_the_text_kept(
        app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)

    response = client.post(f"/inbox/{item.id}", data=_talk_form(app, demo.unit_ids["branch1"], talk_date=""))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "谈话了解入党动机。" in html                      # what was typed is kept
    field = html[html.index('name="talk_date"'):]
    assert 'class="field-error"' in field[:field.index("</div>")]
    assert open_item(app, case.id).id == item.id             # nothing changed


def test_a_rule_refusing_a_step_is_shown_beside_its_field_with_status_422(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)

    response = client.post(f"/inbox/{item.id}", data=_talk_form(app, demo.unit_ids["branch1"],
                                                                 talk_date="2000-01-01"))

    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "谈话日期不能早于递交入党申请书的日期" in html
    assert open_item(app, case.id).status == "open"


def test_submitting_a_step_that_was_already_done_answers_409(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    form = _talk_form(app, demo.unit_ids["branch1"])
    client.post(f"/inbox/{item.id}", data=form)

    again = client.post(f"/inbox/{item.id}", data=form)

    assert again.status_code == 409
    assert "事项已处理" in again.get_data(as_text=True)


def test_claiming_shows_the_claimer_and_leaves_colleagues_read_only(app, client, demo, login):
    login(client, "branch1_deputy")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)

    claimed = client.post(f"/inbox/{item.id}/claim")
    client.post("/auth/logout")
    login(client, "branch1_org")
    colleague_inbox = client.get("/inbox/").get_data(as_text=True)
    colleague_page = client.get(f"/inbox/{item.id}")
    colleague_post = client.post(f"/inbox/{item.id}", data=_talk_form(app, demo.unit_ids["branch1"]))

    assert claimed.status_code == 302
    assert "发展党员 · 张三" not in colleague_inbox           # no longer in a colleague's 待办
    assert colleague_page.status_code == 200
    assert "已由 刘芳 认领" in colleague_page.get_data(as_text=True)
    assert 'name="talk_date"' not in colleague_page.get_data(as_text=True)
    assert colleague_post.status_code == 409


def test_only_the_secretary_may_hand_an_item_on_and_the_new_holder_sees_it(app, client, demo, login):
    login(client, "branch1_org")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    assert client.get(f"/inbox/{item.id}/reassign").status_code == 403
    client.post("/auth/logout")
    login(client, "branch1_secretary")

    page = client.get(f"/inbox/{item.id}/reassign").get_data(as_text=True)
    response = client.post(f"/inbox/{item.id}/reassign", data={"assignee": demo.user_ids["branch1_deputy"]})

    assert "刘芳" in page and "杨帆" in page
    assert response.status_code == 302
    assert open_item(app, case.id).assignee_id == demo.user_ids["branch1_deputy"]
    client.post("/auth/logout")
    login(client, "branch1_deputy")
    assert "已认领：刘芳" in client.get("/inbox/").get_data(as_text=True)


def test_a_general_branch_sees_its_branches_items_read_only_under_supervision(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    client.post("/auth/logout")
    login(client, "internal_gb_secretary")

    todo = client.get("/inbox/").get_data(as_text=True)
    supervised = client.get("/inbox/?tab=supervised").get_data(as_text=True)
    page = client.get(f"/inbox/{item.id}")

    assert "发展党员 · 张三" not in todo
    assert "发展党员 · 张三" in supervised
    assert page.status_code == 200 and "不能在此办理" in page.get_data(as_text=True)
    assert client.post(f"/inbox/{item.id}", data=_talk_form(app, demo.unit_ids["branch1"])).status_code == 403


def test_a_late_item_shows_how_many_days_it_is_overdue_in_red_and_the_filter_finds_it(
        app, client, demo, login, monkeypatch):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    monkeypatch.setattr(clock, "now", days_later(45))
    late = (clock.today() - item.due_on).days

    html = client.get("/inbox/").get_data(as_text=True)
    overdue_only = client.get("/inbox/?overdue=y").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)

    assert late > 0
    assert f"逾期 {late} 天" in html and "row-overdue" in html
    assert "发展党员 · 张三" in overdue_only
    assert "stat-alert" in home


def test_inbox_filter_by_due_this_week_leaves_out_later_items(app, client, demo, login):
    login(client, "branch1_secretary")
    start_application(client, app, demo.unit_ids["branch1"])

    html = client.get("/inbox/?week=y").get_data(as_text=True)

    assert "发展党员 · 张三" not in html  # the initial talk is due in a month
    assert "没有符合筛选条件的事项" in html


def test_my_started_cases_tab_lists_the_cases_i_started(app, client, demo, login):
    login(client, "branch1_secretary")
    start_application(client, app, demo.unit_ids["branch1"])

    html = client.get("/inbox/?tab=mine").get_data(as_text=True)

    assert "发展党员 · 张三" in html and "办理中" in html and "党组织派人谈话" in html


def test_a_step_form_is_accepted_only_with_the_pages_csrf_token(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    app.config["WTF_CSRF_ENABLED"] = True  # as in production (the suite turns it off for brevity)
    form = _talk_form(app, demo.unit_ids["branch1"])

    refused = client.post(f"/inbox/{item.id}", data=form)
    page = client.get(f"/inbox/{item.id}").get_data(as_text=True)
    # the token the step form itself carries
    token = re.search(rf'action="/inbox/{item.id}">\s*<input type="hidden" name="csrf_token" value="([^"]+)"',
                      page).group(1)
    accepted = client.post(f"/inbox/{item.id}", data={**form, "csrf_token": token})

    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)
    assert accepted.status_code == 302
    with app.app_context():
        assert db.session.get(WorkItem, item.id).status == "completed"


def test_a_page_post_with_a_key_that_is_not_a_field_of_the_step_is_refused_and_changes_nothing(
        app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    for smuggled in ({"activist_decision": "designate"}, {"typename": "BpmnWorkflow"}, {"deliberating_units": "1"}):
        response = client.post(f"/inbox/{item.id}", data={**_talk_form(app, demo.unit_ids["branch1"]), **smuggled})
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "本环节表单没有的字段" in page and next(iter(smuggled)) in page
        assert open_item(app, case.id).id == item.id
    with app.app_context():
        assert db.session.scalars(db.select(AuditEvent.kind).filter_by(case_id=case.id)).all() == ["start"]


def test_submitted_markup_is_stored_as_text_and_shown_escaped(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    markup = "<script>alert(1)</script><img src=x onerror=alert(2)>{{ 7*7 }}"
    response = client.post(f"/inbox/{open_item(app, case.id).id}",
                            data=_talk_form(app, demo.unit_ids["branch1"], summary=markup))
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalars(db.select(Submission.data).filter_by(case_id=case.id, step_code="R02_initial_talk"))
        assert stored.one()["summary"] == markup  # kept as typed: inert text
    for page in (f"/cases/{case.id}", f"/cases/{case.id}/dossier"):
        html = client.get(page).get_data(as_text=True)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;{{ 7*7 }}" in html
        assert "<script>alert(1)" not in html and "<img src=x" not in html
