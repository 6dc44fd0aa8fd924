"""Serialize a case's workflow without its process spec.

SpiffWorkflow embeds the whole spec in every serialized workflow. The spec is the same for every
case of a definition version, so we write a reference (the definition's SHA-256) instead and
resolve it from the definition cache on load: smaller rows and a faster load/save per step.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from uuid import UUID

from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .expressions import restricted_script_engine
from .specs import Definition

SERIALIZER_VERSION = "partyflow-1"


class _SpecReferenceConverter(BpmnWorkflowConverter):
    """Writes ``spec_ref`` instead of the spec; restores through the registry's resolver."""

    def to_dict(self, workflow):
        dct = super(BpmnWorkflowConverter, self).to_dict(workflow)
        dct["spec_ref"] = workflow.definition_sha256
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct):
        definition = self.registry.resolve_definition(dct.pop("spec_ref"))
        workflow = self.target_class(
            definition.spec, dict(definition.subprocess_specs),
            script_engine=self.registry.script_engine, deserializing=True,
        )
        workflow.definition_sha256 = definition.sha256
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


class CaseSerializer:
    """dumps()/loads() of a running case; ``resolve`` maps a definition SHA-256 to its Definition."""

    def __init__(self, resolve: Callable[[str], Definition]):
        config = dict(SPIFF_CONFIG)
        config[BpmnWorkflow] = _SpecReferenceConverter
        registry = BpmnWorkflowSerializer.configure(config)
        registry.resolve_definition = resolve
        registry.script_engine = restricted_script_engine()
        self._serializer = BpmnWorkflowSerializer(registry, version=SERIALIZER_VERSION)

    def dumps(self, workflow: BpmnWorkflow) -> str:
        """The workflow's state as JSON, holding a reference to its definition, not the spec."""
        return self._serializer.serialize_json(workflow)

    def loads(self, state: str) -> BpmnWorkflow:
        """Restore a workflow written by :meth:`dumps`."""
        dct = json.loads(state)
        if dct.pop(BpmnWorkflowSerializer.VERSION_KEY, None) != SERIALIZER_VERSION:
            raise ValueError("unknown case state version")
        return self._serializer.from_dict(dct)
