"""The engine objects the web layer uses, built once per app and kept in app.extensions."""

from __future__ import annotations

from collections.abc import Mapping

from flask import current_app

from workflows.engine import Budget, CaseEngine
from workflows.serialization import CaseSerializer
from workflows.specs import Definition, cached_definition, load_definition

from .extensions import db
from .models import ProcessDefinition


class Runtime:
    """CaseEngine + CaseSerializer, with definitions resolved from the database by content hash."""

    def __init__(self, budget: Budget | None = None):
        self.engine = CaseEngine(budget)
        self.serializer = CaseSerializer(self.definition_by_sha256)
        self._sha256_by_id: dict[int, str] = {}  # published versions never change

    def definition(self, row: ProcessDefinition) -> Definition:
        return cached_definition(row.sha256) or load_definition(row.bpmn_xml)

    def definition_of(self, definition_id: int) -> Definition:
        """The parsed definition of a stored version, without a query once it has been seen."""
        sha256 = self._sha256_by_id.get(definition_id)
        definition = cached_definition(sha256) if sha256 else None
        if definition is None:
            definition = self.definition(db.session.get(ProcessDefinition, definition_id))
            self._sha256_by_id[definition_id] = definition.sha256
        return definition

    def definition_by_sha256(self, sha256: str) -> Definition:
        cached = cached_definition(sha256)
        if cached is not None:
            return cached
        row = db.session.scalars(db.select(ProcessDefinition).filter_by(sha256=sha256).limit(1)).first()
        if row is None:
            raise LookupError(f"no process definition with SHA-256 {sha256!r}")
        return load_definition(row.bpmn_xml)


def engine_budget(config: Mapping) -> Budget:
    """The engine's budget from the app's settings (ENGINE_MAX_* in config.py)."""
    return Budget(max_steps=int(config["ENGINE_MAX_STEPS"]), max_seconds=float(config["ENGINE_MAX_SECONDS"]),
                  max_instances=int(config["ENGINE_MAX_INSTANCES"]), max_depth=int(config["ENGINE_MAX_DEPTH"]))


def runtime() -> Runtime:
    return current_app.extensions["partyflow_runtime"]
