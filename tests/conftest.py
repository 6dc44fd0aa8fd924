"""Fixtures for every test: the app on a real database, client, runner, demo data, login.

A new SQLite file per test by default; ``TEST_DATABASE_URL`` runs the same tests on PostgreSQL
(`make test` does both). The ``app`` fixture pushes no application context: a test that touches
the database directly opens ``with app.app_context():`` (requests through ``client`` open their own).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import pytest
from sqlalchemy import text

from webapp import create_app
from webapp.bootstrap import load_lane_registry, load_shipped_definitions
from webapp.demo import DEMO_PASSWORD, DemoLogin, demo_units, seed_demo
from webapp.extensions import db
from webapp.models import OrgUnit, User


def reset_database() -> None:
    """Drop every table of the models and Alembic's version table: PostgreSQL keeps them between tests."""
    db.session.remove()
    db.drop_all()
    with db.engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path}/test.sqlite",
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test",
    }


@pytest.fixture
def empty_app(app_config):
    """The app on an empty database (no tables at all), for the tests of `init` and the migrations."""
    app = create_app(app_config)
    with app.app_context():
        reset_database()
    yield app
    with app.app_context():
        reset_database()
        db.engine.dispose()


@pytest.fixture
def app(empty_app):
    """The app with the schema of the models, the shipped definitions and the lane registry."""
    with empty_app.app_context():
        db.create_all()
        load_shipped_definitions()
        load_lane_registry()
        db.session.commit()
    return empty_app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass
class Demo:
    """Ids of the demo data by key; ``unit()`` and ``user()`` load them inside an app context."""

    unit_ids: dict[str, int]
    user_ids: dict[str, int]
    logins: list[DemoLogin]

    def unit(self, key: str) -> OrgUnit:
        return db.session.get(OrgUnit, self.unit_ids[key])

    def user(self, username: str) -> User:
        return db.session.get(User, self.user_ids[username])


@pytest.fixture
def demo(app) -> Demo:
    """The demo organisations, users and members (webapp/demo.py), committed; no cases yet."""
    return _seed(app, with_cases=False)


@pytest.fixture
def demo_with_cases(app) -> Demo:
    """The demo as `flask seed-demo` leaves it: with its recruitment cases (webapp/demo_cases.py)."""
    return _seed(app, with_cases=True)


def _seed(app, with_cases: bool) -> Demo:
    with app.app_context():
        logins = seed_demo(with_cases=with_cases)
        db.session.commit()
        unit_ids = {key: unit.id for key, unit in demo_units().items()}
        user_ids = dict(db.session.execute(db.select(User.username, User.id)).all())
    return Demo(unit_ids, user_ids, logins)


@pytest.fixture
def login():
    """``login(client, username)``: log in through the login form with the demo password."""

    def _login(client, username: str, password: str = DEMO_PASSWORD):
        return client.post("/auth/login", data={"username": username, "password": password})

    return _login


class ErrorLog(logging.Handler):
    """Collects what the app logs at ERROR: the handler of unexpected errors logs every exception it gets."""

    def __init__(self):
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def app_errors(app):
    """What the app logged at ERROR during the test (a test of hostile input expects none)."""
    handler = ErrorLog()
    app.logger.addHandler(handler)
    yield handler.records
    app.logger.removeHandler(handler)
