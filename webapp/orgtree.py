"""The organisation tree read from the database, for routing (workflows.org.OrgTree)."""

from __future__ import annotations

from workflows.org import OrgUnitRef

from .extensions import db
from .models import OrgUnit


class DbOrgTree:
    """OrgTree backed by the org_units table, caching what one operation reads."""

    def __init__(self):
        self._units: dict[int, OrgUnitRef | None] = {}
        self._children: dict[int, list[OrgUnitRef]] = {}

    def get(self, unit_id: int) -> OrgUnitRef | None:
        if unit_id not in self._units:
            unit = db.session.get(OrgUnit, unit_id)
            self._units[unit_id] = unit.ref() if unit is not None and unit.status == "active" else None
        return self._units[unit_id]

    def children(self, unit_id: int) -> list[OrgUnitRef]:
        if unit_id not in self._children:
            rows = db.session.scalars(db.select(OrgUnit).filter_by(parent_id=unit_id, status="active"))
            self._children[unit_id] = [u.ref() for u in rows]
        return self._children[unit_id]
