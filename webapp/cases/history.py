"""The case's record (全程纪实): an event written with the change it records, in the case's audit chain."""

from __future__ import annotations

from ..audit import chain_event
from ..extensions import db
from ..models import AuditEvent, Case, User
from .writes import CaseWrites


def record(writes: CaseWrites, kind: str, actor: User | None, **details) -> None:
    """An event of the case's record (全程纪实), written with the change it records."""
    writes.insert(AuditEvent, **chain_event(writes.case, kind, actor, **details))


def record_alone(case: Case, kind: str, actor: User, **details) -> None:
    """An event that is the whole change of the case (a claim, a hand-over)."""
    writes = CaseWrites(case)
    with db.session.no_autoflush:
        record(writes, kind, actor, **details)
        writes.write()
