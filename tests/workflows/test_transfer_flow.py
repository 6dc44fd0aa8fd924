"""The shipped definition of 组织关系转接 without Flask: each kind's path, the race between the receiving
committee and the sending branch's withdrawal, the letter's timer at its edges, and the rules' numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from workflows.engine import CaseEngine
from workflows.guards import MemberFacts, StepContext
from workflows.org import OrgUnitRef
from workflows.procedures import transfer
from workflows.procedures.transfer_rules import away_too_long, check
from workflows.serialization import CaseSerializer
from workflows.settings import SETTINGS_BY_KEY, RuleSettings, SettingError
from workflows.specs import load_definition
from workflows.timer_dates import LEGAL_ZONE

DEFINITION = load_definition((Path(__file__).parents[2] / "bpmn" / "membership_transfer.bpmn").read_bytes())
ENGINE = CaseEngine()
SETTINGS = RuleSettings()
ISSUED = date(2026, 3, 1)


def ready(workflow) -> list[str]:
    return sorted(t.step_code for t in ENGINE.ready_tasks(DEFINITION, workflow))


def complete(workflow, step_code: str, now: datetime | None = None, **data):
    task = next(t for t in ENGINE.ready_tasks(DEFINITION, workflow) if t.step_code == step_code)
    ENGINE.complete(workflow, task.task_id, data, SETTINGS, now or at(ISSUED))
    return roundtrip(workflow)


SERIALIZER = CaseSerializer(lambda sha: DEFINITION)


def roundtrip(workflow):
    return SERIALIZER.loads(SERIALIZER.dumps(workflow))


def at(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), LEGAL_ZONE)


def letter_out(kind: str = "within_system", issuer: str = "committee"):
    """The case after the branch's check and the committee's letter (T03); with ``issuer="department"``
    also the organisation department's letter (T04d), issued the same day."""
    workflow = ENGINE.start(DEFINITION, {"transfer_kind": kind}, SETTINGS, at(ISSUED))
    workflow = complete(workflow, "T02_branch_check", branch_check_decision="submit", letter_issuer=issuer)
    valid_until = transfer.letter_valid_until(ISSUED, 90)
    workflow = complete(workflow, "T03_issue_letter", letter_valid_until=valid_until)
    if issuer == "department":
        assert ready(workflow) == ["T04d_department_letter"]
        workflow = complete(workflow, "T04d_department_letter", letter_valid_until=valid_until)
    return workflow


@pytest.mark.parametrize(("kind", "next_steps"), [
    ("internal", ["T05i_committee_move"]),
    ("mobile", ["T03m_issue_mobile_card"]),
    ("cross_system", ["T03_issue_letter"]),
    ("within_system", ["T03_issue_letter"]),
])
def test_the_kind_of_transfer_decides_the_path_after_the_branch_check(kind, next_steps):
    workflow = ENGINE.start(DEFINITION, {"transfer_kind": kind}, SETTINGS, at(ISSUED))
    assert ready(workflow) == ["T02_branch_check"]
    assert ready(complete(workflow, "T02_branch_check", branch_check_decision="submit",
                          letter_issuer="committee")) == next_steps


def test_the_receiving_decision_closes_the_withdrawal():
    workflow = letter_out()
    assert ready(workflow) == ["T05_accept", "T05w_withdraw"]
    workflow = complete(workflow, "T05_accept", receiving_decision="accept")
    assert ready(workflow) == ["T06_register"]


def test_a_withdrawal_ends_the_case_and_the_receiving_step():
    workflow = complete(letter_out(), "T05w_withdraw")
    assert ready(workflow) == [] and ENGINE.end_event(workflow) == "withdrawn_end"


def test_the_letter_is_valid_on_its_last_day_and_expires_the_day_after():
    workflow = letter_out()
    last_day = ISSUED + timedelta(days=90)
    assert ENGINE.next_timer_at(workflow) == at(last_day + timedelta(days=1))
    assert ENGINE.fire_timers(workflow, at(last_day) + timedelta(hours=23, minutes=59), SETTINGS) == []
    assert ENGINE.fire_timers(workflow, at(last_day + timedelta(days=1)) + timedelta(minutes=1),
                              SETTINGS) == ["letter_expired"]
    assert ready(workflow) == ["T05_accept", "T05w_withdraw", "T09_expired_letter"]


def test_a_reissued_letter_restarts_the_receiving_side_once():
    workflow = letter_out()
    ENGINE.fire_timers(workflow, at(ISSUED + timedelta(days=91)) + timedelta(minutes=1), SETTINGS)
    new_until = transfer.letter_valid_until(ISSUED + timedelta(days=91), 90)
    workflow = complete(workflow, "T09_expired_letter", expired_letter_decision="reissue",
                        letter_valid_until=new_until)
    assert ready(workflow) == ["T05_accept", "T05w_withdraw"]
    assert ENGINE.next_timer_at(workflow) == at(ISSUED + timedelta(days=182))


def test_a_refusal_returns_to_the_sending_branch_which_may_redo_or_cancel():
    workflow = complete(letter_out(), "T05_accept", receiving_decision="refuse")
    assert ready(workflow) == ["T08_after_refusal"]
    assert ready(complete(workflow, "T08_after_refusal", refusal_next="redo")) == ["T02_branch_check"]
    workflow = complete(complete(letter_out(), "T05_accept", receiving_decision="refuse"), "T08_after_refusal",
                        refusal_next="cancel")
    assert ENGINE.end_event(workflow) == "cancelled_after_refusal_end"
    assert transfer.END_STATUS["cancelled_after_refusal_end"] == "withdrawn"


def context(case_data=None, chains=None, unit_id=5, today=date(2026, 3, 20), settings=SETTINGS):
    member = MemberFacts(1, "郑海燕", "full_member", True, True, unit_id)
    return StepContext(today=today, case_data=case_data or {}, members={1: member}, voting_members=0, settings=settings,
                       unit_id=unit_id, chains=chains or {})


COUNTY = OrgUnitRef(1, "城关县委", "county_committee", None)
HOSPITAL = OrgUnitRef(3, "县人民医院党委", "primary_committee", 1, can_approve_admission=True)
BRANCH = OrgUnitRef(5, "内科第一党支部", "branch", 3)
JOINT = OrgUnitRef(6, "内科联合党支部", "branch", 3)
TOWN = OrgUnitRef(7, "城关镇党委", "primary_committee", 1, can_approve_admission=True)
TOWN_BRANCH = OrgUnitRef(8, "城关镇机关党支部", "branch", 7)
GROUP = OrgUnitRef(9, "第一党小组", "party_group", 8)
CHAINS = {chain[0].id: chain for chain in [
    (BRANCH, HOSPITAL, COUNTY), (JOINT, HOSPITAL, COUNTY), (TOWN, COUNTY), (TOWN_BRANCH, TOWN, COUNTY),
    (GROUP, TOWN_BRANCH, TOWN, COUNTY), (HOSPITAL, COUNTY)]}


def request(kind: str, target: int) -> dict:
    return {"member_id": 1, "transfer_kind": kind, "reason": "job_change", "receiving_unit_id": target}


@pytest.mark.parametrize(("kind", "target", "fits"), [
    ("internal", JOINT.id, True),  # another branch of the same 基层党委
    ("internal", TOWN_BRANCH.id, False),  # another committee's branch: not internal
    ("within_system", TOWN.id, True),
    ("within_system", TOWN_BRANCH.id, True),
    ("within_system", JOINT.id, False),  # the same committee: internal, not within the system
    ("within_system", BRANCH.id, False),  # the sending branch itself
])
def test_the_destination_fits_the_kind_of_transfer(kind, target, fits):
    ctx = context(chains=CHAINS)
    problems = [v for v in check("T01_request", request(kind, target), ctx) if v.field == "receiving_unit_id"]
    assert (problems == []) is fits


@pytest.mark.parametrize(("branch", "group", "fields"), [
    (TOWN_BRANCH.id, GROUP.id, []),
    (TOWN_BRANCH.id, None, []),
    (JOINT.id, None, ["branch_id"]),  # not a branch of the receiving committee
    (TOWN_BRANCH.id, 999, ["group_id"]),
])
def test_the_receiving_committee_places_the_member_in_one_of_its_branches(branch, group, fields):
    ctx = context({"receiving_unit_id": TOWN.id}, CHAINS)
    data = {"decision": "accept", "decided_on": "2026-03-20", "branch_id": branch, "group_id": group}
    assert [v.field for v in check("T05_accept", data, ctx)] == fields


@pytest.mark.parametrize(("reported", "certificate", "refused"), [
    ("2026-05-30", False, False),  # the letter's last day: valid
    ("2026-05-31", False, True),  # the day after: expired
    ("2026-05-31", True, False),  # expired, with the branch's certificate
])
def test_an_expired_letter_is_accepted_only_with_the_branch_certificate(reported, certificate, refused):
    ctx = context({"receiving_unit_id": TOWN.id, "letter_valid_until": transfer.letter_valid_until(ISSUED, 90)},
                  CHAINS, today=date(2026, 6, 5))
    data = {"decision": "accept", "decided_on": reported, "reported_on": reported, "branch_id": TOWN_BRANCH.id,
            "with_certificate": certificate}
    assert bool(check("T05_accept", data, ctx)) is refused


@pytest.mark.parametrize(("months_and_days", "flagged"), [((6, 0), False), ((6, 1), True), ((5, 30), False)])
def test_away_more_than_six_months_is_flagged(months_and_days, flagged):
    from workflows.calendar import add_months
    months, days = months_and_days
    since = date(2026, 1, 15)
    assert away_too_long(since, add_months(since, months) + timedelta(days=days), 6) is flagged


# ---------- who issues the letter to another committee of the tree (RULES.md §12 C19) ----------

OLDER_RULE = RuleSettings({"transfer.letter_issuer": "department"})
CHECKED = {"decision": "submit", "checked_on": "2026-03-01", "dues_paid_until": "2026-03"}


@pytest.mark.parametrize(("settings", "kind", "issuer"), [
    (SETTINGS, "within_system", "committee"),  # the default: the 2019 rule, any 基层党委 that approves 预备党员
    (OLDER_RULE, "within_system", "department"),  # the older rule: through the organisation department
    (OLDER_RULE, "internal", "committee"),  # inside one committee: the committee moves the member, no letter
    (OLDER_RULE, "mobile", "committee"),  # the 流动党员活动证 stays with the committee
    (OLDER_RULE, "cross_system", "committee"),  # another system goes through the department on its own path
])
def test_the_branch_check_reads_who_issues_the_letter_from_the_organisations_settings(settings, kind, issuer):
    ctx = context({"transfer_kind": kind}, settings=settings)
    assert transfer.derive("T02_branch_check", CHECKED, ctx)["letter_issuer"] == issuer


def test_the_setting_offers_the_two_rules_with_the_2019_rule_as_default():
    setting = SETTINGS_BY_KEY["transfer.letter_issuer"]
    assert (setting.default, [value for value, _label in setting.choices]) == ("committee", ["committee", "department"])
    assert "N-EDU" in setting.source and "C19" in setting.source
    with pytest.raises(SettingError):
        RuleSettings({"transfer.letter_issuer": "county"})


def test_with_the_older_rule_the_department_issues_the_letter_after_the_committees_check():
    workflow = ENGINE.start(DEFINITION, {"transfer_kind": "within_system"}, SETTINGS, at(ISSUED))
    workflow = complete(workflow, "T02_branch_check", branch_check_decision="submit", letter_issuer="department")
    assert ready(workflow) == ["T03_issue_letter"]  # the sending committee checks and writes to the department
    workflow = complete(workflow, "T03_issue_letter", letter_valid_until=transfer.letter_valid_until(ISSUED, 90))
    assert ready(workflow) == ["T04d_department_letter"]  # not yet the receiving side
    workflow = complete(workflow, "T04d_department_letter", letter_valid_until=transfer.letter_valid_until(ISSUED, 90))
    assert ready(workflow) == ["T05_accept", "T05w_withdraw"]


@pytest.mark.parametrize(("step", "lane", "form_key"), [
    ("T03_issue_letter", "approving_committee", "T03_issue_letter"),
    ("T04d_department_letter", "transfer_department", "T03_issue_letter"),
    ("T07_receipt", "approving_committee", "T07_receipt"),
    ("T07d_department_receipt", "transfer_department", "T07_receipt"),
    ("T09_expired_letter", "approving_committee", "T09_expired_letter"),
    ("T09d_department_expired_letter", "transfer_department", "T09_expired_letter"),
])
def test_the_departments_steps_are_in_its_lane_with_the_committees_forms(step, lane, form_key):
    assert (DEFINITION.steps[step].lane, DEFINITION.steps[step].form_key) == (lane, form_key)
    assert transfer.FORM_KEYS[step] == form_key and transfer.STEPS[step] == transfer.STEPS[form_key]


@pytest.mark.parametrize(("issuer", "receipt", "end"), [
    ("committee", "T07_receipt", "receipt_filed_end"),
    ("department", "T07d_department_receipt", "department_receipt_filed_end"),
])
def test_the_receipt_returns_to_whoever_issued_the_letter(issuer, receipt, end):
    workflow = complete(letter_out(issuer=issuer), "T05_accept", receiving_decision="accept")
    workflow = complete(workflow, "T06_register")
    assert ready(workflow) == [receipt]
    workflow = complete(workflow, receipt)
    assert ready(workflow) == [] and ENGINE.end_event(workflow) == end


def test_a_refusal_of_the_departments_letter_returns_to_the_sending_branch():
    workflow = complete(letter_out(issuer="department"), "T05_accept", receiving_decision="refuse")
    assert ready(workflow) == ["T08_after_refusal"]


@pytest.mark.parametrize(("issuer", "handler"), [
    ("committee", "T09_expired_letter"), ("department", "T09d_department_expired_letter")])
def test_an_expired_letter_goes_back_to_whoever_issued_it_the_day_after_its_last_day(issuer, handler):
    workflow = letter_out(issuer=issuer)
    last_day = ISSUED + timedelta(days=90)
    assert ENGINE.fire_timers(workflow, at(last_day) + timedelta(hours=23, minutes=59), SETTINGS) == []
    assert ENGINE.fire_timers(workflow, at(last_day + timedelta(days=1)) + timedelta(minutes=1),
                              SETTINGS) == ["letter_expired"]
    assert ready(workflow) == sorted(["T05_accept", "T05w_withdraw", handler])


def test_the_departments_letter_counts_from_its_own_day_not_the_committees():
    workflow = ENGINE.start(DEFINITION, {"transfer_kind": "within_system"}, SETTINGS, at(ISSUED))
    workflow = complete(workflow, "T02_branch_check", branch_check_decision="submit", letter_issuer="department")
    workflow = complete(workflow, "T03_issue_letter", letter_valid_until=transfer.letter_valid_until(ISSUED, 90))
    relayed = ISSUED + timedelta(days=10)  # the department writes its letter ten days after the committee's
    workflow = complete(workflow, "T04d_department_letter", now=at(relayed),
                        letter_valid_until=transfer.letter_valid_until(relayed, 90))
    assert ENGINE.next_timer_at(workflow) == at(relayed + timedelta(days=91))
    assert ENGINE.fire_timers(workflow, at(ISSUED + timedelta(days=91)) + timedelta(minutes=1), SETTINGS) == []
    assert ENGINE.fire_timers(workflow, at(relayed + timedelta(days=91)) + timedelta(minutes=1),
                              SETTINGS) == ["letter_expired"]
    assert "T09d_department_expired_letter" in ready(workflow)


def test_the_departments_reissue_restarts_the_receiving_side_and_a_decision_closes_its_item():
    expired = letter_out(issuer="department")
    ENGINE.fire_timers(expired, at(ISSUED + timedelta(days=91)) + timedelta(minutes=1), SETTINGS)
    reissued_on = ISSUED + timedelta(days=91)
    workflow = complete(roundtrip(expired), "T09d_department_expired_letter", expired_letter_decision="reissue",
                        letter_valid_until=transfer.letter_valid_until(reissued_on, 90))
    assert ready(workflow) == ["T05_accept", "T05w_withdraw"]
    assert ENGINE.next_timer_at(workflow) == at(reissued_on + timedelta(days=91))
    # The receiving committee decides while the department still has the item: the item closes.
    workflow = complete(roundtrip(expired), "T05_accept", receiving_decision="accept")
    assert ready(workflow) == ["T06_register"]


@pytest.mark.parametrize("kind", ["internal", "mobile", "cross_system"])
def test_the_other_kinds_keep_their_path_whatever_the_rule(kind):
    workflow = ENGINE.start(DEFINITION, {"transfer_kind": kind}, SETTINGS, at(ISSUED))
    issuer = transfer.derive("T02_branch_check", CHECKED, context({"transfer_kind": kind}, settings=OLDER_RULE))
    workflow = complete(workflow, "T02_branch_check", branch_check_decision="submit",
                        letter_issuer=issuer["letter_issuer"])
    first = {"internal": ["T05i_committee_move"], "mobile": ["T03m_issue_mobile_card"],
             "cross_system": ["T03_issue_letter"]}[kind]
    assert ready(workflow) == first
    if kind == "cross_system":
        workflow = complete(workflow, "T03_issue_letter", letter_valid_until=transfer.letter_valid_until(ISSUED, 90))
        assert ready(workflow) == ["T04_department_letter"]
