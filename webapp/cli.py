"""Command-line commands: ``flask --app webapp <command>``.

    init        create or upgrade the schema (Alembic), load the shipped definitions and the
                lane registry; running it again changes nothing
    seed-demo   the demo organisations, users and members; skipped when they exist
    users list  every login with its name and positions (the list `make run` prints)
    processes publish FILE
                a .bpmn file as the next version of its process, after the publish-time checks
    cases check every case's engine state, work items, submissions and record agree (after a
                crash, a restore or a repair); exit status 1 when one does not
"""

from __future__ import annotations

import unicodedata
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade

from workflows.specs import MAX_DEFINITION_BYTES

from . import clock
from .admin.operations import PublishRefused, publish_definition
from .audit import audit_cli
from .bootstrap import load_lane_registry, load_shipped_definitions
from .cases import timer_worker
from .cases.consistency import check_all_cases
from .demo import DEMO_PASSWORD, DemoLogin, demo_exists, login_of, seed_demo
from .extensions import db
from .models import User
from .orgs.terms import remind_terms


@click.command("init")
@with_appcontext
def init_command() -> None:
    """Create or upgrade the schema, load the shipped definitions and the lane registry."""
    upgrade()
    added = load_shipped_definitions()
    lanes = load_lane_registry()
    db.session.commit()
    click.echo(f"Schema up to date. Definitions added: {', '.join(added) or 'none'}. Lane rules added: {lanes}.")


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo data (城关县委 and below) unless it exists."""
    if demo_exists():
        click.echo("Demo data already present: nothing changed.")
        return
    logins = seed_demo()
    db.session.commit()
    # The demo's expiring and overdue terms, and its late work, as the worker's first tick would find them.
    notices = remind_terms(clock.today())
    escalated = timer_worker.escalate_overdue_work(clock.today())
    click.echo(f"Demo data created: {len(logins)} users, {notices} term notices, {escalated} escalation levels.")


users_cli = AppGroup("users", help="People who log in.")


@users_cli.command("list")
def list_users_command() -> None:
    """Print every login with its name and positions."""
    users = db.session.scalars(db.select(User).order_by(User.id)).all()
    click.echo(format_logins([login_of(u) for u in users], demo_password=DEMO_PASSWORD if demo_exists() else None))


def format_logins(logins: list[DemoLogin], demo_password: str | None = None) -> str:
    """The logins as an aligned text table (Chinese characters count two columns)."""
    rows = [("username", "name", "positions"), *((x.username, x.name, x.positions) for x in logins)]
    widths = [max(_width(row[i]) for row in rows) for i in range(2)]
    lines = ["  ".join([*(_pad(row[i], widths[i]) for i in range(2)), row[2]]).rstrip() for row in rows]
    if demo_password:
        lines.append(f"Password of every demo user: {demo_password}")
    return "\n".join(lines)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


processes_cli = AppGroup("processes", help="Process definitions (BPMN).")


@processes_cli.command("publish")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def publish_command(path: Path) -> None:
    """Publish PATH (a .bpmn file) as the next version of its process, after the publish-time checks."""
    if path.stat().st_size > MAX_DEFINITION_BYTES:  # checked before reading, as the web server does
        raise click.ClickException(f"{path}: 文件大小超过上限 {MAX_DEFINITION_BYTES} 字节，未发布。")
    try:
        row = publish_definition(path.read_bytes(), actor=None)
    except PublishRefused as refused:
        db.session.rollback()
        problems = "\n".join(f"  - {problem}" for problem in refused.problems)
        raise click.ClickException(f"{path}: 未发布，发现 {len(refused.problems)} 个问题：\n{problems}") from refused
    db.session.commit()
    click.echo(f"已发布：{row.name}（{row.process_key}）第 {row.version} 版。")


cases_cli = AppGroup("cases", help="Cases (办件).")


@cases_cli.command("check")
def check_cases_command() -> None:
    """Print OK, or every case whose engine state, work items, submissions and record disagree."""
    problems = check_all_cases()
    for found in problems:
        click.echo(f"办件 {found.case_id}（{found.business_key}）：{found.problem}")
    if problems:
        raise SystemExit(1)
    click.echo("OK")


timers_cli = AppGroup("timers", help="Timers (时限): fire what is due.")


def _instant(value: str | None) -> datetime:
    if value is None:
        return clock.now()
    try:
        instant = datetime.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"不是 ISO 8601 日期时间：{value}") from err
    return instant if instant.tzinfo else instant.replace(tzinfo=ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"]))


@timers_cli.command("tick")
@click.option("--now", "now_text", help="ISO 8601 date-time to tick at (default: now); local time when no offset.")
def tick_command(now_text: str | None) -> None:
    """Fire every timer due now (or at --now) once, and say what moved."""
    now = _instant(now_text)
    result = timer_worker.tick(now)
    click.echo(f"{now.isoformat()}：到期 {result.due} 件，{result.moved} 件流转，触发定时器 {result.fired} 个，"
               f"督办升级 {result.escalated} 级。")


@timers_cli.command("run")
@click.option("--interval", default=60.0, show_default=True, help="Seconds between ticks.")
def run_command(interval: float) -> None:
    """Tick for ever, every --interval seconds (the app's set-up starts one beside the web server)."""
    timer_worker.run(interval)


# Every command group of the application; add new ones here (e.g. `audit` from webapp/audit.py).
COMMAND_GROUPS = [init_command, seed_demo_command, users_cli, processes_cli, cases_cli, audit_cli, timers_cli]


def init_app(app: Flask) -> None:
    for command in COMMAND_GROUPS:
        app.cli.add_command(command)
