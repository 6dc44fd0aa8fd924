"""督办事项 in Chromium: the general branch above a late talk finds it in its navigation and its list,
urges once, and the branch's 待办 marks the item as put before the unit above."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from test_pages_in_chromium import log_in, log_out

from webapp import clock
from webapp.cases import timer_worker
from webapp.demo import fake_id_number
from webapp.extensions import db
from webapp.models import Case, Member, WorkItem

APPLICANT = "赵一帆"

def late_talk(app, demo) -> None:
    """A recruitment case whose application is 40 days old: its talk is overdue when the case starts, and
    escalates at once (due soon, overdue, 督办), as the worker would have done."""
    from webapp.cases import operations

    applied = clock.today() - timedelta(days=40)
    birth = applied.replace(year=applied.year - 24)
    with app.app_context():
        operations.start_case(operations.current_definition("recruitment"), demo.unit("branch1"), {
            "name": APPLICANT, "gender": "male", "ethnicity": "汉族", "birth_date": birth.isoformat(),
            "id_number": fake_id_number(birth, True, 911), "education": "undergraduate",
            "application_letter_received": True, "application_date": applied.isoformat()},
            demo.user("branch1_org"))
        db.session.commit()
        member_id = db.session.scalar(db.select(Member.id).filter_by(name=APPLICANT))
        talk = db.session.scalars(db.select(WorkItem).join(Case).where(Case.subject_member_id == member_id)).one()
        assert talk.escalation_level == 3
        assert timer_worker.tick(clock.now()).escalated == 0  # nothing left for the worker

def test_the_general_branch_sees_the_late_talk_urges_it_and_the_branch_sees_it_went_up(page: Page, app, demo,
                                                                                       screenshot):
    late_talk(app, demo)
    log_in(page, "internal_gb_secretary")
    nav = page.get_by_role("navigation", name="主导航").get_by_role("link", name=re.compile("^督办"))
    expect(nav).to_contain_text("1")
    nav.click()
    section = page.locator("#supervision-items")
    expect(section.locator("tr", has_text=APPLICANT)).to_contain_text("党组织派人谈话")
    screenshot(page, "dashboard-supervision")
    section.get_by_role("link", name=re.compile("^查看全部督办事项")).click()
    row = page.locator("tr", has_text=APPLICANT)
    expect(row).to_contain_text("党组织派人谈话")
    expect(row).to_contain_text("内科第一党支部")
    expect(row.locator(".overdue-tag")).to_contain_text("逾期")
    screenshot(page, "supervision")
    row.get_by_role("button", name="催办").click()
    expect(page.locator(".flash")).to_contain_text("已催办")
    expect(page.locator("tr", has_text=APPLICANT)).to_contain_text("1 次")
    log_out(page)

    log_in(page, "branch1_org")
    page.goto("/inbox/")
    mine = page.locator("tr", has_text=APPLICANT)
    expect(mine.locator(".escalated-tag")).to_have_text("已报上级督办")
    screenshot(page, "inbox-escalated")
    page.goto("/notifications/")
    expect(page.locator(".notification-list")).to_contain_text("催办")
