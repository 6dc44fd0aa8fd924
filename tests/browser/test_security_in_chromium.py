"""The Content Security Policy in real Chromium: the pages with bpmn-js (a case's diagram, a process
version's diagram), the dossier and the lane form work under it with no violation, and it is enforced
(an injected inline script does not run).

Every CSP violation is a console error, which the fixtures of conftest.py turn into a failure; each
page here also collects the browser's securitypolicyviolation events, to say which directive broke.
"""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from test_pages_in_chromium import log_in, start_case_without_browser

from webapp.extensions import db
from webapp.models import WorkItem

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation',
  (e) => window.__cspViolations.push(e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline')));
"""


def violations(page: Page) -> list[str]:
    return page.evaluate("window.__cspViolations")


def open_page(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response.ok, f"{path}: {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"]


def test_the_diagram_pages_and_the_lane_form_work_under_the_policy_without_a_violation(
        page: Page, app, demo, screenshot):
    item_id = start_case_without_browser(app, demo.unit_ids["branch1"])
    with app.app_context():
        case_id = db.session.get(WorkItem, item_id).case_id
    page.add_init_script(WATCH_VIOLATIONS)
    log_in(page, "admin")

    open_page(page, f"/cases/{case_id}")
    expect(page.locator('#case-diagram g.djs-element[data-element-id="R02_initial_talk"]')).to_have_class(
        re.compile(r"\bstep-current\b"))
    page.get_by_role("button", name="显示全图").click()
    assert violations(page) == []
    screenshot(page, "csp-case-diagram")

    open_page(page, f"/cases/{case_id}/dossier")
    expect(page.locator("h1")).to_contain_text("全程纪实表")
    assert violations(page) == []

    open_page(page, "/admin/processes")
    page.locator("a[href^='/admin/processes/']").first.click()
    expect(page.locator("g.djs-element").first).to_be_attached()
    assert violations(page) == []
    screenshot(page, "csp-process-diagram")

    # lanes.js (once an inline script): the variable name shows only for the selectors that read one
    open_page(page, "/admin/lanes")
    variable = page.get_by_label("变量名")
    expect(variable).to_be_hidden()
    page.get_by_label("办理组织").select_option("case_unit")
    expect(variable).to_be_visible()
    page.get_by_label("办理组织").select_option("case_branch")
    expect(variable).to_be_hidden()
    assert violations(page) == []


def test_an_injected_inline_script_is_blocked(page: Page, browser_log):
    page.add_init_script(WATCH_VIOLATIONS)
    open_page(page, "/auth/login")

    page.evaluate("""() => {
        const script = document.createElement('script');
        script.textContent = 'window.__injected = true';
        document.head.append(script);
    }""")

    expect(page.locator("h1")).to_have_text("登录")
    assert page.evaluate("window.__injected === undefined")
    assert page.evaluate("window.__cspViolations") == ["script-src-elem blocked inline"]
    # the refusal Chromium logged is what this test provoked; anything else still fails it
    browser_log.console_errors[:] = [e for e in browser_log.console_errors if "Content Security Policy" not in e]
