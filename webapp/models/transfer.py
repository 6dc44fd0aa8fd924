"""组织关系介绍信 and 流动党员活动证 issued by transfer cases (RULES.md §5.4, §10 TransferLetter).

A letter is written by the step that issues it, in the case's transaction (webapp/cases/org_changes.py).
Issuing never changes the member's branch: only acceptance does. A letter still ``issued`` after its
last valid day (``valid_until``) is a 口袋党员's letter: the 督办 dashboard lists them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.i18n import N_

from ..extensions import db

LETTER_KINDS = {"letter": N_("组织关系介绍信"), "mobile_card": N_("流动党员活动证")}
LETTER_STATUSES = {
    "issued": N_("已开具"),
    "superseded": N_("已作废（重新开具）"),
    "accepted": N_("已接收"),
    "refused": N_("不予接收"),
    "cancelled": N_("已撤销"),
}


class TransferLetter(db.Model):
    __tablename__ = "transfer_letters"
    # The dashboard's query: letters still out whose last valid day has passed.
    __table_args__ = (Index("ix_transfer_letters_status_valid_until", "status", "valid_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    # The sending branch (the case's unit): whose 口袋党员 it is.
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    top_org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(16))
    number: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date] = mapped_column(Date)
    valid_days: Mapped[int | None] = mapped_column(Integer)
    valid_until: Mapped[date | None] = mapped_column(Date)
    to_title: Mapped[str] = mapped_column(String(200))
    dues_paid_until: Mapped[str | None] = mapped_column(String(7))
    # The holder's facts as written on the letter (name, gender, birth date, ethnicity, category).
    holder: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="issued")
    closed_on: Mapped[date | None] = mapped_column(Date)
    receipt_received_on: Mapped[date | None] = mapped_column(Date)

    case = relationship("Case")
    member = relationship("Member")
    unit = relationship("OrgUnit")

    def is_expired_on(self, day: date) -> bool:
        """Valid on its last day, expired the day after, while nobody has accepted it."""
        return self.status == "issued" and self.valid_until is not None and day > self.valid_until
