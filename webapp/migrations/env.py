"""Alembic environment for Flask-Migrate: the app's engine and metadata, one script for all databases."""

import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

config = context.config
if config.config_file_name is not None:
    # Keep the application's loggers: fileConfig would otherwise disable them.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")

target_db = current_app.extensions["migrate"].db


def get_engine():
    # Flask-SQLAlchemy 3: db.engine (db.get_engine() is deprecated and warnings are errors in tests).
    return target_db.engine


config.set_main_option("sqlalchemy.url", get_engine().url.render_as_string(hide_password=False).replace("%", "%%"))


def run_migrations_offline():
    """Emit SQL to stdout (flask db upgrade --sql) instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"), target_metadata=target_db.metadata,
        literal_binds=True, render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run the migrations over a connection of the application's engine."""

    def process_revision_directives(context, revision, directives):
        # `flask db migrate` with no schema change writes no empty revision.
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    # SQLite cannot ALTER most things: batch mode copies the table; the same script runs on PostgreSQL.
    conf_args.setdefault("render_as_batch", True)
    conf_args.setdefault("compare_type", True)

    with get_engine().connect() as connection:
        context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
