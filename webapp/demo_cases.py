"""Demo recruitment cases (发展党员, RULES.md §3): valid answers for every step, and the cases the demo
starts with so that every demo inbox has work.

``step_data(step_code, facts)`` gives a step's main-path answers as plain JSON values, dated on the
step's own day (``facts.today``) and consistent with the guards of workflows/procedures/recruitment*.py;
``overrides`` take the exits (a value of None leaves the field out). The demo seed and the scenario
tests both use it. ``seed_demo_cases`` starts and advances cases through the real operations, as the
demo users who hold the acting positions. Their legal dates lie in the past, as when minutes are
entered days later (RULES.md §2.8); the engine's timestamps are now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import joinedload

from workflows.calendar import add_months, add_years, parse_date
from workflows.procedures import recruitment

from . import clock
from .cases import formkit, operations
from .cases.context import voting_member_count
from .extensions import db
from .models import Case, LaneRuleRow, Member, OrgUnit, Position, User


@dataclass(frozen=True)
class StepFacts:
    """What a step's answers depend on besides the step itself."""

    today: date  # the step's legal date: the day of the meeting, talk or filing
    variables: Mapping[str, Any] = field(default_factory=dict)  # the case's variables before the step
    member_ids: tuple[int, ...] = ()  # full members of the branch in good standing: talkers, mentors, sponsors
    committee_member_ids: tuple[int, ...] = ()  # 党委委员 and 组织员 of the approving committee (R16)
    branch_id: int | None = None
    group_id: int | None = None
    voting_members: int = 0  # 应到会有表决权的党员 of the branch
    deliberating_org: str = "党总支"  # the unit deliberating at R15b/R23b


ARCHIVE_ITEMS = ("admission_form", "application_letter", "political_review", "cultivation_records",
                 "regularization_application")


def _iso(day: date) -> str:
    return day.isoformat()


def _case_day(facts: StepFacts, name: str) -> date:
    return parse_date(facts.variables.get(name)) or facts.today


def _form_no(facts: StepFacts) -> str:
    # 入党志愿书 are numbered when the committee issues them after the pre-review (编号管理)
    issued = _case_day(facts, "pre_review_decided_at")
    return f"{issued:%Y}-{facts.branch_id or 0:03d}-{issued:%m%d}"


def _tally(d: date, facts: StepFacts, text: str) -> dict[str, Any]:
    voters = facts.voting_members  # everyone with a vote came and voted yes (细则第二十一条)
    return {"expected_voting": voters, "present_voting": voters, "yes": voters, "no": 0, "abstain": 0,
            "resolution_text": text, "resolution_date": _iso(d)}


def _filing(d: date, facts: StepFacts) -> dict[str, Any]:
    return {"submitted_at": _iso(d), "acknowledged_at": _iso(d), "acknowledged_by": "组织科", "result": "filed"}


def _review(d: date, facts: StepFacts, since: str) -> dict[str, Any]:
    return {"review_date": _iso(d), "period_start": _iso(min(_case_day(facts, since), d)), "period_end": _iso(d),
            "thought_reports": "按季度递交思想汇报，认识不断提高。", "activities": "按时参加组织生活和党课学习。",
            "mentor_opinion": "政治立场坚定，工作积极主动。", "group_opinion": "党小组同意。",
            "branch_assessment": "表现良好，继续培养。"}


def _application(d: date, facts: StepFacts) -> dict[str, Any]:
    from .demo import fake_id_number  # demo.py imports this module

    birth = add_years(d, -26) - timedelta(days=47)
    return {"name": "周明远", "gender": "male", "ethnicity": "汉族", "birth_date": _iso(birth),
            "id_number": fake_id_number(birth, True, 801), "education": "postgraduate", "occupation": "住院医师",
            "work_unit": "县人民医院内科", "youth_league_member": True, "phone": "13900000801",
            "application_letter_received": True, "application_date": _iso(d)}


_ANSWERS: Mapping[str, Callable[[date, StepFacts], dict[str, Any]]] = {
    "R01": _application,
    "R02": lambda d, f: {"talk_date": _iso(d), "talker_ids": list(f.member_ids[:1]), "place": "党员活动室",
                         "summary": "了解入党动机和本人经历，讲明党员条件和入党程序。",
                         "applicant_remarks": "愿意接受组织培养。"},
    "R03": lambda d, f: {"recommendation_type": "member", "recommender": "党员推荐", "recommendation_date": _iso(d),
                         "committee_meeting_date": _iso(d), "decision": "designate", "activist_date": _iso(d)},
    "R04": _filing,
    "R05": lambda d, f: {"mentor_ids": list(f.member_ids[1:3]), "assigned_at": _iso(d)},
    "R06": lambda d, f: {**_review(d, f, "activist_date"), "cultivation_next": "propose_candidate"},
    "R06b": lambda d, f: _review(d, f, "activist_date"),
    "R21b": lambda d, f: _review(d, f, "probation_start"),
    "R07": lambda d, f: {"group_opinion": "党小组同意列为发展对象。", "mentor_opinion": "培养联系人同意。",
                         "members_and_masses_method": "座谈会", "members_and_masses_participants": "党员、群众代表12人",
                         "members_and_masses_summary": "群众认可，无反对意见。",
                         "committee_meeting_date": _iso(d), "candidate_date": _iso(d),
                         "quota_ref": f"发展计划{d:%Y}"},
    "R08": lambda d, f: {**_filing(d, f), "consent": True},
    "R09": lambda d, f: {"sponsor_ids": list(f.member_ids[1:3]), "assigned_at": _iso(d)},
    "R10": lambda d, f: {"inquiries": "向户籍地和原单位函调，回函无问题。", "archive_check": "查阅人事档案，无问题。",
                         "conclusion": "pass", "conclusion_doc": "政治审查合格。", "concluded_at": _iso(d),
                         "concluded_by": "支部委员会"},
    "R11": lambda d, f: {"class_id": f"{d:%Y}年第二期发展对象培训班", "organiser_org": "县委党校",
                         "start": _iso(d - timedelta(days=2)), "end": _iso(d), "hours": 24,
                         "attendance": "全勤", "assessment": "合格", "certificate_no": f"PX{d:%Y%m%d}"},
    "R12": lambda d, f: {"review_report": "发展对象材料齐全，条件成熟。", "opinion_summary": "党员和群众无异议。",
                         "committee_meeting_date": _iso(d), "decision": "qualified"},
    "R13": lambda d, f: {"received_at": _iso(d), "decided_at": _iso(d), "result": "pass", "opinion": "预审合格。",
                         "consulted_depts": "纪检部门", "admission_form_no": _form_no(f), "issued_at": _iso(d)},
    "R14": lambda d, f: {"admission_form_no": _form_no(f), "filled_at": _iso(d),
                         "sponsor_opinions": "两名入党介绍人同意其入党。"},
    "R15": lambda d, f: _tally(d, f, "同意接收为中共预备党员。"),
    "R15b": lambda d, f: {"deliberating_org": f.deliberating_org, "opinion": "同意。", "deliberated_on": _iso(d)},
    "R16": lambda d, f: {"talker_id": f.committee_member_ids[0] if f.committee_member_ids else None,
                         "talk_date": _iso(d), "summary": "对党的认识正确，入党动机端正。", "opinion": "同意接收。"},
    "R17": lambda d, f: {"committee_meeting_date": _iso(d), "decided_on": _iso(d), "decision": "approved",
                         "votes_per_candidate": "应到7人，实到7人，7票赞成。", "notice_sent_at": _iso(d),
                         "announced_at": _iso(d)},
    "R18": lambda d, f: {"filing_report": "报送接收预备党员备案材料。", "filed_at": _iso(d), "acknowledged_at": _iso(d),
                         "result": "filed"},
    "R19": lambda d, f: {"branch_id": f.branch_id, "group_id": f.group_id, "assigned_at": _iso(d)},
    "R20": lambda d, f: {"oath_date": _iso(d), "place": "党员活动室", "host": "党支部书记",
                         "participants": "本支部全体党员"},
    "R21": lambda d, f: {**_review(d, f, "probation_start"), "discipline_events": "无",
                         "probation_next": "probation_ending"},
    "R22": lambda d, f: {"application_date": _iso(d)},
    "R23": lambda d, f: {**_tally(d, f, "同意按期转为中共正式党员。"), "outcome": "regularize",
                         "reasons": "预备期表现良好。"},
    "R24": lambda d, f: {"committee_meeting_date": _iso(d), "decided_on": _iso(d), "decision": "approved",
                         "notice_sent_at": _iso(d)},
    "R25": lambda d, f: {
        "archive_items": list(ARCHIVE_ITEMS if f.variables.get("regularization_outcome") == "regularize"
                              else ARCHIVE_ITEMS[:-1]),
        "destination": "personnel_file", "archived_at": _iso(d), "archivist": "组织委员"},
}


def step_data(step_code: str, facts: StepFacts, overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The main-path answers of a recruitment step (its code or form key), changed by ``overrides``."""
    key = "R21b" if step_code == "R21b_periodic_review" else recruitment.step_key(step_code)
    data = {name: value for name, value in _ANSWERS[key](facts.today, facts).items() if value is not None}
    for name, value in (overrides or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def branch_facts(unit_id: int, today: date) -> StepFacts:
    """The facts of a branch read from the database (its members, committee, groups), for a step dated ``today``."""
    members = db.session.scalars(db.select(Member.id).filter_by(
        unit_id=unit_id, stage="full_member", in_good_standing=True).order_by(Member.id)).all()
    committee = [int(choice.value) for choice in formkit.approving_committee_members(unit_id)]
    groups = formkit.branch_groups(unit_id)
    return StepFacts(today=today, member_ids=tuple(members), committee_member_ids=tuple(committee),
                     branch_id=unit_id, group_id=groups[0].value if groups else None,
                     voting_members=voting_member_count(unit_id))


def case_facts(case: Case, today: date, branch: StepFacts | None = None) -> StepFacts:
    """The facts of ``case`` for a step dated ``today``; ``branch``: its branch_facts, when already read."""
    deliberating = [i.unit.name for i in case.work_items if i.is_open and i.form_key == "intermediate_deliberation"]
    return replace(branch or branch_facts(case.unit_id, today), today=today, variables=dict(case.variables or {}),
                   deliberating_org=deliberating[0] if deliberating else StepFacts.deliberating_org)


# ---------- the demo's cases ----------

# The main path up to the filing of the admission: step, (months, days) after the step before, overrides.
DEMO_PATH: tuple[tuple[str, tuple[int, int], dict[str, Any]], ...] = (
    ("R01_submit_application", (0, 0), {}),
    ("R02_initial_talk", (0, 12), {}),  # 细则第七条: within a month
    ("R03_designate_activist", (3, 0), {}),
    ("R04_file_activist", (0, 8), {}),
    ("R05_assign_mentors", (0, 5), {}),
    ("R06_cultivation_review", (6, 0), {"cultivation_next": "review_again"}),  # 细则第十一条: every half year
    ("R06_cultivation_review", (6, 0), {}),
    ("R07_designate_candidate", (0, 10), {}),  # 细则第十三条: more than a year after the designation
    ("R08_file_candidate", (0, 7), {}),
    ("R09_assign_sponsors", (0, 5), {}),
    ("R10_political_review", (1, 0), {}),
    ("R11_intensive_training", (0, 15), {}),
    ("R12_committee_review", (0, 20), {}),
    ("R13_pre_review", (0, 12), {}),
    ("R14_fill_admission_form", (0, 6), {}),
    ("R15_assembly_admission_vote", (0, 12), {}),
    ("R15b_intermediate_deliberation", (0, 8), {}),
    ("R16_committee_talk", (0, 10), {}),
    ("R17_committee_approval", (0, 20), {}),
    ("R18_file_upper_department", (0, 10), {}),
)

# branch key, applicant (name, gender, age, education, occupation), the step the case waits at,
# days since the step before it was done (孟思远's talk falls due within days and 许嘉欣's is overdue:
# the talk is due a month after the application, and 督办 shows both)
DEMO_CASES = (
    ("branch1", ("孟思远", "male", 23, "undergraduate", "规培住院医师"), "R02_initial_talk", 28),
    ("branch1", ("苏婉清", "female", 26, "undergraduate", "护师"), "R04_file_activist", 4),
    ("branch1", ("陆一鸣", "male", 30, "postgraduate", "主治医师"), "R10_political_review", 12),
    ("branch1", ("秦雅琪", "female", 28, "postgraduate", "住院医师"), "R15b_intermediate_deliberation", 6),
    ("branch1", ("顾晨阳", "male", 33, "postgraduate", "主治医师"), "R18_file_upper_department", 5),
    ("joint_branch", ("许嘉欣", "female", 25, "undergraduate", "药师"), "R02_initial_talk", 40),
    ("town_branch", ("姜文博", "male", 27, "undergraduate", "镇便民服务中心科员"), "R03_designate_activist", 20),
    ("town_branch", ("宋佳怡", "female", 30, "undergraduate", "镇财政所科员"), "R13_pre_review", 8),
    # a talk that is late (细则第七条: within a month): the worker's first tick puts it before 城关镇党委 (督办)
    ("town_branch", ("何志强", "male", 29, "undergraduate", "镇农业服务中心技术员"), "R02_initial_talk", 40),
    ("community_branch", ("梁国栋", "male", 42, "junior_college", "社区志愿服务队队长"), "R06_cultivation_review", 150),
    ("community_branch", ("韩晓东", "male", 24, "undergraduate", "社区网格员"), "R02_initial_talk", 10),
    ("community_branch", ("潘小燕", "female", 35, "secondary", "社区超市店主"), "R15b_intermediate_deliberation", 3),
)

START_ROLES = ("secretary", "deputy_secretary", "org_member")  # the 组织委员 logs the receipt (R01)


def seed_demo_cases(today: date) -> list[Case]:
    """Start the demo's recruitment cases (DEMO_CASES) at their stages; flushes, never commits.

    Nothing is started before `init` has loaded the definitions and the lane registry.
    """
    from .demo import demo_units  # demo.py imports this module

    definition = operations.current_definition("recruitment")
    if definition is None or db.session.scalar(db.select(LaneRuleRow.key).limit(1)) is None:
        return []
    units = demo_units()
    cases = [_seed_case(definition, units, serial, *row, today) for serial, row in enumerate(DEMO_CASES, 1)]
    db.session.flush()
    return cases


def _seed_case(definition, units, serial: int, branch_key: str, person, waits_at: str, days_ago: int,
               today: date) -> Case:
    path = DEMO_PATH[:[code for code, *_ in DEMO_PATH].index(waits_at)]
    days = _legal_dates(path, today - timedelta(days=days_ago))
    case = _start(definition, units[branch_key], _applicant(branch_key, person, days[0], serial))
    branch = branch_facts(case.unit_id, today)  # the seed changes no full member: read once
    for (step_code, _gap, overrides), day in zip(path[1:], days[1:], strict=True):
        _advance(case, step_code, case_facts(case, day, branch), overrides)
    waiting = sorted(i.step_code for i in case.work_items if i.is_open)
    if waiting != [waits_at]:
        raise RuntimeError(f"demo case {person[0]} waits at {waiting}, not at {waits_at}")
    return case


def _legal_dates(path, last: date) -> list[date]:
    """The day of each step of ``path``, counted back from the day of its last step."""
    days = [last]
    for _code, (months, gap_days), _overrides in reversed(path[1:]):
        days.insert(0, add_months(days[0], -months) - timedelta(days=gap_days))
    return days


def _applicant(branch_key: str, person, applied: date, serial: int) -> dict[str, Any]:
    from .demo import WORK_UNITS, fake_id_number  # demo.py imports this module

    name, gender, age, education, occupation = person
    birth = add_years(applied, -age) - timedelta(days=serial * 29 % 300 + 1)
    phone = f"138{serial * 7919 % 10**8:08d}"
    return step_data("R01_submit_application", StepFacts(today=applied), {
        "name": name, "gender": gender, "birth_date": birth.isoformat(), "education": education,
        "id_number": fake_id_number(birth, gender == "male", 500 + serial), "occupation": occupation,
        "work_unit": WORK_UNITS[branch_key], "phone": phone, "youth_league_member": age <= 28})


def _start(definition, unit: OrgUnit, data: dict[str, Any]) -> Case:
    form_key = "R01_submit_application"
    actor = _position_holder(unit.id, START_ROLES)
    return operations.start_case(definition, unit, _form_input("recruitment", form_key, unit.id, data), actor)


def _advance(case: Case, step_code: str, facts: StepFacts, overrides: Mapping[str, Any]) -> None:
    item = next((i for i in case.work_items if i.is_open and i.step_code == step_code), None)
    if item is None and step_code.endswith("_intermediate_deliberation"):
        return  # no 党总支 or 村社区党委 between the branch and its committee: nobody deliberates
    if item is None:
        raise RuntimeError(f"demo case {case.title} has no open step {step_code}")
    data = step_data(step_code, facts, overrides)
    operations.complete_work_item(item, _form_input(case.process_key, item.form_key, case.unit_id, data),
                                  _position_holder(item.unit_id, item.position_list))


def _form_input(process_key: str, form_key: str, unit_id: int, data: Mapping[str, Any]) -> dict[str, Any]:
    """``data`` read through the step's form, exactly as a page submission would be."""
    form = formkit.build_form(process_key, form_key, unit_id, formkit.formdata_from_json(dict(data)))
    if not form.validate():
        raise ValueError(f"demo answers of {form_key} do not fit its form: {form.errors}")
    return formkit.submitted_data(form)


def _position_holder(unit_id: int, roles) -> User:
    """The demo user acting in ``unit_id`` by one of ``roles``: the 组织委员 where there is one, as the
    main handler of recruitment cases (RULES.md §3.1), else by the first role someone holds."""
    roles = sorted(roles, key=lambda role: role != "org_member")
    positions = db.session.scalars(db.select(Position).where(Position.unit_id == unit_id, Position.role.in_(roles))
                                   .options(joinedload(Position.user)).order_by(Position.id)).all()
    found = sorted((p for p in positions if p.is_active_on(clock.today())), key=lambda p: roles.index(p.role))
    if not found:
        raise RuntimeError(f"no demo user holds {roles} in unit {unit_id}")
    return found[0].user
