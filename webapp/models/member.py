"""Party members and applicants, with the stage their recruitment case has reached."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.i18n import N_

from ..extensions import db
from ..privacy import mask_id_number

# applicant → activist → development_candidate → probationary_member → full_member (RULES.md §3)
STAGES = {
    "applicant": N_("入党申请人"),
    "activist": N_("入党积极分子"),
    "development_candidate": N_("发展对象"),
    "probationary_member": N_("预备党员"),
    "full_member": N_("正式党员"),
    "withdrawn": N_("已撤回"),
    "not_approved": N_("未予发展"),
    "probation_revoked": N_("取消预备党员资格"),
    "transferred_out": N_("已转出本系统"),
}


class Member(db.Model):
    __tablename__ = "members"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[str | None] = mapped_column(String(8))
    ethnicity: Mapped[str | None] = mapped_column(String(16))
    birth_date: Mapped[date | None] = mapped_column(Date)
    id_number: Mapped[str | None] = mapped_column(String(32))
    education: Mapped[str | None] = mapped_column(String(32))
    occupation: Mapped[str | None] = mapped_column(String(64))
    work_unit: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("org_units.id"))
    top_org_id: Mapped[int | None] = mapped_column(Integer, index=True)
    stage: Mapped[str] = mapped_column(String(32), index=True)
    # Not under a discipline that takes away rights (留党察看, 留置): may vote and sponsor.
    in_good_standing: Mapped[bool] = mapped_column(Boolean, default=True)
    application_date: Mapped[date | None] = mapped_column(Date)
    activist_date: Mapped[date | None] = mapped_column(Date)
    candidate_date: Mapped[date | None] = mapped_column(Date)
    probation_start: Mapped[date | None] = mapped_column(Date)
    probation_end: Mapped[date | None] = mapped_column(Date)
    party_standing_since: Mapped[date | None] = mapped_column(Date)
    dues_paid_until: Mapped[str | None] = mapped_column(String(7))
    # 外出 (RULES.md §5.1): away since, why and where, recorded by the branch's officers or by a mobile
    # transfer (流动党员活动证); away_reminded_on: the day the branch was told the member has been away too
    # long without a transfer (once per absence).
    away_since: Mapped[date | None] = mapped_column(Date)
    away_reason: Mapped[str | None] = mapped_column(String(64))
    away_destination: Mapped[str | None] = mapped_column(String(200))
    away_reminded_on: Mapped[date | None] = mapped_column(Date)

    unit = relationship("OrgUnit", foreign_keys=[unit_id])
    group = relationship("OrgUnit", foreign_keys=[group_id])

    @property
    def has_voting_rights(self) -> bool:
        # Only full members vote; 留党察看 suspends the right (RULES.md §2.1).
        return self.stage == "full_member" and self.in_good_standing

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)
