"""Write one operation's changes to a case as plain INSERT and UPDATE statements, version check first.

Operations change the case as a mapped object, because the domain code reads back what it wrote
(the audit chain head, the stage, the status). The rows they add (events, submissions, work items)
and what they change in other rows (a work item closed, the applicant's record) they hand to a
``CaseWrites`` as column values. ``write()`` then issues the statements itself instead of leaving them to the ORM's
unit of work: completing a step is the product's hot path (bench/), and flushing its half-dozen
rows through the unit of work took longer than the engine step. Afterwards the loaded objects hold
what was written as their committed values, so nothing needs reading again.

The operation must run under ``db.session.no_autoflush``: an autoflush would write the changed
case through the ORM first, and the version check here would then refuse the operation's own change.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from typing import Any

from sqlalchemy import bindparam, insert, inspect, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..models import Case


class CaseWrites:
    """The rows one operation adds to or changes in one case, written together by ``write()``."""

    def __init__(self, case: Case):
        self.case = case
        self._inserts: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
        self._updates: list[tuple[type, int, dict[str, Any]]] = []

    def insert(self, model: type, **values: Any) -> None:
        """A new row of ``model`` (an event, a submission, a work item); omitted columns take their defaults."""
        self._inserts[(model.__table__, frozenset(values))].append(values)

    def update(self, model: type, row_id: int, **values: Any) -> None:
        """Columns of an existing row of ``model``."""
        self._updates.append((model, row_id, values))

    def write(self) -> None:
        """The case's changed columns under a compare-and-swap on its version, then the other rows.

        The case goes first: on SQLite this statement also takes the database's write lock, so a
        change committed by someone else since the case was read makes it match no row, and the
        operation stops before anything else is written (StaleDataError: the callers answer 409).
        """
        connection = db.session.connection()
        case, version, case_values = self.case, self.case.version, changed_columns(self.case)
        matched = connection.execute(_CASE_UPDATE, {
            **case_values, "version": version + 1, "b_case_id": case.id, "b_read_version": version,
        }).rowcount
        if matched != 1:
            raise StaleDataError(f"case {case.id} changed since version {version} was read")
        for model, row_id, values in self._updates:
            connection.execute(_update_by_id(model.__table__), {**values, "b_row_id": row_id})
        for (table, _columns), rows in self._inserts.items():
            connection.execute(_insert(table), rows if len(rows) > 1 else rows[0])
        self._mark_written(version + 1, case_values)

    def _mark_written(self, version: int, case_values: dict[str, Any]) -> None:
        """The objects now hold what the database holds: the case and every loaded row updated keep
        their values as committed ones (no reload), and the case's work items are read again."""
        for key, value in case_values.items():
            set_committed_value(self.case, key, value)
        set_committed_value(self.case, "version", version)
        db.session.expire(self.case, ["work_items"])
        for model, row_id, values in self._updates:
            # An identity key is (class, primary key tuple, identity token); ours have no token.
            loaded = db.session.identity_map.get((model, (row_id,), None))
            for key, value in values.items() if loaded is not None else ():
                set_committed_value(loaded, key, value)
        self._inserts.clear()
        self._updates.clear()


# Built once: the columns set are those of the parameters (SQLAlchemy compiles and caches each set).
_CASE_UPDATE = update(Case.__table__).where(Case.__table__.c.id == bindparam("b_case_id"),
                                            Case.__table__.c.version == bindparam("b_read_version"))


@functools.cache
def _update_by_id(table):
    return update(table).where(table.c.id == bindparam("b_row_id"))


@functools.cache
def _insert(table):
    return insert(table)


def changed_columns(obj) -> dict[str, Any]:
    """The columns of a loaded mapped object whose attributes were set since it was loaded (our models
    name each attribute as its column)."""
    state = inspect(obj)
    unmodified = state.unmodified
    return {attr.key: state.dict[attr.key] for attr in state.mapper.column_attrs
            if attr.key not in unmodified and attr.key in state.dict}
