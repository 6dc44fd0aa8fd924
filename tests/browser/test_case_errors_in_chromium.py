"""A case the engine stopped (异常), in Chromium: the secretary's submission comes back with the reason,
the admin sees it on the case page and resumes the case."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from test_pages_in_chromium import CSRF_META, log_in, log_out, start_case_without_browser

from webapp import clock
from webapp.extensions import db
from webapp.models import Case, Member, ProcessDefinition, WorkItem
from workflows.specs import sha256_of

RECRUITMENT_XML = (Path(__file__).parents[2] / "bpmn" / "recruitment.bpmn").read_text(encoding="utf-8")
TO_R03 = ('<bpmn:sequenceFlow id="flow_activist_designation_loop__R03_designate_activist" '
          'sourceRef="activist_designation_loop" targetRef="R03_designate_activist" />')


def store_a_loop_without_a_person(app) -> None:
    """A version with a loop in it, stored straight in the database (never through the publish checks)."""
    xml = RECRUITMENT_XML.replace(TO_R03, TO_R03.replace('targetRef="R03_designate_activist"',
                                                         'targetRef="activist_designation_loop"'))
    with app.app_context():
        current = db.session.scalars(db.select(ProcessDefinition).filter_by(process_key="recruitment",
                                                                           is_current=True)).one()
        current.is_current = False
        db.session.add(ProcessDefinition(process_key="recruitment", name=current.name, version=current.version + 1,
                                         sha256=sha256_of(xml.encode()), bpmn_xml=xml, is_current=True,
                                         published_at=clock.now()))
        db.session.commit()


def test_a_secretary_sees_why_the_step_did_not_go_through_and_an_admin_resumes_the_case(
        page: Page, app, demo, browser_log, screenshot):
    store_a_loop_without_a_person(app)
    item_id = start_case_without_browser(app, demo.unit_ids["branch1"])
    with app.app_context():
        talker = db.session.scalars(db.select(Member).filter_by(unit_id=demo.unit_ids["branch1"],
                                                                stage="full_member")).first()
        case_id = db.session.get(WorkItem, item_id).case_id

    log_in(page, "branch1_secretary")
    page.goto(f"/inbox/{item_id}")
    page.get_by_label("谈话日期").fill(clock.today().isoformat())
    page.get_by_label(re.compile(talker.name)).check()
    page.get_by_label("谈话情况").fill("谈话了解入党动机。")
    page.get_by_role("button", name=re.compile("提交")).click()
    page.wait_for_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator(".flash-error")).to_contain_text("提交未生效")
    expect(page.locator(".notice-error")).to_contain_text("一次运行超过 200 步")
    screenshot(page, "case-stopped-secretary")
    log_out(page)

    log_in(page, "admin")
    page.goto(f"/cases/{case_id}")
    expect(page.locator(".notice-error")).to_contain_text("党组织派人谈话")
    screenshot(page, "case-stopped-admin")
    page.get_by_role("button", name="恢复办件").click()
    expect(page.locator(".flash-success")).to_have_text("办件已恢复办理。")
    with app.app_context():
        assert db.session.get(Case, case_id).status == "running"
    assert CSRF_META.search(page.content())  # the form posted with the page's token (CSRF is on)
