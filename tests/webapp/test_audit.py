"""全程纪实: every change of a case is a hash-chained event; editing or deleting any of them is found."""

import pytest
from _ui_fixtures import start_application
from sqlalchemy import delete, update

from webapp import clock
from webapp.audit import event_hash, verify_case
from webapp.extensions import db
from webapp.models import AuditEvent, Case


@pytest.fixture
def case_id(app, client, demo, login):
    """A case with three events: started, claimed, and its first step completed."""
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    with app.app_context():
        (item,) = db.session.get(Case, case.id).work_items
        member = demo.user("branch1_org").member_id
    client.post(f"/inbox/{item.id}/claim")
    talk = {"talk_date": clock.today().isoformat(), "talker_ids": [member], "summary": "谈话记录"}
    response = client.post(f"/inbox/{item.id}", data=talk)
    assert response.status_code == 302
    return case.id


def events(app, case_id):
    with app.app_context():
        return db.session.scalars(db.select(AuditEvent).filter_by(case_id=case_id).order_by(AuditEvent.seq)).all()


def tamper(app, statement):
    with app.app_context():
        db.session.execute(statement)
        db.session.commit()


def test_each_change_is_an_event_with_actor_time_and_form_data(app, case_id):
    start, claim, complete = events(app, case_id)
    assert [e.kind for e in (start, claim, complete)] == ["start", "claim", "complete"]
    assert start.actor_name == "陈晓明" and start.data["name"] == "张三"
    assert complete.data["summary"] == "谈话记录" and complete.step_code == "R02_initial_talk"
    assert claim.prev_hash == start.hash and complete.prev_hash == claim.hash


def test_an_intact_record_verifies(app, runner, case_id):
    assert runner.invoke(args=["audit", "verify"]).output.strip() == "OK"


def test_editing_the_data_of_an_event_is_found(app, runner, client, case_id):
    tamper(app, update(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq == 1)
           .values(data={"name": "李四"}))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert result.output.strip() == f"BROKEN case {case_id} event 1: content does not match its hash"
    assert "记录校验未通过：第 1 条记录被改动或缺失" in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_deleting_an_event_in_the_middle_is_found(app, case_id):
    tamper(app, delete(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq == 2))
    with app.app_context():
        assert verify_case(case_id).seq == 2


def test_deleting_the_last_event_is_found(app, case_id):
    tamper(app, delete(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq == 3))
    with app.app_context():
        broken = verify_case(case_id)
    assert (broken.seq, broken.reason) == (3, "event missing")


def test_rewriting_an_event_and_its_hash_breaks_the_next_link(app, case_id):
    with app.app_context():
        first = db.session.scalars(db.select(AuditEvent).filter_by(case_id=case_id, seq=1)).one()
        first.summary = "改过的摘要"
        first.hash = event_hash(first.prev_hash, first)
        db.session.commit()
        broken = verify_case(case_id)
    assert (broken.seq, broken.reason) == (2, "previous hash does not match")


def test_reordering_two_events_is_found_at_the_first_moved_one(app, runner, case_id):
    # Swap the places of the claim and the completion: each keeps its own content and hash.
    tamper(app, update(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq == 2).values(seq=-2))
    tamper(app, update(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq == 3).values(seq=2))
    tamper(app, update(AuditEvent).where(AuditEvent.case_id == case_id, AuditEvent.seq == -2).values(seq=3))
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and result.output.startswith(f"BROKEN case {case_id} event 2:")
