"""Process definitions: parse BPMN, read our conventions from it, validate it, cache it.

Conventions (see bpmn/README.md): a lane's id is its lane-registry key and its name the
Chinese label; user tasks (and the start event) carry ``formKey``, ``stage`` and optionally
``deadline`` as ``spiffworkflow:property`` extension properties.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from lxml import etree
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from .errors import DefinitionError, Problem
from .expressions import check_expression
from .i18n import N_
from .instances import cap_instances
from .timer_checks import timer_value_problem

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
MAX_DEFINITION_BYTES = 2 * 1024 * 1024

# What the application does when a timer event fires, besides moving the case (bpmn/README.md):
# overdue — the attached task's work item is escalated now (RULES.md §2.9); notify_unit — the
# officers of the attached task's unit are told; lapse — only recorded (the flow does the rest).
TIMER_ACTIONS = ("overdue", "notify_unit", "lapse")

# Element kinds that would run code or reach outside the engine; refused at publish time.
FORBIDDEN_ELEMENTS = ("scriptTask", "serviceTask", "businessRuleTask", "sendTask")
FORBIDDEN_EXTENSIONS = ("preScript", "postScript", "script", "serviceTaskOperator")


@dataclass(frozen=True)
class Step:
    """What the application needs to know about one flow node of a definition."""

    step_code: str
    label: str
    kind: str
    lane: str | None
    form_key: str | None
    stage: str | None
    deadline: str | None
    # A boundary event: the task it is attached to; a timer event: what the application does when it
    # fires (TIMER_ACTIONS).
    attached_to: str | None = None
    timer_action: str | None = None


@dataclass(frozen=True)
class Definition:
    """A parsed, validated process definition, shared by every case of that version."""

    process_id: str
    name: str
    sha256: str
    spec: BpmnProcessSpec
    subprocess_specs: Mapping
    steps: Mapping[str, Step]
    lanes: Mapping[str, str] = field(default_factory=dict)  # lane key -> Chinese label

    @property
    def start_step(self) -> Step:
        """The start event, whose form creates the case."""
        return next(s for s in self.steps.values() if s.kind == "startEvent")

    def user_steps(self) -> list[Step]:
        """The user tasks, in document order."""
        return [s for s in self.steps.values() if s.kind == "userTask"]


_cache: dict[str, Definition] = {}


def sha256_of(xml: bytes) -> str:
    """The content hash a definition is cached and stored under."""
    return hashlib.sha256(xml).hexdigest()


def cached_definition(sha256: str) -> Definition | None:
    """The already parsed definition with this content hash, if any."""
    return _cache.get(sha256)


def load_definition(xml: bytes | str) -> Definition:
    """Parse ``xml`` into a :class:`Definition`, reusing the cached one for identical content."""
    data = xml.encode("utf-8") if isinstance(xml, str) else xml
    digest = sha256_of(data)
    cached = _cache.get(digest)
    if cached is None:
        cached = _cache[digest] = _parse(data, digest)
    return cached


def _parse_xml(data: bytes) -> etree._Element:
    if len(data) > MAX_DEFINITION_BYTES:
        raise DefinitionError([Problem(N_("文件大小超过上限 %(limit)s 字节"), {"limit": MAX_DEFINITION_BYTES})])
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, dtd_validation=False, load_dtd=False,
        huge_tree=False, remove_comments=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as err:
        raise DefinitionError([Problem(N_("不是格式正确的 XML：%(detail)s"), {"detail": err.msg},
                                       line=err.lineno)]) from err
    doctype = root.getroottree().docinfo
    if doctype.doctype:
        # lxml keeps no line for the DOCTYPE itself: it stands before the root element.
        raise DefinitionError([Problem(N_("定义中不允许 DOCTYPE 声明（可用于实体注入）"), line=1)])
    return root


def _parse(data: bytes, digest: str) -> Definition:
    root = _parse_xml(data)
    processes = root.findall("bpmn:process[@isExecutable='true']", NS)
    if len(processes) != 1:
        raise DefinitionError([Problem(N_("文件必须恰好包含一个可执行的 BPMN 2.0 流程（isExecutable=\"true\"），"
                                          "实际为 %(count)s 个"), {"count": len(processes)}, line=root.sourceline)])
    process = processes[0]
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(root, filename=f"{process.get('id')}.bpmn")
        spec = parser.get_spec(process.get("id"))
        subprocess_specs = parser.get_subprocess_specs(process.get("id"))
    except Exception as err:  # SpiffWorkflow raises several types for a malformed diagram
        raise DefinitionError([Problem(N_("BPMN 结构错误：%(detail)s"), {"detail": str(err)})]) from err
    for process_spec in (spec, *subprocess_specs.values()):
        _use_item_names(process_spec)
        cap_instances(process_spec.task_specs.values())
    lane_of = _lane_membership(process)
    steps = {s.step_code: s for s in _steps(process, lane_of)}
    lanes = {lane.get("id"): lane.get("name") or lane.get("id") for lane in process.iter(f"{{{BPMN_NS}}}lane")}
    return Definition(
        process_id=process.get("id"), name=process.get("name") or process.get("id"), sha256=digest,
        spec=spec, subprocess_specs=MappingProxyType(subprocess_specs),
        steps=MappingProxyType(steps), lanes=MappingProxyType(lanes),
    )


def _use_item_names(process_spec: BpmnProcessSpec) -> None:
    """Name multi-instance items by their ``name``, not their XML id.

    SpiffWorkflow uses an item's id as its variable; ids must be unique in a file, so two steps
    over the same collection (R15b, R23b) could not share a variable. bpmn/README.md explains.
    """
    for task_spec in process_spec.task_specs.values():
        if isinstance(task_spec, MultiInstanceTask):
            for item in (task_spec.input_item, task_spec.output_item):
                if item is not None and item.bpmn_name:
                    item.bpmn_id = item.bpmn_name


def _lane_membership(process: etree._Element) -> dict[str, str]:
    membership = {}
    for lane in process.iter(f"{{{BPMN_NS}}}lane"):
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            membership[(ref.text or "").strip()] = lane.get("id")
    return membership


def _steps(process: etree._Element, lane_of: Mapping[str, str]) -> Iterable[Step]:
    for node in process:
        if not isinstance(node.tag, str) or node.get("id") is None:
            continue
        kind = etree.QName(node).localname
        if kind in ("sequenceFlow", "laneSet", "extensionElements", "documentation"):
            continue
        props = {
            p.get("name"): p.get("value")
            for p in node.findall("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
        }
        yield Step(
            step_code=node.get("id"), label=node.get("name") or node.get("id"), kind=kind,
            lane=lane_of.get(node.get("id")), form_key=props.get("formKey"),
            stage=props.get("stage"), deadline=props.get("deadline"),
            attached_to=node.get("attachedToRef"), timer_action=props.get("timerAction"),
        )


def check_definition(
    xml: bytes | str, lane_keys: Iterable[str], form_keys: Iterable[str],
    deadline_keys: Iterable[str] = (),
) -> list[Problem]:
    """Every problem that keeps ``xml`` from being published (empty when it may be published)."""
    try:
        definition = load_definition(xml)
    except DefinitionError as err:
        return list(err.problems)
    root = _parse_xml(xml.encode("utf-8") if isinstance(xml, str) else xml)
    problems = _code_problems(root) + _busy_loops(root) + _timer_problems(root) + _cardinality_problems(root)
    lane_keys, form_keys, deadline_keys = set(lane_keys), set(form_keys), set(deadline_keys)
    for step in definition.steps.values():
        where = {"element_id": step.step_code, "element_name": step.label, "kind": step.kind}
        # Fields come only from registered forms (typed, sized, checked by the domain rules); a
        # definition cannot declare fields of its own.
        if step.kind in ("userTask", "startEvent") and not step.form_key:
            problems.append(Problem(N_("人工环节必须用 formKey 属性指定一个已登记的表单"), **where))
        elif step.kind in ("userTask", "startEvent") and step.form_key not in form_keys:
            problems.append(Problem(N_("表单 %(form_key)s 未在系统中登记"), {"form_key": step.form_key}, **where))
        if step.kind == "userTask" and step.lane not in lane_keys:
            problems.append(Problem(N_("泳道 %(lane)s 不是泳道配置中的键"), {"lane": step.lane}, **where))
        if step.timer_action and step.timer_action not in TIMER_ACTIONS:
            problems.append(Problem(N_("定时器动作 %(action)s 不存在（可用：%(actions)s）"),
                                    {"action": step.timer_action, "actions": "、".join(TIMER_ACTIONS)}, **where))
        if step.deadline and deadline_keys and step.deadline not in deadline_keys:
            problems.append(Problem(N_("期限规则 %(deadline)s 不存在"), {"deadline": step.deadline}, **where))
    return problems


# Flow nodes where a case waits for a person or for time: a loop of the flow must pass one of them.
WAITING_NODES = ("userTask", "receiveTask", "manualTask")
WAITING_EVENTS = ("timerEventDefinition", "messageEventDefinition", "signalEventDefinition")


def _busy_loops(root: etree._Element) -> list[Problem]:
    """Loops of the flow that pass no user task, receive task or catching timer/message event: the
    engine would run them without end (the refusal names one element of each loop)."""
    nodes = {node.get("id"): node for node in root.iter() if isinstance(node.tag, str) and node.get("id")}
    edges: dict[str, list[str]] = {}
    for flow in root.iter(f"{{{BPMN_NS}}}sequenceFlow"):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        if source in nodes and target in nodes and not _waits(nodes[source]) and not _waits(nodes[target]):
            edges.setdefault(source, []).append(target)
    problems = []
    for loop in _strongly_connected(edges):
        if len(loop) > 1 or loop[0] in edges.get(loop[0], ()):
            first = nodes[min(loop, key=lambda node_id: nodes[node_id].sourceline or 0)]
            problems.append(Problem(
                N_("流程中有一个循环不经过任何用户任务、接收任务或定时器，会无休止地运行（循环经过：%(loop)s）"),
                {"loop": "、".join(sorted(loop))}, **_where(first)))
    return problems


def _waits(node: etree._Element) -> bool:
    kind = etree.QName(node).localname
    if kind in WAITING_NODES:
        return True
    if kind in ("intermediateCatchEvent", "boundaryEvent"):
        return any(node.find(f"bpmn:{event}", NS) is not None for event in WAITING_EVENTS)
    return False


def _strongly_connected(edges: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components of a directed graph, iteratively (no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    components: list[list[str]] = []
    vertices = set(edges) | {t for targets in edges.values() for t in targets}
    for start in sorted(vertices):
        if start in index:
            continue
        work = [(start, iter(edges.get(start, ())))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            vertex, successors = work[-1]
            for successor in successors:
                if successor not in index:
                    index[successor] = low[successor] = len(index)
                    stack.append(successor)
                    on_stack.add(successor)
                    work.append((successor, iter(edges.get(successor, ()))))
                    break
                if successor in on_stack:
                    low[vertex] = min(low[vertex], index[successor])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[vertex])
                if low[vertex] == index[vertex]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == vertex:
                            break
                    components.append(component)
    return components


# Bound of multi-instance steps (issue "hostile input": sane limits at publish time).
MAX_CARDINALITY = 500


def _timer_problems(root: etree._Element) -> list[Problem]:
    problems = []
    for definition in root.iter(f"{{{BPMN_NS}}}timerEventDefinition"):
        event = definition.getparent()
        for value in definition:
            if not isinstance(value.tag, str):
                continue
            kind = etree.QName(value).localname
            where = {**_where(event), "line": value.sourceline}
            problem = timer_value_problem(kind, value.text or "")
            if problem is not None:
                problems.append(Problem(problem[0], {"value": (value.text or "").strip(), **problem[1]}, **where))
    return problems


def _cardinality_problems(root: etree._Element) -> list[Problem]:
    problems = []
    for cardinality in root.iter(f"{{{BPMN_NS}}}loopCardinality"):
        task = cardinality.getparent().getparent()
        where = {**_where(task), "line": cardinality.sourceline}
        text = (cardinality.text or "").strip()
        if text.isdigit():
            if int(text) > MAX_CARDINALITY:
                problems.append(Problem(N_("多实例次数 %(count)s 超过上限 %(limit)s"),
                                        {"count": int(text), "limit": MAX_CARDINALITY}, **where))
            continue
        problems.extend(replace(problem, **where) for problem in check_expression(text))
    return problems


def _where(node: etree._Element) -> dict:
    return {"element_id": node.get("id"), "element_name": node.get("name"), "kind": etree.QName(node).localname,
            "line": node.sourceline}


def _code_problems(root: etree._Element) -> list[Problem]:
    problems = []
    for kind in FORBIDDEN_ELEMENTS:
        for node in root.iter(f"{{{BPMN_NS}}}{kind}"):
            problems.append(Problem(N_("定义中不允许 %(kind)s：它会执行代码或访问外部系统"), {"kind": kind},
                                    **_where(node)))
    for kind in FORBIDDEN_EXTENSIONS:
        for node in root.iter(f"{{{SPIFF_NS}}}{kind}"):
            owner = node.getparent().getparent()
            problems.append(Problem(N_("不允许 %(extension)s 扩展：它会执行代码"), {"extension": kind},
                                    **{**_where(owner), "line": node.sourceline}))
    for node in root.iter(f"{{{BPMN_NS}}}conditionExpression"):
        flow = node.getparent()
        for problem in check_expression(node.text or ""):
            problems.append(replace(problem, **{**_where(flow), "line": node.sourceline}))
    return problems
