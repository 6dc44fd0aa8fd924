"""督办: what the page counts, in a few aggregate queries over the units a user supervises.

Work items are counted once, grouped by (unit, procedure), and rolled up the tree in Python; people in
recruitment are read in one query with the date their stage began; terms from the units already loaded.
Each count matches the list its number links to (the inbox's 下级督办 tab with 含我的待办, the roster).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from statistics import median

from sqlalchemy import case, func

from ..extensions import db
from ..members.waiting import BUCKETS, WAITING_STAGES, bucket_of, stage_began
from ..models import Case, Member, OrgUnit, WorkItem
from ..orgs.term_status import term_status
from ..templating import week_end


@dataclass
class Counts:
    """Open work items (待办), those due from today through Sunday (本周到期) and those overdue (已逾期)."""

    open: int = 0
    week: int = 0
    overdue: int = 0

    def add(self, other: Counts) -> None:
        self.open += other.open
        self.week += other.week
        self.overdue += other.overdue


@dataclass
class UnitRow:
    unit: OrgUnit
    depth: int
    total: Counts  # the unit and every unit below it
    own: Counts  # the unit's own items
    has_children: bool


@dataclass
class StageRow:
    stage: str
    count: int = 0
    median_days: float | None = None
    longest_days: int | None = None
    buckets: dict[str, int] = field(default_factory=dict)


@dataclass
class TermRow:
    unit: OrgUnit
    due_on: date
    days: int  # days left; negative: days since the term ended


def scope_units(unit_ids: set[int]) -> list[OrgUnit]:
    return db.session.scalars(db.select(OrgUnit).where(OrgUnit.id.in_(unit_ids), OrgUnit.status == "active")
                              .order_by(OrgUnit.id)).all()


def item_counts(unit_ids: set[int], today: date) -> dict[tuple[int, str], Counts]:
    """Open work items by (unit, procedure) in one GROUP BY: all, due this week, overdue."""
    week = case((WorkItem.due_on.between(today, week_end(today)), 1), else_=0)
    overdue = case((WorkItem.due_on < today, 1), else_=0)
    rows = db.session.execute(
        db.select(WorkItem.unit_id, Case.process_key, func.count(WorkItem.id), func.sum(week), func.sum(overdue))
        .join(Case, Case.id == WorkItem.case_id)
        .where(WorkItem.status == "open", WorkItem.unit_id.in_(unit_ids))
        .group_by(WorkItem.unit_id, Case.process_key))
    return {(unit_id, key): Counts(n, int(w or 0), int(o or 0)) for unit_id, key, n, w, o in rows}


def unit_rows(units: list[OrgUnit], counts: dict[tuple[int, str], Counts]) -> list[UnitRow]:
    """The units as a tree (parents first, children indented below), each with its own and rolled-up counts."""
    by_id = {unit.id: unit for unit in units}
    children: dict[int | None, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id if unit.parent_id in by_id else None].append(unit)
    own: dict[int, Counts] = defaultdict(Counts)
    for (unit_id, _key), value in counts.items():
        own[unit_id].add(value)
    rows: list[UnitRow] = []

    def visit(unit: OrgUnit, depth: int) -> Counts:
        row = UnitRow(unit, depth, Counts(), own[unit.id], bool(children[unit.id]))
        rows.append(row)
        row.total.add(own[unit.id])
        for child in children[unit.id]:
            row.total.add(visit(child, depth + 1))
        return row.total

    for root in children[None]:
        visit(root, 0)
    return rows


def procedure_counts(counts: dict[tuple[int, str], Counts]) -> dict[str, Counts]:
    totals: dict[str, Counts] = defaultdict(Counts)
    for (_unit_id, key), value in counts.items():
        totals[key].add(value)
    return dict(sorted(totals.items()))


def grand_total(counts: dict[tuple[int, str], Counts]) -> Counts:
    total = Counts()
    for value in counts.values():
        total.add(value)
    return total


def pipeline(unit_ids: set[int], today: date) -> list[StageRow]:
    """People at each stage of recruitment in the units, with how long they have been at it."""
    rows = db.session.execute(db.select(Member.stage, stage_began())
                              .where(Member.unit_id.in_(unit_ids), Member.stage.in_(WAITING_STAGES)))
    waited: dict[str, list[int | None]] = defaultdict(list)
    for stage, began in rows:
        waited[stage].append((today - began).days if began is not None else None)
    return [_stage_row(stage, waited[stage]) for stage in WAITING_STAGES]


def _stage_row(stage: str, days: list[int | None]) -> StageRow:
    row = StageRow(stage, len(days), buckets={bucket.key: 0 for bucket in BUCKETS})
    for value in days:
        row.buckets[bucket_of(value).key] += 1
    dated = [value for value in days if value is not None]
    if dated:
        row.median_days, row.longest_days = median(dated), max(dated)
    return row


def expiring_terms(units: list[OrgUnit], today: date) -> list[TermRow]:
    """Units whose term has ended or is reminded as ending (term_status), the most urgent first."""
    rows = [TermRow(unit, unit.term_due_on, (unit.term_due_on - today).days) for unit in units
            if unit.status == "active" and term_status(unit.term_due_on, today, unit.id) in ("ending", "overdue")]
    return sorted(rows, key=lambda row: (row.due_on, row.unit.id))
