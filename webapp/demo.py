"""Demo data: the Party organisations of 城关县, the people who hold positions in them, and
members at every stage of recruitment, with dates relative to today.

This is what a newcomer sees after `make run`. Routing runs over trees of different depth
(3 to 5 levels, seed 002): 内科第一党支部 → 内科党总支 → 县人民医院党委 → 县委卫生健康工委 → 城关县委
(4 ancestors), 城关镇机关党支部 → 城关镇党委 → 城关县委 (2), and 东街社区第一党支部 → 东街社区党委
(deliberates only) → 城关镇党委 (approves) → 城关县委 (3).
Members imported here are pre-system records: they have no case. Every demo password is
``partyflow``. The admin and the county staff member have no member record: their branches lie
outside this tree.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from workflows.org import POSITIONS
from workflows.settings import SETTINGS_BY_KEY
from workflows.terms import TERM_YEARS_SETTING

from . import clock
from .demo_branch import seed_branch_cases
from .demo_cases import seed_demo_cases
from .demo_election import seed_demo_elections
from .demo_transfer import seed_demo_transfers
from .extensions import db
from .models import Member, OrgUnit, Position, User
from .models.user import hash_password

DEMO_PASSWORD = "partyflow"
ID_AREA_CODE = "620999"  # a province prefix with a county code that does not exist: fake on purpose


@dataclass(frozen=True)
class DemoLogin:
    username: str
    name: str
    positions: str  # Chinese text, e.g. "内科第一党支部 书记"


# key, name, kind, parent key, attributes; "term" = (term number, months until the term ends). The
# terms of 内科联合党支部 and 城关镇机关党支部 end within six months (they are reminded: RULES.md §4.7 TM17)
# and the one of 东街社区第一党支部 ended two months ago without an election (未按期换届, TM18): 督办 and
# the organisation chart flag them.
UNITS = (
    ("county", "城关县委", "county_committee", None, {"term": (15, 30)}),
    ("county_org_dept", "中共城关县委组织部", "org_department", "county", {}),
    # 卫生健康工委 (a 党工委) leads the county's hospitals: a branch of the hospital sits 5 levels deep.
    ("health_wc", "中共城关县委卫生健康工作委员会", "working_committee", "county",
     {"can_approve_admission": True, "term": (2, 33)}),
    ("hospital", "县人民医院党委", "primary_committee", "health_wc", {"can_approve_admission": True, "term": (6, 26)}),
    ("internal_gb", "内科党总支", "general_branch", "hospital", {"term": (4, 20)}),
    ("branch1", "内科第一党支部", "branch", "internal_gb", {"term": (5, 14)}),
    ("branch1_group1", "第一党小组", "party_group", "branch1", {}),
    ("branch1_group2", "第二党小组", "party_group", "branch1", {}),
    ("joint_branch", "内科联合党支部", "branch", "internal_gb",
     {"is_joint": True, "covered_units": "内科门诊、内科病房、药剂科", "term": (2, 2)}),
    ("town", "城关镇党委", "primary_committee", "county", {"can_approve_admission": True, "term": (8, 38)}),
    ("town_branch", "城关镇机关党支部", "branch", "town", {"term": (7, 5)}),
    ("community", "东街社区党委", "primary_committee", "town", {"can_approve_admission": False, "term": (3, 17)}),
    ("community_branch", "东街社区第一党支部", "branch", "community", {"term": (3, -2)}),
)

# username, (name, gender, ethnicity, age, education, occupation), years a full member, branch key
# (None: no member record in this tree), positions as (unit key, role); a position starts with the
# unit's current term, or three years ago for a unit without terms.
USERS = (
    ("admin", ("系统管理员",), None, None, ()),
    ("county_org_staff", ("郭志华", "男", "汉族", 38, "研究生", "县委组织部组织科科员"), None, None,
     (("county_org_dept", "staff"),)),
    ("hospital_secretary", ("王建国", "男", "汉族", 56, "研究生", "医院党委书记"), 30, "branch1",
     (("hospital", "secretary"),)),
    ("hospital_org_member", ("李秀英", "女", "汉族", 48, "大学本科", "党委办公室主任"), 22, "branch1",
     (("hospital", "org_member"),)),
    ("hospital_organizer", ("赵丽华", "女", "汉族", 39, "大学本科", "党委组织员"), 14, "branch1",
     (("hospital", "organizer"),)),
    ("hospital_committee_member", ("孙志强", "男", "汉族", 51, "研究生", "副院长"), 25, "joint_branch",
     (("hospital", "committee_member"),)),
    ("internal_gb_secretary", ("马文斌", "男", "回族", 50, "研究生", "内科主任、主任医师"), 24, "branch1",
     (("internal_gb", "secretary"),)),
    ("branch1_secretary", ("陈晓明", "男", "汉族", 45, "研究生", "心内科主任医师"), 20, "branch1",
     (("branch1", "secretary"),)),
    ("branch1_deputy", ("刘芳", "女", "汉族", 42, "大学本科", "内科护士长"), 17, "branch1",
     (("branch1", "deputy_secretary"),)),
    ("branch1_org", ("杨帆", "男", "汉族", 36, "研究生", "消化内科主治医师"), 9, "branch1",
     (("branch1", "org_member"),)),
    ("branch1_publicity", ("周婷", "女", "汉族", 33, "大学本科", "主管护师"), 7, "branch1",
     (("branch1", "publicity_member"), ("branch1_group1", "group_leader"))),
    ("branch1_discipline", ("吴国庆", "男", "汉族", 49, "大学本科", "呼吸内科副主任医师"), 21, "branch1",
     (("branch1", "discipline_member"), ("branch1_group2", "group_leader"))),
    ("joint_secretary", ("谢春燕", "女", "汉族", 47, "大学本科", "药剂科主任"), 19, "joint_branch",
     (("joint_branch", "secretary"),)),
    ("town_secretary", ("白雪峰", "男", "汉族", 47, "研究生", "镇党委书记"), 21, "town_branch",
     (("town", "secretary"),)),
    ("town_org_member", ("常玉梅", "女", "汉族", 41, "大学本科", "镇党委组织委员"), 15, "town_branch",
     (("town", "org_member"),)),
    ("town_branch_secretary", ("张卫东", "男", "汉族", 44, "大学本科", "镇党政办主任"), 16, "town_branch",
     (("town_branch", "secretary"),)),
    ("community_secretary", ("杨德明", "男", "汉族", 55, "大学本科", "社区党委书记"), 26, "community_branch",
     (("community", "secretary"),)),
    ("community_branch_secretary", ("刘桂兰", "女", "汉族", 52, "大学专科", "社区居委会主任"), 23,
     "community_branch", (("community_branch", "secretary"),)),
)

# E-mail addresses of a few users (example.org: a domain that receives nothing), where notifications go
# once the app has an SMTP server (MAIL_SMTP_HOST).
EMAILS = {
    "internal_gb_secretary": "ma.wenbin@example.org",
    "branch1_secretary": "chen.xiaoming@example.org",
    "joint_secretary": "xie.chunyan@example.org",
    "community_secretary": "yang.deming@example.org",
}

# Members without a login. name, gender, ethnicity, age, education, occupation, stage, and how long
# ago the stage was reached: years for full members, months for the others (days for applicants).
MEMBERS = {
    "branch1": (
        ("郑海燕", "女", "汉族", 44, "大学本科", "主管护师", "full_member", 15),
        ("何志刚", "男", "汉族", 58, "大学本科", "主任医师", "full_member", 31),
        ("高雪梅", "女", "满族", 37, "研究生", "内分泌科主治医师", "full_member", 10),
        ("林伟", "男", "汉族", 40, "研究生", "肾内科副主任医师", "full_member", 12),
        ("罗静", "女", "汉族", 29, "大学本科", "护师", "full_member", 4),
        ("冯德胜", "男", "汉族", 53, "大学专科", "内科病房护工组长", "full_member", 27),  # 留党察看, see below
        ("黄子涵", "女", "汉族", 24, "大学本科", "护士", "applicant", 20),
        ("徐浩然", "男", "汉族", 27, "研究生", "住院医师", "applicant", 62),
        ("马玉兰", "女", "回族", 29, "研究生", "住院医师", "activist", 14),
        ("唐俊杰", "男", "汉族", 26, "大学本科", "护士", "activist", 5),
        ("韩梦瑶", "女", "汉族", 31, "研究生", "主治医师", "development_candidate", 2),
        ("曹宇航", "男", "汉族", 32, "研究生", "主治医师", "probationary_member", 10),
    ),
    "joint_branch": (
        ("彭建军", "男", "汉族", 53, "大学专科", "门诊部主任", "full_member", 26),
        ("蒋丽", "女", "汉族", 38, "大学本科", "主管药师", "full_member", 11),
        ("田雨", "女", "土家族", 28, "大学本科", "药师", "activist", 13),
    ),
    "town_branch": (
        ("范志远", "男", "汉族", 35, "大学本科", "镇经济发展办科员", "full_member", 8),
        ("沈丽娟", "女", "汉族", 32, "研究生", "镇社会事务办科员", "full_member", 6),
        ("达瓦", "男", "藏族", 34, "大学本科", "镇农业农村办科员", "full_member", 7),
        ("程浩", "男", "汉族", 25, "大学本科", "镇党政办科员", "activist", 15),
        ("贺晓燕", "女", "汉族", 29, "大学本科", "镇综治中心科员", "development_candidate", 5),
        ("袁博", "男", "汉族", 28, "研究生", "选调生", "probationary_member", 11),
    ),
    "community_branch": (
        ("金秀珍", "女", "朝鲜族", 63, "高中", "退休职工", "full_member", 35),
        ("锁建华", "男", "回族", 58, "初中", "个体工商户", "full_member", 20),
        ("邵红梅", "女", "汉族", 45, "中专", "社区网格员", "full_member", 13),
        ("胡德宝", "男", "汉族", 71, "初中", "退休工人", "full_member", 45),
        ("鲁晓东", "男", "汉族", 34, "大学专科", "快递驿站负责人", "applicant", 12),
        ("闫丽丽", "女", "汉族", 31, "大学本科", "社区网格员", "activist", 14),
        ("郭强", "男", "汉族", 37, "大学专科", "物业公司经理", "development_candidate", 1),
    ),
}
UNDER_DISCIPLINE = {"冯德胜"}  # 留党察看: no voting rights (RULES.md §2.1)
WORK_UNITS = {
    "branch1": "县人民医院内科", "joint_branch": "县人民医院", "town_branch": "城关镇人民政府",
    "community_branch": "城关镇东街社区",
}


# Stored as the codes the application form uses (webapp/forms/recruitment.py), shown as labels.
GENDER_CODES = {"男": "male", "女": "female"}
EDUCATION_CODES = {"研究生": "postgraduate", "大学本科": "undergraduate", "大学专科": "junior_college",
                   "中专": "secondary", "高中": "secondary", "中专或高中": "secondary", "初中": "junior_high_or_below",
                   "初中及以下": "junior_high_or_below"}


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months, clipped to the end of a shorter month."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def stage_dates(stage: str, reached: date, jitter: int = 0) -> dict[str, date]:
    """Consistent dates of every earlier step for a member who reached ``stage`` on ``reached``:
    designated 3 months after applying, a year of cultivation before candidacy (细则第十一条),
    admitted 4 months later, one year of probation (党章第七条); ``jitter`` spreads the days."""
    steps = ("application_date", "activist_date", "candidate_date", "probation_start", "party_standing_since")
    gaps = (3, 13, 4, 12)
    index = {"applicant": 0, "activist": 1, "development_candidate": 2, "probationary_member": 3,
             "full_member": 4}[stage]
    dates = {steps[index]: reached}
    for i in range(index - 1, -1, -1):
        # Only earlier, never later: every interval stays at least its legal minimum. 党龄 counts
        # from the end of probation, so a full member's probation is exactly one year.
        slack = jitter * (i + 2) % 11 if i < 3 else 0
        dates[steps[i]] = add_months(dates[steps[i + 1]], -gaps[i]) - timedelta(days=slack)
    if "probation_start" in dates:
        dates["probation_end"] = add_months(dates["probation_start"], 12)
    return dates


def _reached(stage: str, ago: int, today: date, serial: int) -> date:
    if stage == "applicant":
        return today - timedelta(days=ago)
    return add_months(today, -ago * (12 if stage == "full_member" else 1)) - timedelta(days=serial * 7 % 20)


def fake_id_number(birth: date, is_male: bool, serial: int) -> str:
    """An 18-digit resident id number with a valid check digit and a county code that does not exist."""
    sequence = (serial * 2 + (1 if is_male else 2)) % 1000
    body = f"{ID_AREA_CODE}{birth:%Y%m%d}{sequence:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


@cache
def _password_hash() -> str:
    # One hash for every demo user: hashing is deliberately slow, and they share one password.
    return hash_password(DEMO_PASSWORD)


def demo_exists() -> bool:
    name = UNITS[0][1]
    return (db.session.scalar(db.select(OrgUnit.id).filter_by(name=name, kind="county_committee").limit(1))
            is not None or db.session.scalar(db.select(User.id).filter_by(username="admin")) is not None)


def seed_demo(with_cases: bool = True) -> list[DemoLogin]:
    """Create the demo organisations, users and members unless they exist, and (``with_cases``) the
    demo's recruitment cases through the real operations; flushes, never commits."""
    if not demo_exists():
        today = clock.today()
        units = _create_units(today)
        serial = _create_users(units, today)
        for branch_key, rows in MEMBERS.items():
            for *person, stage, ago in rows:
                serial += 1
                _add_member(units, branch_key, serial, person, stage, _reached(stage, ago, today, serial), today)
        db.session.flush()
        if with_cases:
            seed_demo_cases(today)
            seed_demo_transfers(units, today)
            seed_demo_elections(today)
            seed_branch_cases(today)
    return demo_logins()


def _create_units(today: date) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for key, name, kind, parent, attributes in UNITS:
        attributes = dict(attributes)
        term = attributes.pop("term", None)
        if term is not None:
            due_on = add_months(today, term[1])
            started_on = add_months(due_on, -12 * _years(kind))
            attributes.update(term_no=term[0], term_started_on=started_on, term_due_on=due_on)
        units[key] = OrgUnit(name=name, kind=kind, parent=units.get(parent), **attributes)
        db.session.add(units[key])
    db.session.flush()
    for unit in units.values():
        unit.top_org_id = units["county"].id
    return units


def _create_users(units: dict[str, OrgUnit], today: date) -> int:
    serial = 0
    for username, person, years, branch_key, positions in USERS:
        user = User(username=username, display_name=person[0], password_hash=_password_hash(),
                    is_admin=username == "admin", email=EMAILS.get(username))
        if branch_key is not None:
            serial += 1
            reached = add_months(today, -12 * years) - timedelta(days=serial * 37 % 97)
            user.member = _add_member(units, branch_key, serial, person, "full_member", reached, today)
        for unit_key, role in positions:
            unit = units[unit_key]
            user.positions.append(Position(unit=unit, role=role, started_on=_term_start(unit, today)))
        db.session.add(user)
    return serial


def _years(kind: str) -> int:
    """The default term length of a kind of unit (rule settings: committees five years, general branches
    and branches three, 《关于党的基层组织任期的意见》)."""
    return SETTINGS_BY_KEY[TERM_YEARS_SETTING[kind]].default


def _term_start(unit: OrgUnit, today: date) -> date:
    return unit.term_started_on or add_months(today, -36)


def _add_member(units, branch_key: str, serial: int, person, stage: str, reached: date, today: date) -> Member:
    name, gender, ethnicity, age, education, occupation = person
    birth = date(today.year - age, serial % 12 + 1, serial * 7 % 28 + 1)
    if birth > add_months(today, -12 * age):  # birthday still to come this year
        birth = date(birth.year - 1, birth.month, birth.day)
    group = None
    if branch_key == "branch1" and stage == "full_member":
        group = units["branch1_group1" if serial % 2 else "branch1_group2"]
    dues = None
    if stage in ("probationary_member", "full_member"):
        # 党费 paid up to last month; a few members have fallen four months behind.
        dues = f"{add_months(today, -4 if serial % 11 == 5 else -1):%Y-%m}"
    member = Member(
        name=name, gender=GENDER_CODES[gender], ethnicity=ethnicity, birth_date=birth,
        id_number=fake_id_number(birth, gender == "男", serial), education=EDUCATION_CODES[education],
        occupation=occupation, work_unit=WORK_UNITS[branch_key], phone=f"139{serial * 7919 % 10**8:08d}",
        unit=units[branch_key], group=group, top_org_id=units["county"].id, stage=stage,
        in_good_standing=name not in UNDER_DISCIPLINE, dues_paid_until=dues,
        **stage_dates(stage, reached, jitter=serial),
    )
    db.session.add(member)
    return member


def login_of(user: User) -> DemoLogin:
    """How a user appears in the login list: positions as Chinese text."""
    held = [f"{p.unit.name} {POSITIONS.get(p.role, p.role)}" for p in user.active_positions(clock.today())]
    if user.is_admin:
        held.insert(0, "系统管理员")
    return DemoLogin(user.username, user.display_name, "；".join(held))


def demo_logins() -> list[DemoLogin]:
    """The demo users present in the database, in the order of the table above."""
    order = {row[0]: i for i, row in enumerate(USERS)}
    users = db.session.scalars(db.select(User).where(User.username.in_(order))).all()
    return [login_of(u) for u in sorted(users, key=lambda u: order[u.username])]


def demo_units() -> dict[str, OrgUnit]:
    """The demo units by their key in UNITS (e.g. "branch1")."""
    names = {name: key for key, name, *_ in UNITS}
    return {names[u.name]: u for u in db.session.scalars(db.select(OrgUnit).where(OrgUnit.name.in_(names)))}
