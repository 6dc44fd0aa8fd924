"""组织关系转接 in Chromium: the receiving committee accepts a member into one of its branches from its 待办,
the case page shows both sides on the diagram, 督办 lists the expired letter (口袋党员) and the roster
flags the member away too long. Screenshots of each page (screenshots/browser-transfer-*.png)."""

from __future__ import annotations

from playwright.sync_api import Page, expect
from test_pages_in_chromium import log_in, log_out

from webapp import clock
from webapp.demo import demo_units
from webapp.demo_transfer import seed_demo_transfers
from webapp.extensions import db
from webapp.models import Case, Member


def seed(app):
    with app.app_context():
        seed_demo_transfers(demo_units(), clock.today())
        db.session.commit()
        return db.session.scalars(db.select(Case.id).filter_by(process_key="membership_transfer")
                                  .order_by(Case.id)).first()


def open_from_the_inbox(page: Page, username: str, member: str, step: str, screenshot, name: str) -> None:
    """Log in, find the member's item at ``step`` in 待办 (a screenshot) and open it (办理)."""
    log_in(page, username)
    page.goto("/inbox/")
    row = page.locator("tr", has_text=member)
    expect(row).to_contain_text(step)
    screenshot(page, name)
    row.get_by_role("link", name="办理").first.click()


def submit_and_open_the_case(page: Page, case_id: int, shows: str, screenshot, name: str) -> None:
    """Submit the step's form, then the case page (its diagram rendered) showing ``shows``: a screenshot."""
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash")).to_be_visible()
    page.goto(f"/cases/{case_id}")
    expect(page.locator("body")).to_contain_text(shows)
    page.wait_for_timeout(500)  # the diagram renders
    screenshot(page, name)


def test_the_receiving_committee_accepts_and_supervision_lists_the_expired_letter(page: Page, app, demo, screenshot):
    case_id = seed(app)
    open_from_the_inbox(page, "town_org_member", "郑海燕", "接收方党委审核接收", screenshot, "transfer-inbox-receiving")
    page.get_by_label("同意接收").check()
    page.get_by_label("办理日期").fill(clock.today().isoformat())
    page.get_by_label("编入党支部").select_option(label="城关镇机关党支部 · 城关镇党委")
    screenshot(page, "transfer-accept-form")
    submit_and_open_the_case(page, case_id, "组织关系转接", screenshot, "transfer-case")
    with app.app_context():
        member = db.session.scalars(db.select(Member).filter_by(name="郑海燕")).one()
        assert member.unit_id == demo.unit_ids["town_branch"]
    log_out(page)

    log_in(page, "hospital_org_member")
    page.goto("/dashboard/")
    pocket = page.locator("section", has_text="介绍信已过期（口袋党员）")
    expect(pocket).to_contain_text("林伟")
    pocket.screenshot(path=str(screenshot(page, "transfer-dashboard").with_name("browser-transfer-pocket.png")))
    log_out(page)

    log_in(page, "town_branch_secretary")
    page.goto("/members/?away=overdue")
    expect(page.locator("table")).to_contain_text("达瓦")
    expect(page.locator(".away-badge")).to_contain_text("外出超过期限未转接")
    screenshot(page, "transfer-roster-away")


def test_where_the_older_rule_holds_the_county_department_issues_the_letter(page: Page, app, demo, screenshot):
    """城关镇党委 keeps the older rule (transfer.letter_issuer, RULES.md §12 C19): 中共城关县委组织部 issues the
    letter of 范志远's transfer to 县人民医院党委 from its 待办; then the receiving committee has it."""
    seed(app)
    with app.app_context():
        case_id = db.session.scalars(db.select(Case.id).filter(Case.process_key == "membership_transfer",
                                                               Case.title.contains("范志远"))).one()
    log_in(page, "admin")
    page.goto(f"/admin/settings?unit={demo.unit_ids['town']}")
    row = page.locator("#setting-transfer-letter_issuer")
    expect(row).to_contain_text("经上级组织部门开具")
    row.screenshot(path=str(screenshot(page, "transfer-letter-issuer-setting")
                            .with_name("browser-transfer-letter-issuer-row.png")))
    log_out(page)

    open_from_the_inbox(page, "county_org_staff", "范志远", "组织部门开具介绍信", screenshot,
                        "transfer-department-inbox")
    page.get_by_label("介绍信编号").fill("县组转〔2026〕21号")
    page.get_by_label("开具日期").fill(clock.today().isoformat())
    page.get_by_label("抬头（接收党组织）").fill("中共县人民医院委员会")
    screenshot(page, "transfer-department-letter-form")
    submit_and_open_the_case(page, case_id, "县组转〔2026〕21号", screenshot, "transfer-department-case")
    log_out(page)

    log_in(page, "hospital_org_member")
    page.goto("/inbox/")
    expect(page.locator("tr", has_text="范志远")).to_contain_text("接收方党委审核接收")
