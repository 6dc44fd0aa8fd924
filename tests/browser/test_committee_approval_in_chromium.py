"""RULES.md §12 C16 in real headless Chromium: where the county says the superior approves whole committees, 内科党总支
sees the approving form of that mode (the 委员 and 书记/副书记 it may refuse), refuses one 委员, and the case page's
diagram shows the case back at the 党员大会 of the branch. The setting is on the admin's settings page with its
choices. Screenshots in screenshots/browser-committee-approval-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect
from test_election_in_chromium import advance, open_item
from test_pages_in_chromium import log_in, log_out

from webapp import clock
from webapp.cases import operations
from webapp.demo_cases import _form_input, _position_holder
from webapp.demo_election import election_facts, election_step_data
from webapp.extensions import db
from webapp.models import Case, Member, OrgUnit, RuleOverride

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"  # as conftest's screenshot fixture


def start_election(app, demo) -> int:
    """县委 has the superiors approve whole committees; 内科第一党支部 asks for its 换届 (E02)."""
    with app.app_context():
        db.session.add(RuleOverride(unit_id=demo.unit_ids["county"], key="election.committee_member_result",
                                    value="approve"))
        unit = db.session.get(OrgUnit, demo.unit_ids["branch1"])
        data = election_step_data("E02_prepare", election_facts(unit.id, clock.today()))
        case = operations.start_case(operations.current_definition("term_election"), unit,
                                     _form_input("term_election", "E02_prepare", unit.id, data),
                                     _position_holder(unit.id, ("secretary", "org_member")))
        db.session.commit()
        return case.id


def test_the_superior_refuses_a_member_and_the_case_goes_back_to_the_assembly(page: Page, app, demo, browser_log,
                                                                             screenshot):
    case_id = start_election(app, demo)
    advance(app, case_id, "E03_request_approval", "E04_nominate", "E04b_review_shortlist", "E05_assembly_election",
            "E06_elect_officers", "E07_report_results")
    with app.app_context():
        last = db.session.get(Member, db.session.get(Case, case_id).variables["elected_ids"][-1]).name

    log_in(page, "internal_gb_secretary")
    page.goto(f"/inbox/{open_item(app, case_id)}")
    expect(page.get_by_role("heading", level=1)).to_have_text("上级党组织审批选举结果")
    expect(page.get_by_text("批准全体委员和书记、副书记（任命批复）")).to_be_visible()
    members = page.locator("fieldset", has_text="不批准的委员")
    expect(members.get_by_role("checkbox")).to_have_count(5)  # the five elected
    screenshot(page, "committee-approval-form")

    page.get_by_label("批复日期").fill(clock.today().isoformat())
    page.get_by_label("不批准部分人选").check()
    browser_log.expect_status(422)
    page.get_by_role("button", name="提交").click()  # not approving, without saying whom
    expect(page.locator("#refused_member_ids-error")).to_contain_text("须写明不批准哪些委员")
    screenshot(page, "committee-approval-refused-without-names")
    page.locator("fieldset", has_text="不批准的委员").get_by_label(last).check()
    page.get_by_label("意见").fill("该同志不宜进入支委会，请重新选举")
    page.get_by_role("button", name="提交").click()
    page.wait_for_url(re.compile(r"/inbox/"))

    page.goto(f"/cases/{case_id}")
    expect(page.get_by_text(f"上级党组织不批准{last}任内科第一党支部委员").first).to_be_visible()
    # the diagram marks the step the case waits at again: the branch's 党员大会
    expect(page.locator('#case-diagram svg g.djs-element[data-element-id="E05_assembly_election"]')).to_be_visible()
    expect(page.locator('#case-diagram svg g.djs-element[data-element-id="approval_result__reelect"]')).to_be_visible()
    screenshot(page, "committee-approval-case")
    page.locator("#case-diagram").screenshot(path=str(SCREENSHOTS / "browser-committee-approval-diagram.png"))

    log_out(page)
    log_in(page, "admin")
    page.goto("/admin/settings")
    row = page.locator("tr", has_text="election.committee_member_result")
    expect(row).to_contain_text("新一届委员会委员（含补选的委员）报上级党组织的方式")
    expect(row.locator("option")).to_have_count(3)  # 未设置, 备案, 审批
    expect(row.locator("select")).to_contain_text("审批：上级党组织审批全体委员和书记、副书记")
    row.screenshot(path=str(SCREENSHOTS / "browser-committee-approval-setting.png"))
