"""Every registered procedure has the whole protocol the web layer reads (workflows/procedures/__init__.py),
and its steps are the user tasks of its shipped definition."""

from pathlib import Path

import pytest

from workflows.org import UNIT_KINDS
from workflows.procedures import PROCEDURES, SUBJECT_KINDS
from workflows.specs import load_definition

BPMN_DIR = Path(__file__).parents[2] / "bpmn"
NAMES = ("PROCESS_KEY", "BUSINESS_KEY_PREFIX", "SUBJECT_KIND", "START_UNIT_KINDS", "STARTS_IN_TEMPORARY_BRANCHES",
         "STAGES", "STEPS", "FORM_KEYS",
         "MEMBER_FIELDS", "PICKER_SOURCES", "KEY_DATES", "END_STATUS")
FUNCTIONS = ("check", "derive", "member_changes", "org_changes", "due_dates")


@pytest.mark.parametrize("key", sorted(PROCEDURES))
def test_a_procedure_has_every_name_of_the_protocol(key):
    procedure = PROCEDURES[key]
    assert [name for name in NAMES if not hasattr(procedure, name)] == []
    assert [name for name in FUNCTIONS if not callable(getattr(procedure, name, None))] == []
    assert procedure.PROCESS_KEY == key
    assert procedure.SUBJECT_KIND in SUBJECT_KINDS
    assert set(procedure.START_UNIT_KINDS) <= set(UNIT_KINDS)
    assert set(procedure.STEPS.values()) <= {stage for stage, _label in procedure.STAGES}


def test_business_keys_tell_the_procedures_apart():
    prefixes = [p.BUSINESS_KEY_PREFIX for p in PROCEDURES.values()]
    assert len(set(prefixes)) == len(prefixes)
    assert all(len(prefix) == 2 and prefix.isupper() for prefix in prefixes)


def test_form_keys_are_unique_across_procedures():
    owners = {}
    for key, procedure in PROCEDURES.items():
        for form_key in set(procedure.FORM_KEYS.values()):
            assert owners.setdefault(form_key, key) == key, f"{form_key} belongs to {owners[form_key]} and {key}"


@pytest.mark.parametrize("key", sorted(PROCEDURES))
def test_the_steps_are_the_start_event_and_user_tasks_of_the_shipped_definition(key):
    definition = load_definition((BPMN_DIR / f"{key}.bpmn").read_bytes())
    shipped = {s.step_code for s in definition.user_steps()} | {definition.start_step.step_code}
    assert shipped == set(PROCEDURES[key].STEPS)
    assert {s.step_code: s.form_key for s in definition.steps.values() if s.step_code in shipped} == {
        code: PROCEDURES[key].FORM_KEYS[code] for code in shipped}
