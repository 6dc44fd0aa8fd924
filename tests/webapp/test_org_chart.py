"""结构图 on the organisation page (webapp/orgs/chart.py): a box per unit the user may see, linked to the
unit, saying its kind, secretary, members and term status; text that does not fit is shortened."""

from __future__ import annotations

import re

import pytest

from webapp import clock
from webapp.extensions import db
from webapp.orgs.chart import fit, text_units, wrap
from workflows.calendar import add_days, add_months

BOX = re.compile(r'<a href="/orgs/(\d+)" class="org-chart-node ([^"]+)" data-unit="\d+">(.*?)</a>', re.S)


def boxes(html: str) -> dict[int, tuple[str, str]]:
    """Unit id → (css classes, the texts of its box joined by "|")."""
    return {int(unit): (classes, "|".join(re.findall(r"<text[^>]*>([^<]*)</text>", body)))
            for unit, classes, body in BOX.findall(html)}


def test_the_chart_view_draws_each_unit_with_its_kind_secretary_members_and_term(client, demo, login):
    login(client, "branch1_secretary")

    html = client.get("/orgs/?view=chart").get_data(as_text=True)
    drawn = boxes(html)
    ids = demo.unit_ids

    assert set(drawn) == set(ids.values())  # the whole county: the structure, as the list shows it
    assert drawn[ids["branch1"]][1] == "内科第一党支部|党支部 · 书记：陈晓明|党员 16 名（预备 1）|任期至 " + \
        re.search(r"任期至 (\d+年\d+月\d+日)", drawn[ids["branch1"]][1]).group(1)
    assert "term-ok" in drawn[ids["branch1"]][0] and "kind-branch" in drawn[ids["branch1"]][0]
    assert "term-overdue" in drawn[ids["community_branch"]][0] and "任期已届满" in drawn[ids["community_branch"]][1]
    assert "term-ending" in drawn[ids["joint_branch"]][0] and "任期届满" in drawn[ids["joint_branch"]][1]
    assert "所属党员 20 名（预备 1）" in drawn[ids["hospital"]][1]
    assert "书记空缺" in drawn[ids["health_wc"]][1]
    assert drawn[ids["branch1_group1"]][1] == "第一党小组|党小组"
    assert html.count('<polyline class="org-chart-link"') == len(ids) - 1
    assert re.search(r'href="/orgs/\?view=chart" class="active" aria-current="page">结构图', html)


def test_the_list_stays_the_default_view(client, demo, login):
    login(client, "branch1_secretary")

    html = client.get("/orgs/").get_data(as_text=True)

    assert 'class="org-tree"' in html and 'class="org-chart' not in html  # (the header's bell is an <svg> too)
    assert re.search(r'href="/orgs/" class="active" aria-current="page">列表', html)


def test_long_names_wrap_on_two_lines_and_longer_text_is_shortened_with_an_ellipsis():
    assert wrap("中共城关县委卫生健康工作委员会", 11.5, 2) == ("中共城关县委卫生健康工", "作委员会")
    assert wrap("内科第一党支部", 11.5, 2) == ("内科第一党支部",)
    assert wrap("一" * 30, 11.5, 2) == ("一" * 11, "一" * 10 + "…")
    assert fit("Branch · Secretary: Chen Xiaoming", 13.5).endswith("…")
    assert text_units(fit("Branch · Secretary: Chen Xiaoming", 13.5)) <= 13.5
    assert text_units("党员 16 名") == pytest.approx(3 + 0.55 * 4)  # three characters, two digits, two spaces


@pytest.mark.parametrize("months, days, marked", [(6, 0, True), (6, 1, False), (0, -1, None)])
def test_the_list_marks_a_term_ending_within_six_months_as_the_chart_does(app, client, demo, login, months, days,
                                                                           marked):
    with app.app_context():
        unit = demo.unit("joint_branch")
        unit.term_due_on = add_days(add_months(clock.today(), months), days)
        db.session.commit()
    login(client, "branch1_secretary")

    html = client.get("/orgs/").get_data(as_text=True)
    row = html[html.index("内科联合党支部"):].split("<li>")[0]

    if marked is None:
        assert "应及时换届" in row  # ended yesterday
    else:
        assert ("即将届满" in row) is marked
