"""Rule settings: every number of a procedure, with its default, bounds and legal source.

Defaults come from RULES.md §3.4; an organisation unit may override them (the seeds disagree),
and the overrides of its ancestors apply first (root → unit).  Bounds encode the national rule
where there is one (e.g. ``min_age_years`` may be raised by a local rule, never lowered).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from workflows.i18n import N_

KINDS = ("int", "bool", "choice", "float")


@dataclass(frozen=True)
class RuleSetting:
    """One named rule parameter: default, kind, bounds or choices, label and legal source."""

    key: str
    default: Any
    kind: str
    source: str
    label: str
    min_value: float | None = None
    max_value: float | None = None
    choices: tuple[tuple[str, str], ...] = ()


class SettingError(ValueError):
    """An override that does not fit its setting; ``message % params`` is the Chinese text."""

    def __init__(self, message: str, **params: Any):
        self.message = message
        self.params = params
        super().__init__(message % params)


def _int(key, default, source, label, min_value, max_value) -> RuleSetting:
    return RuleSetting(key, default, "int", source, label, min_value, max_value)


# Sources are N_()-marked: the admin settings page shows them translated.
RECRUITMENT_SETTINGS: tuple[RuleSetting, ...] = (
    _int("min_age_years", 18, N_("《中国共产党章程》第一条、《发展党员工作细则》第五条 [N-PC][N-DEV]"),
         N_("申请入党最低年龄（周岁）"), 18, 40),
    _int("initial_talk_within_months", 1, N_("《发展党员工作细则》第七条 [N-DEV]"),
         N_("收到入党申请书后派人谈话的期限（月）"), 1, 1),
    _int("activist.min_months_after_application", 0, N_("地方实施办法 [L]"),
         N_("递交申请至确定入党积极分子的最短间隔（月）"), 0, 24),
    _int("activist.review_interval_months", 6, N_("《发展党员工作细则》第十一条 [N-DEV]"),
         N_("支部考察入党积极分子的间隔（月）"), 1, 6),
    _int("activist.revisit_months", 6, N_("地方实施办法 [L]"),
         N_("暂缓确定入党积极分子后再次研究的间隔（月）"), 1, 24),
    _int("periodic_review.within_days", 30, N_("设计约定 [design]"),
         N_("定期考察（入党积极分子每半年、预备党员每季度）到期后完成考察的期限（天）"), 1, 90),
    _int("thought_report_interval_months", 3, N_("地方实施办法 [L]"), N_("思想汇报间隔（月）"), 1, 6),
    _int("mentor_count.min", 1, N_("《发展党员工作细则》第九条 [N-DEV]"), N_("培养联系人最少人数"), 1, 2),
    _int("mentor_count.max", 2, N_("《发展党员工作细则》第九条 [N-DEV]"), N_("培养联系人最多人数"), 1, 2),
    _int("candidate.min_cultivation_years", 1, N_("《发展党员工作细则》第十三条 [N-DEV]"),
         N_("确定为发展对象前的最短培养考察期（年）"), 1, 5),
    _int("sponsor_count", 2, N_("《中国共产党章程》第五条、《发展党员工作细则》第十四条 [N-PC][N-DEV]"),
         N_("入党介绍人人数"), 2, 2),
    _int("political_review.validity_months", 12, N_("地方实施办法 [L]（未经核实）"),
         N_("政治审查结论有效期（月）"), 1, 36),
    RuleSetting("political_review.fail_target", "cultivation", "choice", N_("《发展党员工作细则》第十六条 [N-DEV]"),
                N_("政治审查不合格时的去向"),
                choices=(("cultivation", N_("退回继续培养")), ("close", N_("终止发展")))),
    _int("training.min_days", 3, N_("《发展党员工作细则》第十七条 [N-DEV]"), N_("集中培训最少天数"), 3, 30),
    _int("training.min_hours", 24, N_("《发展党员工作细则》第十七条 [N-DEV]"), N_("集中培训最少学时"), 24, 240),
    _int("pre_review.sla_months", 1, N_("地方实施办法 [L]"), N_("上级党委预审期限（月）"), 1, 6),
    _int("leave_unit_block_months", 3, N_("《发展党员工作细则》第十九条 [N-DEV]"),
         N_("预计离开工作、学习单位不予办理接收的期限（月）"), 0, 12),
    _int("assembly_after_prereview_months", 1, N_("地方实施办法 [L]"),
         N_("预审后召开支部大会的期限（月）"), 1, 6),
    _int("approval.sla_months", 3, N_("《发展党员工作细则》 [N-DEV]"), N_("上级党委审批期限（月）"), 1, 6),
    _int("approval.max_months", 6, N_("《发展党员工作细则》 [N-DEV]"), N_("上级党委审批最长期限（月）"), 1, 6),
    RuleSetting("approval.refusal_target", "development_candidate", "choice", N_("《发展党员工作细则》 [N-DEV]"),
                N_("上级党委不批准时的去向"),
                choices=(("development_candidate", N_("发展对象")), ("activist", N_("入党积极分子")))),
    _int("revote_cooldown_months", 0, N_("地方实施办法 [L]"),
         N_("支部大会未通过后再次提交讨论的间隔（月）"), 0, 24),
    _int("probation_years", 1, N_("《中国共产党章程》第七条 [N-PC]"), N_("预备期（年）"), 1, 1),
    _int("probation.review_interval_months", 3, N_("地方实施办法 [L]"), N_("预备党员考察间隔（月）"), 1, 6),
    _int("extension_months.min", 6, N_("《中国共产党章程》第七条、《发展党员工作细则》第三十二条 [N-PC][N-DEV]"),
         N_("延长预备期最短月数"), 6, 12),
    _int("extension_months.max", 12, N_("《中国共产党章程》第七条、《发展党员工作细则》第三十二条 [N-PC][N-DEV]"),
         N_("延长预备期最长月数"), 6, 12),
    _int("regularization.reminder_days", 30, N_("设计约定 [design]"),
         N_("预备期满前提醒提出转正申请的天数"), 0, 180),
    _int("regularization.approval_sla_months", 3, N_("《发展党员工作细则》 [N-DEV]"),
         N_("转正审批期限（月）"), 1, 6),
    _int("public_notice.working_days", 5, N_("地方实施办法 [L]"), N_("公示期（工作日）"), 1, 30),
    _int("archive.within_days", 7, N_("地方实施办法 [L]"), N_("转正后材料归档期限（天）"), 1, 90),
    _int("youth_league_recommendation.age_max", 28, N_("地方实施办法 [L]（未经核实）"),
         N_("团员推优的年龄上限（周岁）"), 14, 35),
    RuleSetting("assembly.quorum_strict", True, "bool", N_("《中国共产党支部工作条例（试行）》第十一条 [N-BR]"),
                N_("党员大会一般事项须“超过”半数到会（接收预备党员和转正表决始终须超过半数）")),
)

# Terms of office (任期) and the reminders of their end (RULES.md §4.1, §4.5, §4.7 TM17/TM18). The
# sources disagree on the length (§12 C1): the national values are the defaults, within the range of
# 党章 art. 31 (3 to 5 years) widened to the 2 years some local rules give branches.
TERM_SETTINGS: tuple[RuleSetting, ...] = (
    _int("term.years.branch", 3,
         N_("《中国共产党支部工作条例（试行）》第二十一条、《关于党的基层组织任期的意见》 [N-BR][N-TERM]"),
         N_("党支部委员会每届任期（年）"), 2, 5),
    _int("term.years.general_branch", 3, N_("《关于党的基层组织任期的意见》 [N-TERM]"),
         N_("党总支部委员会每届任期（年）"), 2, 5),
    _int("term.years.committee", 5, N_("《中国共产党章程》第三十一条、《关于党的基层组织任期的意见》 [N-PC][N-TERM]"),
         N_("党的基层委员会每届任期（年）"), 3, 5),
    _int("term.reminder_months", 6, N_("《中国共产党支部工作条例（试行）》 [N-BR]"),
         N_("任期届满前提醒换届的月数"), 1, 12),
    _int("term.overdue_grace_days", 0, N_("地方实施办法 [L]"),
         N_("任期届满后标记为未按期换届前的宽限天数"), 0, 90),
)

# The escalation ladder of every time limit (RULES.md §2.9; workflows/escalation.py).
SLA_SETTINGS: tuple[RuleSetting, ...] = (
    _int("sla.reminder_lead_days", 7, N_("督办规则 RULES.md §2.9（设计约定）[design]"),
         N_("到期前几天提醒办理人（环节另有提醒日期时以其为准）"), 0, 60),
    _int("sla.escalation_grace_days", 0, N_("督办规则 RULES.md §2.9（设计约定）[design]"),
         N_("逾期后几天报上级党组织督办（0：逾期次日即报）"), 0, 90),
)

# 组织关系转接 (RULES.md §5): the letter's validity (§12 C17: "一般不超过3个月" [L]; some localities
# write 10 days in the same city, 30 elsewhere: the committee may write fewer days on a letter, never
# more than the ceiling), and how long a member may be away before the relationship must move
# (《党员教育管理工作条例》第二十五条: 外出六个月以上).
TRANSFER_SETTINGS: tuple[RuleSetting, ...] = (
    _int("transfer.letter_valid_days", 90,
         N_("组通字〔2006〕45号、地方实施办法：介绍信有效期一般不超过3个月 [N-LTR][L]"),
         N_("介绍信有效期（天，开具时的默认值）"), 1, 180),
    _int("transfer.letter_max_valid_days", 90, N_("地方实施办法：介绍信有效期一般不超过3个月 [L]"),
         N_("介绍信有效期上限（天）"), 1, 180),
    _int("transfer.away_months", 6, N_("《中国共产党党员教育管理工作条例》第二十五条 [N-EDU]"),
         N_("外出超过几个月未转接组织关系即提示所在支部（月）"), 1, 6),
    # Who may transfer nationwide directly (§12 C19): since 2019 any 基层党委 with the authority to approve
    # 预备党员; the older rule, still practised locally, only the 县级以上地方党委组织部 (RULES.md §5.3).
    RuleSetting("transfer.letter_issuer", "committee", "choice",
                N_("《中国共产党党员教育管理工作条例》第二十五条（2019年起有审批预备党员权限的基层党委可直接转接）；"
                   "原规定由县级以上地方党委组织部转接 [N-EDU][secondary]（RULES.md §12 C19）"),
                N_("转往本系统其他基层党委时开具介绍信的机关"),
                choices=(("committee", N_("转出方基层党委直接开具")),
                         ("department", N_("经上级组织部门开具（党委审核后报组织部门，回执寄回组织部门）")))),
)

# 换届选举 and 补选 (RULES.md §2.2, §4.2–§4.6; workflows/elections.py). The sources disagree on the
# majority base (§12 C7) and on the quorum wording (§12 C8); where RULES.md found no national number
# (the reply to a 换届请示, the by-election limit) the default is a design choice, said in the source.
_ELE = N_("《中国共产党基层组织选举工作条例》 [N-ELE]")
ELECTION_SETTINGS: tuple[RuleSetting, ...] = (
    _int("election.seats.branch.min", 3, N_("《中国共产党支部工作条例（试行）》 [N-BR]"),
         N_("支部委员会委员最少人数"), 3, 5),
    _int("election.seats.branch.max", 7, N_("《中国共产党支部工作条例（试行）》（一般3至5人，最多不超过7人）[N-BR]"),
         N_("支部委员会委员最多人数"), 3, 7),
    _int("election.seats.general_branch.min", 5, N_("选举工作实务（2020年条例未见明文，未经核实）[secondary]"),
         N_("总支部委员会委员最少人数"), 3, 7),
    _int("election.seats.general_branch.max", 9, N_("选举工作实务（一般5至7人，最多不超过9人；未经核实）[secondary]"),
         N_("总支部委员会委员最多人数"), 5, 9),
    _int("election.seats.committee.min", 5, N_("选举工作实务（2020年条例未见明文，未经核实）[secondary]"),
         N_("基层党委委员最少人数"), 3, 9),
    _int("election.seats.committee.max", 9, N_("选举工作实务（一般5至9人；未经核实）[secondary]"),
         N_("基层党委委员最多人数"), 5, 11),
    _int("election.deputy_seats.max", 1, N_("《中国共产党支部工作条例（试行）》（书记1名，必要时设副书记1名）[N-BR]"),
         N_("副书记最多人数"), 1, 3),
    _int("election.delegate_assembly_members", 500, N_("《中国共产党基层组织选举工作条例》第四条 [N-ELE]"),
         N_("须召开党员代表大会选举的党员人数（达到此数时本系统不办理党员大会选举）"), 100, 1000),
    _int("election.competitive_ratio_percent", 20, _ELE,
         N_("差额选举时候选人多于应选人数的最低比例（百分比，向上取整）"), 20, 100),
    RuleSetting("election.quorum_strict", True, "bool",
                N_("《中国共产党基层组织选举工作暂行条例》（“超过”）；部分地方规定为“不少于” [N-ELE][L]"),
                N_("选举大会须“超过”应到会有选举权党员的五分之四（否：达到五分之四即可）")),
    RuleSetting("election.majority_base", "present", "choice",
                N_("《中国共产党基层组织选举工作暂行条例》第二十二条 [N-ELE]；RULES.md §12 C7"),
                N_("候选人当选须获得超过半数赞成票的基数"),
                choices=(("present", N_("实到会有选举权的党员")), ("expected", N_("应到会有选举权的党员")))),
    RuleSetting("election.allow_seat_reduction", True, "bool",
                N_("选举工作实务：不应留出委员空额；接近应选名额且经半数以上选举人同意时可减少名额 [secondary]"),
                N_("当选人数不足且接近应选名额时，允许经半数以上选举人同意减少名额（不低于最少人数）")),
    RuleSetting("election.term_start_event", "election_date", "choice",
                N_("各地做法不一 RULES.md §4.3 [L]"), N_("新一届任期起算日"),
                choices=(("election_date", N_("党员大会选举日")), ("approval_date", N_("上级党组织批复日")))),
    _int("election.max_shift_months", 12,
         N_("《中国共产党基层组织选举工作条例》第三条、《关于党的基层组织任期的意见》（一般不超过1年）；"
            "部分机关规定不超过6个月 [N-ELE][N-TERM][S4]"),
         N_("延期或提前换届最长月数（自本届任期按期届满之日起算）"), 1, 12),
    RuleSetting("election.postponement_approver", "upper_org", "choice",
                N_("《中国共产党基层组织选举工作条例》第三条：上级党组织；《关于党的基层组织任期的意见》：上级党的委员会"
                   " [N-ELE][N-TERM]（RULES.md §12 C3）"),
                N_("批准延期或提前换届的组织"),
                choices=(("upper_org", N_("上级党组织（直接上级）")), ("upper_committee", N_("上级党的委员会")))),
    _int("election.request_sla_days", 30, N_("设计约定：RULES.md §4.3 未查到全国统一时限（未经核实）[design]"),
         N_("上级党组织批复换届请示（含延期、提前换届请示）、审查候选人和审批选举结果的期限（天）"), 5, 90),
    _int("election.handover_days", 30, N_("地方实施办法（换届纪实资料及时交接归档）[S0][L]"),
         N_("选举结果批复后完成交接和归档的期限（天）"), 7, 90),
    _int("by_election.sla_months", 3,
         N_("《中国共产党支部工作条例（试行）》（委员出缺应及时补选；未查到全国统一时限）[N-BR][design]"),
         N_("委员出缺后完成补选的期限（月）"), 1, 12),
    # Who approves the new committee (§12 C16): the national rule files the 委员 and approves the 书记/副书记;
    # locally [S2] the superior appoints the whole committee (任命批复), and may refuse some of it.
    RuleSetting("election.committee_member_result", "file", "choice",
                N_("《中国共产党章程》《中国共产党支部工作条例（试行）》：委员报上级党组织备案，"
                   "书记、副书记报上级党组织批准 [N-PC][N-BR]；部分地方由上级党组织集中研究、"
                   "任命批复新一届委员会全体委员 [S2]（RULES.md §12 C16）"),
                N_("新一届委员会委员（含补选的委员）报上级党组织的方式"),
                choices=(("file", N_("备案：委员报上级党组织备案，书记、副书记报批（全国性规定 [N-PC][N-BR]）")),
                         ("approve", N_("审批：上级党组织审批全体委员和书记、副书记，"
                                        "可不批准其中部分人选（地方做法 [S2]）")))),
)

# 党支部设置 (RULES.md §6.1 thresholds, §6.2 the reply, §4.2 the secretary). A local rule may be stricter,
# never laxer than the national one where there is one (a branch needs at least 3 full members).
BRANCH_SETTINGS: tuple[RuleSetting, ...] = (
    _int("branch.min_full_members", 3,
         N_("《中国共产党章程》第三十条、《中国共产党支部工作条例（试行）》 [N-PC][N-BR]"),
         N_("成立党支部最少正式党员人数（不足时只能成立联合党支部）"), 3, 10),
    _int("branch.joint_max_units", 5, N_("《中国共产党支部工作条例（试行）》 [N-BR]"),
         N_("联合党支部覆盖单位最多个数"), 2, 5),
    _int("branch.committee_min_full_members", 7, N_("《中国共产党支部工作条例（试行）》 [N-BR]"),
         N_("须设立支部委员会的正式党员人数（不足时不设支委会，设书记）"), 7, 7),
    _int("branch.max_members", 50, N_("《中国共产党支部工作条例（试行）》 [N-BR]"),
         N_("党支部党员人数一般上限（超过须说明理由）"), 20, 100),
    _int("general_branch.min_members", 50, N_("《中国共产党支部工作条例（试行）》 [N-BR]（二手资料）"),
         N_("党员人数超过此数可设立党总支（不足时须说明工作需要）"), 20, 100),
    _int("branch.secretary_min_standing_years", 1,
         N_("《中国共产党支部工作条例（试行）》（书记一般应具有1年以上党龄）[N-BR][S3]"),
         N_("书记人选最少党龄（年；新设党支部的书记和选举产生的书记）"), 1, 5),
    _int("branch.reply_months", 1, N_("《中国共产党支部工作条例（试行）》 [N-BR]"),
         N_("上级党组织批复成立党支部请示的期限（月）"), 1, 3),
)

# Every procedure's settings; a new procedure appends its tuple here.
ALL_SETTINGS: tuple[RuleSetting, ...] = (RECRUITMENT_SETTINGS + TERM_SETTINGS + SLA_SETTINGS + TRANSFER_SETTINGS
                                         + ELECTION_SETTINGS + BRANCH_SETTINGS)

# The settings as the admin page groups them.
SETTING_GROUPS: tuple[tuple[str, tuple[RuleSetting, ...]], ...] = (
    (N_("发展党员"), RECRUITMENT_SETTINGS),
    (N_("任期和换届"), TERM_SETTINGS),
    (N_("时限和督办"), SLA_SETTINGS),
    (N_("组织关系转接"), TRANSFER_SETTINGS),
    (N_("换届选举和补选"), ELECTION_SETTINGS),
    (N_("党支部设置"), BRANCH_SETTINGS),
)

SETTINGS_BY_KEY: Mapping[str, RuleSetting] = MappingProxyType({s.key: s for s in ALL_SETTINGS})

# Pairs (low, high) that must stay ordered after overrides.
_ORDERED_PAIRS = (
    ("mentor_count.min", "mentor_count.max"),
    ("extension_months.min", "extension_months.max"),
    ("approval.sla_months", "approval.max_months"),
    ("transfer.letter_valid_days", "transfer.letter_max_valid_days"),
    ("election.seats.branch.min", "election.seats.branch.max"),
    ("election.seats.general_branch.min", "election.seats.general_branch.max"),
    ("election.seats.committee.min", "election.seats.committee.max"),
)

_TRUE = {"1", "true", "yes", "on", "是"}
_FALSE = {"0", "false", "no", "off", "否"}


def _to_int(setting: RuleSetting, raw: Any) -> int:
    if isinstance(raw, bool) or isinstance(raw, float) and not raw.is_integer():
        raise SettingError(N_("「%(label)s」须为整数"), label=setting.label)
    try:
        return int(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError):
        raise SettingError(N_("「%(label)s」须为整数"), label=setting.label) from None


def _to_float(setting: RuleSetting, raw: Any) -> float:
    try:
        if isinstance(raw, bool):
            raise TypeError
        return float(raw)
    except (TypeError, ValueError):
        raise SettingError(N_("「%(label)s」须为数字"), label=setting.label) from None


def _to_bool(setting: RuleSetting, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise SettingError(N_("「%(label)s」须为“是”或“否”"), label=setting.label)


def _to_choice(setting: RuleSetting, raw: Any) -> str:
    allowed = [value for value, _label in setting.choices]
    if raw not in allowed:
        raise SettingError(N_("「%(label)s」须为以下之一：%(choices)s"),
                           label=setting.label, choices="、".join(allowed))
    return raw


def _check_bounds(setting: RuleSetting, value: float) -> None:
    low, high = setting.min_value, setting.max_value
    if (low is not None and value < low) or (high is not None and value > high):
        raise SettingError(N_("「%(label)s」须在 %(min)s 至 %(max)s 之间"),
                           label=setting.label, min=low, max=high)


def validate_override(key: str, raw_value: Any) -> Any:
    """Return ``raw_value`` converted to the setting's type, or raise ``SettingError`` (a ValueError)."""
    setting = SETTINGS_BY_KEY.get(key)
    if setting is None:
        raise SettingError(N_("未知的规则设置：%(key)s"), key=key)
    convert = {"int": _to_int, "float": _to_float, "bool": _to_bool, "choice": _to_choice}[setting.kind]
    value = convert(setting, raw_value)
    if setting.kind in ("int", "float"):
        _check_bounds(setting, value)
    return value


def _check_order(values: Mapping[str, Any]) -> None:
    for low, high in _ORDERED_PAIRS:
        if values[low] > values[high]:
            raise SettingError(N_("「%(low)s」不得大于「%(high)s」"),
                               low=SETTINGS_BY_KEY[low].label, high=SETTINGS_BY_KEY[high].label)


class RuleSettings(Mapping[str, Any]):
    """The typed rule settings in force for one organisation unit (immutable)."""

    __slots__ = ("_values",)

    def __init__(self, overrides: Mapping[str, Any] | None = None):
        values = {setting.key: setting.default for setting in ALL_SETTINGS}
        for key, raw in (overrides or {}).items():
            values[key] = validate_override(key, raw)
        _check_order(values)
        self._values = MappingProxyType(values)

    @classmethod
    def resolve(cls, overrides_from_root_to_unit: Iterable[Mapping[str, Any]] = ()) -> RuleSettings:
        """Defaults, then each unit's overrides from the root down to the case's unit (last wins)."""
        merged: dict[str, Any] = {}
        for overrides in overrides_from_root_to_unit:
            merged.update(overrides)
        return cls(merged)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != SETTINGS_BY_KEY[k].default}
        return f"RuleSettings({changed!r})"
