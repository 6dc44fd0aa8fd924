"""督办 (webapp/dashboard): every number equals the rows of the list it links to and the data itself, on
days when items are due this week and overdue; each role sees the units it supervises and no other; the
recruitment pipeline and the terms; the roster's filter by time at the stage agrees with the chart."""

from __future__ import annotations

import re
from datetime import date, timedelta
from html import unescape

import pytest
from _permission_rules import POSITIONS, ROLES, Who, supervises

from webapp import clock
from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db
from webapp.members.waiting import BUCKETS, WAITING_STAGES, bucket_of, waited_filter
from webapp.models import Member, OrgUnit, User, WorkItem
from webapp.templating import week_end

COUNT_LINK = re.compile(r'<a class="count[^"]*" href="([^"]+)">(\d+)</a>')
STAT_LINK = re.compile(r'<a class="stat[^"]*" href="([^"]+)">\s*<span class="stat-label">[^<]*</span>\s*'
                       r'<span class="stat-value">(\d+)</span>')
UNIT_ROW = re.compile(r'<tr class="unit-row">(.*?)</tr>', re.S)
LISTED = re.compile(r"共 (\d+) 条")


def numbers(html: str) -> list[tuple[str, int]]:
    """(link, number) of every number on the page."""
    return [(unescape(href), int(n)) for href, n in STAT_LINK.findall(html) + COUNT_LINK.findall(html)]


def listed(client, url: str) -> int:
    """The rows of the list at ``url``: its "共 N 条", or 0 when it shows its empty state."""
    html = client.get(url).get_data(as_text=True)
    found = LISTED.search(html)
    if found is None:
        assert 'class="empty-state"' in html, url
        return 0
    return int(found.group(1))


def unit_rows(html: str) -> dict[int, tuple[int, int, int]]:
    """Unit id → (open, due this week, overdue) as the table of units shows them."""
    rows = {}
    for block in UNIT_ROW.findall(html):
        unit_id = int(re.search(r'href="/orgs/(\d+)"', block).group(1))
        rows[unit_id] = tuple(int(n) for _href, n in COUNT_LINK.findall(block))
    return rows


def expected_rows(app, unit_ids: set[int], today: date) -> dict[int, tuple[int, int, int]]:
    """The same counts read from the work items themselves: each unit's items and those of every unit below."""
    with app.app_context():
        parents = dict(db.session.execute(db.select(OrgUnit.id, OrgUnit.parent_id)).all())
        items = db.session.execute(db.select(WorkItem.unit_id, WorkItem.due_on).filter_by(status="open")).all()

    def line(unit_id):
        while unit_id is not None:
            yield unit_id
            unit_id = parents[unit_id]

    expected = {}
    for unit_id in unit_ids:
        mine = [due for item_unit, due in items if unit_id in line(item_unit)]
        expected[unit_id] = (len(mine), sum(1 for d in mine if d and today <= d <= week_end(today)),
                             sum(1 for d in mine if d and d < today))
    return expected


@pytest.mark.parametrize(("username", "depths_with_work"), [("admin", 3), ("hospital_secretary", 3),
                                                            ("community_secretary", 2)])
def test_every_number_is_the_number_of_rows_of_the_list_it_links_to_and_of_the_data(
        app, client, demo_with_cases, login, monkeypatch, username, depths_with_work):
    login(client, username)
    real_now, seen_week, seen_overdue, depths = clock.now, 0, 0, set()
    with app.app_context():
        next_due = db.session.scalar(db.select(db.func.min(WorkItem.due_on)).where(
            WorkItem.status == "open", WorkItem.due_on >= clock.today(),
            WorkItem.unit_id.in_(set(unit_rows(client.get("/dashboard/").get_data(as_text=True))))))
    due_in = (next_due - clock.today()).days
    # today; the day the next item falls due (due this week whatever the weekday) and the day after it
    # (overdue); half a year on, when the cultivation reviews are late too
    for days in (0, due_in, due_in + 1, 200):
        monkeypatch.setattr(clock, "now", lambda d=days: real_now() + timedelta(days=d))
        html = client.get("/dashboard/").get_data(as_text=True)
        shown = unit_rows(html)

        assert shown == expected_rows(app, set(shown), clock.today())
        for url, number in numbers(html):
            assert listed(client, url) == number, f"{url} lists {listed(client, url)}, the dashboard says {number}"
        seen_week += sum(row[1] for row in shown.values())
        seen_overdue += sum(row[2] for row in shown.values())
        depths |= {int(d) for d, counts in re.findall(r'depth-(\d)">.*?<td class="num">.*?>(\d+)</a>', html, re.S)
                   if int(counts)}
    assert seen_week and seen_overdue  # the days chosen do show both
    assert len(depths) >= depths_with_work  # numbers on units at several depths of the tree


def test_each_role_sees_the_units_it_supervises_and_no_sibling_or_unit_above(app, client, demo_with_cases, login):
    for role in ROLES:
        if role.username in (None, "branch1_member"):  # anonymous, and a login the matrix's world adds
            continue
        login(client, role.username)
        html = client.get("/dashboard/").get_data(as_text=True)
        client.post("/auth/logout")
        who = Who(role.username, demo_with_cases.user_ids[role.username], POSITIONS.get(role.username, frozenset()))
        expected = {unit_id for key, unit_id in demo_with_cases.unit_ids.items() if supervises(who, key)}

        assert set(unit_rows(html)) == expected, role.name
        if not who.is_admin:  # admins supervise every unit
            others = {demo_with_cases.unit_ids[role.units[relation]] for relation in ("sibling", "above")}
            assert others & set(unit_rows(html)) == set()


def test_a_branch_secretary_sees_only_the_branchs_items_people_and_term(app, client, demo_with_cases, login):
    login(client, "branch1_secretary")

    html = client.get("/dashboard/").get_data(as_text=True)
    pipeline = {stage: count for stage, count in re.findall(
        r'href="/members/\?stage=(\w+)">(\d+)</a>', html)}

    with app.app_context():
        branch = demo_with_cases.unit_ids["branch1"]
        people = db.session.execute(db.select(Member.stage).where(Member.unit_id == branch,
                                                                  Member.stage.in_(WAITING_STAGES))).scalars().all()
    assert pipeline == {stage: str(people.count(stage)) for stage in WAITING_STAGES}
    assert "内科联合党支部" not in html and "城关镇" not in html
    assert "近期没有需要换届的组织" in html  # 内科第一党支部's term ends in 14 months


def test_a_user_without_a_position_is_told_what_the_page_would_show(app, client, demo, login):
    with app.app_context():
        user = User(username="plain", display_name="普通用户")
        user.set_password(DEMO_PASSWORD)
        db.session.add(user)
        db.session.commit()
    login(client, "plain")

    html = client.get("/dashboard/").get_data(as_text=True)

    assert "没有可督办的组织" in html and "unit-row" not in html


def test_terms_ended_and_ending_within_six_months_are_listed_with_the_days_left_or_overdue(client, demo, login):
    login(client, "admin")

    html = client.get("/dashboard/").get_data(as_text=True)
    terms = re.findall(r'<tr class="term-row[^"]*">\s*<td><a href="/orgs/(\d+)">([^<]+)</a>', html)

    # 东街社区第一党支部 ended two months ago; 内科联合党支部 ends in 2 months, 城关镇机关党支部 in 5
    assert [name for _id, name in terms] == ["东街社区第一党支部", "内科联合党支部", "城关镇机关党支部"]
    assert re.search(r"已届满 \d+ 天", html) and re.search(r"还剩 \d+ 天", html)
    assert "内科第一党支部</a>" not in html.split("terms-title")[1]  # 14 months left: not yet


def test_the_pipeline_counts_each_stage_by_time_at_it_as_the_data_says(app, client, demo, login):
    login(client, "admin")

    html = client.get("/dashboard/").get_data(as_text=True)
    cells = {(stage, waited): int(n) for stage, waited, n in re.findall(
        r'href="/members/\?stage=(\w+)&amp;waited=(\w+)">(\d+)</a>', html)}

    with app.app_context():
        today = clock.today()
        expected = {(stage, b.key): 0 for stage in WAITING_STAGES for b in BUCKETS}
        for member in db.session.scalars(db.select(Member).where(Member.stage.in_(WAITING_STAGES))):
            began = getattr(member, WAITING_STAGES[member.stage].key)
            expected[member.stage, bucket_of((today - began).days if began else None).key] += 1
    assert cells == expected
    assert sum(cells.values()) > 10
    for (stage, waited), count in cells.items():  # each bar's list: its people, each with the days at the stage
        bucket = next(b for b in BUCKETS if b.key == waited)
        days = [int(n) for n in re.findall(r"本阶段已 (-?\d+) 天", client.get(
            f"/members/?stage={stage}&waited={waited}").get_data(as_text=True))]
        assert len(days) == (count if bucket.dated else 0)
        assert all(bucket_of(n) == bucket for n in days)
    assert '<svg class="chart pipeline-chart"' in html and "入党积极分子</text>" in html


def test_the_roster_filter_by_time_at_the_stage_agrees_with_the_buckets_at_their_edges(app, demo):
    with app.app_context():
        today, branch = clock.today(), demo.unit_ids["town_branch"]
        days = [0, 90, 91, 182, 183, 364, 365, 729, 730, 2000, None, -3]
        for i, waited in enumerate(days):
            began = today - timedelta(days=waited) if waited is not None else None
            db.session.add(Member(name=f"边界{i}", unit_id=branch, stage="activist", activist_date=began))
        db.session.flush()
        test_people = Member.name.like("边界%")
        for bucket in BUCKETS:
            found = set(db.session.scalars(db.select(Member.name).where(test_people, waited_filter(bucket, today))))
            assert found == {f"边界{i}" for i, waited in enumerate(days) if bucket_of(waited) == bucket}, bucket.key
        db.session.rollback()


def test_the_supervised_tab_ignores_a_unit_the_user_does_not_supervise(client, demo_with_cases, login):
    login(client, "branch1_secretary")
    town_branch = demo_with_cases.unit_ids["town_branch"]

    html = client.get(f"/inbox/?tab=supervised&own=y&unit={town_branch}&below=y").get_data(as_text=True)

    assert "姜文博" not in html and "宋佳怡" not in html
    assert "孟思远" in html  # the filter it cannot use is dropped, not turned into another unit's list
