"""办件 pages: starting a case (发起), the case page, its diagram and dossier, the case list."""

from __future__ import annotations

from datetime import date

from _ui_fixtures import application_form, start_application

from webapp import clock
from webapp.extensions import db
from webapp.models import AuditEvent, Case, Member, OrgUnit, ProcessDefinition


def _count(model) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def test_start_page_refuses_an_applicant_under_18_beside_the_field_and_creates_nothing(app, client, demo, login):
    login(client, "branch1_secretary")
    today = clock.today()
    minor = date(today.year - 17, 1, 1)
    with app.app_context():
        before = (_count(Case), _count(Member), _count(AuditEvent))

    response = client.post(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}",
                           data=application_form(name="李小明", birth=minor))

    assert response.status_code == 422
    html = response.get_data(as_text=True)
    # the refusal sits right under the application date it concerns, and the form keeps what was typed
    field = html[html.index('name="application_date"'):]
    assert field.index("申请入党须年满18周岁") < field.index("</div>")
    assert 'value="李小明"' in html
    with app.app_context():
        assert (_count(Case), _count(Member), _count(AuditEvent)) == before


def test_start_page_lists_procedures_then_goes_straight_to_the_form_of_a_secretarys_only_branch(client, demo, login):
    login(client, "branch1_secretary")

    choose = client.get("/cases/new").get_data(as_text=True)
    form = client.get("/cases/new?process=recruitment").get_data(as_text=True)

    assert "发展党员" in choose and "/cases/new?process=recruitment" in choose
    assert "内科第一党支部" in form and 'name="birth_date"' in form


def test_start_page_tells_a_member_without_an_officer_position_that_they_cannot_start(client, demo, login):
    login(client, "branch1_publicity")

    html = client.get("/cases/new?process=recruitment").get_data(as_text=True)

    assert "您目前不能为任何党组织发起此流程" in html
    assert 'name="birth_date"' not in html


def test_starting_a_case_opens_its_page_with_the_record_and_a_complete_history(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"], name="张三")

    response = client.get(f"/cases/{case.id}")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "发展党员 · 张三" in html and case.business_key in html
    assert "办理中" in html and "记录完整" in html
    assert "递交入党申请书" in html and "党组织派人谈话" in html  # the record and the current step
    assert "出生日期" in html and "1999年5月6日" in html           # Chinese labels, long dates
    assert 'aria-current="step"' in html                          # the stage bar marks where the case is


def test_case_page_masks_the_id_number_and_the_dossier_prints_it_in_full(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    id_number = application_form()["id_number"]

    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    dossier = client.get(f"/cases/{case.id}/dossier").get_data(as_text=True)

    assert id_number not in page and id_number[-4:] in page
    assert id_number in dossier and "全程纪实表" in dossier


def test_case_page_warns_in_red_when_a_history_event_was_altered(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent).filter_by(case_id=case.id, seq=1)).one()
        event.summary = "改过的记录"
        db.session.commit()

    html = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert "记录完整" not in html
    assert "第 1 条记录被改动或缺失" in html and "改过的记录" in html and "内容与存证哈希不符" in html


def test_case_page_is_forbidden_to_a_secretary_of_another_branch(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    client.post("/auth/logout")
    login(client, "town_branch_secretary")

    assert client.get(f"/cases/{case.id}").status_code == 403
    assert client.get(f"/cases/{case.id}/diagram.xml").status_code == 403
    assert client.get(f"/cases/{case.id}/dossier").status_code == 403


def test_case_diagram_is_the_bpmn_of_the_version_the_case_runs_on(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])

    response = client.get(f"/cases/{case.id}/diagram.xml")

    with app.app_context():
        xml = db.session.get(ProcessDefinition, case.definition_id).bpmn_xml
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert response.get_data(as_text=True) == xml


def test_case_page_highlights_the_finished_start_and_the_waiting_step_on_the_diagram(app, client, demo, login):
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])

    html = client.get(f"/cases/{case.id}").get_data(as_text=True)

    assert 'data-current="[&#34;R02_initial_talk&#34;]"' in html
    assert "bpmn-navigated-viewer.production.min.js" in html


def test_case_list_shows_the_cases_of_the_users_units_and_not_those_of_other_branches(app, client, demo, login):
    login(client, "branch1_secretary")
    start_application(client, app, demo.unit_ids["branch1"], name="张三")
    client.post("/auth/logout")
    login(client, "town_branch_secretary")
    start_application(client, app, demo.unit_ids["town_branch"], name="王五", serial=902)

    town = client.get("/cases/").get_data(as_text=True)
    client.post("/auth/logout")
    login(client, "hospital_secretary")
    hospital = client.get("/cases/").get_data(as_text=True)

    assert "王五" in town and "张三" not in town
    assert "张三" in hospital and "王五" not in hospital  # a committee sees the branches below it


def test_case_list_filters_by_status(app, client, demo, login):
    login(client, "branch1_secretary")
    start_application(client, app, demo.unit_ids["branch1"], name="张三")

    running = client.get("/cases/?status=running").get_data(as_text=True)
    completed = client.get("/cases/?status=completed").get_data(as_text=True)

    assert "张三" in running
    assert "张三" not in completed and "没有可以显示的办件" in completed


def test_a_start_form_post_with_a_key_that_is_not_a_field_is_refused_and_creates_nothing(app, client, demo, login):
    login(client, "branch1_secretary")
    response = client.post(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}",
                           data={**application_form(), "stage": "full_member"})
    assert response.status_code == 400 and "本环节表单没有的字段（stage）" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_no_recruitment_starts_in_a_temporary_branch(app, client, demo, login):
    with app.app_context():
        branch = db.session.get(OrgUnit, demo.unit_ids["branch1"])
        branch.is_temporary = True
        db.session.commit()
    login(client, "branch1_secretary")

    html = client.get("/cases/new?process=recruitment").get_data(as_text=True)
    refused = client.get(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}")

    assert "您目前不能为任何党组织发起此流程" in html
    assert refused.status_code == 403
