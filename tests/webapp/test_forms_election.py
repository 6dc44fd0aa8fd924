"""The election step forms: one per form key, requiring exactly what the rules require, the vote counts read in
the candidates' order (one count each, whole numbers), an optional member picker that may be left empty, and the
JSON API describing and taking them as the pages do."""

from __future__ import annotations

import pytest
from test_forms_recruitment import form_app  # noqa: F401 (the fixture: a request context for the forms)
from werkzeug.datastructures import MultiDict
from wtforms.fields.choices import SelectChoice

from webapp.forms import FORMS, describe_fields
from webapp.forms.elections import FORMS as ELECTION_FORMS
from workflows.procedures import by_election, election_postponement, term_election

PROCEDURES = (term_election, by_election, election_postponement)
CANDIDATES = [SelectChoice(12, "王芳"), SelectChoice(15, "李强"), SelectChoice(17, "赵敏")]
pytestmark = pytest.mark.usefixtures("form_app")  # a request context: the forms translate their messages


def test_every_form_key_of_the_election_procedures_has_a_form_and_no_other():
    keys = {key for procedure in PROCEDURES for key in procedure.FORM_KEYS.values()}
    assert keys == set(ELECTION_FORMS) and keys <= set(FORMS)


@pytest.mark.parametrize(("procedure", "step_code"), [(p, code) for p in PROCEDURES for code in p.STEPS])
def test_a_form_requires_exactly_what_the_rules_require(procedure, step_code):
    fields = {f["name"]: f for f in describe_fields(FORMS[procedure.FORM_KEYS[step_code]])}
    spec = procedure.STEP_FIELDS[procedure.step_key(step_code)]
    assert {name for name, f in fields.items() if f["required"]} == set(spec.required)
    assert set(spec.past_dates + spec.dates) <= {name for name, f in fields.items() if f["type"] == "date"}
    assert set(procedure.PICKER_SOURCES) & set(fields) <= set(procedure.MEMBER_FIELDS)


def ballot(pairs, form_key="E05_assembly_election"):
    form = FORMS[form_key](formdata=MultiDict(pairs))
    form.votes.choices = CANDIDATES
    for name in ("excluded_ids", "scrutineer_ids"):
        form[name].choices = CANDIDATES
    return form


BALLOT = [("election_date", "2026-05-20"), ("expected_electors", "12"), ("present_electors", "12"), ("seats", "2")]


def test_the_vote_counts_are_read_in_the_candidates_order_and_kept_by_member():
    form = ballot([*BALLOT, ("votes", "9"), ("votes", "0"), ("votes", "11")])
    assert form.validate(), form.errors
    assert form.votes.data == {"12": 9, "15": 0, "17": 11}


@pytest.mark.parametrize("counts", [
    ["9", "8"], ["9", "8", "-1"], ["9", "8", "x"], ["9", "", "3"], ["9", "8", "100001"]])
def test_a_count_missing_or_not_a_whole_number_is_refused(counts):
    form = ballot([*BALLOT, *(("votes", c) for c in counts)])
    assert not form.validate()
    assert list(form.errors) == ["votes"]


def test_empty_counts_are_no_ballot_at_all():
    """A meeting without quorum holds no ballot: every count may be left empty (the rules decide)."""
    form = ballot([*BALLOT, ("votes", ""), ("votes", ""), ("votes", "")])
    assert form.validate(), form.errors
    assert form.votes.data is None


def test_the_vote_table_names_each_candidate_beside_its_input():
    form = ballot([*BALLOT, ("votes", "9"), ("votes", "0"), ("votes", "11")])
    html = str(form.votes())
    assert html.count('name="votes"') == 3 and "王芳" in html and 'value="11"' in html


def test_an_optional_member_may_be_left_empty_and_a_member_off_the_list_is_refused():
    form = FORMS["E06_elect_officers"](formdata=MultiDict([
        ("meeting_date", "2026-05-20"), ("committee_present", "3"), ("secretary_id", "12"), ("secretary_votes", "3"),
        ("deputy_id", ""), ("org_member_id", "15")]))
    for name in ("secretary_id", "deputy_id", "org_member_id", "publicity_member_id", "discipline_member_id"):
        form[name].choices = CANDIDATES
    assert form.validate(), form.errors
    assert (form.secretary_id.data, form.deputy_id.data) == (12, None)
    assert [c.label for c in form.deputy_id.iter_choices()][0] == "（不设）"
    form = FORMS["E06_elect_officers"](formdata=MultiDict([("secretary_id", "99"), ("deputy_id", "abc")]))
    for name in ("secretary_id", "deputy_id", "org_member_id", "publicity_member_id", "discipline_member_id"):
        form[name].choices = CANDIDATES
    form.validate()
    assert form.errors["secretary_id"] == ["所选的值不在可选范围内，请从列表中重新选择。"]
    assert form.errors["deputy_id"] == ["所选的值不在可选范围内，请从列表中重新选择。"]


def test_the_api_describes_the_counts_as_counts():
    (votes,) = [f for f in describe_fields(FORMS["E05_assembly_election"]) if f["name"] == "votes"]
    assert votes["type"] == "counts"
