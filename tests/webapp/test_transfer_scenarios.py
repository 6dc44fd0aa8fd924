"""组织关系转接 from start to end, through the pages and through the JSON API alike: each kind's main path
and every exit, with the 待办 of both sides asserted at every step (RULES.md §5); and who issues the letter
to another committee of the tree, per organisation (§12 C19, setting transfer.letter_issuer): by default
the sending 基层党委 (《党员教育管理工作条例》第二十五条, 2019); where the county keeps the older rule (a
RuleOverride on 城关县委), 中共城关县委组织部 issues it after the committee's own letter, files the receipt
and handles the letter when it expires."""

from __future__ import annotations

from datetime import timedelta

import pytest
from recruitment_driver import FakeClock
from transfer_driver import Transfer, tick

from webapp.extensions import db
from webapp.models import RuleOverride, TransferLetter

MODES = ("web", "api")


@pytest.fixture
def fake_clock(monkeypatch):
    return FakeClock(monkeypatch)


@pytest.fixture(params=MODES)
def transfer(request, app, demo, fake_clock):
    return Transfer(app, demo, request.param)


def test_a_transfer_within_the_system_moves_the_member_when_the_receiving_committee_accepts(transfer, demo):
    assert transfer.start("郑海燕", receiving="town").status_code in (201, 302)
    transfer.expect(("T02_branch_check", "branch1"))
    transfer.do("T02_branch_check", "branch1")
    transfer.expect(("T03_issue_letter", "hospital"))  # the sending 基层党委 issues the letter
    transfer.do("T03_issue_letter", "hospital", letter_no="医党转〔2026〕1号")
    # Both sides at once: the receiving committee decides, the sending branch may still withdraw.
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))
    assert transfer.member_row().unit_id == demo.unit_ids["branch1"]  # still the sending branch's member
    transfer.do("T05_accept", "town", branch_id=demo.unit_ids["town_branch"])
    assert transfer.member_row().unit_id == demo.unit_ids["town_branch"]
    transfer.expect(("T06_register", "town_branch"))  # the withdrawal went with the acceptance
    transfer.do("T06_register", "town_branch")
    transfer.expect(("T07_receipt", "hospital"))  # the 回执 returns to the issuing committee
    transfer.do("T07_receipt", "hospital")
    transfer.expect()
    case = transfer.case()
    assert (case.status, case.outcome) == ("completed", "receipt_filed_end")
    assert transfer.letters() == [("医党转〔2026〕1号", "accepted")]


def test_a_transfer_inside_one_committee_needs_no_letter(transfer, demo):
    transfer.start("罗静", receiving="joint_branch", transfer_kind="internal")
    transfer.do("T02_branch_check", "branch1")
    transfer.expect(("T05i_committee_move", "hospital"))  # the committee moves the member itself
    transfer.do("T05i_committee_move", "hospital", branch_id=demo.unit_ids["joint_branch"])
    transfer.expect(("T06_register", "joint_branch"))
    transfer.do("T06_register", "joint_branch")
    transfer.expect()
    assert transfer.case().status == "completed"
    assert transfer.member_row().unit_id == demo.unit_ids["joint_branch"]
    assert transfer.letters() == []


def test_a_transfer_to_another_system_goes_through_the_organisation_department(transfer):
    transfer.start("高雪梅", receiving=None, transfer_kind="cross_system", destination_org_title="中共某某市委组织部",
                   destination="某某市第一医院")
    transfer.do("T02_branch_check", "branch1")
    transfer.do("T03_issue_letter", "hospital", letter_no="医党转〔2026〕3号", to_title="中共城关县委组织部")
    transfer.expect(("T04_department_letter", "county_org_dept"))
    transfer.do("T04_department_letter", "county_org_dept", letter_no="县组转〔2026〕9号")
    transfer.expect(("T06c_receipt_by_post", "county_org_dept"))
    transfer.do("T06c_receipt_by_post", "county_org_dept")
    transfer.expect()
    assert transfer.case().status == "completed"
    assert transfer.member_row().stage == "transferred_out"
    assert transfer.letters() == [("医党转〔2026〕3号", "superseded"), ("县组转〔2026〕9号", "accepted")]


def test_a_mobile_member_keeps_the_relationship_and_is_recorded_away(transfer, demo):
    transfer.start("何志刚", receiving=None, transfer_kind="mobile", destination="深圳市南山区")
    transfer.do("T02_branch_check", "branch1")
    transfer.expect(("T03m_issue_mobile_card", "hospital"))
    transfer.do("T03m_issue_mobile_card", "hospital")
    transfer.expect()
    member = transfer.member_row()
    assert transfer.case().status == "completed"
    assert (member.unit_id, member.away_reason, member.away_destination) == (demo.unit_ids["branch1"], "mobile",
                                                                            "深圳市南山区")
    assert transfer.letters()[0][1] == "issued"  # the 流动党员活动证 stays with the member


def test_the_branch_may_cancel_at_its_check(transfer, demo):
    transfer.start("郑海燕")
    transfer.do("T02_branch_check", "branch1", decision="cancel")
    transfer.expect()
    assert (transfer.case().status, transfer.case().outcome) == ("withdrawn", "cancelled_end")
    assert transfer.member_row().unit_id == demo.unit_ids["branch1"]


def test_the_sending_branch_withdraws_while_the_receiving_committee_has_not_decided(transfer, demo):
    transfer.start("郑海燕")
    transfer.do("T02_branch_check", "branch1")
    transfer.do("T03_issue_letter", "hospital")
    items = transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))
    transfer.do("T05w_withdraw", "branch1")
    transfer.expect()  # the receiving committee's item is gone from its 待办
    assert transfer.holders(items["T05_accept"]) == []
    assert (transfer.case().status, transfer.case().outcome) == ("withdrawn", "withdrawn_end")
    assert transfer.letters()[0][1] == "cancelled"
    assert transfer.member_row().unit_id == demo.unit_ids["branch1"]


def test_a_refusal_needs_reasons_and_sends_the_case_back_to_the_sending_branch(transfer, demo):
    transfer.start("郑海燕")
    transfer.do("T02_branch_check", "branch1")
    transfer.do("T03_issue_letter", "hospital")
    response = transfer.post("T05_accept", "town", decision="refuse", refusal_reason="")
    assert transfer.refused(response) and "refusal_reason" in transfer.errors(response)
    transfer.do("T05_accept", "town", decision="refuse", refusal_reason="接收单位尚未落实")
    transfer.expect(("T08_after_refusal", "branch1"))
    assert transfer.member_row().unit_id == demo.unit_ids["branch1"]  # the member stays
    assert transfer.letters()[0][1] == "refused"
    transfer.do("T08_after_refusal", "branch1")  # 重新办理: the check and the letter again
    transfer.expect(("T02_branch_check", "branch1"))
    transfer.do("T02_branch_check", "branch1")
    transfer.do("T03_issue_letter", "hospital", letter_no="医党转〔2026〕2号")
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))
    transfer.do("T05_accept", "town", decision="refuse", refusal_reason="仍未落实")
    transfer.do("T08_after_refusal", "branch1", decision="cancel")
    transfer.expect()
    assert (transfer.case().status, transfer.case().outcome) == ("withdrawn", "cancelled_after_refusal_end")


def test_the_department_records_a_letter_refused_by_the_other_system(transfer):
    transfer.start("高雪梅", receiving=None, transfer_kind="cross_system", destination_org_title="中共某某市委组织部",
                   destination="某某市第一医院")
    transfer.do("T02_branch_check", "branch1")
    transfer.do("T03_issue_letter", "hospital")
    transfer.do("T04_department_letter", "county_org_dept")
    transfer.do("T06c_receipt_by_post", "county_org_dept", outcome="refused", refusal_reason="抬头有误")
    transfer.expect(("T08_after_refusal", "branch1"))
    assert transfer.member_row().stage == "full_member"


# ---------- who issues the letter to another committee of the tree (RULES.md §12 C19) ----------

def older_rule(app, demo, unit: str = "county") -> None:
    """The unit (and every unit below it) keeps the older rule: letters go through the organisation department."""
    with app.app_context():
        db.session.add(RuleOverride(unit_id=demo.unit_ids[unit], key="transfer.letter_issuer", value="department"))
        db.session.commit()


def checked_and_written_to_the_department(transfer) -> None:
    transfer.start("郑海燕", receiving="town")
    transfer.do("T02_branch_check", "branch1")
    transfer.expect(("T03_issue_letter", "hospital"))  # the sending committee checks first
    transfer.do("T03_issue_letter", "hospital", letter_no="医党转〔2026〕5号", to_title="中共城关县委组织部")


def test_under_the_older_rule_the_county_department_issues_the_letter_and_files_the_receipt(transfer, app, demo,
                                                                                              fake_clock):
    older_rule(app, demo)
    checked_and_written_to_the_department(transfer)
    transfer.expect(("T04d_department_letter", "county_org_dept"))  # not yet the receiving side
    assert transfer.member_row().unit_id == demo.unit_ids["branch1"]
    transfer.do("T04d_department_letter", "county_org_dept", letter_no="县组转〔2026〕11号",
                to_title="中共城关镇委员会")
    assert transfer.letters() == [("医党转〔2026〕5号", "superseded"), ("县组转〔2026〕11号", "issued")]
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))
    transfer.do("T05_accept", "town", branch_id=demo.unit_ids["town_branch"])
    assert transfer.member_row().unit_id == demo.unit_ids["town_branch"]
    transfer.do("T06_register", "town_branch")
    transfer.expect(("T07d_department_receipt", "county_org_dept"))  # the 回执 returns to the department
    transfer.do("T07d_department_receipt", "county_org_dept")
    transfer.expect()
    case = transfer.case()
    assert (case.status, case.outcome) == ("completed", "department_receipt_filed_end")
    with app.app_context():
        filed = db.session.scalars(db.select(TransferLetter).filter_by(case_id=case.id,
                                                                       number="县组转〔2026〕11号")).one()
        assert (filed.status, filed.receipt_received_on) == ("accepted", fake_clock.today)


def test_the_rule_is_read_at_the_branch_check_not_at_the_start(transfer, app, demo):
    transfer.start("郑海燕", receiving="town")  # started under the 2019 rule
    older_rule(app, demo)
    transfer.do("T02_branch_check", "branch1")  # the check finds the older rule in force
    transfer.do("T03_issue_letter", "hospital", to_title="中共城关县委组织部")
    transfer.expect(("T04d_department_letter", "county_org_dept"))


def test_a_rule_changed_after_the_branch_check_leaves_the_route_as_it_was(transfer, app, demo):
    transfer.start("郑海燕", receiving="town")
    transfer.do("T02_branch_check", "branch1")  # checked under the 2019 rule: the route is decided
    older_rule(app, demo)
    transfer.do("T03_issue_letter", "hospital")
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))


def test_the_rule_of_the_sending_side_decides_not_the_receiving_one(transfer, app, demo):
    older_rule(app, demo, unit="town")  # only the receiving committee keeps the older rule
    transfer.start("郑海燕", receiving="town")
    transfer.do("T02_branch_check", "branch1")
    transfer.do("T03_issue_letter", "hospital")
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))


@pytest.mark.parametrize(("kind", "receiving", "extra", "step", "unit"), [
    ("internal", "joint_branch", {}, "T05i_committee_move", "hospital"),
    ("mobile", None, {"destination": "深圳市南山区"}, "T03m_issue_mobile_card", "hospital"),
    ("cross_system", None, {"destination_org_title": "中共某某市委组织部", "destination": "某某市第一医院"},
     "T03_issue_letter", "hospital"),
])
def test_internal_transfers_mobile_cards_and_other_systems_keep_their_path_under_the_older_rule(
        transfer, app, demo, kind, receiving, extra, step, unit):
    older_rule(app, demo)
    transfer.start("罗静", receiving=receiving, transfer_kind=kind, **extra)
    transfer.do("T02_branch_check", "branch1")
    transfer.expect((step, unit))
    if kind == "cross_system":
        transfer.do("T03_issue_letter", "hospital", to_title="中共城关县委组织部")
        transfer.expect(("T04_department_letter", "county_org_dept"))  # its own path: T04, then T06c


def test_the_departments_letter_is_refused_beside_its_field_like_the_committees(transfer, app, demo):
    older_rule(app, demo)
    checked_and_written_to_the_department(transfer)
    response = transfer.post("T04d_department_letter", "county_org_dept", valid_days=91)  # above the ceiling, 90
    assert transfer.refused(response) and "valid_days" in transfer.errors(response)
    transfer.expect(("T04d_department_letter", "county_org_dept"))  # nothing happened
    assert transfer.letters() == [("医党转〔2026〕5号", "issued")]
    transfer.do("T04d_department_letter", "county_org_dept", valid_days=90)  # at the ceiling: accepted
    assert transfer.letters()[-1][1] == "issued"


# ---------- the department's letter at the edge of its validity ----------

def test_the_departments_letter_is_valid_on_its_last_day_and_the_department_handles_it_the_day_after(
        app, demo, fake_clock):
    older_rule(app, demo)
    transfer = Transfer(app, demo, "web")
    checked_and_written_to_the_department(transfer)
    relayed = fake_clock.today + timedelta(days=3)  # the department writes its letter three days later
    fake_clock.move_to(relayed)
    transfer.do("T04d_department_letter", "county_org_dept", valid_days=10, issued_on=relayed.isoformat())
    fake_clock.move_to(relayed + timedelta(days=10))  # the last valid day
    assert tick(app) == 0
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))
    fake_clock.move_to(relayed + timedelta(days=11))
    assert tick(app) == 1
    # The department that issued the letter handles it, not the sending committee.
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"),
                    ("T09d_department_expired_letter", "county_org_dept"))
    transfer.do("T09d_department_expired_letter", "county_org_dept", decision="reissue", letter_no="县组转〔2026〕12号",
                issued_on=fake_clock.today.isoformat())
    assert transfer.letters()[-1] == ("县组转〔2026〕12号", "issued")
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))  # waiting again, on the new letter


def test_the_receiving_decision_closes_the_departments_expired_letter_item(app, demo, fake_clock):
    older_rule(app, demo)
    transfer = Transfer(app, demo, "api")
    checked_and_written_to_the_department(transfer)
    transfer.do("T04d_department_letter", "county_org_dept", valid_days=10)
    fake_clock.move_to(fake_clock.today + timedelta(days=11))
    assert tick(app) == 1
    items = transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"),
                            ("T09d_department_expired_letter", "county_org_dept"))
    transfer.do("T05_accept", "town", branch_id=demo.unit_ids["town_branch"], with_certificate=True)
    transfer.expect(("T06_register", "town_branch"))
    assert transfer.holders(items["T09d_department_expired_letter"]) == []
