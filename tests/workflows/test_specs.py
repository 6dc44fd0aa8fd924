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


def test_a_user_task_without_a_form_key_is_named():
    xml = LEAVE_XML.replace('<spiffworkflow:property name="formKey" value="leave_approve" />', "")
    (problem,) = check_definition(xml, LEAVE_LANES, LEAVE_FORMS)
    assert str(problem) == "userTask approve（审批）：人工环节必须用 formKey 属性指定一个已登记的表单"


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
    assert str(problem).endswith("表达式中不允许 Attribute（只能用比较、and/or/not、字面量和审定的函数）")


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


def test_a_loop_that_passes_no_user_task_or_timer_is_refused():
    spin = ('<bpmn:exclusiveGateway id="spin_a" name="空转甲" /><bpmn:exclusiveGateway id="spin_b" name="空转乙" />'
            '<bpmn:sequenceFlow id="s1" sourceRef="spin_a" targetRef="spin_b" />'
            '<bpmn:sequenceFlow id="s2" sourceRef="spin_b" targetRef="spin_a" />')
    xml = LEAVE_XML.replace("</bpmn:process>", spin + "</bpmn:process>", 1)

    (problem,) = check_definition(xml, LEAVE_LANES, LEAVE_FORMS)

    assert problem.element_id in ("spin_a", "spin_b") and problem.line
    assert "无休止" in str(problem) and "spin_a、spin_b" in str(problem)


def test_a_loop_back_through_a_user_task_is_a_normal_rework_loop():
    # 不同意 goes back to 填写申请 instead of ending: the applicant corrects and asks again
    xml = LEAVE_XML.replace('sourceRef="approved" targetRef="refused"', 'sourceRef="approved" targetRef="ask"')

    assert check_definition(xml, LEAVE_LANES, LEAVE_FORMS) == []


TIMER_DATE = '<bpmn:timeDate>"2030-01-01T08:00:00+00:00"</bpmn:timeDate>'


@pytest.mark.parametrize("timer", [
    '<bpmn:timeDuration>"PT1M"</bpmn:timeDuration>', '<bpmn:timeDuration>"P5Y"</bpmn:timeDuration>',
    '<bpmn:timeDuration>"P6M"</bpmn:timeDuration>', '<bpmn:timeCycle>"R100/PT1H"</bpmn:timeCycle>',
    TIMER_DATE,
    '<bpmn:timeDuration>months(setting("activist.review_interval_months"))</bpmn:timeDuration>',
    '<bpmn:timeCycle>repeat(4, months(setting("probation.review_interval_months")))</bpmn:timeCycle>',
], ids=["1 minute", "5 years", "6 months", "100 hourly repeats", "a date", "a setting", "a cycle of a setting"])
def test_a_timer_within_the_bounds_is_accepted(timer):
    assert check_definition(LEAVE_XML.replace(TIMER_DATE, timer), LEAVE_LANES, LEAVE_FORMS) == []


@pytest.mark.parametrize(("timer", "rule"), [
    ('<bpmn:timeDuration>"PT59S"</bpmn:timeDuration>', "1 分钟到 5 年之间"),
    ('<bpmn:timeDuration>"P5Y1D"</bpmn:timeDuration>', "1 分钟到 5 年之间"),
    ('<bpmn:timeDuration>days * 2</bpmn:timeDuration>', "加引号的 ISO 8601 字面量"),
    ('<bpmn:timeDuration>"soon"</bpmn:timeDuration>', "不是 ISO 8601 时长"),
    ('<bpmn:timeCycle>"R101/PT1H"</bpmn:timeCycle>', "重复次数超过 100"),
    ('<bpmn:timeCycle>"R5/PT59M"</bpmn:timeCycle>', "至少 1 小时"),
    ('<bpmn:timeCycle>"R/PT1H"</bpmn:timeCycle>', "必须写明重复次数"),
    ('<bpmn:timeDate>"next tuesday"</bpmn:timeDate>', "不是 ISO 8601 日期时间"),
    ('<bpmn:timeDuration>months(setting("no.such_months"))</bpmn:timeDuration>', "不存在或不是整数"),
    # 入团推荐年龄上限 may be up to 40: as years, beyond five.
    ('<bpmn:timeDuration>years(setting("youth_league_recommendation.age_max"))</bpmn:timeDuration>',
     "按该设置的取值范围"),
    ('<bpmn:timeDate>days(setting("archive.within_days"))</bpmn:timeDate>', "日期定时器只能写 ISO 8601 字面量"),
    ('<bpmn:timeCycle>months(setting("probation.review_interval_months"))</bpmn:timeCycle>', "repeat(次数, 时长)"),
    ('<bpmn:timeCycle>repeat(101, months(setting("probation.review_interval_months")))</bpmn:timeCycle>',
     "重复次数须为 1 到 100"),
    ('<bpmn:timeDuration>months(setting("activist.review_interval_months")) + "x"</bpmn:timeDuration>',
     "加引号的 ISO 8601 字面量"),
], ids=["59 seconds", "over 5 years", "an expression", "not a duration", "101 repeats", "59-minute cycle",
        "endless cycle", "not a date", "unknown setting", "a setting beyond 5 years", "a date from a setting",
        "a cycle without a count", "a setting repeated 101 times", "a setting in an expression"])
def test_a_timer_outside_the_bounds_is_refused_and_named(timer, rule):
    (problem,) = check_definition(LEAVE_XML.replace(TIMER_DATE, timer), LEAVE_LANES, LEAVE_FORMS)

    assert (problem.element_id, problem.element_name) == ("wait", "等待") and problem.line
    assert rule in str(problem)


@pytest.mark.parametrize(("cardinality", "expected"), [
    ("500", []), ("501", ["多实例次数 501 超过上限 500"]), ("len(members)", []),
    ("members.__len__()", ["只允许直接调用审定的函数", "不允许 Attribute"]),
])
def test_a_multi_instance_count_is_a_bounded_literal_or_a_restricted_expression(cardinality, expected):
    looped = LEAVE_XML.replace(
        '<bpmn:userTask id="approve" name="审批">',
        '<bpmn:userTask id="approve" name="审批"><bpmn:multiInstanceLoopCharacteristics isSequential="true">'
        f"<bpmn:loopCardinality>{cardinality}</bpmn:loopCardinality></bpmn:multiInstanceLoopCharacteristics>", 1)

    problems = check_definition(looped, LEAVE_LANES, LEAVE_FORMS)

    assert len(problems) == len(expected)
    for problem, words in zip(problems, expected, strict=True):
        assert problem.element_id == "approve" and words in str(problem)
