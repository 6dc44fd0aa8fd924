"""Guard vocabulary shared by every procedure: violations, the facts a step is checked against,
and the generic field checks (required, well-formed and not-in-the-future dates, known members).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from workflows.calendar import parse_date
from workflows.i18n import N_
from workflows.org import OrgUnitRef
from workflows.settings import SETTINGS_BY_KEY, RuleSettings


@dataclass(frozen=True)
class Violation:
    """A broken rule, attached to a form field ("" = the whole form).

    ``message`` is an ``N_()`` template with ``%(name)s`` placeholders filled from ``params``;
    ``rule`` is a setting key or rule id, ``source`` the regulation it comes from.
    """

    field: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)
    rule: str = ""
    source: str = ""

    def text(self, translate: Callable[[str], str] = N_) -> str:
        """The message with its parameters filled in, translated by ``translate``."""
        return translate(self.message) % self.params


@dataclass(frozen=True)
class MemberFacts:
    """What a guard needs to know about a member referenced by a form (mentor, sponsor, talker)."""

    id: int
    name: str
    stage: str
    in_good_standing: bool
    has_voting_rights: bool
    unit_id: int | None = None
    party_standing_since: date | None = None  # 党龄 counts from this day (转正, RULES.md §11)


@dataclass(frozen=True)
class UnitFacts:
    """What the rules of 党支部设置 (RULES.md §6) and of 延期或提前换届 (§4.4) read about an organisation unit:
    the case's own, its parent, and each unit a form or the case names (a new parent, the branch merged into)."""

    id: int
    name: str
    kind: str
    parent_id: int | None
    status: str = "active"
    is_joint: bool = False
    is_temporary: bool = False
    ancestor_ids: tuple[int, ...] = ()  # parent first
    child_names: tuple[str, ...] = ()  # of its active units below (sibling names for a unit set up there)
    child_units: int = 0  # its active units below, party groups (党小组) not counted
    roster: tuple[int, ...] = ()  # people on its roster: members and people in recruitment
    full_members: int = 0
    probationary_members: int = 0
    # Its current term (RULES.md §4): 届次, elected on, ends on (or the approved new date), overdue since.
    term_no: int | None = None
    term_started_on: date | None = None
    term_due_on: date | None = None
    term_overdue_since: date | None = None

    @property
    def members(self) -> int:
        """党员: full and probationary members."""
        return self.full_members + self.probationary_members


@dataclass(frozen=True)
class StepContext:
    """Everything a step's guards may read besides the form data."""

    today: date
    case_data: Mapping[str, Any]
    members: Mapping[int, MemberFacts]
    voting_members: int
    settings: RuleSettings
    # The case's unit and, for procedures that ask (their optional names, workflows/procedures/__init__.py):
    # - ``units``: the facts of the case's unit, its parent and the units a step names (UNIT_FACT_FIELDS);
    # - ``chains``: the chains in the tree of the case's unit and of the units a form names (CHAIN_FIELDS,
    #   组织关系转接: is the destination under the same 基层党委?), nearest first;
    # - the electorate (COUNTS_ROSTER, the elections: the unit's and every unit's below it): the unit's kind
    #   and how many 正式党员 and 党员 (full and probationary) it has.
    unit_id: int | None = None
    units: Mapping[int, UnitFacts] = field(default_factory=dict)
    chains: Mapping[int, tuple[OrgUnitRef, ...]] = field(default_factory=dict)
    unit_kind: str | None = None
    full_members: int = 0
    party_members: int = 0

    @property
    def unit(self) -> UnitFacts | None:
        """The case's unit, when the procedure asked for the facts of units."""
        return self.units.get(self.unit_id) if self.unit_id is not None else None

    def case_date(self, name: str) -> date | None:
        """A date variable of the case (stored as an ISO string), or ``None``."""
        return parse_date(self.case_data.get(name))


def iso(value: date | None) -> str | None:
    """ISO text of a date (``None`` stays ``None``): the form dates take in engine data."""
    return value.isoformat() if value is not None else None


def violation(field_name: str, message: str, rule: str, source: str, **params: Any) -> Violation:
    """Build a Violation; date parameters are turned into ISO text."""
    clean = {k: iso(v) if isinstance(v, date) else v for k, v in params.items()}
    return Violation(field_name, message, clean, rule, source)


def setting_violation(field_name: str, message: str, key: str, **params: Any) -> Violation:
    """A Violation of the rule behind setting ``key`` (rule = key, source = the setting's source)."""
    return violation(field_name, message, key, SETTINGS_BY_KEY[key].source, **params)


def is_present(value: Any) -> bool:
    """False for a missing answer (None, blank text, empty list); ``False`` and ``0`` are answers."""
    if value is None:
        return False
    if isinstance(value, str):
        return value.strip() != ""
    if isinstance(value, (list, tuple, set)):
        return len(value) > 0
    return True


def date_value(data: Mapping[str, Any], name: str) -> date | None:
    """The date in ``data[name]`` (date or ISO text), ``None`` when absent or malformed."""
    try:
        return parse_date(data.get(name))
    except (TypeError, ValueError):
        return None


def missing_fields(data: Mapping[str, Any], names: Iterable[str]) -> list[Violation]:
    """A violation for each required field without an answer."""
    return [violation(name, N_("此项为必填项"), "required", "")
            for name in names if not is_present(data.get(name))]


def malformed_dates(data: Mapping[str, Any], names: Iterable[str]) -> list[Violation]:
    """A violation for each answered date field that is not a date (YYYY-MM-DD)."""
    return [violation(name, N_("日期格式应为 YYYY-MM-DD"), "date_format", "")
            for name in names if is_present(data.get(name)) and date_value(data, name) is None]


def future_dates(data: Mapping[str, Any], names: Iterable[str], today: date) -> list[Violation]:
    """A violation for each legal date after ``today``: legal dates record what has happened."""
    problems = []
    for name in names:
        value = date_value(data, name)
        if value is not None and value > today:
            problems.append(violation(name, N_("日期不能晚于今天（%(today)s）"),
                                      "date_not_in_future", "RULES.md §2.8", today=today))
    return problems


def member_ids(value: Any) -> list[int]:
    """The member ids held by a member field (one id, a list of ids, or counts by member id: votes)."""
    if isinstance(value, Mapping):
        return [int(v) for v in value]
    if not is_present(value):
        return []
    return [int(v) for v in value] if isinstance(value, (list, tuple, set)) else [int(value)]


def referenced_member_ids(data: Mapping[str, Any], fields: Iterable[str]) -> set[int]:
    """Every member id referenced by ``fields`` of ``data`` (for the caller to look up)."""
    return {member_id for name in fields for member_id in member_ids(data.get(name))}


def unknown_members(data: Mapping[str, Any], fields: Iterable[str],
                    members: Mapping[int, MemberFacts]) -> list[Violation]:
    """A violation for each referenced member id that the caller could not look up."""
    return [violation(name, N_("找不到编号为 %(member_id)s 的党员"), "member_exists", "",
                      member_id=member_id)
            for name in fields for member_id in member_ids(data.get(name))
            if member_id not in members]


def required_when(data: Mapping[str, Any], name: str) -> list[Violation]:
    """A violation when a conditionally required field (e.g. a reason for an exception) is empty."""
    return missing_fields(data, (name,))


def not_before(data: Mapping[str, Any], name: str, earliest: date | None, message: str,
               **params: Any) -> list[Violation]:
    """A violation when the date ``data[name]`` is before ``earliest`` (``%(earliest)s`` in message)."""
    value = date_value(data, name)
    if value is None or earliest is None or value >= earliest:
        return []
    return [violation(name, message, "date_order", "", earliest=earliest, **params)]


def needed_case_date(ctx: StepContext, name: str, problems: list[Violation]) -> date | None:
    """A case date a guard depends on; when the case lacks it, a problem is appended to ``problems``."""
    value = ctx.case_date(name)
    if value is None:
        problems.append(violation("", N_("案件缺少“%(name)s”，无法核对本步骤"), "case_data", "",
                                  name=name))
    return value


def ineligible_members(field_name: str, ids: Iterable[int], ctx: StepContext, role: str,
                       source: str, need_voting_rights: bool = False) -> list[Violation]:
    """A violation for each member who is not a full member in good standing (with voting rights
    when ``need_voting_rights``) and so cannot act as ``role``."""
    if need_voting_rights:
        message = N_("%(name)s不是享有表决权的正式党员，不能担任%(role)s（%(citation)s）")
    else:
        message = N_("%(name)s不是处于正常状态的正式党员，不能担任%(role)s（%(citation)s）")
    problems = []
    for member in (ctx.members[member_id] for member_id in ids):
        eligible = member.stage == "full_member" and member.in_good_standing
        if not eligible or (need_voting_rights and not member.has_voting_rights):
            problems.append(violation(field_name, message, f"{field_name}.eligibility", source,
                                      name=member.name, role=role, citation=source))
    return problems


@dataclass(frozen=True)
class StepFields:
    """Field-level rules of one step: required answers, legal dates (never after today), other dates."""

    required: tuple[str, ...] = ()
    past_dates: tuple[str, ...] = ()
    dates: tuple[str, ...] = ()


Guard = Callable[[Mapping[str, Any], StepContext], list[Violation]]


def step_violations(fields: StepFields | None, guard: Guard | None, data: Mapping[str, Any],
                    member_fields: Iterable[str], ctx: StepContext) -> list[Violation]:
    """Every violated rule of one step, the same way in every procedure: field problems first (missing
    answers, malformed dates, unknown members), the domain ``guard`` only on well-formed data. A step
    without field rules (a task an admin added to the diagram) passes. ``fields`` is any object with
    ``required``, ``past_dates`` and ``dates``."""
    if fields is None:
        return []
    problems = (missing_fields(data, fields.required) + malformed_dates(data, fields.past_dates + fields.dates)
                + unknown_members(data, [f for f in member_fields if f in data], ctx.members))
    if problems:
        return problems
    return future_dates(data, fields.past_dates, ctx.today) + (guard(data, ctx) if guard else [])
