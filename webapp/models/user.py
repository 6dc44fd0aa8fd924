"""People who log in."""

from __future__ import annotations

from datetime import date, datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..extensions import db
from .org import Position


def hash_password(password: str) -> str:
    """The stored form of a password: scrypt, named rather than left to Werkzeug's default."""
    return generate_password_hash(password, method="scrypt")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    # Where notifications are e-mailed when the app has an SMTP server (MAIL_SMTP_HOST); none: in-app only.
    email: Mapped[str | None] = mapped_column(String(254))

    positions: Mapped[list[Position]] = relationship(back_populates="user", order_by=Position.id)
    member = relationship("Member", foreign_keys=[member_id])

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def set_password(self, password: str) -> None:
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def active_positions(self, day: date | None = None) -> list[Position]:
        day = day or clock.today()
        return [p for p in self.positions if p.is_active_on(day)]

    def acting_roles_in(self, unit_id: int, day: date | None = None) -> set[str]:
        return {p.role for p in self.active_positions(day) if p.unit_id == unit_id}


class LoginFailure(db.Model):
    """One failed login (page or API token), kept for the throttling window (webapp/auth/throttle.py).

    In the database, not in a worker's memory: every gunicorn worker counts the same failures.
    """

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # As typed (trimmed), whether or not such a user exists.
    username: Mapped[str] = mapped_column(String(64), index=True)
    # The client's address (behind a proxy, the one ProxyFix reads from X-Forwarded-For).
    address: Mapped[str] = mapped_column(String(64), index=True)
