"""The same work item completed twice at once: exactly one succeeds, no duplicate next work items.

Runs on SQLite (version compare-and-swap) and on PostgreSQL (row lock) alike: `make test` runs both.
"""

import threading
from datetime import timedelta

from webapp import clock
from webapp.cases import operations
from webapp.demo import fake_id_number
from webapp.extensions import db
from webapp.models import Case, User, WorkItem


def start_recruitment(app, demo, username="branch1_secretary") -> int:
    today = clock.today()
    birth = today.replace(year=today.year - 25)
    data = {
        "name": "林小雨", "gender": "female", "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "id_number": fake_id_number(birth, False, 7), "education": "undergraduate",
        "application_letter_received": True, "application_date": (today - timedelta(days=3)).isoformat(),
    }
    with app.app_context():
        actor = demo.user(username)
        case = operations.start_case(operations.current_definition("recruitment"), demo.unit("branch1"), data, actor)
        db.session.commit()
        return case.id


def talk_data(app, demo) -> dict:
    with app.app_context():
        talker = demo.user("branch1_org").member_id
    return {"talk_date": clock.today().isoformat(), "talker_ids": [talker],
            "summary": "了解入党动机，讲解党的基本知识。"}


def complete_in_thread(app, item_id, user_id, data, barrier, results):
    with app.app_context():
        try:
            item = db.session.get(WorkItem, item_id)
            actor = db.session.get(User, user_id)
            barrier.wait(timeout=10)
            operations.complete_work_item(item, data, actor)
            db.session.commit()
            results.append("completed")
        except operations.AlreadyHandled:
            db.session.rollback()
            results.append("already handled")
        except Exception as err:  # reported by the assertion, not lost in the thread
            db.session.rollback()
            results.append(repr(err))
        finally:
            db.session.remove()


def test_two_officers_completing_the_same_item_at_once_complete_it_once(app, demo):
    case_id = start_recruitment(app, demo)
    with app.app_context():
        (item,) = db.session.get(Case, case_id).work_items
        item_id, users = item.id, [demo.user("branch1_secretary").id, demo.user("branch1_org").id]
    data, barrier, results = talk_data(app, demo), threading.Barrier(2), []
    threads = [threading.Thread(target=complete_in_thread, args=(app, item_id, user, data, barrier, results))
               for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results) == ["already handled", "completed"]
    with app.app_context():
        case = db.session.get(Case, case_id)
        steps = [(i.step_code, i.status) for i in case.work_items]
        assert steps == [("R02_initial_talk", "completed"), ("R03_designate_activist", "open")]
        assert [e.kind for e in case_events(case_id)] == ["start", "complete"]


def test_a_second_tab_posting_the_same_step_is_told_it_was_already_handled(app, demo, client, login):
    case_id = start_recruitment(app, demo)
    with app.app_context():
        (item,) = db.session.get(Case, case_id).work_items
        item_id = item.id
    data = talk_data(app, demo)
    login(client, "branch1_secretary")
    first = client.post(f"/inbox/{item_id}", data=data)
    second = client.post(f"/inbox/{item_id}", data=data)
    assert first.status_code == 302
    assert second.status_code == 409
    assert "已被他人办理" in second.get_data(as_text=True)
    with app.app_context():
        open_items = db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id, status="open")).all()
        assert [i.step_code for i in open_items] == ["R03_designate_activist"]


def case_events(case_id):
    from webapp.models import AuditEvent

    return db.session.scalars(db.select(AuditEvent).filter_by(case_id=case_id).order_by(AuditEvent.seq)).all()


def test_a_case_changed_since_its_item_was_read_is_read_again_not_refused(app, demo):
    """The page read the item and its case; before the form came back, a colleague's request changed
    the case (here: the officer's own claim from another tab). The completion reads the case again
    and goes through, since nothing it depends on was taken."""
    case_id = start_recruitment(app, demo)
    with app.app_context():
        (item,) = db.session.get(Case, case_id).work_items
        actor = demo.user("branch1_secretary")
        version_read = item.case.version
        with app.app_context():  # another request, with its own session
            operations.claim_work_item(db.session.get(WorkItem, item.id), db.session.get(User, actor.id))
            db.session.commit()
        operations.complete_work_item(item, talk_data(app, demo), actor)
        db.session.commit()

        case = db.session.get(Case, case_id)
        assert case.version > version_read + 1
        assert [(i.step_code, i.status) for i in case.work_items] == [
            ("R02_initial_talk", "completed"), ("R03_designate_activist", "open")]
        assert [e.kind for e in case_events(case_id)] == ["start", "claim", "complete"]
