"""The Flask application: create_app() wires configuration, extensions, blueprints and CLI."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

from .config import DefaultConfig
from .extensions import csrf, db, login_manager, migrate

BLUEPRINTS = ("auth", "home", "inbox", "cases", "members", "orgs", "dashboard", "admin", "api", "notifications",
              "supervision")


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
    from . import cli, errors, i18n, nul_guard, security, templating

    errors.init_app(app)
    security.init_app(app)
    nul_guard.init_app(app)
    i18n.init_app(app)
    templating.init_app(app)
    cli.init_app(app)
    return app


def _init_extensions(app: Flask) -> None:
    from . import models  # noqa: F401  (register the tables)
    from .runtime import Runtime, engine_budget

    _bound_lock_waits(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent / "migrations"))
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page itself says what to do
    csrf.init_app(app)
    app.extensions["partyflow_runtime"] = Runtime(engine_budget(app.config))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            _tune_sqlite(app.config["SQLITE_SYNCHRONOUS"], app.config["DATABASE_LOCK_TIMEOUT"])


def _bound_lock_waits(app: Flask) -> None:
    """PostgreSQL: a statement waits at most DATABASE_LOCK_TIMEOUT for a row lock (a colleague's
    request on the same case), as SQLite's busy_timeout does; then the request is answered 503. A
    transaction left idle longer than DATABASE_IDLE_IN_TRANSACTION_TIMEOUT (its process died or hung)
    is ended by the server, and with it the locks it held."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    connect_args = options.setdefault("connect_args", {})
    lock_ms = int(app.config["DATABASE_LOCK_TIMEOUT"] * 1000)
    idle_ms = int(app.config["DATABASE_IDLE_IN_TRANSACTION_TIMEOUT"] * 1000)
    connect_args["options"] = (f"{connect_args.get('options', '')} -c lock_timeout={lock_ms}"
                               f" -c idle_in_transaction_session_timeout={idle_ms}").strip()


def _tune_sqlite(synchronous: str, lock_timeout: float) -> None:
    from sqlalchemy import event

    @event.listens_for(db.engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # WAL lets readers work while a writer commits; busy_timeout makes writers wait, not fail.
        # A wait is always granted: pysqlite begins a transaction only at its first write (reads
        # before it take no snapshot), so no transaction ever has to upgrade a stale read snapshot
        # to a write, the one case where SQLite answers "database is locked" without waiting.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(lock_timeout * 1000)}")
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
