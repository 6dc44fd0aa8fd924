"""Process C — 组织关系转接 (membership transfer): the rules behind the BPMN process "membership_transfer".

RULES.md §5: the sending branch checks (T02), the sending 基层党委 issues the letter (T03, or the
流动党员活动证 for a mobile member), the receiving 基层党委 accepts or refuses with reasons (T05), the
receiving branch registers the member (T06) and the receipt (回执) returns to the issuing committee
(T07). Four kinds (``transfer_kind``): ``internal`` (between branches under the same 基层党委: no letter,
the committee moves the member), ``within_system`` (to another committee of the tree), ``cross_system``
(outside the tree, through the organisation department, a paper letter and a receipt by post) and
``mobile`` (流动党员: the member keeps the relationship). Who issues a ``within_system`` letter is the
organisation's setting ``transfer.letter_issuer`` (RULES.md §12 C19), read at the branch check: the sending
committee (2019 rule, the default), or the organisation department above it after the committee's own
letter (the older rule: the department's letter goes to the receiving committee, its receipt back to the
department, and an expired letter is the department's to handle). The member stays under the sending branch
until the receiving side accepts (《党员教育管理工作条例》: 转出未接收前原组织负责). Guards are in
transfer_rules.py; the changes of the organisation data (letters, the move) are values of
workflows/org_changes.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from workflows.calendar import add_days, parse_date
from workflows.guards import StepContext, Violation
from workflows.i18n import N_
from workflows.org_changes import CloseLetters, FileReceipt, IssueLetter, MoveMember, RecordAway
from workflows.procedures import transfer_rules

PROCESS_KEY = "membership_transfer"
BUSINESS_KEY_PREFIX = "ZJ"
# A transfer is about one member of the sending branch (the start form's member_id).
SUBJECT_KIND = "member"
START_UNIT_KINDS: tuple[str, ...] = ("branch",)
# 临时党支部不转接正式组织关系: its members' relationships stay with their home branches (RULES.md §6.6).
STARTS_IN_TEMPORARY_BRANCHES = False

TRANSFER_KINDS: tuple[tuple[str, str], ...] = transfer_rules.TRANSFER_KINDS

STAGES: tuple[tuple[str, str], ...] = (
    ("request", N_("转出支部审核")),
    ("letter", N_("开具介绍信")),
    ("receiving", N_("接收方接收")),
    ("registration", N_("编入支部和回执")),
)

STEPS: Mapping[str, str] = {
    "T01_request": "request",
    "T02_branch_check": "request",
    "T03_issue_letter": "letter",
    "T03m_issue_mobile_card": "letter",
    "T04_department_letter": "letter",
    "T04d_department_letter": "letter",
    "T05_accept": "receiving",
    "T05i_committee_move": "receiving",
    "T05w_withdraw": "receiving",
    "T06_register": "registration",
    "T06c_receipt_by_post": "registration",
    "T07_receipt": "registration",
    "T07d_department_receipt": "registration",
    "T08_after_refusal": "request",
    "T09_expired_letter": "letter",
    "T09d_department_expired_letter": "letter",
}

# The department's letters (T04 to another system, T04d inside it) have the fields of the committee's (T03);
# the committee's move inside its own tree (T05i) the fields of the receiving committee's acceptance (T05);
# the department's receipt (T07d) and its handling of an expired letter (T09d) those of the committee's.
FORM_KEYS: Mapping[str, str] = {
    **{code: code for code in STEPS},
    "T04_department_letter": "T03_issue_letter",
    "T04d_department_letter": "T03_issue_letter",
    "T05i_committee_move": "T05_accept",
    "T07d_department_receipt": "T07_receipt",
    "T09d_department_expired_letter": "T09_expired_letter",
}

MEMBER_FIELDS: tuple[str, ...] = ("member_id",)
# Units a form names whose place in the tree the rules check (webapp/cases/context.py reads it).
CHAIN_FIELDS: tuple[str, ...] = ("receiving_unit_id", "branch_id", "group_id")

PICKER_SOURCES: Mapping[str, str] = {
    "member_id": "transfer_members", "receiving_unit_id": "transfer_destinations",
    "branch_id": "tree_branches", "group_id": "tree_groups",
}

KEY_DATES: tuple[tuple[str, str], ...] = (
    ("checked_on", N_("支部审核")),
    ("letter_issued_on", N_("介绍信开具")),
    ("letter_valid_until", N_("介绍信有效期至")),
    ("accepted_on", N_("接收方接收")),
    ("receipt_received_on", N_("回执收到")),
)

END_STATUS: Mapping[str, str] = {
    "cancelled_end": "withdrawn",
    "cancelled_after_refusal_end": "withdrawn",
    "withdrawn_end": "withdrawn",
}


def check(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    """Every violated guard of the step (or form key) for ``data``: an empty list, it may complete."""
    return transfer_rules.check(FORM_KEYS.get(step_code, step_code), data, ctx)


def derive(step_code: str, data: Mapping[str, Any], ctx: StepContext) -> dict[str, Any]:
    """The engine variables the step sets (gateways, the letter's timer, later steps)."""
    form = FORM_KEYS.get(step_code, step_code)
    if form == "T01_request":
        member = ctx.members.get(int(data["member_id"]))
        values = {"transfer_kind": data["transfer_kind"], "member_id": int(data["member_id"]),
                  "member_stage": member.stage if member else None}
        if data.get("receiving_unit_id") not in (None, ""):
            values["receiving_unit_id"] = int(data["receiving_unit_id"])
        return values
    if form == "T02_branch_check":
        return {"branch_check_decision": data["decision"], "checked_on": data["checked_on"],
                "dues_paid_until": data.get("dues_paid_until"),
                "letter_issuer": letter_issuer(ctx.case_data.get("transfer_kind"), ctx.settings)}
    if form == "T03_issue_letter" or (form == "T09_expired_letter" and data.get("decision") == "reissue"):
        valid_days = _valid_days(data, ctx.settings)
        issued = parse_date(data["issued_on"])
        values = {"letter_no": data["letter_no"], "letter_issued_on": issued.isoformat(),
                  "letter_valid_days": valid_days, "letter_valid_until": letter_valid_until(issued, valid_days)}
        return values if form == "T03_issue_letter" else {**values, "expired_letter_decision": "reissue"}
    if form == "T09_expired_letter":
        return {"expired_letter_decision": data["decision"]}
    if form == "T05_accept":
        values = {"receiving_decision": data["decision"]}
        if data["decision"] == "accept":
            values.update(receiving_branch_id=int(data["branch_id"]), accepted_on=data["decided_on"])
        return values
    if form == "T06c_receipt_by_post":
        values = {"receipt_outcome": data["outcome"]}
        return {**values, "receipt_received_on": data["received_on"]} if data["outcome"] == "received" else values
    if form == "T07_receipt":
        return {"receipt_received_on": data["received_on"]}
    if form == "T08_after_refusal":
        return {"refusal_next": data["decision"]}
    return {}


def letter_issuer(transfer_kind: str | None, settings: Mapping[str, Any]) -> str:
    """``"department"`` when a transfer to another committee of the tree goes through the organisation
    department above the sending committee (the older rule, RULES.md §12 C19), else ``"committee"``: the
    sending 基层党委 issues it (《党员教育管理工作条例》第二十五条, 2019), and the other kinds never take
    that route (internal and mobile stay with the committee, another system always goes through the
    department on its own path)."""
    if transfer_kind == "within_system" and settings["transfer.letter_issuer"] == "department":
        return "department"
    return "committee"


def _valid_days(data: Mapping[str, Any], settings: Mapping[str, Any]) -> int:
    value = data.get("valid_days")
    return int(value) if value not in (None, "") else int(settings["transfer.letter_valid_days"])


def letter_valid_until(issued_on: date, valid_days: int) -> str:
    """The letter's last valid day: valid on it, expired the day after (the timer, the 口袋党员 list)."""
    return add_days(issued_on, valid_days).isoformat()


def member_changes(step_code: str, data: Mapping[str, Any], derived: Mapping[str, Any],
                   case_data: Mapping[str, Any]) -> dict[str, Any]:
    """A member transferred to another system leaves this organisation's rolls with the receipt (回执)."""
    if step_code == "T06c_receipt_by_post" and data.get("outcome") == "received":
        return {"stage": "transferred_out"}
    return {}


def org_changes(step_code: str, data: Mapping[str, Any], case_data: Mapping[str, Any]) -> list:
    """The letters issued and closed, the member moved to the receiving branch, the member away
    (``step_code`` may be a step's own code or its form key: the department's steps act as the committee's)."""
    member_id = case_data.get("member_id")
    if member_id is None:
        return []
    form = FORM_KEYS.get(step_code, step_code)
    if form == "T03_issue_letter" or (form == "T09_expired_letter" and data.get("decision") == "reissue"):
        return [IssueLetter(member_id, "letter", data["letter_no"], case_data["letter_issued_on"],
                            case_data["letter_valid_days"], case_data["letter_valid_until"],
                            data.get("to_title") or "", case_data.get("dues_paid_until"))]
    if form == "T03m_issue_mobile_card":
        return [IssueLetter(member_id, "mobile_card", data["card_no"], data["issued_on"], None, None,
                            data["destination"], case_data.get("dues_paid_until")),
                RecordAway(member_id, data["away_since"], "mobile", data["destination"])]
    if form == "T05_accept":
        if data.get("decision") != "accept":
            return [CloseLetters("refused", data["decided_on"])]
        group = int(data["group_id"]) if data.get("group_id") not in (None, "") else None
        return [MoveMember(member_id, int(data["branch_id"]), group), CloseLetters("accepted", data["decided_on"]),
                RecordAway(member_id, None, "", "")]
    if form == "T06c_receipt_by_post":
        if data.get("outcome") != "received":
            return [CloseLetters("refused", data.get("received_on") or case_data.get("checked_on"))]
        return [CloseLetters("accepted", data["received_on"]), FileReceipt(data["received_on"])]
    if form == "T07_receipt":
        return [FileReceipt(data["received_on"])]
    if form == "T05w_withdraw":
        return [CloseLetters("cancelled", data["withdrawn_on"])]
    if form == "T08_after_refusal" and data.get("decision") == "cancel":
        return [CloseLetters("cancelled", data["decided_on"])]
    return []


DueDates = tuple[date | None, date | None, date | None]


def due_dates(deadline_key: str, opened_on: date, case_data: Mapping[str, Any],
              settings: Mapping[str, Any]) -> DueDates:
    """(due_on, hard_due_on, remind_on): the receiving side acts within the letter's validity (TM23).

    :raises ValueError: for an unknown deadline key.
    """
    if deadline_key == "letter_validity":
        return parse_date(case_data.get("letter_valid_until")), None, None
    raise ValueError(f"unknown transfer deadline: {deadline_key!r}")
