"""督办 and 结构图 in real headless Chromium: the pages render (SVG with Chinese labels), a number, a bar
of the pipeline chart and a box of the organisation chart each lead to the right list or page.

The demo's cases are seeded into the live server's database; screenshots go to screenshots/browser-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from test_pages_in_chromium import log_in, no_horizontal_overflow

from webapp import clock
from webapp.demo_cases import seed_demo_cases
from webapp.extensions import db
from webapp.models import OrgUnit


def seed_cases(app) -> None:
    with app.app_context():
        seed_demo_cases(clock.today())
        db.session.commit()


def listed_total(page: Page) -> int:
    """The rows of the list on the page: "共 N 条" under it, or none when it is empty."""
    info = page.locator(".page-info")
    if info.count() == 0:
        expect(page.locator(".empty-state")).to_be_visible()
        return 0
    return int(re.search(r"共 (\d+) 条", info.inner_text()).group(1))


def test_a_committee_secretary_opens_the_dashboard_and_follows_a_number_and_a_bar(
        page: Page, app, demo, browser_log, screenshot):
    seed_cases(app)
    log_in(page, "hospital_secretary")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="督办").click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.locator("h1")).to_have_text("督办")
    rows = page.locator("tr.unit-row")
    expect(rows.first).to_contain_text("县人民医院党委")
    expect(page.locator(".count-table")).not_to_contain_text(["城关镇"])  # not supervised by him
    chart = page.locator("svg.pipeline-chart")
    expect(chart).to_be_visible()
    expect(chart.locator(".chart-label").first).to_have_text("入党申请人")
    label_box = chart.locator(".chart-label").first.bounding_box()
    assert label_box["width"] > 40  # the Chinese label is drawn with a font, not as empty boxes of 0 width
    no_horizontal_overflow(page)
    screenshot(page, "dashboard")

    general_branch = rows.filter(has_text="内科党总支")
    number = general_branch.locator("td.num a").first
    expected = int(number.inner_text())
    assert expected > 0
    number.click()
    expect(page).to_have_url(re.compile(r"/inbox/\?tab=supervised&own=y&unit=\d+&below=y$"))
    assert listed_total(page) == expected
    expect(page.locator("#below")).to_be_checked()
    screenshot(page, "dashboard-number-followed")

    page.go_back()
    segment = chart.locator("a.chart-segment").first
    stage, count = segment.get_attribute("data-stage"), int(segment.get_attribute("data-count"))
    segment.locator("rect").click()
    expect(page).to_have_url(re.compile(rf"/members/\?stage={stage}&waited=\w+$"))
    assert listed_total(page) == count
    assert browser_log.problems() == []


def test_the_organisation_chart_draws_each_unit_as_a_box_and_a_box_opens_its_unit(
        page: Page, app, demo, browser_log, screenshot):
    log_in(page, "admin")
    page.goto("/orgs/")
    page.get_by_role("link", name="结构图").click()
    expect(page).to_have_url(re.compile(r"/orgs/\?view=chart$"))
    nodes = page.locator("svg.org-chart a.org-chart-node")
    expect(nodes).to_have_count(len(demo.unit_ids))
    community_branch = page.locator(f'a.org-chart-node[data-unit="{demo.unit_ids["community_branch"]}"]')
    expect(community_branch).to_have_class(re.compile(r"\bterm-overdue\b"))
    expect(community_branch).to_contain_text("任期已届满")
    boxes = [nodes.nth(i).locator("rect.org-chart-box").bounding_box() for i in range(nodes.count())]
    for i, a in enumerate(boxes):  # drawn where the layout put them: no two boxes overlap on the screen
        for b in boxes[i + 1:]:
            apart = (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                     or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])
            assert apart, (a, b)
    no_horizontal_overflow(page)  # a wide chart scrolls inside its card, the page does not
    screenshot(page, "org-chart")

    branch = page.locator(f'a.org-chart-node[data-unit="{demo.unit_ids["branch1"]}"]')
    branch.scroll_into_view_if_needed()
    branch.locator("rect.org-chart-box").click()
    expect(page).to_have_url(re.compile(rf"/orgs/{demo.unit_ids['branch1']}$"))
    expect(page.locator("h1")).to_contain_text("内科第一党支部")
    assert browser_log.problems() == []


def add_committees(app, demo) -> int:
    """Three more committees under the county, each with two general branches of five branches: 52 units
    in all, four levels below the county. The id of the last branch added."""
    with app.app_context():
        county = db.session.get(OrgUnit, demo.unit_ids["county"])
        last = None
        for c in range(3):
            committee = OrgUnit(name=f"第{c + 1}街道党工委", kind="working_committee", parent=county,
                                top_org_id=county.id, term_no=2, term_due_on=clock.today() + timedelta(days=400))
            for g in range(2):
                general = OrgUnit(name=f"第{c + 1}街道第{g + 1}社区党总支", kind="general_branch", parent=committee,
                                  top_org_id=county.id)
                for b in range(5):
                    last = OrgUnit(name=f"第{c + 1}街道第{g + 1}社区第{b + 1}党支部", kind="branch", parent=general,
                                   top_org_id=county.id, term_due_on=clock.today() + timedelta(days=30 * b))
                    db.session.add(last)
        db.session.commit()
        return last.id


def test_a_chart_of_fifty_units_scrolls_sideways_inside_its_card_and_its_far_boxes_open_their_unit(
        page: Page, app, demo, browser_log, screenshot):
    last = add_committees(app, demo)
    log_in(page, "admin")
    page.goto("/orgs/?view=chart")

    expect(page.locator("svg.org-chart a.org-chart-node")).to_have_count(len(demo.unit_ids) + 39)
    scroll = page.locator(".org-chart-scroll")
    assert scroll.evaluate("el => el.scrollWidth > el.clientWidth")  # wider than the page: it scrolls
    # app.js opened it scrolled to the county at the top, centred in the card
    county = page.locator(f'a.org-chart-node[data-unit="{demo.unit_ids["county"]}"] rect.org-chart-box').bounding_box()
    card = scroll.bounding_box()
    assert abs(county["x"] + county["width"] / 2 - (card["x"] + card["width"] / 2)) < 2
    no_horizontal_overflow(page)  # ... inside its card; the page itself does not
    screenshot(page, "org-chart-wide")
    far = page.locator(f'a.org-chart-node[data-unit="{last}"]')
    far.scroll_into_view_if_needed()
    far.locator("rect.org-chart-box").click()
    expect(page).to_have_url(re.compile(rf"/orgs/{last}$"))
    expect(page.locator("h1")).to_contain_text("第3街道第2社区第5党支部")
    assert browser_log.problems() == []


@pytest.mark.browser_context_args(viewport={"width": 390, "height": 844})
def test_on_a_phone_the_dashboard_fits_the_screen_and_its_chart_scrolls_sideways(
        page: Page, app, demo, browser_log, screenshot):
    seed_cases(app)
    log_in(page, "admin")
    page.goto("/dashboard/")

    expect(page.locator("svg.pipeline-chart")).to_be_visible()
    no_horizontal_overflow(page)
    assert page.locator(".chart-wrap").evaluate("el => el.scrollWidth > el.clientWidth")  # text kept readable
    screenshot(page, "dashboard-phone")
    assert browser_log.problems() == []
