"""Babel extractors for the labels of the shipped definitions (babel.cfg ``[extractors]``).

The process name, the lane names and the flow node names of a BPMN file, and the lane labels of
``bpmn/lanes.json``, are Chinese labels people read; the pages translate them at display time
(webapp/templating.py ``definition_label``). These extractors put them into the catalogue, so a
label of a shipped definition has its English like any string of the sources. A label added later
(a new version published from the browser, a lane added by an admin) is not in the catalogue and
shows as it is.

Both follow Babel's extractor protocol: ``(fileobj, keywords, comment_tags, options)`` →
``(lineno, funcname, message, comments)``; the comment names the element, for the translator.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
MAX_BYTES = 2 * 1024 * 1024

# Flow nodes (BPMN 2.0 §10.1): activities, events and gateways. Sequence flows, data items,
# properties and the like are not flow nodes; their names are not labels the pages show.
FLOW_NODES = frozenset({
    "task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask",
    "businessRuleTask", "callActivity", "subProcess", "adHocSubProcess", "transaction",
    "startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
    "exclusiveGateway", "inclusiveGateway", "parallelGateway", "eventBasedGateway", "complexGateway",
})

Extracted = tuple[int, None, str, list[str]]


def extract_bpmn(fileobj, keywords, comment_tags, options) -> Iterator[Extracted]:
    """The name of every process, lane and flow node of a BPMN file, in document order."""
    data = fileobj.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ValueError(f"{_filename(fileobj)}: BPMN file larger than {MAX_BYTES} bytes")
    # No DTD, no entities, no network: a definition is data, never a reason to fetch or expand anything.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                             huge_tree=False, remove_comments=True, remove_pis=True)
    root = etree.fromstring(data, parser)
    if root.getroottree().docinfo.doctype:
        raise ValueError(f"{_filename(fileobj)}: a DOCTYPE is not allowed in a BPMN file")
    for element in root.iter(etree.Element):
        qname = etree.QName(element)
        if qname.namespace != BPMN_NS:
            continue
        kind = qname.localname
        if kind in ("process", "lane") or kind in FLOW_NODES:
            name = element.get("name")
            if name and name.strip():
                yield element.sourceline or 1, None, name, [f"BPMN {kind} {element.get('id', '')}".rstrip()]


_LABEL = re.compile(r'"label"\s*:\s*("(?:[^"\\]|\\.)*")')


def extract_lane_labels(fileobj, keywords, comment_tags, options) -> Iterator[Extracted]:
    """The ``label`` of every lane of a lane registry file (bpmn/lanes.json)."""
    text = fileobj.read().decode(options.get("encoding", "utf-8"))
    lanes = json.loads(text)
    if not isinstance(lanes, list):
        raise ValueError(f"{_filename(fileobj)}: a lane registry is a JSON list of lanes")
    # The line of each "label": …, for the references in the catalogue (json.loads keeps none).
    lines = [(text.count("\n", 0, m.start()) + 1, json.loads(m.group(1))) for m in _LABEL.finditer(text)]
    for lane in lanes:
        label = lane.get("label") if isinstance(lane, dict) else None
        if not isinstance(label, str) or not label.strip():
            continue
        found = next((i for i, (_line, value) in enumerate(lines) if value == label), None)
        lineno = lines.pop(found)[0] if found is not None else 1
        yield lineno, None, label, [f"lanes.json {lane.get('key', '')}".rstrip()]


def _filename(fileobj) -> str:
    return getattr(fileobj, "name", "<BPMN>")
