"""管理 · 规则设置: overrides per unit apply down the tree, are validated and recorded."""

from __future__ import annotations

import pytest
from _admin_helpers import admin_events, post_setting

from webapp.cases.context import rule_settings_for
from webapp.extensions import db
from webapp.models import RuleOverride


def test_an_override_of_min_age_on_a_committee_applies_to_its_branches_and_not_to_another_committees(
        app, client, demo, login):
    login(client, "admin")

    response = post_setting(client, demo.unit_ids["hospital"], "min_age_years", "20")

    assert response.status_code == 302
    with app.app_context():
        assert rule_settings_for(demo.unit_ids["hospital"])["min_age_years"] == 20
        assert rule_settings_for(demo.unit_ids["branch1"])["min_age_years"] == 20  # two levels below
        assert rule_settings_for(demo.unit_ids["joint_branch"])["min_age_years"] == 20
        assert rule_settings_for(demo.unit_ids["town_branch"])["min_age_years"] == 18  # another committee
        assert rule_settings_for(demo.unit_ids["county"])["min_age_years"] == 18  # above it
    page = client.get(f"/admin/settings?unit={demo.unit_ids['branch1']}").get_data(as_text=True)
    assert "沿用上级：" in page and "县人民医院党委" in page
    [event] = admin_events(app, "setting_set")
    assert event.data["key"] == "min_age_years" and event.data["after"] == 20 and event.data["before"] is None


def test_a_branch_override_wins_over_its_committee_and_removing_it_restores_the_inherited_value(
        app, client, demo, login):
    login(client, "admin")
    post_setting(client, demo.unit_ids["hospital"], "min_age_years", "20")
    post_setting(client, demo.unit_ids["branch1"], "min_age_years", "22")
    with app.app_context():
        assert rule_settings_for(demo.unit_ids["branch1"])["min_age_years"] == 22

    response = post_setting(client, demo.unit_ids["branch1"], "min_age_years", "", action="remove")

    assert response.status_code == 302
    with app.app_context():
        assert rule_settings_for(demo.unit_ids["branch1"])["min_age_years"] == 20
    assert [e.kind for e in admin_events(app)] == ["setting_set", "setting_set", "setting_removed"]


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "须为整数"),
    ("17", "须在 18 至 40 之间"),
    ("41", "须在 18 至 40 之间"),
    ("", "请填写本级的值"),
])
def test_an_invalid_override_is_shown_beside_the_field_and_stores_nothing(app, client, demo, login, value, message):
    login(client, "admin")

    response = post_setting(client, demo.unit_ids["hospital"], "min_age_years", value)

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page and 'id="value-min_age_years-error"' in page
    assert f'value="{value}"' in page  # what was typed is kept
    with app.app_context():
        assert db.session.scalar(db.select(RuleOverride).limit(1)) is None
    assert admin_events(app) == []


def test_an_override_that_would_contradict_a_setting_below_is_refused(app, client, demo, login):
    login(client, "admin")
    assert post_setting(client, demo.unit_ids["branch1"], "mentor_count.max", "1").status_code == 302

    response = post_setting(client, demo.unit_ids["hospital"], "mentor_count.min", "2")

    assert response.status_code == 422
    assert "内科第一党支部" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(db.select(RuleOverride.key)).all() == ["mentor_count.max"]
    assert [e.kind for e in admin_events(app)] == ["setting_set"]


def test_a_setting_fixed_by_national_rules_offers_no_input(client, demo, login):
    login(client, "admin")

    page = client.get(f"/admin/settings?unit={demo.unit_ids['hospital']}").get_data(as_text=True)

    assert 'id="value-min_age_years"' in page
    assert 'id="value-sponsor_count"' not in page and "不能按组织调整" in page


def test_settings_of_an_unknown_unit_or_setting_are_refused(app, client, demo, login):
    login(client, "admin")

    assert client.get("/admin/settings?unit=999999").status_code == 404
    assert post_setting(client, 999999, "min_age_years", "20").status_code == 404
    assert post_setting(client, demo.unit_ids["hospital"], "no_such_setting", "1").status_code == 422
    assert admin_events(app) == []


# ---------- lane registry ----------


