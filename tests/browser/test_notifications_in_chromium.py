"""通知 and 任期 in real headless Chromium: the header's unread count, the list, marking read, opening a
notification (its unit page with the term), and an admin entering a unit's term. Screenshots in
screenshots/browser-notifications*.png and browser-term-*.png."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from test_pages_in_chromium import log_in

from webapp import clock
from webapp.extensions import db
from webapp.notifications.service import notify
from webapp.orgs.terms import OVERDUE_MESSAGE, REMINDER_MESSAGE, remind_terms


def notify_community_secretary(app, demo) -> None:
    """The demo's term notices (东街社区第一党支部 is overdue: its superior, 东街社区党委, is told), and two more."""
    with app.app_context():
        remind_terms(clock.today())
        secretary = demo.user("community_secretary")
        branch = demo.unit("community_branch")
        notify([secretary], key="demo:1", kind="term_reminder", message=REMINDER_MESSAGE,
               params={"unit": "东街社区党委", "date": "2027-04-30"}, link=f"/orgs/{demo.unit_ids['community']}")
        notify([secretary], key="demo:2", kind="term_overdue", message=OVERDUE_MESSAGE,
               params={"unit": branch.name, "date": "2026-01-15"}, link=f"/orgs/{branch.id}")
        db.session.commit()


def test_the_bell_counts_the_unread_and_the_list_marks_them_read(page: Page, app, demo, browser_log, screenshot):
    notify_community_secretary(app, demo)
    log_in(page, "community_secretary")
    bell = page.locator(".notify-link")
    expect(bell).to_contain_text("通知")
    expect(bell.locator(".badge-count")).to_have_text("3")

    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    expect(page.locator(".notification.is-unread")).to_have_count(3)
    expect(page.locator(".notification").first).to_contain_text("届满")
    screenshot(page, "notifications")

    page.locator(".notification").nth(1).get_by_role("button", name="标记为已读").click()
    expect(page.locator(".notification.is-unread")).to_have_count(2)
    expect(bell.locator(".badge-count")).to_have_text("2")

    page.get_by_role("link", name=re.compile("东街社区第一党支部的任期已于")).first.click()
    expect(page).to_have_url(re.compile(r"/orgs/\d+$"))
    expect(page.locator("#term")).to_contain_text("未按期换届")
    expect(bell.locator(".badge-count")).to_have_text("1")
    screenshot(page, "notification-opened-unit")

    bell.click()
    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".flash")).to_have_text("已将 1 条通知标为已读。")
    expect(bell.locator(".badge-count")).to_have_count(0)
    page.get_by_role("link", name="未读").click()
    expect(page.locator(".empty-state")).to_contain_text("没有未读通知")
    screenshot(page, "notifications-all-read")


def test_an_admin_enters_a_units_new_term_after_a_wrong_date(page: Page, app, demo, browser_log, screenshot):
    with app.app_context():
        remind_terms(clock.today())  # 东街社区第一党支部's term ended without an election: flagged
    log_in(page, "admin")
    page.goto(f"/orgs/{demo.unit_ids['community_branch']}")
    expect(page.locator("#term")).to_contain_text("未按期换届")
    form = page.locator("form.term-form")
    form.get_by_label("届次").fill("4")
    form.get_by_label("选举产生日期").fill("2026-05-10")
    form.get_by_label("任期届满日期").fill("2026-01-01")
    browser_log.expect_status(422)
    form.get_by_role("button", name="保存任期").click()
    expect(page.locator(".field-error")).to_have_text("任期届满日期须晚于选举产生日期。")
    expect(page.locator("form.term-form").get_by_label("届次")).to_have_value("4")
    screenshot(page, "term-error")

    page.locator("form.term-form").get_by_label("任期届满日期").fill("")
    page.locator("form.term-form").get_by_role("button", name="保存任期").click()
    expect(page.locator(".flash")).to_contain_text("第4届，2026年5月10日 至 2029年5月10日")
    expect(page.locator("#term")).not_to_contain_text("未按期换届")
    screenshot(page, "term-saved")
