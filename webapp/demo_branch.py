"""Demo cases of 党支部设置 (RULES.md §6): valid answers for every step of the set-up, change and dissolution
of a branch, and the cases the demo starts with.

``answers(form_key, day, **overrides)`` gives a step's main-path answers as plain JSON values dated
``day`` (an override of None leaves the field out); the demo seed and the scenario tests both use it.
``seed_branch_cases`` starts and advances cases through the real operations, as the demo users who hold
the acting positions:

- 内科党总支 requests 内科第二党支部 (four full members and a probationary one of 内科第一党支部 go there,
  高雪梅 as its secretary): it waits for the reply of 县人民医院党委;
- 东街社区第一党支部 asks to be renamed 东街社区第一网格党支部: it waits for the reply of 东街社区党委;
- 县人民医院党委 proposes to dissolve 内科联合党支部 (its three departments join 内科): it waits for the
  committee's own reply (O12); once approved and filed, its five people are transferred (O13).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .cases import operations
from .demo_cases import _form_input, _position_holder
from .extensions import db
from .models import Case, LaneRuleRow, Member, OrgUnit

_DEFAULTS: dict[str, dict[str, Any]] = {
    "O01_submit_request": {"branch_type": "single", "probationary_member_count": 0, "committee_plan": "secretary_only",
                           "reasons": "科室扩编，党员人数增加，便于开展组织生活"},
    "O02_superior_reply": {"decision": "approved", "doc_no": "党发〔2026〕1号"},
    "O04_file_setup": {"result": "filed", "filing_no": "备-2026-01"},
    "O04b_correct_filing": {"correction": "已补报党委会会议记录"},
    "O21_submit_change": {"change_kind": "rename", "reasons": "所在单位更名，党支部名称随之调整"},
    "O22_superior_reply": {"decision": "approved", "doc_no": "党发〔2026〕2号"},
    "O23_file_change": {"result": "filed"},
    "O23b_correct_filing": {"correction": "已补报党委会会议记录"},
    "O11_propose_dissolution": {"grounds": "no_longer_meets_conditions",
                                "reasons": "正式党员不足3人，不再具备单独设立党支部的条件；党员转入邻近党支部"},
    "O12_superior_reply": {"decision": "approved", "doc_no": "党发〔2026〕3号"},
    "O12f_file_dissolution": {"result": "filed"},
    "O13_transfer_members": {},
    "O14_handover": {"items": ["seal", "rosters_and_ledgers", "dues_accounts", "meeting_records", "dossiers"],
                     "receiver": "常玉梅"},
    "O15_close_branch": {"outcome": "close", "archive_place": "城关镇党委档案室"},
}
# The legal date of each step's form.
_DATE_FIELDS = {
    "O01_submit_request": "requested_on", "O21_submit_change": "requested_on",
    "O11_propose_dissolution": "requested_on",
    "O02_superior_reply": "decided_on", "O22_superior_reply": "decided_on", "O12_superior_reply": "decided_on",
    "O04_file_setup": "filed_at", "O23_file_change": "filed_at", "O12f_file_dissolution": "filed_at",
    "O04b_correct_filing": "corrected_on", "O23b_correct_filing": "corrected_on",
    "O13_transfer_members": "transferred_on", "O14_handover": "handed_over_on", "O15_close_branch": "closed_on",
}


def answers(form_key: str, day: date, **overrides: Any) -> dict[str, Any]:
    """The main-path answers of a step dated ``day``, changed by ``overrides`` (None: the field left out)."""
    data = {**_DEFAULTS[form_key], _DATE_FIELDS[form_key]: day.isoformat(), **overrides}
    return {key: value for key, value in data.items() if value is not None}


def seed_branch_cases(today: date) -> list[Case]:
    """Start the demo's 党支部设置 cases; flushes, never commits. Nothing before `init` loaded the definitions."""
    from .demo import demo_units  # demo.py imports this module

    definitions = {key: operations.current_definition(key)
                   for key in ("branch_setup", "branch_change", "branch_dissolution")}
    if None in definitions.values() or db.session.scalar(db.select(LaneRuleRow.key).limit(1)) is None:
        return []
    units = demo_units()
    cases = [_setup_request(definitions["branch_setup"], units, today),
             _rename_request(definitions["branch_change"], units, today),
             _dissolution(definitions["branch_dissolution"], units, today)]
    db.session.flush()
    return cases


def _setup_request(definition, units, today: date) -> Case:
    branch1, general = units["branch1"], units["internal_gb"]
    members = {m.name: m.id for m in db.session.scalars(db.select(Member).where(Member.unit_id == branch1.id))}
    moving = [members[name] for name in ("郑海燕", "高雪梅", "林伟", "罗静", "曹宇航")]
    data = answers("O01_submit_request", today - timedelta(days=6), branch_name="内科第二党支部",
                   parent_id=general.id, full_member_count=4, probationary_member_count=1, member_ids=moving,
                   secretary_id=members["高雪梅"], unit_description="内分泌科、肾内科、护理组的党员")
    return _start(definition, general, data)


def _rename_request(definition, units, today: date) -> Case:
    branch = units["community_branch"]
    return _start(definition, branch, answers("O21_submit_change", today - timedelta(days=3),
                                              new_name="东街社区第一网格党支部"))


def _dissolution(definition, units, today: date) -> Case:
    branch, hospital = units["joint_branch"], units["hospital"]
    data = answers("O11_propose_dissolution", today - timedelta(days=4), grounds="unit_closed",
                   reasons="内科门诊、内科病房和药剂科并入内科统一管理，党员转入内科第一党支部")
    return operations.start_case(definition, branch, _form_input("branch_dissolution", "O11_propose_dissolution",
                                                                 branch.id, data),
                                 _position_holder(hospital.id, ("org_member",)))


def _start(definition, unit: OrgUnit, data: dict[str, Any]) -> Case:
    form_key = "O01_submit_request" if definition.process_key == "branch_setup" else "O21_submit_change"
    actor = _position_holder(unit.id, ("secretary", "deputy_secretary", "org_member"))
    return operations.start_case(definition, unit, _form_input(definition.process_key, form_key, unit.id, data), actor)
