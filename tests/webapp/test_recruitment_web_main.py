"""发展党员 through the pages, from the application to full membership (RULES.md §3.2, main path), in the
three demo trees: at every step the work item is in the 待办 of the responsible unit and of no other,
and the applicant's member record follows the case.

内科第一党支部 → 内科党总支 (deliberates) → 县人民医院党委 (approves), five levels; 城关镇机关党支部 → 城关镇党委,
three levels and nobody deliberates; 东街社区第一党支部 → 东街社区党委 (deliberates) → 城关镇党委 (approves).
Each admission is filed with 中共城关县委组织部 (R18).
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from recruitment_driver import (
    MAIN_PATH,
    ROUTES,
    FakeClock,
    Scenario,
    audit_verifies,
    case_page,
    do_step,
    inbox_holders,
    member,
    open_items,
    start,
    variables,
    wait_for,
)

from webapp import clock
from webapp.extensions import db
from webapp.models import WorkItem
from workflows.calendar import add_months, add_years, parse_date

# The steps that move the applicant to the next stage (RULES.md §3 "Applicant states").
STAGE_CHANGES = {
    "R03_designate_activist": "activist",
    "R07_designate_candidate": "development_candidate",
    "R17_committee_approval": "probationary_member",
    "R24_committee_regularization_approval": "full_member",
}


@pytest.fixture
def sc(app, demo, login, monkeypatch) -> Scenario:
    return Scenario(app, demo, login, FakeClock(monkeypatch))


@pytest.mark.parametrize("branch", ["branch1", "town_branch", "community_branch"])
def test_recruitment_through_the_pages_from_application_to_full_membership(sc, runner, branch):
    applied = sc.clock.today
    start(sc, branch)
    assert (member(sc).stage, member(sc).application_date) == ("applicant", applied)
    deliberates = ROUTES[branch]["deliberation"] is not None
    stage, expected, stages, done = "applicant", [], [], []

    for step_code in MAIN_PATH:
        if step_code.endswith("_intermediate_deliberation") and not deliberates:
            continue  # no 党总支 or 村社区党委 between the branch and its committee: R15 → R16, R23 → R24
        wait_for(sc, step_code)
        do_step(sc, step_code)  # asserts the item's unit and who sees it in 待办 before submitting
        stage = STAGE_CHANGES.get(step_code, stage)
        expected.append((step_code, stage))
        stages.append((step_code, member(sc).stage))
        done.append(step_code)

    assert stages == expected
    with sc.app.app_context():
        handled = db.session.scalars(db.select(WorkItem.step_code).filter_by(
            case_id=sc.case_id, status="completed").order_by(WorkItem.id)).all()
    assert handled == done
    person, facts = member(sc), variables(sc)
    # 细则第十三条: more than a year of cultivation; 党章第七条: one year of probation from the resolution,
    # 党龄 from its end
    assert person.activist_date == applied and person.candidate_date == add_years(applied, 1)
    assert person.probation_start == parse_date(facts["resolution_date"]) == person.candidate_date
    assert person.probation_end == add_years(person.probation_start, 1) == person.party_standing_since
    assert open_items(sc) == []
    page = case_page(sc, "branch1_secretary" if branch == "branch1" else "town_secretary")
    assert "已办结" in page and person.name in page
    assert audit_verifies(runner)


def test_finished_steps_leave_every_inbox(sc):
    start(sc, "branch1")
    (item_id, _, _), = open_items(sc)

    do_step(sc, "R02_initial_talk")

    assert inbox_holders(sc, item_id) == []


def test_demo_cases_leave_work_in_every_demo_inbox(app, demo_with_cases, login):
    for entry in demo_with_cases.logins:
        if entry.username == "admin":
            continue  # holds no position: nothing is routed to the administrator
        client = app.test_client()
        login(client, entry.username)
        assert re.search(r'href="/inbox/\d+"', client.get("/inbox/").get_data(as_text=True)), entry.username


def test_every_step_with_a_time_limit_gets_its_due_date_on_the_work_item(sc):
    """RULES.md §3.2 **T**: talk within a month of the application, approval within 3 months of the
    resolution and never beyond 6, the reminder 30 days before probation ends, archive within 7 days."""
    start(sc, "town_branch")
    dates = {}
    for step_code in MAIN_PATH:
        if step_code.endswith("_intermediate_deliberation"):
            continue  # 城关镇机关党支部: nobody deliberates
        wait_for(sc, step_code)
        (item_id, waiting, _), = open_items(sc)
        with sc.app.app_context():
            item = db.session.get(WorkItem, item_id)
            dates[waiting] = (item.opened_at, item.due_on, item.hard_due_on, item.remind_on)
        do_step(sc, step_code, check_inboxes=False)
    facts = variables(sc)
    application, resolution = parse_date(facts["application_date"]), parse_date(facts["resolution_date"])
    probation_end = parse_date(facts["probation_end"])
    assert dates["R02_initial_talk"][1] == add_months(application, 1)
    assert dates["R17_committee_approval"][1:3] == (add_months(resolution, 3), add_months(resolution, 6))
    assert dates["R22_regularization_application"][1:] == (probation_end, None, probation_end - timedelta(days=30))
    opened = dates["R25_archive_dossier"][0].astimezone(clock.LOCAL_ZONE).date()
    assert dates["R25_archive_dossier"][1] == opened + timedelta(days=7)
    assert dates["R05_assign_mentors"][1:] == (None, None, None)  # no time limit on that step
