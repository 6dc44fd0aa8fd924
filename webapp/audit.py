"""全程纪实: append events to a case's hash chain and verify the chain.

Every change of a case is an event whose hash covers the previous event's hash and the
event's own content, so editing or deleting any stored event breaks the chain from there on.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import click
from flask.cli import AppGroup

from . import clock
from .extensions import db
from .models import AuditEvent, Case, User

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "case_id": event.case_id,
        "seq": event.seq,
        "at": clock.as_utc(event.at).isoformat(),
        "actor_id": event.actor_id,
        "kind": event.kind,
        "step_code": event.step_code,
        "summary": event.summary,
        "data": event.data,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8")


def event_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + _canonical(event)).hexdigest()


def chain_event(
    case: Case, kind: str, actor: User | None, *, step_code: str | None = None,
    summary: str | None = None, data: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The column values of the next event of ``case``'s chain, its hash computed, and the case's
    chain head moved to it.

    The event is not added to the session: the operation writes it with the case
    (webapp/cases/writes.py), under the lock or version check that guards the chain head."""
    event = {
        "case_id": case.id, "seq": (case.audit_seq or 0) + 1, "at": clock.now().replace(microsecond=0),
        "actor_id": actor.id if actor else None, "actor_name": actor.display_name if actor else None,
        "kind": kind, "step_code": step_code, "summary": summary,
        "data": json.loads(json.dumps(data or {}, default=str)), "prev_hash": case.audit_hash or GENESIS,
    }
    event["hash"] = event_hash(event["prev_hash"], SimpleNamespace(**event))
    case.audit_seq, case.audit_hash = event["seq"], event["hash"]
    return event


@dataclass(frozen=True)
class ChainBreak:
    case_id: int
    seq: int
    reason: str


def verify_case(case_id: int) -> ChainBreak | None:
    """The first broken event of a case's chain, or None when the chain is intact."""
    case = db.session.get(Case, case_id)
    events = db.session.scalars(db.select(AuditEvent).filter_by(case_id=case_id).order_by(AuditEvent.seq)).all()
    return verify_events(case_id, case.audit_seq if case is not None else None, events)


def verify_events(case_id: int, head_seq: int | None, events: list[AuditEvent]) -> ChainBreak | None:
    """The first broken event of ``events`` (a case's whole chain, in order) given the case's chain head."""
    prev = GENESIS
    for expected_seq, event in enumerate(events, start=1):
        if event.seq != expected_seq:
            return ChainBreak(case_id, expected_seq, "event missing")
        if event.prev_hash != prev:
            return ChainBreak(case_id, event.seq, "previous hash does not match")
        if event_hash(prev, event) != event.hash:
            return ChainBreak(case_id, event.seq, "content does not match its hash")
        prev = event.hash
    if head_seq is not None and (head_seq or 0) != len(events):
        return ChainBreak(case_id, len(events) + 1, "event missing")
    return None


def verify_all() -> ChainBreak | None:
    for case_id in db.session.scalars(db.select(Case.id).order_by(Case.id)):
        found = verify_case(case_id)
        if found is not None:
            return found
    return None


audit_cli = AppGroup("audit", help="全程纪实: check the record of every case.")


@audit_cli.command("verify")
def verify_command():
    """Print OK, or the first broken event, of every case's hash chain."""
    found = verify_all()
    if found is None:
        click.echo("OK")
        return
    click.echo(f"BROKEN case {found.case_id} event {found.seq}: {found.reason}")
    raise SystemExit(1)
