"""Valid answers for every step of 组织关系转接, and the demo's transfer cases, started and advanced
through the real operations (as demo_cases.py does for recruitment).

The demo leaves: a transfer from 内科第一党支部 to 城关镇党委 waiting at the receiving committee (and
the sending branch's 撤销转接 beside it), one whose letter expired (口袋党员: 介绍信过期处理 at 县人民医院党委),
a member of 城关镇机关党支部 away for eight months without a transfer (flagged for the branch), and, where
城关镇党委 keeps the older rule (its setting transfer.letter_issuer = "department", RULES.md §12 C19), a
transfer from 城关镇机关党支部 to 县人民医院党委 whose letter 中共城关县委组织部 is to issue.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from .cases import operations
from .demo_cases import _form_input, _position_holder
from .extensions import db
from .models import Case, Member, OrgUnit, RuleOverride, WorkItem

START_ROLES = ("org_member", "secretary", "deputy_secretary")


def transfer_answers(step_code: str, today: date, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The main-path answers of a step on ``today`` (a within-system transfer accepted by its committee),
    changed by ``overrides``; keys with the value None are dropped."""
    day = today.isoformat()
    answers: dict[str, dict[str, Any]] = {
        "T01_request": {"transfer_kind": "within_system", "reason": "job_change", "expected_move_date": day,
                        "destination": "城关镇人民政府", "contact": "13800000000", "note": "工作调动"},
        "T02_branch_check": {"checked_on": day, "dues_paid_until": f"{today:%Y-%m}", "standing_checked": True,
                             "probation_record": "", "dossier_items": "党员档案", "decision": "submit", "comment": ""},
        "T03_issue_letter": {"letter_no": f"ZJ{today:%Y%m%d}01", "issued_on": day, "valid_days": "",
                             "to_title": "中共城关镇委员会", "issuer_contact": "0000-1234567"},
        "T04_department_letter": {"letter_no": f"ZB{today:%Y%m%d}01", "issued_on": day, "valid_days": "",
                                  "to_title": "中共某某市委组织部", "issuer_contact": ""},
        "T04d_department_letter": {"letter_no": f"ZX{today:%Y%m%d}01", "issued_on": day, "valid_days": "",
                                   "to_title": "中共城关镇委员会", "issuer_contact": "0000-7654321"},
        "T03m_issue_mobile_card": {"card_no": f"LD{today:%Y%m%d}01", "issued_on": day, "destination": "深圳市南山区",
                                   "flow_in_org": "南山区流动党员党支部", "away_since": day},
        "T05_accept": {"decision": "accept", "decided_on": day, "reported_on": day, "with_certificate": False,
                       "refusal_reason": ""},
        "T05i_committee_move": {"decision": "accept", "decided_on": day, "reported_on": "", "with_certificate": False,
                                "refusal_reason": ""},
        "T05w_withdraw": {"withdrawn_on": day, "reason": "党员工作调动取消"},
        "T06_register": {"registered_on": day, "note": ""},
        "T06c_receipt_by_post": {"outcome": "received", "received_on": day, "refusal_reason": ""},
        "T07_receipt": {"received_on": day, "note": "回执已粘贴于存根"},
        "T07d_department_receipt": {"received_on": day, "note": "回执已粘贴于组织部门存根"},
        "T08_after_refusal": {"decision": "redo", "decided_on": day, "note": ""},
        "T09_expired_letter": {"decision": "certificate", "decided_on": day, "letter_no": "", "issued_on": "",
                               "valid_days": "", "note": "原支部出具证明"},
    }
    answers["T09d_department_expired_letter"] = answers["T09_expired_letter"]
    data = {**answers[step_code], **(overrides or {})}
    return {key: value for key, value in data.items() if value is not None}


def start_transfer(unit: OrgUnit, member: Member, today: date, **overrides) -> Case:
    definition = operations.current_definition("membership_transfer")
    data = transfer_answers("T01_request", today, {"member_id": member.id, **overrides})
    actor = _position_holder(unit.id, START_ROLES)
    return operations.start_case(definition, unit, _form_input("membership_transfer", "T01_request", unit.id, data),
                                 actor)


def advance(case: Case, step_code: str, today: date, **overrides) -> None:
    """Complete the case's open ``step_code`` as a demo user of the unit it is routed to."""
    item = db.session.scalars(
        db.select(WorkItem).filter_by(case_id=case.id, step_code=step_code, status="open")).first()
    if item is None:
        raise RuntimeError(f"demo case {case.title} has no open step {step_code}")
    data = transfer_answers(step_code, today, overrides)
    operations.complete_work_item(item, _form_input(case.process_key, item.form_key, case.unit_id, data),
                                  _position_holder(item.unit_id, item.position_list))


def seed_demo_transfers(units: Mapping[str, OrgUnit], today: date) -> None:
    """The demo's transfer cases and its member away too long (see the module's docstring)."""
    branch1, town = units["branch1"], units["town"]
    waiting = start_transfer(branch1, _member(branch1, "郑海燕"), today, receiving_unit_id=town.id)
    advance(waiting, "T02_branch_check", today - timedelta(days=6))
    advance(waiting, "T03_issue_letter", today - timedelta(days=5), letter_no="医党转〔2026〕12号")
    expired_on = today - timedelta(days=100)
    expired = start_transfer(branch1, _member(branch1, "林伟"), today, receiving_unit_id=units["town_branch"].id,
                             reason="residence")
    advance(expired, "T02_branch_check", expired_on, dues_paid_until=f"{expired_on:%Y-%m}")
    advance(expired, "T03_issue_letter", expired_on, letter_no="医党转〔2026〕7号")
    seed_department_transfer(units, today)
    away = _member(units["town_branch"], "达瓦")
    away.away_since, away.away_reason = today - timedelta(days=240), "study"
    away.away_destination = "省委党校（脱产学习）"
    db.session.flush()


def seed_department_transfer(units: Mapping[str, OrgUnit], today: date) -> Case:
    """城关镇党委 keeps the older rule (its letters to other committees go through 中共城关县委组织部, RULES.md
    §12 C19): a transfer of 城关镇机关党支部 to 县人民医院党委, checked by the branch, the committee's letter to
    the department issued, waiting at the department for the letter to the receiving committee."""
    town, town_branch = units["town"], units["town_branch"]
    db.session.add(RuleOverride(unit_id=town.id, key="transfer.letter_issuer", value="department"))
    db.session.flush()
    case = start_transfer(town_branch, _member(town_branch, "范志远"), today, receiving_unit_id=units["hospital"].id,
                          destination="县人民医院", note="调县人民医院工作")
    advance(case, "T02_branch_check", today - timedelta(days=2))
    advance(case, "T03_issue_letter", today - timedelta(days=1), letter_no="城关镇党转〔2026〕3号",
            to_title="中共城关县委组织部")
    return case


def _member(unit: OrgUnit, name: str) -> Member:
    return db.session.scalars(db.select(Member).filter_by(unit_id=unit.id, name=name)).one()
