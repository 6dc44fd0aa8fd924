"""组织关系转接 from start to end, through the pages and through the JSON API alike: each kind's main path
and every exit, with the 待办 of both sides asserted at every step (RULES.md §5)."""

from __future__ import annotations

import pytest
from recruitment_driver import FakeClock
from transfer_driver import Transfer

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
