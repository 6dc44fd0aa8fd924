"""The same work item completed several times at once: exactly one succeeds, no duplicate next work items.

Runs on SQLite (version compare-and-swap) and on PostgreSQL (row lock) alike: `make test` runs both.
Two threads of this process through the operation, and fifty requests at once to the real app
served by gunicorn (several worker processes, several threads each) through the pages and the API.
"""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from server_process import ApiUser, Browser, ServerProcess

from webapp import clock
from webapp.api.work_items import ALREADY_HANDLED
from webapp.audit import verify_case
from webapp.cases import operations
from webapp.cases.consistency import check_case
from webapp.demo import fake_id_number
from webapp.extensions import db
from webapp.models import Case, Submission, User, WorkItem


def start_recruitment(app, demo, username="branch1_secretary", serial=7) -> int:
    today = clock.today()
    birth = today.replace(year=today.year - 25)
    data = {
        "name": "林小雨", "gender": "female", "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "id_number": fake_id_number(birth, False, serial), "education": "undergraduate",
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


def test_a_completion_that_waited_for_a_colleagues_claim_sees_the_claim_and_is_refused(app, demo):
    """The 组织委员 claims the item; the secretary's completion arrives while the claim holds the case
    (PostgreSQL: its row lock; SQLite: the database's write lock), and goes on once the claim is
    committed: the item is the 组织委员's now, so the completion is refused, as it would be a moment later."""
    case_id = start_recruitment(app, demo)
    with app.app_context():
        (item,) = db.session.get(Case, case_id).work_items
        item_id, claimer, secretary = item.id, demo.user("branch1_org").id, demo.user("branch1_secretary").id
    claim_held, claim_may_commit, results = threading.Event(), threading.Event(), []

    def claim():
        with app.app_context():
            operations.claim_work_item(db.session.get(WorkItem, item_id), db.session.get(User, claimer))
            claim_held.set()
            claim_may_commit.wait(timeout=30)
            db.session.commit()

    claiming = threading.Thread(target=claim)
    claiming.start()
    assert claim_held.wait(timeout=30)
    completing = threading.Thread(target=complete_in_thread, args=(
        app, item_id, secretary, talk_data(app, demo), threading.Barrier(1), results))
    completing.start()
    wait_until_blocked(app)
    claim_may_commit.set()
    for thread in (claiming, completing):
        thread.join(timeout=30)

    assert results == ["already handled"]
    with app.app_context():
        item = db.session.get(WorkItem, item_id)
        assert (item.status, item.assignee_id) == ("open", claimer)
        assert [e.kind for e in case_events(case_id)] == ["start", "claim"]


def wait_until_blocked(app) -> None:
    """Until another session of the test waits for a lock (PostgreSQL tells; SQLite's busy wait does
    not, so the completion gets time to read, run the engine and reach its write)."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            time.sleep(1.0)
            return
        waiting = db.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                          "AND wait_event_type = 'Lock'")
        deadline = time.monotonic() + 30
        while not db.session.scalar(waiting) and time.monotonic() < deadline:
            db.session.rollback()  # a new snapshot of pg_stat_activity
            time.sleep(0.02)
        db.session.rollback()


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


# Fifty requests in flight at once, each served by a thread of its own: 5 processes × 10 threads.
PARALLEL, WORKERS, THREADS = 50, 5, 10


@pytest.fixture
def served(app, demo, app_config, tmp_path):
    """The app of ``app`` + ``demo`` served by gunicorn on the same database."""
    server = ServerProcess(app_config["SQLALCHEMY_DATABASE_URI"], tmp_path / "gunicorn.log",
                           workers=WORKERS, threads=THREADS).start()
    yield server
    server.kill()


def all_at_once(served, send) -> list:
    """``send(n, connection)`` for n in 0..PARALLEL-1, each in a thread of its own, all connected
    first and then released together; their results in order."""
    barrier = threading.Barrier(PARALLEL)

    def attempt(n: int):
        connection = served.connect()
        barrier.wait(timeout=60)
        return send(n, connection)

    with ThreadPoolExecutor(PARALLEL) as pool:
        return list(pool.map(attempt, range(PARALLEL)))


@pytest.mark.server
def test_fifty_requests_completing_one_item_at_once_complete_it_once(app, demo, served):
    case_id = start_recruitment(app, demo)
    with app.app_context():
        (item,) = db.session.get(Case, case_id).work_items
        item_id = item.id
    data = talk_data(app, demo)
    # Half through the page (as 陈晓明, the secretary), half through the API (as the 组织委员).
    page, api = Browser(served, "branch1_secretary"), ApiUser(served, "branch1_org")

    def attempt(n: int, connection):
        if n % 2:
            return "api", api.post(f"/work-items/{item_id}/complete", {"data": data}, connection=connection)
        return "page", page.post(f"/inbox/{item_id}", data, connection=connection)

    replies = all_at_once(served, attempt)

    answers = Counter((way, reply.status) for way, reply in replies)
    winners = [way for way, reply in replies if (way, reply.status) in {("page", 302), ("api", 200)}]
    assert len(winners) == 1, answers
    assert answers["page", 409] + answers["api", 409] == PARALLEL - 1, answers
    for way, reply in replies:
        if reply.status == 409 and way == "page":
            assert "此事项已被他人办理或状态已变化，请刷新后查看最新情况。" in reply.text
        if reply.status == 409 and way == "api":
            assert reply.json() == {"error": 409, "message": ALREADY_HANDLED}
    assert "Traceback" not in served.log()
    with app.app_context():
        case = db.session.get(Case, case_id)
        assert [(i.step_code, i.status) for i in case.work_items] == [
            ("R02_initial_talk", "completed"), ("R03_designate_activist", "open")]
        winner = demo.user("branch1_secretary" if winners[0] == "page" else "branch1_org")
        assert case.work_items[0].completed_by_id == winner.id
        assert [e.kind for e in case_events(case_id)] == ["start", "complete"]
        assert verify_case(case_id) is None
        assert db.session.scalars(db.select(Submission.step_code).filter_by(work_item_id=item_id)).all() == [
            "R02_initial_talk"]
        assert check_case(case) == []


@pytest.mark.server
def test_fifty_completions_of_fifty_cases_at_once_all_go_through(app, demo, served):
    """Different cases do not conflict: on SQLite the writers wait for each other (busy_timeout), no
    request fails with "database is locked"."""
    case_ids = [start_recruitment(app, demo, serial=200 + n) for n in range(PARALLEL)]
    with app.app_context():
        item_ids = db.session.scalars(db.select(WorkItem.id).where(WorkItem.case_id.in_(case_ids))).all()
    data = talk_data(app, demo)
    page, api = Browser(served, "branch1_secretary"), ApiUser(served, "branch1_org")

    def attempt(n: int, connection):
        if n % 2:
            return api.post(f"/work-items/{item_ids[n]}/complete", {"data": data}, connection=connection).status
        return page.post(f"/inbox/{item_ids[n]}", data, connection=connection).status

    statuses = Counter(all_at_once(served, attempt))

    assert statuses == {302: PARALLEL // 2, 200: PARALLEL // 2}
    assert "Traceback" not in served.log()
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(WorkItem.id)).filter_by(status="open")) == PARALLEL
        assert all(check_case(db.session.get(Case, case_id)) == [] for case_id in case_ids)
