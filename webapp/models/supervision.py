"""督办: an overdue work item, put before the unit above (RULES.md §2.9 L2)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db


class SupervisionItem(db.Model):
    """One overdue work item in the inbox of the unit that supervises it. It is open for as long as the
    late work item is open (no state of its own to fall out of step): the unit above sees it until the
    late unit has done the work, and may urge (催办) meanwhile."""

    __tablename__ = "supervision_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_item_id: Mapped[int] = mapped_column(ForeignKey("work_items.id"), unique=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    top_org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    # The supervising unit and who acts for it there (its lane's positions, as WorkItem.positions).
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    positions: Mapped[str] = mapped_column(String(300))
    late_unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    step_code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    urged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    urge_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    work_item = relationship("WorkItem", viewonly=True)
    case = relationship("Case", viewonly=True)
    unit = relationship("OrgUnit", foreign_keys=[unit_id], viewonly=True)
    late_unit = relationship("OrgUnit", foreign_keys=[late_unit_id], viewonly=True)

    @property
    def position_list(self) -> list[str]:
        return [p for p in self.positions.split(",") if p]

    def days_late(self, today: date) -> int:
        return max((today - self.due_on).days, 0)
