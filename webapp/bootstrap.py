"""What `flask init` puts into a new database: the shipped definitions and the lane registry.

Both loaders only add what is missing, so running `init` again changes nothing: a process that
already has a version keeps it (admins publish later versions from the browser), and a lane the
registry holds is the admins' to edit; a procedure shipped later brings its definition and lanes.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from workflows.routing import load_lane_rules
from workflows.specs import load_definition, sha256_of

from . import clock
from .extensions import db
from .models import LaneRuleRow, ProcessDefinition


def bpmn_dir() -> Path:
    return Path(current_app.config["BPMN_DIR"])


def load_shipped_definitions(directory: Path | None = None) -> list[str]:
    """Store every ``*.bpmn`` of ``directory`` as version 1 of its process, unless that process
    already has a version; return the process keys added. Flushes, never commits."""
    added = []
    for path in sorted((directory or bpmn_dir()).glob("*.bpmn")):
        data = path.read_bytes()
        definition = load_definition(data)  # parses and validates; DefinitionError names the problem
        exists = db.session.scalar(
            db.select(ProcessDefinition.id).filter_by(process_key=definition.process_id).limit(1)
        )
        if exists is not None:
            continue
        db.session.add(ProcessDefinition(
            process_key=definition.process_id, name=definition.name, version=1,
            sha256=sha256_of(data), bpmn_xml=data.decode("utf-8"), is_current=True,
            published_at=clock.now(),
        ))
        added.append(definition.process_id)
    db.session.flush()
    return added


def load_lane_registry(path: Path | None = None) -> int:
    """Add the lanes of ``lanes.json`` whose key the registry lacks (all of them into a new database, the
    lanes of a newly shipped procedure into an older one); return the rows added. A lane the registry
    holds is the admins' to edit and is never overwritten."""
    stored = set(db.session.scalars(db.select(LaneRuleRow.key)))
    rules = [r for r in load_lane_rules(path or bpmn_dir() / "lanes.json") if r.key not in stored]
    db.session.add_all(
        LaneRuleRow(key=r.key, label=r.label, selector=r.selector, positions=list(r.positions)) for r in rules
    )
    db.session.flush()
    return len(rules)
