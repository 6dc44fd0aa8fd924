"""换届选举 in real headless Chromium: 发起换届选举 from the unit's page, the request form, the case page with
its diagram, the 党员大会's ballot form with one count per candidate (a refused tally, then a good one), the
new committee's officer form. Screenshots in screenshots/browser-election-*.png.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from test_pages_in_chromium import log_in, log_out

from webapp import clock
from webapp.cases import operations
from webapp.demo_cases import _form_input, _position_holder
from webapp.demo_election import case_election_facts, election_step_data
from webapp.extensions import db
from webapp.models import Case, WorkItem


def advance(app, case_id: int, *step_codes: str) -> None:
    """Complete the waiting steps with the main-path answers, through the operations (quicker than a browser)."""
    with app.app_context():
        for step_code in step_codes:
            case = db.session.get(Case, case_id)
            item = db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id, status="open")).one()
            assert item.step_code == step_code
            data = election_step_data(step_code, case_election_facts(case, clock.today()))
            operations.complete_work_item(item, _form_input(case.process_key, item.form_key, case.unit_id, data),
                                          _position_holder(item.unit_id, item.position_list))
            db.session.commit()


def open_item(app, case_id: int) -> int:
    with app.app_context():
        return db.session.scalars(db.select(WorkItem.id).filter_by(case_id=case_id, status="open")).one()


def test_a_secretary_starts_an_election_from_the_units_page_and_the_assembly_records_its_ballot(
        page: Page, app, demo, browser_log, screenshot):
    branch = demo.unit_ids["branch1"]
    log_in(page, "branch1_org")
    page.goto(f"/orgs/{branch}")
    screenshot(page, "election-unit-offer")
    page.get_by_role("link", name="发起换届选举").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("换届选举")
    today = clock.today().isoformat()
    page.get_by_label("支委会研究日期").fill(today)
    page.get_by_label("委员名额").fill("5")
    page.get_by_label("副书记职数").fill("1")
    page.get_by_label("计划召开党员大会日期").fill(today)
    page.get_by_label("选举办法（草案）").fill("实行差额选举，无记名投票。")
    page.get_by_label("报送换届请示日期").fill(today)
    screenshot(page, "election-request-form")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    case_id = int(page.url.rsplit("/", 1)[1])
    expect(page.locator(".badge-running").first).to_be_visible()
    # bpmn-js drew the definition and marked the step the case waits at: the superior's reply
    expect(page.locator('#case-diagram svg g.djs-element[data-element-id="E03_request_approval"]')).to_be_visible()
    screenshot(page, "election-case")

    advance(app, case_id, "E03_request_approval", "E04_nominate", "E04b_review_shortlist")
    log_out(page)
    log_in(page, "branch1_secretary")
    page.goto(f"/inbox/{open_item(app, case_id)}")
    table = page.locator("table.vote-table")
    expect(table.locator("tbody tr")).to_have_count(6)  # six candidates for five seats
    page.get_by_label("选举日期", exact=True).fill(today)
    page.get_by_label("应到会有选举权的党员人数").fill("14")
    page.get_by_label("实到会有选举权的党员人数").fill("14")
    page.get_by_label("本轮应选名额").fill("5")
    page.get_by_label("选举办法已经党员大会通过").check()
    page.get_by_label("发出选票").fill("14")
    page.get_by_label("收回选票").fill("14")
    page.get_by_label("无效选票").fill("0")
    page.locator("fieldset", has_text="监票人").get_by_label("罗静").check()  # not a candidate
    inputs = table.locator("input[type=number]")
    for index in range(6):
        inputs.nth(index).fill("14")  # 84 marks on 14 ballots for 5 seats: some ballots marked 6 names
    browser_log.expect_status(422)
    page.get_by_role("button", name="提交").click()
    expect(page.locator("#votes-error")).to_contain_text("所选人数多于应选名额的选票无效")
    screenshot(page, "election-ballot-refused")
    for index, count in enumerate((13, 13, 12, 12, 11, 3)):
        table.locator("input[type=number]").nth(index).fill(str(count))
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/inbox/"))

    page.goto(f"/inbox/{open_item(app, case_id)}")  # the new committee elects its officers
    expect(page.get_by_role("heading", level=1)).to_have_text("新一届委员会选举书记、副书记")
    screenshot(page, "election-officers-form")
    page.goto(f"/cases/{case_id}")
    expect(page.get_by_text("陈晓明：13").first).to_be_visible()
    screenshot(page, "election-case-after-ballot")
