"""Guards of 组织关系转接 (RULES.md §5.2–§5.5): what each step's form must answer, and the hard rules.

Pure functions over the form data and a StepContext: the tree facts come as chains of units
(``ctx.chains``: the case's branch and each unit a form names, nearest first).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from workflows.guards import (
    StepContext,
    Violation,
    date_value,
    future_dates,
    is_present,
    malformed_dates,
    missing_fields,
    setting_violation,
    unknown_members,
    violation,
)
from workflows.i18n import N_
from workflows.routing import approving_committee

TRANSFER_KINDS: tuple[tuple[str, str], ...] = (
    ("internal", N_("党委内部支部间转接（不开介绍信）")),
    ("within_system", N_("转往本系统其他基层党委")),
    ("cross_system", N_("跨系统转出（经组织部门，纸质介绍信）")),
    ("mobile", N_("流动党员（发放流动党员活动证）")),
)
KINDS = {key for key, _label in TRANSFER_KINDS}
IN_TREE_KINDS = ("internal", "within_system")
# Members transfer their relationship; 入党积极分子 and 发展对象 move with their training record, their
# time counting on (RULES.md §5.4 T7, §3.3): their recruitment case moves with them.
TRANSFERABLE_STAGES = ("full_member", "probationary_member", "development_candidate", "activist")

EDU = N_("《中国共产党党员教育管理工作条例》第二十五条 [N-EDU]")
LTR = N_("组通字〔2006〕45号、地方实施办法 [N-LTR][L]")
DUES = N_("地方实施办法：党费交至转出当月 [L]")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def check(form_key: str, data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    """Field problems first (missing answers, malformed dates); the domain guards on well-formed data."""
    spec = FIELDS.get(form_key)
    if spec is None:
        return []
    required, dates, guard = spec
    problems = missing_fields(data, required(data)) + malformed_dates(data, dates)
    if form_key == "T01_request":
        problems += unknown_members(data, ["member_id"], ctx.members)
    if problems:
        return problems
    return future_dates(data, dates, ctx.today) + guard(data, ctx)


def _committee_of(unit_id: int | None, ctx: StepContext):
    chain = list(ctx.chains.get(unit_id, ())) if unit_id is not None else []
    return approving_committee(chain) if chain else None


def _unit(unit_id: int | None, ctx: StepContext):
    chain = ctx.chains.get(unit_id, ()) if unit_id is not None else ()
    return chain[0] if chain else None


def _as_int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _request(data, ctx) -> list[Violation]:
    kind = data["transfer_kind"]
    problems = []
    member = ctx.members.get(int(data["member_id"]))
    if member is not None and member.stage not in TRANSFERABLE_STAGES:
        problems.append(violation(
            "member_id", N_("%(name)s不能转接：党员、预备党员转接组织关系，入党积极分子和发展对象的培养材料随转。"),
            "member_stage", EDU, name=member.name))
    if kind not in KINDS:
        return problems + [violation("transfer_kind", N_("请选择转接类型。"), "required", "")]
    if kind not in IN_TREE_KINDS:
        return problems
    target_id = _as_int(data.get("receiving_unit_id"))
    target, own = _unit(target_id, ctx), _committee_of(ctx.unit_id, ctx)
    theirs = _committee_of(target_id, ctx)
    if target is None:
        return problems + [violation("receiving_unit_id", N_("请选择接收组织。"), "required", "")]
    if target_id == ctx.unit_id:
        return problems + [violation("receiving_unit_id", N_("接收组织不能是本支部。"), "receiving_unit", EDU)]
    if kind == "internal" and (target.kind != "branch" or theirs is None or own is None or theirs.id != own.id):
        problems.append(violation(
            "receiving_unit_id",
            N_("党委内部转接只能转往%(committee)s所属的其他党支部；转往其他党委请选择“转往本系统其他基层党委”。"),
            "internal_transfer", N_("基层党委内部转接由党委调整所在支部 [P]"), committee=own.name if own else "—"))
    if kind == "within_system" and (theirs is None or (own is not None and theirs.id == own.id)):
        problems.append(violation(
            "receiving_unit_id",
            N_("接收组织须属于本党委以外、有权接收党员的基层党委；同一党委内请选择“党委内部支部间转接”。"),
            "within_system_transfer", EDU))
    return problems


def _request_required(data) -> list[str]:
    kind = data.get("transfer_kind")
    extra = {"internal": ["receiving_unit_id"], "within_system": ["receiving_unit_id"],
             "cross_system": ["destination_org_title", "destination"], "mobile": ["destination"]}.get(kind, [])
    return ["member_id", "transfer_kind", "reason", *extra]


def month_of(value: Any) -> tuple[int, int] | None:
    """(year, month) of a YYYY-MM text (党费交至), or None when it is not one."""
    match = _MONTH.match(str(value or "").strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def _branch_check(data, ctx) -> list[Violation]:
    if data["decision"] != "submit":
        return []
    problems = []
    paid, checked = month_of(data.get("dues_paid_until")), date_value(data, "checked_on")
    if paid is None:
        problems.append(violation("dues_paid_until", N_("党费交至月份的格式应为 YYYY-MM，如 2026-12。"),
                                  "dues_format", DUES))
    elif paid < (checked.year, checked.month):
        problems.append(violation("dues_paid_until", N_("党费应交至转出当月（%(month)s），交清后才能开具介绍信。"),
                                  "dues_paid_until", DUES, month=f"{checked:%Y-%m}"))
    if not data.get("standing_checked"):
        problems.append(violation("standing_checked", N_("请核实该党员的组织生活、纪律和党费情况后勾选。"),
                                  "standing", EDU))
    if ctx.case_data.get("member_stage") == "probationary_member" and not is_present(data.get("probation_record")):
        problems.append(violation("probation_record", N_("预备党员转接时，预备期起止时间和考察情况须随转，请填写。"),
                                  "probation_record", N_("《发展党员工作细则》、组通字〔2006〕45号 [N-DEV][N-LTR]")))
    return problems


def _valid_days_problems(data, ctx) -> list[Violation]:
    value = data.get("valid_days")
    if value in (None, ""):
        return []
    days, ceiling = _as_int(value), ctx.settings["transfer.letter_max_valid_days"]
    if days is None or not 1 <= days <= ceiling:
        return [setting_violation("valid_days", N_("介绍信有效期须为 1 至 %(max)s 天。"),
                                  "transfer.letter_max_valid_days", max=ceiling)]
    return []


def _letter(data, ctx) -> list[Violation]:
    problems = _valid_days_problems(data, ctx)
    checked, issued = ctx.case_date("checked_on"), date_value(data, "issued_on")
    if checked is not None and issued < checked:
        problems.append(violation("issued_on", N_("介绍信不能早于支部审核（%(date)s）开具。"), "letter_after_check",
                                  LTR, date=checked))
    return problems


def _accept(data, ctx) -> list[Violation]:
    if data["decision"] != "accept":
        return []
    problems = []
    branch_id, group_id = _as_int(data.get("branch_id")), _as_int(data.get("group_id"))
    branch, receiving = _unit(branch_id, ctx), _committee_of(ctx.case_data.get("receiving_unit_id"), ctx)
    if branch is None or branch.kind != "branch" or _committee_of(branch_id, ctx) != receiving:
        problems.append(violation("branch_id", N_("请选择%(committee)s所属的党支部。"), "receiving_branch", EDU,
                                  committee=receiving.name if receiving else "—"))
    elif branch_id == ctx.unit_id:
        problems.append(violation("branch_id", N_("接收支部不能是转出支部。"), "receiving_branch", EDU))
    group = _unit(group_id, ctx)
    if group_id is not None and (group is None or group.kind != "party_group" or group.parent_id != branch_id):
        problems.append(violation("group_id", N_("党小组须属于所选的接收支部。"), "receiving_group", EDU))
    valid_until = ctx.case_date("letter_valid_until")
    reported = date_value(data, "reported_on") or date_value(data, "decided_on")
    if valid_until is not None and reported > valid_until and not data.get("with_certificate"):
        problems.append(violation(
            "with_certificate",
            N_("介绍信已于 %(date)s 过期：须凭原党支部出具的证明接收（或由转出党委重新开具介绍信）。"),
            "letter_expired", N_("地方实施办法：逾期报到凭原支部证明接收 [L]"), date=valid_until))
    return problems


def _reissue(data, ctx) -> list[Violation]:
    return _valid_days_problems(data, ctx) if data["decision"] == "reissue" else []


def _none(data, ctx) -> list[Violation]:
    return []


def _fixed(*names: str) -> Callable[[Mapping[str, Any]], list[str]]:
    return lambda data: list(names)


def _when(field: str, value: str, then: tuple[str, ...], always: tuple[str, ...]) -> Callable:
    return lambda data: [*always, *(then if data.get(field) == value else ())]


# form key → (required fields of the data, date fields (legal dates: not in the future), domain guard)
FIELDS: Mapping[str, tuple[Callable, tuple[str, ...], Callable[[Mapping[str, Any], StepContext], list]]] = {
    "T01_request": (_request_required, ("expected_move_date",), _request),
    "T02_branch_check": (_when("decision", "submit", ("dues_paid_until",), ("checked_on", "decision")),
                         ("checked_on",), _branch_check),
    "T03_issue_letter": (_fixed("letter_no", "issued_on", "to_title"), ("issued_on",), _letter),
    "T03m_issue_mobile_card": (_fixed("card_no", "issued_on", "destination", "away_since"),
                               ("issued_on", "away_since"), _none),
    "T05_accept": (lambda d: ["decision", "decided_on",
                              *(["branch_id"] if d.get("decision") == "accept" else ["refusal_reason"])],
                   ("decided_on", "reported_on"), _accept),
    "T05w_withdraw": (_fixed("withdrawn_on", "reason"), ("withdrawn_on",), _none),
    "T06_register": (_fixed("registered_on"), ("registered_on",), _none),
    "T06c_receipt_by_post": (_when("outcome", "refused", ("refusal_reason",), ("outcome", "received_on")),
                             ("received_on",), _none),
    "T07_receipt": (_fixed("received_on"), ("received_on",), _none),
    "T08_after_refusal": (_fixed("decision", "decided_on"), ("decided_on",), _none),
    "T09_expired_letter": (_when("decision", "reissue", ("letter_no", "issued_on"), ("decision", "decided_on")),
                           ("decided_on", "issued_on"), _reissue),
}


def away_too_long(away_since: date | None, today: date, months: int) -> bool:
    """外出超过六个月未转接: away for more than ``months`` calendar months on ``today`` (the day after
    the months are complete is the first day flagged; on the day they are complete, not yet)."""
    from workflows.calendar import add_months
    return away_since is not None and today > add_months(away_since, months)
