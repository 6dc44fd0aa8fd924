"""People who log in."""

from __future__ import annotations

from datetime import date

from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .. import clock
from ..extensions import db
from .org import Position


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    is_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))

    positions: Mapped[list[Position]] = relationship(back_populates="user", order_by=Position.id)
    member = relationship("Member", foreign_keys=[member_id])

    @property
    def is_active(self) -> bool:
        return self.is_enabled

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def active_positions(self, day: date | None = None) -> list[Position]:
        day = day or clock.today()
        return [p for p in self.positions if p.is_active_on(day)]

    def acting_roles_in(self, unit_id: int, day: date | None = None) -> set[str]:
        return {p.role for p in self.active_positions(day) if p.unit_id == unit_id}
