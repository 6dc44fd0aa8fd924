"""Cases (办件), their work items (待办) and the form data submitted to them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.i18n import N_

from ..extensions import db

CASE_STATUSES = {
    "running": N_("办理中"),
    "completed": N_("已办结"),
    "rejected": N_("未通过"),
    "withdrawn": N_("已撤回"),
    "suspended": N_("已挂起"),
    "error": N_("异常"),
}


class Case(db.Model):
    __tablename__ = "cases"
    # The timer worker's query (timer_worker.due_timer_case_ids): the running cases' timers in the order
    # they fall due, so that a tick reads only the due cases, however many others wait (bench/bench_timers.py).
    __table_args__ = (Index("ix_cases_status_next_timer_at", "status", "next_timer_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_key: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    process_key: Mapped[str] = mapped_column(String(64), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definitions.id"))
    subject_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    top_org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    status: Mapped[str] = mapped_column(String(16), index=True, default="running")
    stage: Mapped[str | None] = mapped_column(String(32), index=True)
    current_step: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    # What error_message says, as data, so that pages can show it in the reader's language.
    error_detail: Mapped[dict | None] = mapped_column(JSON)
    # Engine state (SpiffWorkflow JSON without the spec) and its optimistic-locking counter.
    state: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    variables: Mapped[dict] = mapped_column(JSON, default=dict)
    next_timer_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Head of the case's audit chain (webapp/audit.py): a deleted last event is detectable too.
    audit_seq: Mapped[int] = mapped_column(Integer, default=0)
    audit_hash: Mapped[str] = mapped_column(String(64), default="0" * 64)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __mapper_args__ = {"version_id_col": version}

    # Read-only: written through the *_id columns, which keeps them out of the unit of work.
    definition = relationship("ProcessDefinition", viewonly=True)
    subject = relationship("Member")
    unit = relationship("OrgUnit", viewonly=True)
    started_by = relationship("User", viewonly=True)
    work_items: Mapped[list[WorkItem]] = relationship(back_populates="case", order_by="WorkItem.id")


class WorkItem(db.Model):
    """A ready user task projected into a queryable row: the inbox is a query on this table."""

    __tablename__ = "work_items"
    __table_args__ = (
        UniqueConstraint("case_id", "task_id"),
        Index("ix_work_items_unit_status", "unit_id", "status"),
        Index("ix_work_items_status_due", "status", "due_on"),
        Index("ix_work_items_status_escalate", "status", "escalate_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    top_org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    task_id: Mapped[str] = mapped_column(String(36))
    step_code: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    lane: Mapped[str] = mapped_column(String(64))
    form_key: Mapped[str | None] = mapped_column(String(64))
    stage: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"))
    # Acting positions as ",secretary,org_member,": a LIKE filter works on SQLite and PostgreSQL.
    positions: Mapped[str] = mapped_column(String(300))
    status: Mapped[str] = mapped_column(String(16), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    due_on: Mapped[date | None] = mapped_column(Date)
    hard_due_on: Mapped[date | None] = mapped_column(Date)
    remind_on: Mapped[date | None] = mapped_column(Date)
    # The escalation ladder (workflows/escalation.py): the level reached (0 none, 1 reminded, 2 overdue,
    # 3 supervised by the unit above) and the day of the next one, which the timer worker looks for.
    escalation_level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    escalate_on: Mapped[date | None] = mapped_column(Date)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)

    case: Mapped[Case] = relationship(back_populates="work_items")
    unit = relationship("OrgUnit", viewonly=True)
    assignee = relationship("User", foreign_keys=[assignee_id], viewonly=True)
    completed_by = relationship("User", foreign_keys=[completed_by_id], viewonly=True)

    @property
    def position_list(self) -> list[str]:
        return [p for p in self.positions.split(",") if p]

    @staticmethod
    def encode_positions(positions) -> str:
        return "," + ",".join(positions) + ","

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    def days_overdue(self, today: date) -> int:
        if not self.is_open or self.due_on is None or today <= self.due_on:
            return 0
        return (today - self.due_on).days


class Submission(db.Model):
    """The full data of one submitted form; the engine state keeps only what gateways need."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    work_item_id: Mapped[int | None] = mapped_column(ForeignKey("work_items.id"))
    step_code: Mapped[str] = mapped_column(String(64))
    form_key: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    submitted_by = relationship("User", viewonly=True)
    case = relationship("Case")
