"""Notify people, once per event: the one entry point for reminders, escalations and term notices.

``notify`` inserts in the caller's transaction and never commits. It is idempotent per (user, key):
the unique constraint of ``notifications`` decides, inside the database, so two timer workers that
notify the same event at the same instant still create one row each person (PostgreSQL: the second
insert waits for the first transaction, then does nothing; SQLite: one writer at a time).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from .. import clock
from ..cases.assignment import holders
from ..extensions import db
from ..models import Notification, User
from ..permissions import OFFICER_ROLES
from ..templating import long_date

_table = Notification.__table__
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
MAX_KEY, MAX_MESSAGE, MAX_LINK = 200, 300, 300
# A date parameter (notify() stores dates as ISO text): shown as 2027年6月30日 in Chinese.
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def notify(recipients: Iterable[User], *, key: str, kind: str, message: str, params: dict | None = None,
           link: str | None = None, case_id: int | None = None) -> int:
    """One notification per distinct enabled recipient, unless that person already has ``key``.

    :param message: an N_()-marked Chinese msgid; ``params`` fill its %(name)s placeholders when shown.
    :param link: an app-relative URL ("/orgs/5") the notification opens.
    :returns: how many notifications are new.
    """
    _check(key, kind, message, link)
    recipients = list(recipients)
    if any(user.id is None for user in recipients):
        db.session.flush()  # people added in this transaction: their ids (and defaults) first
    enabled = [user for user in recipients if user.is_enabled]
    if not enabled:
        return 0
    now = clock.now()
    values = {k: v.isoformat() if isinstance(v, date) else v for k, v in (params or {}).items()}
    # Ordered by user, so that two workers take the unique index's locks in the same order.
    rows = [{"user_id": user_id, "key": key, "kind": kind, "message": message, "params": values, "link": link,
             "case_id": case_id, "created_at": now} for user_id in sorted({user.id for user in enabled})]
    insert = _INSERTS[db.session.get_bind().dialect.name]
    statement = (insert(_table).values(rows).on_conflict_do_nothing(index_elements=["user_id", "key"])
                 .returning(_table.c.id))
    return len(db.session.execute(statement).all())


def _check(key: str, kind: str, message: str, link: str | None) -> None:
    if not key or len(key) > MAX_KEY or not kind or len(kind) > 32 or not message or len(message) > MAX_MESSAGE:
        raise ValueError(f"notification {key!r}: key, kind or message empty or too long")
    if link is not None and not is_app_relative(link):
        raise ValueError(f"notification {key!r}: link {link!r} is not an app-relative URL")


def is_app_relative(link: str) -> bool:
    """"/orgs/5" yes; "//evil.example", "https://…", "/\\evil" no: opening a notification never leaves the app."""
    return (0 < len(link) <= MAX_LINK and link.startswith("/") and not link.startswith(("//", "/\\"))
            and link.isprintable() and " " not in link)


def unit_officers(unit_id: int, day: date) -> list[User]:
    """The enabled holders, on ``day``, of an officer position (书记、副书记、组织委员) in the unit."""
    return holders(unit_id, OFFICER_ROLES, day)


def unread_count(user_id: int) -> int:
    """The header's badge: one COUNT on the (user_id, read_at) index."""
    return db.session.scalar(select(func.count(Notification.id))
                             .where(Notification.user_id == user_id, Notification.read_at.is_(None)))


def mark_read(notification: Notification) -> bool:
    """Mark one notification read (the first time only); True when it was unread."""
    if notification.read_at is not None:
        return False
    notification.read_at = clock.now()
    return True


def mark_all_read(user_id: int) -> int:
    """Mark every unread notification of the user read; how many were unread."""
    result = db.session.execute(update(Notification)
                                .where(Notification.user_id == user_id, Notification.read_at.is_(None))
                                .values(read_at=clock.now()).execution_options(synchronize_session=False))
    return result.rowcount


# Parameters that hold a label of a process definition (a step, a timer event): shown translated,
# as the pages show them (templating.definition_label); names of people, units and cases are not.
LABEL_PARAMS = ("step", "event", "role_label")


def render(notification: Notification, translate=gettext) -> str:
    """The message in the reader's language, its placeholders filled (dates as the reader writes them)."""
    params: dict[str, Any] = {k: long_date(v) if isinstance(v, str) and ISO_DATE.match(v) else v
                              for k, v in (notification.params or {}).items()}
    for key in LABEL_PARAMS:
        if isinstance(params.get(key), str) and params[key]:
            params[key] = translate(params[key])
    try:
        return translate(notification.message) % params
    except (KeyError, TypeError, ValueError):  # a catalogue entry that lost a placeholder: the Chinese still reads
        return notification.message % params if _fits(notification.message, params) else notification.message


def _fits(message: str, params: dict[str, Any]) -> bool:
    try:
        message % params
    except (KeyError, TypeError, ValueError):
        return False
    return True
