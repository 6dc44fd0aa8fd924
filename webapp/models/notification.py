"""Notifications (通知): what the system tells one person (a reminder, an overdue term, an escalation).

The message is an N_()-marked Chinese msgid with %(name)s placeholders, translated when it is shown
(as Case.error_detail is), so that each reader sees it in their own language. ``key`` names the event
for that person: the same event is never notified twice (UniqueConstraint, see notifications/service.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        # The header's unread count: WHERE user_id = ? AND read_at IS NULL.
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The caller's name of the event, e.g. "remind:work_item:17:L0", "term:reminder:5:2027-06-30".
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(String(300))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    # An app-relative URL ("/orgs/5"), never another site's.
    link: Mapped[str | None] = mapped_column(String(300))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set when the e-mail went out (or was claimed by a worker sending it): the outbox is the NULLs.
    emailed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user = relationship("User", viewonly=True)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
