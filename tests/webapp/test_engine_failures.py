"""A case the engine cannot run on goes to 异常 with a message for admins, never a stack trace or a hung
worker: a definition already in the database that loops without a person in it, and a stored engine
state that cannot be read. The work item stays open, the submission does not take effect, nothing of
the case runs until an admin resumes it, and the audit chain records it all."""

from pathlib import Path

from _ui_fixtures import application_form, open_item, start_application, talk_form
from test_api import bearer

from webapp import audit, clock
from webapp.extensions import db
from webapp.models import AuditEvent, Case, ProcessDefinition, Submission
from workflows.specs import sha256_of

RECRUITMENT_XML = (Path(__file__).parents[2] / "bpmn" / "recruitment.bpmn").read_text(encoding="utf-8")
TO_R03 = ('<bpmn:sequenceFlow id="flow_activist_designation_loop__R03_designate_activist" '
          'sourceRef="activist_designation_loop" targetRef="R03_designate_activist" />')
TO_R02 = ('<bpmn:sequenceFlow id="flow_R01_submit_application__R02_initial_talk" '
          'sourceRef="R01_submit_application" targetRef="R02_initial_talk" />')


def store_without_checks(app, old: str, new: str) -> None:
    """A recruitment version written straight into the database, as an older release or a fixture
    could have left it: the publish checks never saw it."""
    assert old in RECRUITMENT_XML
    with app.app_context():
        current = db.session.scalars(db.select(ProcessDefinition).filter_by(process_key="recruitment",
                                                                           is_current=True)).one()
        current.is_current = False
        xml = RECRUITMENT_XML.replace(old, new)
        db.session.add(ProcessDefinition(process_key="recruitment", name=current.name, version=current.version + 1,
                                         sha256=sha256_of(xml.encode()), bpmn_xml=xml,
                                         is_current=True, published_at=clock.now()))
        db.session.commit()


def busy_loop_after_the_talk(app) -> None:
    # The gateway before 推荐和确定入党积极分子 leads back to itself: nothing in the loop waits for a person.
    store_without_checks(app, TO_R03, TO_R03.replace('targetRef="R03_designate_activist"',
                                                     'targetRef="activist_designation_loop"'))


def case_rows(app, case_id: int):
    with app.app_context():
        case = db.session.get(Case, case_id)
        events = db.session.scalars(db.select(AuditEvent).filter_by(case_id=case_id).order_by(AuditEvent.seq)).all()
        submissions = db.session.scalar(db.select(db.func.count()).select_from(Submission).filter_by(case_id=case_id))
        return case.status, case.state, case.error_detail, [e.kind for e in events], submissions


def test_a_loop_without_a_person_puts_the_case_in_error_and_an_admin_resumes_it(app, client, demo, login):
    login(client, "branch1_secretary")
    busy_loop_after_the_talk(app)
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    _, state_before, _, events_before, submissions_before = case_rows(app, case.id)

    response = client.post(f"/inbox/{item.id}", data=talk_form(app, demo.unit_ids["branch1"]), follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Traceback" not in page
    assert "提交未生效" in page and "一次运行超过 200 步" in page and "党组织派人谈话" in page

    status, state, detail, events, submissions = case_rows(app, case.id)
    assert (status, detail["kind"], detail["params"]["limit"]) == ("error", "engine", 200)
    assert state == state_before  # the failed run was never saved
    assert events == [*events_before, "error"] and submissions == submissions_before
    assert open_item(app, case.id).id == item.id  # still waiting for the talk
    with app.app_context():
        assert audit.verify_case(case.id) is None

    # Nothing of the case runs while it is stopped: a second try is refused and writes nothing.
    again = client.post(f"/inbox/{item.id}", data=talk_form(app, demo.unit_ids["branch1"]), follow_redirects=True)
    assert "提交未生效" in again.get_data(as_text=True)
    assert case_rows(app, case.id)[3] == events
    item_page = client.get(f"/inbox/{item.id}").get_data(as_text=True)
    assert "管理员恢复办件后才能办理此环节" in item_page and 'name="summary"' not in item_page

    admin = app.test_client()
    login(admin, "admin")
    case_page = admin.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "办件异常" in case_page and "恢复办件" in case_page and "一次运行超过 200 步" in case_page
    resumed = admin.post(f"/cases/{case.id}/reroute", follow_redirects=True).get_data(as_text=True)
    assert "办件已恢复办理" in resumed
    status, _, detail, events, _ = case_rows(app, case.id)
    assert (status, detail, events[-1]) == ("running", None, "resume")


def test_the_english_page_explains_the_stop_in_english(app, client, demo, login):
    login(client, "branch1_secretary")
    busy_loop_after_the_talk(app)
    case = start_application(client, app, demo.unit_ids["branch1"])
    client.post(f"/inbox/{open_item(app, case.id).id}", data=talk_form(app, demo.unit_ids["branch1"]))
    client.post("/auth/language/en")
    page = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "more than 200 steps" in page and "Talk with the applicant" in page


def test_the_api_answers_a_stopped_case_with_a_json_conflict(app, client, demo, login):
    login(client, "branch1_secretary")
    busy_loop_after_the_talk(app)
    case = start_application(client, app, demo.unit_ids["branch1"])
    item = open_item(app, case.id)
    headers = bearer(client, "branch1_secretary")
    data = talk_form(app, demo.unit_ids["branch1"])
    data["talker_ids"] = [int(data["talker_ids"])]
    response = client.post(f"/api/v1/work-items/{item.id}/complete", json={"data": data}, headers=headers)
    assert response.status_code == 409
    assert response.json["message"].startswith("提交未生效") and "200 步" in response.json["message"]
    assert case_rows(app, case.id)[0] == "error"


def test_a_definition_that_fails_at_the_start_creates_no_case(app, client, demo, login):
    # After the application, a gateway that leads back to itself: the case cannot even reach its first wait.
    spin = ('<bpmn:exclusiveGateway id="spin"><bpmn:incoming>flow_R01_submit_application__R02_initial_talk'
            '</bpmn:incoming><bpmn:incoming>spin_again</bpmn:incoming><bpmn:outgoing>spin_again</bpmn:outgoing>'
            '</bpmn:exclusiveGateway><bpmn:sequenceFlow id="spin_again" sourceRef="spin" targetRef="spin" />')
    store_without_checks(app, TO_R02, TO_R02.replace('targetRef="R02_initial_talk"', 'targetRef="spin"') + spin)
    login(client, "branch1_secretary")
    response = client.post(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}",
                           data=application_form(name="王五"))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "无法发起" in page and "一次运行超过 200 步" in page
    assert 'value="王五"' in page  # what was typed is still in the form
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def corrupt(app, case_id: int, state: str) -> None:
    with app.app_context():
        db.session.get(Case, case_id).state = state
        db.session.commit()


def test_a_case_whose_state_cannot_be_read_is_an_error_case_that_runs_nothing(app, client, demo, login):
    login(client, "branch1_secretary")
    unreadable = []
    for name, state in (("甲", "{not json"), ("乙", '{"serializer_version": "partyflow-0", "spec_ref": "x"}'),
                        ("丙", '{"serializer_version": "partyflow-1", "spec_ref": "0000", "tasks": {}}')):
        case = start_application(client, app, demo.unit_ids["branch1"], name=name)
        corrupt(app, case.id, state)
        unreadable.append(case.id)

    for case_id in unreadable:
        item = open_item(app, case_id)
        response = client.post(f"/inbox/{item.id}", data=talk_form(app, demo.unit_ids["branch1"]),
                               follow_redirects=True)
        assert response.status_code == 200 and "流程状态无法读取" in response.get_data(as_text=True)
        status, _, detail, events, _ = case_rows(app, case_id)
        assert (status, detail["kind"], events[-1]) == ("error", "state", "error")
        assert open_item(app, case_id).id == item.id

    admin = app.test_client()
    login(admin, "admin")
    page = admin.get(f"/cases/{unreadable[0]}")
    assert page.status_code == 200 and "流程状态无法读取" in page.get_data(as_text=True)
    kept = admin.post(f"/cases/{unreadable[0]}/reroute", follow_redirects=True).get_data(as_text=True)
    assert "仍无法读取" in kept and case_rows(app, unreadable[0])[0] == "error"
