"""The organisation tree read from the database, for routing (workflows.org.OrgTree)."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select, text

from workflows.org import OrgUnitRef

from .extensions import db
from .models import OrgUnit

# The chain (depth 0 = the unit) and the departments attached to any unit of it (depth -1), in one
# query: routing and rule settings of every operation need both. The unit itself may be dissolved (a
# case that merged or closed it still reaches the committee above); its ancestors are the active ones.
CHAIN_QUERY = text("""
WITH RECURSIVE chain(id, name, kind, parent_id, can_approve_admission, depth) AS (
    SELECT id, name, kind, parent_id, can_approve_admission, 0 FROM org_units
    WHERE id = :unit_id
    UNION ALL
    SELECT o.id, o.name, o.kind, o.parent_id, o.can_approve_admission, c.depth + 1
    FROM org_units o JOIN chain c ON o.id = c.parent_id WHERE o.status = 'active'
)
SELECT id, name, kind, parent_id, can_approve_admission, depth FROM chain
UNION ALL
SELECT d.id, d.name, d.kind, d.parent_id, d.can_approve_admission, -1
FROM org_units d JOIN chain c ON d.parent_id = c.id WHERE d.kind = 'org_department' AND d.status = 'active'
""")
_COLUMNS = (OrgUnit.id, OrgUnit.name, OrgUnit.kind, OrgUnit.parent_id, OrgUnit.can_approve_admission)


def _ref(row) -> OrgUnitRef:
    return OrgUnitRef(row.id, row.name, row.kind, row.parent_id, bool(row.can_approve_admission))


def read_chain(unit_id: int) -> tuple[list[OrgUnitRef], dict[int, list[OrgUnitRef]]]:
    """The unit (whatever its status) and its active ancestors, nearest first, and the departments attached
    to each, in one query."""
    rows = db.session.execute(CHAIN_QUERY, {"unit_id": unit_id}).all()
    chain = [_ref(row) for row in sorted((row for row in rows if row.depth >= 0), key=lambda row: row.depth)]
    departments: dict[int, list[OrgUnitRef]] = {unit.id: [] for unit in chain}
    for row in rows:
        if row.depth < 0:
            departments[row.parent_id].append(_ref(row))
    return chain, departments


ChainSource = Callable[[int], tuple[list[OrgUnitRef], dict[int, list[OrgUnitRef]]]]


class DbOrgTree:
    """OrgTree backed by the org_units table, for one operation.

    Chains come from ``chain_source`` (the per-process configuration cache, webapp/orgcache.py,
    or ``read_chain``); units outside them are read when routing asks for them."""

    def __init__(self, chain_source: ChainSource = read_chain):
        self._chain_source = chain_source
        self._units: dict[int, OrgUnitRef | None] = {}
        self._departments: dict[int, list[OrgUnitRef]] = {}

    def load_chain(self, unit_id: int) -> list[OrgUnitRef]:
        """The unit and its active ancestors, nearest first, with the departments attached to them."""
        chain, departments = self._chain_source(unit_id)
        self._units.update((unit.id, unit) for unit in chain)
        self._departments.update(departments)
        return chain

    def _prefetch_departments(self, unit_ids: list[int]) -> None:
        rows = db.session.execute(select(*_COLUMNS).where(
            OrgUnit.parent_id.in_(unit_ids), OrgUnit.kind == "org_department", OrgUnit.status == "active"))
        for unit_id in unit_ids:
            self._departments.setdefault(unit_id, [])
        for row in rows:
            self._departments[row.parent_id].append(_ref(row))

    def get(self, unit_id: int) -> OrgUnitRef | None:
        if unit_id not in self._units:
            row = db.session.execute(select(*_COLUMNS).where(OrgUnit.id == unit_id, OrgUnit.status == "active")).first()
            self._units[unit_id] = _ref(row) if row else None
        return self._units[unit_id]

    def departments(self, unit_id: int) -> list[OrgUnitRef]:
        if unit_id not in self._departments:
            self._prefetch_departments([unit_id])
        return self._departments[unit_id]
