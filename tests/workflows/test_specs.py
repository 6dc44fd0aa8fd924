"""Every shipped definition parses and validates; bad definitions are refused with the element named."""

from datetime import date
from pathlib import Path

import pytest

from workflows.errors import DefinitionError
from workflows.specs import check_definition, load_definition

BPMN_DIR = Path(__file__).parents[2] / "bpmn"
DATA = Path(__file__).parent / "data"
LEAVE_XML = (DATA / "leave_request.bpmn").read_text(encoding="utf-8")
LEAVE_LANES = ["branch_secretary", "approving_committee"]
LEAVE_FORMS = ["leave_start", "leave_ask", "leave_approve"]


def test_identical_content_is_parsed_once():
    assert load_definition(LEAVE_XML) is load_definition(LEAVE_XML.encode("utf-8"))


def test_lanes_and_properties_are_read_from_the_conventions():
    definition = load_definition(LEAVE_XML)
    assert definition.lanes == {"branch_secretary": "支部书记", "approving_committee": "基层党委"}
    assert definition.start_step.form_key == "leave_start"
    assert [s.step_code for s in definition.user_steps()] == ["ask", "approve"]


def test_a_valid_definition_has_no_problems():
    assert check_definition(LEAVE_XML, LEAVE_LANES, LEAVE_FORMS) == []


def test_an_unknown_lane_is_named():
    (problem,) = check_definition(LEAVE_XML, ["branch_secretary"], LEAVE_FORMS)
    assert str(problem) == "userTask approve（审批）：泳道 approving_committee 不是泳道配置中的键"


def test_an_unknown_form_key_is_named():
    (problem,) = check_definition(LEAVE_XML, LEAVE_LANES, ["leave_start", "leave_ask"])
    assert str(problem) == "userTask approve（审批）：表单 leave_approve 未在系统中登记"


def test_a_script_task_is_refused():
    xml = LEAVE_XML.replace(
        '<bpmn:endEvent id="done"',
        '<bpmn:scriptTask id="hack" name="脚本"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
        '<bpmn:endEvent id="done"',
    )
    (problem,) = check_definition(xml, LEAVE_LANES, LEAVE_FORMS)
    assert (problem.kind, problem.element_id, problem.element_name) == ("scriptTask", "hack", "脚本")
    assert problem.line is not None and "不允许 scriptTask" in str(problem)


def test_a_condition_outside_the_restricted_language_is_refused():
    xml = LEAVE_XML.replace('decision == "approve"', "decision.__class__")
    (problem,) = check_definition(xml, LEAVE_LANES, LEAVE_FORMS)
    assert (problem.element_id, problem.element_name) == ("f4", "同意")
    assert "受限表达式" in str(problem) and "Attribute is not allowed" in str(problem)


def test_a_doctype_is_refused():
    xml = LEAVE_XML.replace("<bpmn:definitions", '<!DOCTYPE x [<!ENTITY e "boom">]>\n<bpmn:definitions', 1)
    with pytest.raises(DefinitionError, match="DOCTYPE") as refused:
        load_definition(xml)
    assert refused.value.problems[0].line == 1


def test_xml_that_is_not_well_formed_names_the_line():
    with pytest.raises(DefinitionError, match="第 3 行") as refused:
        load_definition("<a>\n<b>\n</a>")
    assert refused.value.problems[0].line == 3


def test_a_file_without_an_executable_process_is_refused():
    with pytest.raises(DefinitionError, match="isExecutable"):
        load_definition(LEAVE_XML.replace('isExecutable="true"', 'isExecutable="false"'))


@pytest.mark.parametrize("path", sorted(BPMN_DIR.glob("*.bpmn")), ids=lambda p: p.name)
def test_every_shipped_definition_parses_and_validates(path):
    from workflows.procedures import PROCEDURES
    from workflows.routing import load_lane_rules

    definition = load_definition(path.read_bytes())
    assert definition.process_id == path.stem
    procedure = PROCEDURES[definition.process_id]
    lanes = [rule.key for rule in load_lane_rules(BPMN_DIR / "lanes.json")]
    form_keys = [s.form_key for s in definition.steps.values() if s.form_key]
    assert all(step.form_key for step in definition.user_steps())
    assert check_definition(path.read_bytes(), lanes, form_keys) == []
    stages = {key for key, _label in procedure.STAGES}
    assert {s.stage for s in definition.user_steps()} <= stages
    for step in definition.user_steps():
        if step.deadline:  # every deadline a definition names is a rule the procedure implements
            procedure.due_dates(step.deadline, date(2026, 1, 5), DEADLINE_FACTS, procedure_settings())


DEADLINE_FACTS = {
    "application_date": "2025-01-02", "resolution_date": "2026-01-02", "pre_review_decided_at": "2025-12-01",
    "probation_end": "2027-01-02",
}


def procedure_settings():
    from workflows.settings import RuleSettings

    return RuleSettings.resolve([])
