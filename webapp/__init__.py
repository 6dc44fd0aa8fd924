"""The Flask application: create_app() wires configuration, extensions, blueprints and CLI."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .config import DefaultConfig
from .extensions import csrf, db, login_manager, migrate

BLUEPRINTS = ("auth", "home", "inbox", "cases", "members", "orgs", "admin", "api")


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(DefaultConfig)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("PARTYFLOW")
    if test_config:
        app.config.from_mapping(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(app.instance_path, "partyflow.sqlite")

    _init_extensions(app)
    from .params import IdConverter

    app.url_map.converters["int"] = IdConverter  # before the routes are added
    _register_blueprints(app)
    from . import cli, errors, i18n, nul_guard, templating

    errors.init_app(app)
    nul_guard.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (register the tables)
    from .runtime import Runtime

    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do
    csrf.init_app(app)
    app.extensions["partyflow_runtime"] = Runtime()
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _tune_sqlite(app.config["SQLITE_SYNCHRONOUS"])


def _tune_sqlite(synchronous: str) -> None:
    from sqlalchemy import event

    @event.listens_for(db.engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers work while a writer commits; busy_timeout makes writers wait, not fail.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        # FULL (default): a commit is on disk when it returns. NORMAL in WAL mode never corrupts the
        # database either and commits without an fsync, but a power cut may lose the last commits.
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    import importlib

    for name in BLUEPRINTS:
        module = importlib.import_module(f".{name}.views", __name__)
        app.register_blueprint(module.bp)
