"""The pages in real headless Chromium: logging in, 发起 a recruitment case and its diagram, 办理 with a
validation error, the language switch, a phone-sized screen, another branch's 403.

The fixtures (tests/browser/conftest.py) fail a test on any console error, uncaught page error or
request leaving 127.0.0.1, and serve the app on the test's own database. Each test ends with a
screenshot in screenshots/browser-*.png.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from webapp import clock
from webapp.demo import DEMO_PASSWORD, fake_id_number
from webapp.extensions import db
from webapp.models import Case, WorkItem

VIEWER = Path(__file__).resolve().parents[2] / "webapp/static/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js"
PHONE = {"width": 390, "height": 844}
APPLICANT = "张三"  # no demo case has this name
CASE_TITLE = f"发展党员 · {APPLICANT}"
BIRTH = date(1999, 5, 6)
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def log_in(page: Page, username: str) -> None:
    """Through the login form, as a person would."""
    page.goto("/auth/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_url(lambda url: "/auth/login" not in url)  # and the 工作台 loaded


def log_out(page: Page) -> None:
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(re.compile(r"/auth/login$"))
    expect(page.locator(".flash")).to_have_text("您已退出登录。")


def start_case_without_browser(app, unit_id: int, username: str = "branch1_secretary") -> int:
    """A recruitment case for ``unit_id`` started through the pages with Flask's test client (quicker
    than the browser; CSRF is on, so each form is sent with the page's token); its open work item's id."""
    client = app.test_client()

    def post(url: str, data: dict):
        token = CSRF_META.search(client.get(url).get_data(as_text=True)).group(1)
        return client.post(url, data={**data, "csrf_token": token})

    assert post("/auth/login", {"username": username, "password": DEMO_PASSWORD}).status_code == 302
    response = post(f"/cases/new?process=recruitment&unit={unit_id}", {
        "name": APPLICANT, "gender": "male", "ethnicity": "汉族", "birth_date": BIRTH.isoformat(),
        "id_number": fake_id_number(BIRTH, True, 901), "education": "undergraduate",
        "application_letter_received": "y", "application_date": clock.today().isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        return db.session.scalars(db.select(WorkItem.id).filter_by(case_id=case_id, status="open")).one()


def no_horizontal_overflow(page: Page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{page.url}: page is {widths[0]}px wide in a {widths[1]}px window"


def test_a_secretary_logs_in_starts_a_recruitment_case_and_sees_its_record_and_diagram(
        page: Page, app, browser_log, screenshot):
    assert VIEWER.exists(), "bpmn-js is not vendored: run `npm ci && node scripts/vendor.mjs` (make setup)"
    log_in(page, "branch1_secretary")
    expect(page.locator(".user-name")).to_have_text("陈晓明")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="发起").click()
    page.locator(".choice", has_text="发展党员").click()
    # 陈晓明 may start cases in one branch only: the page chooses it and says so (step 2)
    expect(page.locator(".steps-indicator")).to_contain_text("选择党组织：内科第一党支部")
    expect(page.locator(".facts")).to_contain_text("内科第一党支部")
    page.get_by_label("姓名").fill(APPLICANT)
    page.get_by_label("男", exact=True).check()
    page.get_by_label("民族").fill("汉族")
    page.get_by_label("出生日期").fill(BIRTH.isoformat())
    page.get_by_label("身份证号码").fill(fake_id_number(BIRTH, True, 901))
    page.get_by_label("学历").select_option(label="大学本科")
    page.get_by_label("已收到书面入党申请书").check()
    page.get_by_label("递交入党申请书日期").fill(clock.today().isoformat())
    page.get_by_role("button", name="提交并发起").click()

    expect(page).to_have_url(re.compile(r"/cases/\d+$"))
    expect(page.locator(".flash-success")).to_contain_text(f"已发起：{CASE_TITLE}")
    expect(page.locator("h1")).to_contain_text(CASE_TITLE)
    expect(page.locator(".chain-ok")).to_have_text("✓ 记录完整")
    # bpmn-js drew the case's diagram and case-diagram.js marked the step the case waits at
    step = page.locator('#case-diagram svg g.djs-element[data-element-id="R02_initial_talk"]')
    expect(step).to_have_class(re.compile(r"\bstep-current\b"))
    expect(page.locator('g.djs-element[data-element-id="R01_submit_application"]')).to_have_class(
        re.compile(r"\bstep-done\b"))
    expect(page.locator("#diagram-status")).to_be_hidden()
    # ... and scrolled the diagram to it
    box, frame = step.bounding_box(), page.locator("#case-diagram").bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"]
    with app.app_context():  # the server wrote to the test's database
        case = db.session.get(Case, int(page.url.rsplit("/", 1)[1]))
        assert case.title.startswith(CASE_TITLE) and case.started_by.username == "branch1_secretary"
        assert [i.step_code for i in case.work_items if i.is_open] == ["R02_initial_talk"]
    assert browser_log.problems() == []
    screenshot(page, "case-started")


def test_a_step_form_with_an_empty_required_field_keeps_the_typed_text_then_a_valid_one_leaves_the_inbox(
        page: Page, app, demo, browser_log, screenshot):
    item_id = start_case_without_browser(app, demo.unit_ids["branch1"])
    browser_log.expect_status(422)  # the form sent back with its errors
    log_in(page, "branch1_secretary")
    page.goto("/inbox/")
    row = page.locator("tbody tr", has=page.locator(f'a[href="/inbox/{item_id}"]'))
    expect(row).to_contain_text(CASE_TITLE)
    expect(row).to_contain_text("党组织派人谈话")
    row.get_by_role("link", name="办理").click()
    expect(page).to_have_url(re.compile(rf"/inbox/{item_id}$"))

    talk_date = page.get_by_label("谈话日期")
    talk_date.fill("")
    talker = page.locator('input[name="talker_ids"]').first
    talker.check()
    page.get_by_label("谈话地点").fill("内科会议室")
    page.get_by_label("谈话情况").fill("谈话了解入党动机，申请人态度端正。")
    page.get_by_label("申请人意见").fill("愿意接受党组织的培养和考察。")
    page.get_by_role("button", name="提交", exact=True).click()

    field = page.locator(".field", has=page.locator("#talk_date"))
    expect(field).to_have_class(re.compile(r"\bhas-error\b"))
    error = field.locator(".field-error")
    expect(error).to_have_text(re.compile(r"[\u4e00-\u9fff]"))  # a Chinese sentence, beside the field
    expect(talk_date).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-errors")).to_contain_text("已填写的内容都已保留")
    expect(talker).to_be_checked()
    expect(page.get_by_label("谈话地点")).to_have_value("内科会议室")
    expect(page.get_by_label("谈话情况")).to_have_value("谈话了解入党动机，申请人态度端正。")
    expect(page.get_by_label("申请人意见")).to_have_value("愿意接受党组织的培养和考察。")
    screenshot(page, "step-form-error")

    talk_date.fill(clock.today().isoformat())
    page.get_by_role("button", name="提交", exact=True).click()

    expect(page).to_have_url(re.compile(rf"/inbox/\?done={item_id}$"))
    expect(page.locator(".flash-success")).to_have_text("已提交：党组织派人谈话")
    expect(page.locator(f'a[href="/inbox/{item_id}"]')).to_have_count(0)
    # the case went on to the branch's next step: a new item, not this one
    expect(page.locator("tbody tr", has_text=CASE_TITLE)).to_contain_text("推荐和确定入党积极分子")
    with app.app_context():
        assert db.session.get(WorkItem, item_id).status == "completed"
    screenshot(page, "step-done-inbox")


def test_the_language_switch_changes_the_page_language_and_back(page: Page, screenshot):
    log_in(page, "branch1_secretary")
    page.goto("/inbox/?tab=done")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    page.get_by_role("button", name="English").click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/inbox/\?tab=done$"))  # the same page
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    screenshot(page, "english")

    page.get_by_role("button", name="中文").click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_url(re.compile(r"/inbox/\?tab=done$"))
    expect(page.get_by_role("button", name="中文")).to_have_attribute("aria-pressed", "true")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "false")


@pytest.mark.browser_context_args(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
def test_on_a_phone_the_inbox_and_the_step_form_fit_the_screen_and_the_menu_works(
        page: Page, app, demo, screenshot):
    item_id = start_case_without_browser(app, demo.unit_ids["branch1"])
    log_in(page, "branch1_secretary")
    nav = page.get_by_role("navigation", name="主导航")
    menu = page.locator(".nav-toggle-label")

    # the navigation folds into 菜单; opening it shows every link, and they work
    expect(nav).to_be_hidden()
    menu.tap()
    expect(nav).to_be_visible()
    expect(nav.get_by_role("link")).to_have_text(
        ["工作台", re.compile("^待办"), re.compile("^督办"), "办件", "发起", "党员", "组织"])
    screenshot(page, "phone-menu")
    nav.get_by_role("link", name=re.compile("^待办")).tap()
    expect(page).to_have_url(re.compile(r"/inbox/$"))
    expect(nav).to_be_hidden()
    row = page.locator("tbody tr", has=page.locator(f'a[href="/inbox/{item_id}"]'))
    expect(row).to_be_visible()
    no_horizontal_overflow(page)
    screenshot(page, "phone-inbox")

    row.get_by_role("link", name="办理").tap()
    expect(page.get_by_label("谈话日期")).to_be_visible()
    no_horizontal_overflow(page)
    button = page.get_by_role("button", name="提交", exact=True)
    button.scroll_into_view_if_needed()
    box = button.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    screenshot(page, "phone-step-form")


def test_a_user_of_another_branch_gets_the_chinese_403_page_on_the_work_item(
        page: Page, app, demo, browser_log, screenshot):
    item_id = start_case_without_browser(app, demo.unit_ids["branch1"])
    browser_log.expect_status(403)
    log_in(page, "town_branch_secretary")  # 城关镇机关党支部: not 内科第一党支部's business

    response = page.goto(f"/inbox/{item_id}")

    assert response.status == 403
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page).to_have_title(re.compile("^无权办理"))
    expect(page.locator(".error-code")).to_have_text("403")
    expect(page.locator(".error-page h1")).to_have_text("无权办理")
    expect(page.locator(".error-page")).to_contain_text("请联系本单位书记或系统管理员")
    expect(page.locator(".user-name")).to_have_text("张卫东")  # our layout, still logged in
    expect(page.get_by_label("谈话日期")).to_have_count(0)
    expect(page.get_by_text(CASE_TITLE)).to_have_count(0)
    screenshot(page, "403")
    log_out(page)


def test_an_admin_uploads_a_definition_sees_its_problems_then_publishes_a_good_one(
        page: Page, app, browser_log, screenshot):
    browser_log.expect_status(422)  # the upload refused, sent back with its problems
    shipped = (Path(__file__).parents[2] / "bpmn" / "recruitment.bpmn").read_text(encoding="utf-8")
    hostile = shipped.replace("</bpmn:process>", '<bpmn:scriptTask id="X1_hack" name="偷偷执行">'
                              "<bpmn:script>import os</bpmn:script></bpmn:scriptTask></bpmn:process>", 1)
    renamed = shipped.replace('name="党组织派人谈话"', 'name="党组织派人谈心谈话"', 1)
    log_in(page, "admin")
    page.goto("/admin/processes")

    upload = page.get_by_label("BPMN 文件")
    upload.set_input_files({"name": "recruitment.bpmn", "mimeType": "application/xml", "buffer": hostile.encode()})
    page.get_by_role("button", name="检查并发布").click()
    expect(page.locator(".form-errors")).to_contain_text("未发布：发现 1 个问题")
    problem = page.locator(".publish-problems li")
    expect(problem).to_have_text(re.compile(r"^scriptTask X1_hack（偷偷执行），第 \d+ 行：定义中不允许 scriptTask"))
    screenshot(page, "publish-refused")

    page.get_by_label("BPMN 文件").set_input_files(
        {"name": "recruitment.bpmn", "mimeType": "application/xml", "buffer": renamed.encode()})
    page.get_by_role("button", name="检查并发布").click()
    expect(page.locator(".flash-success")).to_contain_text("第 2 版")
    screenshot(page, "publish-done")
