"""A request that waits too long for a lock someone else holds on its case gives up: it is answered
503 with a Chinese message (JSON in the API), nothing of it is written, and submitted again once the
lock is gone it goes through. The wait is DATABASE_LOCK_TIMEOUT (SQLite busy_timeout, PostgreSQL
lock_timeout), short here."""

import time
from contextlib import contextmanager

import pytest
from sqlalchemy.exc import InternalError
from test_concurrency import case_events, start_recruitment, talk_data

from webapp import create_app
from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db
from webapp.models import Case, WorkItem

BUSY = "其他人正在办理同一办件或系统繁忙，您的操作没有执行。请稍候片刻后重新提交。"


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DATABASE_LOCK_TIMEOUT": 0.3}


@contextmanager
def case_held_by_another(app, case_id):
    """Another transaction holds the case: its row lock on PostgreSQL, the database's write lock on SQLite."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.execute(db.select(Case.id).where(Case.id == case_id).with_for_update())
        yield
        connection.rollback()


def first_item(app, case_id) -> int:
    with app.app_context():
        (item,) = db.session.get(Case, case_id).work_items
        return item.id


def assert_untouched(app, case_id, item_id):
    with app.app_context():
        assert db.session.get(WorkItem, item_id).status == "open"
        assert [e.kind for e in case_events(case_id)] == ["start"]


def test_a_completion_that_waits_too_long_for_the_case_is_told_to_submit_again(app, demo, client, login):
    case_id = start_recruitment(app, demo)
    item_id, data = first_item(app, case_id), talk_data(app, demo)
    login(client, "branch1_secretary")
    with case_held_by_another(app, case_id):
        response = client.post(f"/inbox/{item_id}", data=data)
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert BUSY in response.get_data(as_text=True)
    assert_untouched(app, case_id, item_id)
    assert client.post(f"/inbox/{item_id}", data=data).status_code == 302


def test_the_api_answers_a_busy_case_with_a_json_error(app, demo, client):
    case_id = start_recruitment(app, demo)
    item_id, data = first_item(app, case_id), talk_data(app, demo)
    token = client.post("/api/v1/auth/token", json={"username": "branch1_org", "password": DEMO_PASSWORD}).json
    headers = {"Authorization": f"Bearer {token['token']}"}
    url = f"/api/v1/work-items/{item_id}/complete"
    with case_held_by_another(app, case_id):
        response = client.post(url, headers=headers, json={"data": data})
    assert (response.status_code, response.json["error"], response.json["message"]) == (503, 503, BUSY)
    assert_untouched(app, case_id, item_id)
    assert client.post(url, headers=headers, json={"data": data}).status_code == 200


def test_postgresql_ends_a_transaction_left_idle_and_frees_the_case(app, demo, client, login):
    """A web process that died or hung mid-request holds its transaction open: the server ends it after
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT, and the colleague's completion goes through."""
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite has no server to end a transaction; a dead process's lock goes with its file handle")
    case_id = start_recruitment(app, demo)
    item_id, data = first_item(app, case_id), talk_data(app, demo)
    # The setting is read when the engine is made: the hung process is an app of its own.
    hung = create_app({**app.config, "DATABASE_IDLE_IN_TRANSACTION_TIMEOUT": 0.5})
    with hung.app_context():
        connection = db.engine.connect()
        connection.execute(db.select(Case.id).where(Case.id == case_id).with_for_update())
        time.sleep(1.5)  # the hung request does nothing; the server ends its session meanwhile
        login(client, "branch1_secretary")
        assert client.post(f"/inbox/{item_id}", data=data).status_code == 302
        with pytest.raises(InternalError, match="idle-in-transaction timeout"):
            connection.rollback()  # the hung process finds its session gone
        connection.invalidate()
        db.engine.dispose()
