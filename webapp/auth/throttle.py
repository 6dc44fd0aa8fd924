"""Login throttling, and the one check of a username and password (the login page's and the API
token's alike).

LOGIN_MAX_FAILURES failed logins for one username (or LOGIN_MAX_FAILURES_PER_ADDRESS from one
address) within LOGIN_FAILURE_WINDOW_MINUTES lock further attempts until the oldest of them leaves
the window; the password is not even checked meanwhile, so guessing goes no faster with the right
one. A successful login clears the username's failures (not the address's: an attacker with one
account of their own must not be able to reset the count of the address they guess from).
Refused attempts are not counted: the lock ends on time even while someone keeps knocking.
"""

from __future__ import annotations

import functools
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from werkzeug.security import check_password_hash

from .. import clock
from ..extensions import db
from ..models import AdminEvent, LoginFailure, User
from ..models.user import hash_password

USERNAME_SIZE = LoginFailure.username.type.length


@dataclass(frozen=True)
class Lockout:
    """Logins refused until ``until`` (UTC), because of the failures of ``by`` ("username" or "address")."""

    until: datetime
    by: str
    failures: int

    def minutes_left(self) -> int:
        return max(1, math.ceil((self.until - clock.now()).total_seconds() / 60))

    def seconds_left(self) -> int:
        return max(1, math.ceil((self.until - clock.now()).total_seconds()))


def authenticate(username: str, password: str) -> tuple[User | None, Lockout | None]:
    """(the enabled user with that password, None), or (None, the lock in force or just started), or
    (None, None) for a plain failure. Counts the failure or clears the username's; flushes, never commits."""
    username, address = username.strip(), client_address()
    lock = lockout_for(username, address)
    if lock is not None:
        return None, lock
    user = db.session.scalar(db.select(User).filter_by(username=username))
    if user is None:
        # As slow as checking a real password: the answer's timing must not tell which usernames exist.
        check_password_hash(_unknown_user_hash(), password)
        return None, record_failure(username, address)
    if not user.is_enabled or not user.check_password(password):
        return None, record_failure(username, address)
    forget_failures(username)
    return user, None


@functools.cache
def _unknown_user_hash() -> str:
    return hash_password(secrets.token_hex(16))


def client_address() -> str:
    return (request.remote_addr or "unknown")[:64]


def lockout_for(username: str, address: str) -> Lockout | None:
    """The lock in force for this username or this address (the longer one), or None."""
    config = current_app.config
    found = [
        _lockout(LoginFailure.username, username[:USERNAME_SIZE], config["LOGIN_MAX_FAILURES"], "username"),
        _lockout(LoginFailure.address, address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"], "address"),
    ]
    found = [lock for lock in found if lock is not None]
    return max(found, key=lambda lock: lock.until) if found else None


def record_failure(username: str, address: str) -> Lockout | None:
    """Count a failed login; when it reaches a limit, the lock it starts (also written to the admin log)."""
    now = clock.now()
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.at < now - _window()))
    db.session.add(LoginFailure(at=now, username=username[:USERNAME_SIZE], address=address))
    db.session.flush()
    lock = lockout_for(username, address)
    if lock is not None:
        target = f"username:{username[:USERNAME_SIZE]}" if lock.by == "username" else f"address:{address}"
        db.session.add(AdminEvent(at=now.replace(microsecond=0), actor_id=None, kind="login_locked", target=target,
                                  data={"by": lock.by, "username": username[:USERNAME_SIZE], "address": address,
                                        "failures": lock.failures, "until": lock.until.isoformat(),
                                        "minutes": lock.minutes_left()}))
    return lock


def forget_failures(username: str) -> None:
    """After a successful login: the username starts again from no failures."""
    db.session.execute(db.delete(LoginFailure).where(LoginFailure.username == username[:USERNAME_SIZE]))


def _window() -> timedelta:
    return timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])


def _lockout(column, value: str, limit: int, by: str) -> Lockout | None:
    window = _window()
    recent = db.session.scalars(
        db.select(LoginFailure.at).where(column == value, LoginFailure.at > clock.now() - window)
        .order_by(LoginFailure.at.desc()).limit(limit)
    ).all()
    if len(recent) < limit:
        return None
    # The lock lasts until the oldest of the last `limit` failures leaves the window.
    return Lockout(until=clock.as_utc(recent[-1]) + window, by=by, failures=len(recent))
