"""Process definitions (versions), the lane registry and per-organisation rule settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.routing import LaneRule

from ..extensions import db


class ProcessDefinition(db.Model):
    """One published version of a BPMN process; a case runs on the version it started with."""

    __tablename__ = "process_definitions"
    __table_args__ = (UniqueConstraint("process_key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_key: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    # Read only when a definition is parsed (once per content hash and process) or shown: lists and
    # the start page do without the document.
    bpmn_xml: Mapped[str] = mapped_column(Text, deferred=True)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class LaneRuleRow(db.Model):
    """The lane registry as data: lane key → unit selector + acting positions."""

    __tablename__ = "lane_rules"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    label: Mapped[str] = mapped_column(String(64))
    selector: Mapped[str] = mapped_column(String(64))
    positions: Mapped[list] = mapped_column(JSON)

    def rule(self) -> LaneRule:
        return LaneRule(self.key, self.label, self.selector, tuple(self.positions))


class RuleOverride(db.Model):
    """A rule setting overridden for one organisation unit and everything below it."""

    __tablename__ = "rule_overrides"
    __table_args__ = (UniqueConstraint("unit_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("org_units.id"), index=True)
    key: Mapped[str] = mapped_column(String(64))
    value: Mapped[object] = mapped_column(JSON)
