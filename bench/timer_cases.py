"""The timer benchmark's cases: many running recruitment cases waiting at the initial talk (R02) with a
reminder timer, a few of them due.

A few cases are started through the real operation, at an instant of the bench's choosing (the web
layer's clock set there), then cloned in bulk: the case row (engine state, variables, next timer),
its open work item and its submission by INSERT ... SELECT, and its record (全程纪实) with the hash
chain recomputed for the clone. So every clone is real engine state that `flask cases check` and
`audit verify` accept, and a tick fires it as it would fire a case started by a person. The clones
share their template's subject (the applicant's member record): a reminder never touches it.

Due and not-due cases differ only in when they started: the reminder comes round every
``archive.within_days`` days (7 by default), so a case started a week and five minutes before the
tick's instant has a round due, and one started at that instant has its first round a week after
it. Neither reaches a timer of the shipped definition (the first talk is overdue after a month).
``restore_due`` puts the due cases back as they were before a tick (engine state, record), so
that every tick of a bench run fires the same rounds of the same cases: their state does not grow
from one tick to the next (each round a non-interrupting timer fires stays in the case's task tree).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import String, bindparam, cast, delete, insert, literal, select, true

from webapp import audit, clock
from webapp.admin.operations import publish_definition
from webapp.cases import operations
from webapp.demo import fake_id_number
from webapp.extensions import db
from webapp.models import AuditEvent, Case, OrgUnit, Submission, User, WorkItem

RECRUITMENT_XML = (Path(__file__).parents[1] / "bpmn" / "recruitment.bpmn").read_text(encoding="utf-8")
# As the reminder of tests/webapp/test_timer_worker.py: a non-interrupting boundary timer, the talk stays
# open, each round is one recorded event.
REMINDER_INTERVAL = timedelta(days=7)  # the default of archive.within_days, which the cycle reads
REMINDERS = (
    '<bpmn:boundaryEvent id="bench_talk_reminder" name="谈话提醒" attachedToRef="R02_initial_talk" '
    'cancelActivity="false"><bpmn:outgoing>f_bench_talk_reminder</bpmn:outgoing>'
    '<bpmn:timerEventDefinition id="bench_talk_reminder_timer"><bpmn:timeCycle>'
    'repeat(3, days(setting("archive.within_days")))</bpmn:timeCycle>'
    '</bpmn:timerEventDefinition></bpmn:boundaryEvent>'
    '<bpmn:endEvent id="bench_talk_reminded" name="已提醒谈话"><bpmn:incoming>f_bench_talk_reminder'
    '</bpmn:incoming></bpmn:endEvent><bpmn:sequenceFlow id="f_bench_talk_reminder" '
    'sourceRef="bench_talk_reminder" targetRef="bench_talk_reminded" />'
)
KEY_PREFIX = "BENCH"


def publish_reminders() -> None:
    """Recruitment with the reminder becomes the current version, through the publish path and its checks."""
    publish_definition(RECRUITMENT_XML.replace("</bpmn:process>", REMINDERS + "</bpmn:process>", 1).encode(),
                       actor=None)


@contextmanager
def clock_at(instant: datetime) -> Iterator[None]:
    """The web layer's clock stopped at ``instant`` (an aware datetime), as the tests set it."""
    saved = clock.now, clock.today
    clock.now = lambda: instant
    clock.today = lambda: instant.astimezone(clock.LOCAL_ZONE).date()
    try:
        yield
    finally:
        clock.now, clock.today = saved


def start_case(unit: OrgUnit, actor: User, started_at: datetime, serial: int) -> int:
    """A recruitment case of ``unit`` started by ``actor`` at ``started_at`` (its first step, R02, waits)."""
    with clock_at(started_at):
        today = clock.today()
        birth = today.replace(year=today.year - 25)
        data = {
            "name": f"计时申请人{serial}", "gender": "female", "ethnicity": "汉族", "birth_date": birth.isoformat(),
            "id_number": fake_id_number(birth, False, serial), "education": "undergraduate",
            "application_letter_received": True, "application_date": (today - timedelta(days=3)).isoformat(),
        }
        case = operations.start_case(operations.current_definition("recruitment"), unit, data, actor)
        db.session.flush()
        return case.id


_cases, _items, _submissions = Case.__table__, WorkItem.__table__, Submission.__table__


def clone_case(template_id: int, count: int, tag: str) -> list[int]:
    """``count`` copies of case ``template_id`` with business keys BENCH-<tag>-<n>; their ids."""
    serial = select(literal(1).label("n")).cte("serial", recursive=True)
    serial = serial.union_all(select(serial.c.n + 1).where(serial.c.n < count))
    prefix = f"{KEY_PREFIX}-{tag}-"
    columns = [c for c in _cases.c if c.name != "id"]
    values = [literal(prefix).concat(cast(serial.c.n, String)) if c.name == "business_key" else c for c in columns]
    db.session.execute(insert(_cases).from_select(
        [c.name for c in columns], select(*values).select_from(_cases.join(serial, true()))
        .where(_cases.c.id == template_id)))
    clones = select(_cases.c.id).where(_cases.c.business_key.startswith(prefix))
    for table in (_items, _submissions):
        _copy_rows(table, template_id, clones)
    clone_ids = list(db.session.scalars(clones.order_by(_cases.c.id)))
    _copy_record(template_id, clone_ids)
    return clone_ids


def _copy_rows(table, template_id: int, clones) -> None:
    """The template's rows of ``table`` for every clone (rows of one case refer to no other row of
    the table, except a submission to its work item: the start form's submission has none)."""
    clone = clones.subquery()
    columns = [c for c in table.c if c.name != "id"]
    values = [clone.c.id if c.name == "case_id" else c for c in columns]
    db.session.execute(insert(table).from_select(
        [c.name for c in columns], select(*values).select_from(table.join(clone, true()))
        .where(table.c.case_id == template_id)))


def _copy_record(template_id: int, clone_ids: list[int]) -> None:
    """The template's record for every clone, its hash chain computed again (the hash covers the case's
    id), and the clone's chain head moved to it."""
    events = db.session.scalars(db.select(AuditEvent).filter_by(case_id=template_id).order_by(AuditEvent.seq)).all()
    columns = [c.key for c in AuditEvent.__table__.c if c.key not in ("id", "case_id", "prev_hash", "hash")]
    rows, heads = [], []
    for case_id in clone_ids:
        prev = audit.GENESIS
        for event in events:
            row = {**{key: getattr(event, key) for key in columns}, "case_id": case_id, "prev_hash": prev}
            row["hash"] = prev = audit.event_hash(prev, SimpleNamespace(**row))
            rows.append(row)
        heads.append({"b_id": case_id, "audit_hash": prev})
    if rows:
        db.session.execute(insert(AuditEvent.__table__), rows)
    db.session.execute(_cases.update().where(_cases.c.id == bindparam("b_id")), heads)


@dataclass(frozen=True)
class TimerCases:
    """Running cases built for a tick at ``now``: the due ones and how many are not due."""

    now: datetime
    due_ids: list[int]
    not_due_templates: list[int]
    not_due: int


def build_cases(unit: OrgUnit, actor: User, now: datetime, due: int, not_due: int) -> TimerCases:
    """``due`` cases with a reminder round due at ``now`` and ``not_due`` cases with none due until a week
    after it; two of each kind started for real, the rest cloned. Flushed."""
    due_start = now - REMINDER_INTERVAL - timedelta(minutes=5)
    due_templates = [start_case(unit, actor, due_start, serial) for serial in range(min(due, 2))]
    not_due_templates = [start_case(unit, actor, now, 10 + serial) for serial in range(min(not_due, 2))]
    due_ids = due_templates + _clones(due_templates, due - len(due_templates), "due")
    cases = TimerCases(now, due_ids, not_due_templates, len(not_due_templates))
    return add_not_due(cases, not_due - len(not_due_templates), "wait")


def add_not_due(cases: TimerCases, count: int, tag: str) -> TimerCases:
    """``cases`` with ``count`` more not-due cases (clones of its not-due templates, their business keys
    marked with ``tag``, a tag not in use, which ``remove_clones`` takes away again). Flushed."""
    added = _clones(cases.not_due_templates, count, tag)
    return TimerCases(cases.now, cases.due_ids, cases.not_due_templates, cases.not_due + len(added))


def save_due(cases: TimerCases) -> list[dict]:
    """The due cases' rows as they are now, for ``restore_due``."""
    return [dict(row._mapping) for row in db.session.execute(select(_cases).where(_cases.c.id.in_(cases.due_ids)))]


def restore_due(saved: list[dict]) -> None:
    """The cases of ``saved`` as they were (their version counts on): the engine state, next timer and
    record head, the events recorded since deleted. A reminder changes nothing else. Flushed."""
    columns = [c.name for c in _cases.c if c.name not in ("id", "version")]
    restore = _cases.update().where(_cases.c.id == bindparam("b_id"))  # the columns set: the parameters'
    db.session.execute(restore, [{**{name: row[name] for name in columns}, "b_id": row["id"]} for row in saved])
    events = AuditEvent.__table__
    db.session.execute(delete(events).where(events.c.case_id == bindparam("b_id"), events.c.seq > bindparam("b_seq")),
                       [{"b_id": row["id"], "b_seq": row["audit_seq"]} for row in saved])


def remove_clones(tag: str) -> int:
    """Delete the clones marked ``tag`` and their rows; how many cases. Flushed."""
    clones = select(_cases.c.id).where(_cases.c.business_key.startswith(f"{KEY_PREFIX}-{tag}-"))
    for table in (AuditEvent.__table__, _submissions, _items):
        db.session.execute(delete(table).where(table.c.case_id.in_(clones)))
    return db.session.execute(delete(_cases).where(_cases.c.id.in_(clones))).rowcount


def _clones(templates: list[int], count: int, tag: str) -> list[int]:
    """``count`` clones spread over ``templates``."""
    ids = []
    for n, template_id in enumerate(templates):
        share = count // len(templates) + (1 if n < count % len(templates) else 0)
        if share:
            ids += clone_case(template_id, share, f"{tag}-{n}")
    return ids
