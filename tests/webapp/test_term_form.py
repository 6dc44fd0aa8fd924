"""登记任期: an admin enters a unit's term on its page; the end defaults to the election day plus the term
years of the unit's kind in its rule settings; bad dates come back beside their field, never a 500."""

from datetime import date

from _admin_helpers import admin_events

from webapp.extensions import db


def term_of(app, demo, key):
    with app.app_context():
        unit = demo.unit(key)
        return unit.term_no, unit.term_started_on, unit.term_due_on


def post_term(client, demo, key, **data):
    form = {"term_no": "6", "started_on": "2026-03-01", "due_on": "", **data}
    return client.post(f"/orgs/{demo.unit_ids[key]}/term", data=form)


def test_an_admin_enters_a_term_and_its_end_follows_the_kind_of_unit(app, client, demo, login):
    login(client, "admin")
    page = client.get(f"/orgs/{demo.unit_ids['branch1']}").get_data(as_text=True)
    assert "登记任期" in page and 'name="started_on"' in page and "3 年（按规则设置）" in page

    response = post_term(client, demo, "branch1")
    assert response.status_code == 302 and response.headers["Location"].endswith("#term")
    assert term_of(app, demo, "branch1") == (6, date(2026, 3, 1), date(2029, 3, 1))
    post_term(client, demo, "hospital", term_no="7")
    assert term_of(app, demo, "hospital") == (7, date(2026, 3, 1), date(2031, 3, 1))  # a committee: five years
    shown = client.get(f"/orgs/{demo.unit_ids['branch1']}", follow_redirects=True).get_data(as_text=True)
    assert "第6届" in shown and "2029年3月1日" in shown

    (first, _second) = admin_events(app, "term_set")
    assert first.data["after"] == {"term_no": 6, "started_on": "2026-03-01", "due_on": "2029-03-01"}
    assert first.data["before"]["term_no"] == 5
    events = client.get("/admin/events").get_data(as_text=True)
    assert "“内科第一党支部”任期：第6届，2026年3月1日 至 2029年3月1日" in events


def test_the_term_years_setting_and_an_approved_postponement_set_the_end(app, client, demo, login):
    login(client, "admin")
    client.post("/admin/settings", data={"unit": demo.unit_ids["branch1"], "key": "term.years.branch", "value": "2"})
    post_term(client, demo, "branch1")
    assert term_of(app, demo, "branch1")[2] == date(2028, 3, 1)

    post_term(client, demo, "branch1", due_on="2029-01-31")  # 经批准延期
    assert term_of(app, demo, "branch1")[2] == date(2029, 1, 31)
    page = client.get(f"/orgs/{demo.unit_ids['branch1']}").get_data(as_text=True)
    assert 'value="2029-01-31"' in page  # an end that is not the default one stays in the form


def test_bad_term_input_comes_back_beside_its_field(app, client, demo, login):
    login(client, "admin")
    before = term_of(app, demo, "branch1")
    cases = (
        ({"due_on": "2026-02-01"}, "任期届满日期须晚于选举产生日期。"),
        ({"started_on": "9999-12-31"}, "须在 1900 年至 2100 年之间"),
        ({"started_on": ""}, "请填写本届委员会选举产生的日期"),
        ({"started_on": "2026-02-30"}, "不是有效的日期值"),
        ({"term_no": "abc"}, "不是有效的整数"),
        ({"term_no": "0"}, "届次须为 1 至 999 之间的整数。"),
        ({"term_no": "99999999999999999999"}, "届次须为 1 至 999 之间的整数。"),
        ({"term_no": ""}, "请填写届次"),
    )
    for data, message in cases:
        response = post_term(client, demo, "branch1", **data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and message in html, (data, html[-3000:])
        assert "field-error" in html
    assert term_of(app, demo, "branch1") == before
    assert admin_events(app) == []


def test_only_admins_enter_terms_and_only_for_units_that_have_one(app, client, demo, login):
    login(client, "branch1_secretary")
    page = client.get(f"/orgs/{demo.unit_ids['branch1']}").get_data(as_text=True)
    assert "任期" in page and "登记任期" not in page
    assert post_term(client, demo, "branch1").status_code == 403

    admin = app.test_client()
    login(admin, "admin")
    assert post_term(admin, demo, "branch1_group1").status_code == 404  # 党小组: no term
    assert post_term(admin, demo, "county_org_dept").status_code == 404
    with app.app_context():
        assert demo.unit("branch1_group1").term_due_on is None
        db.session.rollback()
