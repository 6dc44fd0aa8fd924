"""The admins' own record: every change made under /admin (lanes, rule settings, positions, e-mail
addresses) and to a unit's term, the login lockouts (webapp/auth/throttle.py) and the term reminders
and overdue terms the timer worker notified (webapp/orgs/terms.py), which an admin should know about.

Append-only: rows are added, never changed or deleted (the ORM refuses both).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.i18n import N_

from ..extensions import db

# Kinds of AdminEvent as people read them.
ADMIN_EVENT_KINDS = {
    "lane_created": N_("新增泳道"),
    "lane_updated": N_("修改泳道"),
    "setting_set": N_("设置规则"),
    "setting_removed": N_("删除本级规则设置"),
    "position_added": N_("任命职务"),
    "position_ended": N_("免去职务"),
    "definition_published": N_("发布流程版本"),
    "login_locked": N_("登录锁定"),
    "term_set": N_("设置任期"),
    "term_reminded": N_("任期届满提醒"),
    "term_overdue": N_("未按期换届"),
    "email_set": N_("设置电子邮箱"),
}


class AdminEvent(db.Model):
    __tablename__ = "admin_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    # What was changed, e.g. "lane:branch_secretary", "unit:12:min_age_years", "user:5".
    target: Mapped[str] = mapped_column(String(200))
    # Names at the time of the change and the values before/after, so the record reads on its own.
    data: Mapped[dict] = mapped_column(JSON)

    actor = relationship("User")


@event.listens_for(AdminEvent, "before_update")
@event.listens_for(AdminEvent, "before_delete")
def _append_only(_mapper, _connection, target: AdminEvent) -> None:
    raise ValueError(f"admin event {target.id} is append-only")
