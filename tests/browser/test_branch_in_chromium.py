"""党支部设置 in real headless Chromium: a general branch requests a new branch (refused once by the rule of
three full members, then sent), its committee replies on the step page, the new branch's page offers
its first election, the chart marks a joint branch, and a dissolution waits for its transfers.
Screenshots in screenshots/browser-branch-*.png."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from test_pages_in_chromium import log_in

from webapp import clock
from webapp.extensions import db
from webapp.models import Member, OrgUnit, User


def movers(app, demo) -> tuple[int, list[int]]:
    """周婷 (who has a login) and two full members of 内科第一党支部 without one."""
    with app.app_context():
        secretary = db.session.get(User, demo.user_ids["branch1_publicity"]).member_id
        logins = set(db.session.scalars(db.select(User.member_id).where(User.member_id.is_not(None))))
        others = [m.id for m in db.session.scalars(db.select(Member).filter_by(
            unit_id=demo.unit_ids["branch1"], stage="full_member", in_good_standing=True).order_by(Member.id))
            if m.id not in logins][:2]
    return secretary, others


def test_a_general_branch_requests_a_branch_its_committee_approves_and_it_offers_its_first_election(
        page: Page, app, demo, browser_log, screenshot):
    secretary, others = movers(app, demo)
    log_in(page, "internal_gb_secretary")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="发起").click()
    page.locator(".choice", has_text="党支部成立").click()
    expect(page.locator(".steps-indicator")).to_contain_text("内科党总支")
    page.get_by_label("拟成立党支部名称").fill("内科第三党支部")
    page.get_by_label("党支部", exact=True).check()
    page.get_by_label("隶属").select_option(label="内科党总支")
    page.get_by_label("正式党员人数").fill("2")
    page.get_by_label("预备党员人数").fill("0")
    page.get_by_label("不设支委会，设书记").check()
    page.get_by_label("书记人选").select_option(str(secretary))
    for member_id in (secretary, *others):
        page.locator(f'input[name="member_ids"][value="{member_id}"]').check()
    page.get_by_label("成立理由").fill("内科扩编，党员人数增加")
    page.get_by_label("请示日期").fill(clock.today().isoformat())
    browser_log.expect_status(422)
    page.get_by_role("button", name="提交并发起").click()
    # the rule, beside its field, with what was typed kept
    expect(page.locator("#full_member_count-error")).to_contain_text("不能单独成立党支部：可与邻近单位联合成立联合党支部")
    expect(page.get_by_label("拟成立党支部名称")).to_have_value("内科第三党支部")
    screenshot(page, "branch-request-refused")

    page.get_by_label("正式党员人数").fill("3")
    page.get_by_role("button", name="提交并发起").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.locator("h1")).to_contain_text("党支部成立 · 内科第三党支部 · 内科党总支")
    reply = page.locator('#case-diagram svg g.djs-element[data-element-id="O02_superior_reply"]')
    expect(reply).to_have_class(re.compile(r"\bstep-current\b"))
    screenshot(page, "branch-request-case")

    page.get_by_role("button", name="退出").click()
    log_in(page, "hospital_org_member")
    page.goto("/inbox/")
    page.get_by_role("link", name=re.compile("党支部成立 · 内科第三党支部")).first.click()
    expect(page.locator(".case-summary")).to_contain_text("拟成立")
    expect(page.locator(".case-summary")).to_contain_text("内科第三党支部")
    page.get_by_label("批复日期").fill(clock.today().isoformat())
    page.get_by_label("批准", exact=True).check()
    page.get_by_label("批复文号").fill("院党发〔2026〕8号")
    screenshot(page, "branch-reply")
    page.get_by_role("button", name="提交").click()
    expect(page).to_have_url(re.compile(r"/inbox/\?done=\d+$"))

    with app.app_context():
        branch = db.session.scalar(db.select(OrgUnit).filter_by(name="内科第三党支部"))
    page.goto(f"/orgs/{branch.id}")
    expect(page.locator("h1")).to_contain_text("内科第三党支部")
    # the committee above is told that the branch must hold its first election; the branch's officers start it
    expect(page.locator("#unit-actions")).to_contain_text("应召开党员大会进行第一次选举")
    expect(page.get_by_role("link", name="发起换届选举")).to_have_count(0)
    expect(page.locator(".facts").first).to_contain_text("成立日期")
    screenshot(page, "branch-new-unit")
    assert browser_log.problems() == []


def test_the_chart_marks_the_joint_branch_and_a_dissolution_waits_for_its_transfers(
        page: Page, app, demo, browser_log, screenshot):
    log_in(page, "hospital_org_member")
    page.goto("/orgs/?view=chart")
    joint = page.locator(f'a.org-chart-node[data-unit="{demo.unit_ids["joint_branch"]}"]')
    expect(joint).to_have_class(re.compile(r"\bis-joint\b"))
    expect(joint).to_contain_text("联合党支部 · 书记")
    screenshot(page, "branch-chart")

    page.goto(f"/orgs/{demo.unit_ids['joint_branch']}")
    page.get_by_role("link", name="发起党支部撤销").click()
    page.get_by_label("所在单位撤销、改制、破产或搬迁").check()
    page.get_by_label("情况说明和党员去向").fill("三个科室并入内科，党员转入内科第一党支部")
    page.get_by_label("请示日期").fill(clock.today().isoformat())
    page.get_by_role("button", name="提交并发起").click()
    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    for step, answer in (("O12_superior_reply", "批准"), ("O12f_file_dissolution", "同意备案")):
        if step == "O12f_file_dissolution":
            page.get_by_role("button", name="退出").click()
            log_in(page, "county_org_staff")
        page.goto("/inbox/")
        page.get_by_role("link", name=re.compile("党支部撤销 · 内科联合党支部")).first.click()
        page.get_by_label("批复日期" if step == "O12_superior_reply" else "备案日期").fill(clock.today().isoformat())
        page.get_by_label(answer, exact=True).check()
        page.get_by_role("button", name="提交").click()
        expect(page).to_have_url(re.compile(r"/inbox/\?done=\d+$"))

    page.get_by_role("button", name="退出").click()
    log_in(page, "hospital_org_member")
    page.goto("/inbox/")
    page.get_by_role("link", name=re.compile("党支部撤销 · 内科联合党支部")).first.click()
    expect(page.locator("h1")).to_have_text("转接组织关系")
    expect(page.locator('input[name="member_ids"]')).to_have_count(5)
    screenshot(page, "branch-transfer")
    page.get_by_role("link", name="流程图").click()
    transfer = page.locator('#case-diagram svg g.djs-element[data-element-id="O13_transfer_members"]')
    expect(transfer).to_have_class(re.compile(r"\bstep-current\b"))
    screenshot(page, "branch-dissolution-case")
    assert browser_log.problems() == []
