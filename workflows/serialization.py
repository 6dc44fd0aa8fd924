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
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG

from .errors import StateUnreadable
from .expressions import restricted_script_engine
from .i18n import N_
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
        """Restore a workflow written by :meth:`dumps`; StateUnreadable for anything else (not JSON, another
        serializer version, a definition we do not have, a malformed tree). Restoring runs nothing: the
        serializer only builds the task tree and data of the types it registers."""
        try:
            dct = json.loads(state)
        except (TypeError, ValueError) as err:
            raise StateUnreadable(f"not JSON: {err}", N_("不是有效的 JSON")) from err
        if not isinstance(dct, dict):
            raise StateUnreadable("not a JSON object", N_("不是有效的流程状态"))
        version = dct.pop(BpmnWorkflowSerializer.VERSION_KEY, None)
        if version != SERIALIZER_VERSION:
            raise StateUnreadable(f"serializer version {version!r}", N_("未知的状态版本 %(version)s"),
                                  version=str(version)[:40])
        if dct.get("typename") != "BpmnWorkflow":  # the registry would hand back any other type, or the dict
            raise StateUnreadable(f"typename {dct.get('typename')!r}", N_("状态内容已损坏"))
        try:
            return self._serializer.from_dict(dct)
        # A damaged document fails anywhere inside SpiffWorkflow's converters; a database error is not
        # the state's fault and goes on up.
        except (LookupError, TypeError, ValueError, AttributeError, AssertionError, SpiffWorkflowException) as err:
            raise StateUnreadable(f"{type(err).__name__}: {err}", N_("状态内容已损坏")) from err
