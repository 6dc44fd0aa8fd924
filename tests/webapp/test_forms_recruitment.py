"""Every recruitment step has a form whose fields are the names the engine rules read."""

import json
import re
from datetime import date

import pytest
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from webapp.forms import FORMS, describe_fields, engine_input
from webapp.forms import recruitment as recruitment_forms
from workflows.guards import MemberFacts, StepContext
from workflows.procedures import recruitment
from workflows.procedures.recruitment_data import STEP_FIELDS
from workflows.settings import RuleSettings

ROSTER = [SelectChoice(1, "王芳"), SelectChoice(2, "李强")]
CASE = {"application_date": "2024-01-10", "activist_date": "2024-01-10", "pre_review_decided_at": "2025-01-05",
        "resolution_date": "2025-01-10", "probation_start": "2025-01-10", "probation_end": "2025-01-10",
        "political_review_conclusion": "pass", "training_ok": True, "extension_used": False,
        "regularization_outcome": "regularize", "refusal_target": "development_candidate"}
SPECIAL_ANSWERS = {"id_number": "11010120060520001X", "phone": "13800000000"}


@pytest.fixture
def form_app():
    app = Flask(__name__)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False, SECRET_KEY="test")
    Babel(app)
    with app.test_request_context():
        yield app


def answer(field):
    """A valid answer for a described field; member and unit pickers pick from ROSTER."""
    if field["name"] in SPECIAL_ANSWERS:
        return SPECIAL_ANSWERS[field["name"]]
    choices = [c["value"] for c in field["choices"] or []]
    if field["type"] == "multiple_choice":
        return choices or ["1", "2"]
    if field["type"] == "choice":
        return choices[0] if choices else "1"
    return {"date": "2025-01-10", "integer": "1", "boolean": "y"}.get(field["type"], "文本")


def filled_form(form_key, **overrides):
    """The form of ``form_key`` filled with a valid answer for every field."""
    answers = {field["name"]: answer(field) for field in describe_fields(FORMS[form_key])}
    answers.update(overrides)
    form = FORMS[form_key](formdata=MultiDict([(k, v) for k, vs in answers.items()
                                               for v in (vs if isinstance(vs, list) else [vs])]))
    for name in ("talker_ids", "mentor_ids", "sponsor_ids", "talker_id", "branch_id", "group_id"):
        if name in form:
            form[name].choices = ROSTER
    return form


def test_every_form_key_of_the_procedure_has_a_form():
    assert set(recruitment.FORM_KEYS.values()) == set(recruitment_forms.FORMS) <= set(FORMS)
    assert recruitment.FORM_KEYS["R15b_intermediate_deliberation"] == "intermediate_deliberation"


@pytest.mark.parametrize("step_code", list(recruitment.STEPS))
def test_form_requires_exactly_what_the_engine_requires(step_code):
    fields = {f["name"]: f for f in describe_fields(FORMS[recruitment.FORM_KEYS[step_code]])}
    spec = STEP_FIELDS[recruitment.step_key(step_code)]
    assert {name for name, f in fields.items() if f["required"]} == set(spec.required)
    assert set(spec.past_dates + spec.dates) <= {name for name, f in fields.items() if f["type"] == "date"}
    for name in set(recruitment.MEMBER_FIELDS) & set(fields):
        assert fields[name]["type"] in ("choice", "multiple_choice") and fields[name]["choices"] == []


@pytest.mark.parametrize("step_code", list(recruitment.STEPS))
def test_a_filled_form_feeds_check_and_derive(form_app, step_code):
    form = filled_form(recruitment.FORM_KEYS[step_code])
    assert form.validate(), form.errors
    data = engine_input(form)
    members = {c.value: MemberFacts(c.value, c.label, "full_member", True, True, 10) for c in ROSTER}
    ctx = StepContext(date(2025, 6, 30), CASE, members, 1, RuleSettings.resolve([]))
    assert isinstance(recruitment.check(step_code, data, ctx), list)
    json.dumps(recruitment.derive(step_code, data, ctx))


def test_application_form_fields_are_the_glossary_names():
    names = [f["name"] for f in describe_fields(FORMS["R01_submit_application"])]
    assert names == ["name", "gender", "ethnicity", "birth_date", "id_number", "education", "occupation",
                     "work_unit", "youth_league_member", "phone", "application_letter_received", "application_date"]


def test_vote_forms_capture_the_raw_tally():
    tally = ["expected_voting", "present_voting", "yes", "no", "abstain", "written_yes", "written_no",
             "resolution_text", "resolution_date"]
    assert [f["name"] for f in describe_fields(FORMS["R15_assembly_admission_vote"])] == tally
    assert [f["name"] for f in describe_fields(FORMS["R23_assembly_regularization_vote"])] == [
        *tally, "outcome", "extension_months", "reasons"]


def test_engine_input_is_plain_json_with_iso_dates(form_app):
    form = filled_form("R02_initial_talk", talk_date="2025-03-01", talker_ids=["1", "2"])
    assert form.validate()
    data = engine_input(form)
    assert data["talk_date"] == "2025-03-01" and data["talker_ids"] == [1, 2]
    assert "csrf_token" not in data and json.loads(json.dumps(data)) == data


def test_a_member_picker_refuses_someone_not_on_the_roster(form_app):
    form = filled_form("R05_assign_mentors", mentor_ids=["3"])
    assert not form.validate()
    assert list(form.errors) == ["mentor_ids"]


def test_counts_must_be_whole_non_negative_numbers(form_app):
    form = filled_form("R15_assembly_admission_vote", yes="-1", no="两")
    assert not form.validate()
    assert set(form.errors) == {"yes", "no"}


def test_zero_votes_are_an_answer_and_written_opinions_are_optional(form_app):
    form = filled_form("R15_assembly_admission_vote", no="0", written_yes="", written_no="")
    assert form.validate(), form.errors
    assert engine_input(form)["no"] == 0 and engine_input(form)["written_yes"] is None


def test_an_optional_unit_picker_may_stay_empty(form_app):
    form = filled_form("R19_assign_branch_group", group_id="")
    assert form.validate(), form.errors


def test_described_fields_carry_chinese_labels_and_choice_labels(form_app):
    fields = {f["name"]: f for f in describe_fields(FORMS["R17_committee_approval"])}
    assert fields["decision"]["type"] == "choice" and fields["decision"]["required"]
    assert [c["value"] for c in fields["decision"]["choices"]] == ["approved", "not_approved", "lapsed"]
    assert fields["decision"]["choices"][0]["label"] == "批准"
    assert fields["decided_on"]["type"] == "date"
    for form_class in FORMS.values():
        for field in describe_fields(form_class):
            assert re.search(r"[\u4e00-\u9fff]", field["label"]), field["name"]
    json.dumps(describe_fields(FORMS["R01_submit_application"]))


def test_hints_cite_the_rule(form_app):
    fields = {f["name"]: f for f in describe_fields(FORMS["R07_designate_candidate"])}
    assert "第十三条" in fields["candidate_date"]["description"]
