"""The superior's form on a new committee follows the organisation's setting (RULES.md §12 C16): the form of
``file`` has no refusals to name, the form of ``approve`` names the refused 委员 and 书记/副书记; a stored
submission is shown with the form it was made with."""

from webapp.forms import FORMS, describe_fields, form_for, submitted_form
from webapp.forms.elections import ApproveCommitteeForm, ApproveResultsForm
from workflows.settings import RuleSettings

APPROVING = RuleSettings({"election.committee_member_result": "approve"})


def choices(form_class) -> dict[str, str]:
    (decision,) = [f for f in describe_fields(form_class) if f["name"] == "decision"]
    return {c["value"]: c["label"] for c in decision["choices"]}


def test_each_mode_has_its_form_for_the_term_election_and_the_by_election():
    for key in ("E07b_approve_results", "B05b_approve_report"):
        assert FORMS[key] is form_for(key) is form_for(key, RuleSettings()) is ApproveResultsForm
        assert form_for(key, APPROVING) is ApproveCommitteeForm
    assert form_for("E05_assembly_election", APPROVING) is FORMS["E05_assembly_election"]  # no variants


def test_the_decisions_are_worded_after_the_mode():
    assert choices(ApproveResultsForm)["approved"] == "批准书记、副书记，委员予以备案"
    assert choices(ApproveCommitteeForm)["approved"] == "批准全体委员和书记、副书记（任命批复）"
    assert set(choices(ApproveResultsForm)) == set(choices(ApproveCommitteeForm))  # the same engine values
    names = {f["name"] for f in describe_fields(ApproveCommitteeForm)} - {f["name"] for f in
                                                                        describe_fields(ApproveResultsForm)}
    assert names == {"refused_member_ids", "refused_officer_ids"}


def test_a_submission_is_read_with_the_form_it_was_made_with():
    filed = {"decided_on": "2026-05-25", "decision": "approved", "doc_no": "", "opinion": ""}
    assert submitted_form("E07b_approve_results", filed) is ApproveResultsForm
    assert submitted_form("E07b_approve_results", {**filed, "refused_member_ids": []}) is ApproveCommitteeForm
    assert submitted_form("E05_assembly_election", {}) is FORMS["E05_assembly_election"]
