"""The organisation tree and the positions people hold in it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.org import OrgUnitRef

from ..extensions import db


class OrgUnit(db.Model):
    __tablename__ = "org_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"), index=True)
    # Id of the top-level organisation: the key to distribute case-side data by (ARCHITECTURE.md).
    top_org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    can_approve_admission: Mapped[bool] = mapped_column(Boolean, default=False)
    is_joint: Mapped[bool] = mapped_column(Boolean, default=False)
    is_temporary: Mapped[bool] = mapped_column(Boolean, default=False)
    covered_units: Mapped[str | None] = mapped_column(String(500))
    # "active", or "dissolved" (撤销 or 撤并, RULES.md §6.4): a dissolved unit leaves the tree views and
    # pickers, routes no new work and keeps its page and history.
    status: Mapped[str] = mapped_column(String(16), default="active")
    # 临时党支部 (RULES.md §6.6): the last day of its task, when it is dissolved (TM22).
    temporary_until: Mapped[date | None] = mapped_column(Date)
    # 成立 and 撤销 (RULES.md §6.2, §6.4): the day of the superior's reply and the case that set the unit up
    # (no foreign key: cases refer to units, and the two tables must stay droppable in either order); the
    # day it was dissolved or merged into another and the case that closed it.
    established_on: Mapped[date | None] = mapped_column(Date)
    established_by_case_id: Mapped[int | None] = mapped_column(Integer, index=True)
    closed_on: Mapped[date | None] = mapped_column(Date)
    closed_by_case_id: Mapped[int | None] = mapped_column(Integer)
    # The current term (任期, RULES.md §4): its number (届), the day it was elected (term_started_on) and
    # its last day (term_due_on: started + the term years of the unit's kind, or the approved new date).
    term_no: Mapped[int | None] = mapped_column(Integer)
    term_started_on: Mapped[date | None] = mapped_column(Date)
    term_due_on: Mapped[date | None] = mapped_column(Date)
    # Set by the timer worker (webapp/orgs/terms.py), cleared when a new term is entered: the day the
    # end of this term was reminded (TM17), and the first day without a term once it is overdue
    # (未按期换届, TM18: the day after term_due_on), which the superior's dashboard shows.
    term_reminded_on: Mapped[date | None] = mapped_column(Date)
    term_overdue_since: Mapped[date | None] = mapped_column(Date, index=True)

    parent: Mapped[OrgUnit | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[OrgUnit]] = relationship(back_populates="parent", order_by="OrgUnit.id")
    positions: Mapped[list[Position]] = relationship(back_populates="unit")

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    def ref(self) -> OrgUnitRef:
        return OrgUnitRef(self.id, self.name, self.kind, self.parent_id, self.can_approve_admission)

    def ancestors(self) -> list[OrgUnit]:
        """Parent first, root last."""
        chain, unit = [], self.parent
        while unit is not None:
            chain.append(unit)
            unit = unit.parent
        return chain

    def path_name(self) -> str:
        return " / ".join(u.name for u in reversed([self, *self.ancestors()]))


class Position(db.Model):
    """A person's position in a unit (书记, 组织委员 …) with its dates."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)

    user = relationship("User", back_populates="positions")
    unit: Mapped[OrgUnit] = relationship(back_populates="positions")

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class PendingPosition(db.Model):
    """A post given by an election to a member who has no account yet (RULES.md §4.3 E07): recorded on the
    member, it becomes a Position of the member's account the day an admin opens one (管理 → 开通账号);
    until then the member's colleagues with accounts act for the unit."""

    __tablename__ = "pending_positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    # The case whose approval gave the post, and the Position it became once the account was opened.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    granted_position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"))

    member = relationship("Member", viewonly=True)
    unit: Mapped[OrgUnit] = relationship(viewonly=True)

    def is_active_on(self, day: date) -> bool:
        return self.started_on <= day and (self.ended_on is None or day <= self.ended_on)


class ConfigRevision(db.Model):
    """A token that changes with every committed change of a part of the configuration (webapp/orgcache.py)."""

    __tablename__ = "config_revisions"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    token: Mapped[str] = mapped_column(String(32))
