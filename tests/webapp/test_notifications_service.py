"""notify(): one notification per distinct enabled recipient and event key, in the caller's transaction,
never twice for the same (person, key), also when two workers notify the same event at once."""

from datetime import date, timedelta

import pytest
from _at_once import at_once

from webapp import clock
from webapp.extensions import db
from webapp.models import Notification, Position, User
from webapp.notifications.service import is_app_relative, notify, render, unit_officers
from workflows.i18n import N_

MESSAGE = N_("%(unit)s的任期将于 %(date)s 届满，请做好换届准备。")


def rows(app, key=None):
    with app.app_context():
        query = db.select(Notification).order_by(Notification.user_id)
        if key is not None:
            query = query.filter_by(key=key)
        return [(n.user.username, n.key) for n in db.session.scalars(query)]


def test_notify_inserts_one_per_distinct_enabled_recipient_and_says_how_many_are_new(app, demo):
    with app.app_context():
        secretary, deputy, org = (demo.user(u) for u in ("branch1_secretary", "branch1_deputy", "branch1_org"))
        org.is_enabled = False
        new = notify([secretary, deputy, secretary, org], key="term:reminder:1:2027-06-30", kind="term_reminder",
                     message=MESSAGE, params={"unit": "内科第一党支部", "date": date(2027, 6, 30)}, link="/orgs/1")
        db.session.commit()
        assert new == 2
        stored = db.session.scalars(db.select(Notification).order_by(Notification.user_id)).all()
        assert [n.user_id for n in stored] == sorted([secretary.id, deputy.id])
        assert stored[0].params == {"unit": "内科第一党支部", "date": "2027-06-30"}  # dates kept as ISO text
        assert (stored[0].kind, stored[0].link, stored[0].read_at, stored[0].emailed_at) == (
            "term_reminder", "/orgs/1", None, None)
        assert render(stored[0]) == "内科第一党支部的任期将于 2027年6月30日 届满，请做好换届准备。"


def test_the_same_key_again_is_skipped_and_only_new_recipients_count(app, demo):
    with app.app_context():
        secretary, deputy = demo.user("branch1_secretary"), demo.user("branch1_deputy")
        params = {"unit": "x", "date": "y"}
        assert notify([secretary], key="k1", kind="test", message=MESSAGE, params=params) == 1
        assert notify([secretary], key="k1", kind="test", message=MESSAGE, params=params) == 0
        db.session.commit()
        assert notify([secretary, deputy], key="k1", kind="test", message=MESSAGE, params=params) == 1
        assert notify([secretary], key="k2", kind="test", message=MESSAGE, params=params) == 1
        assert notify([], key="k3", kind="test", message=MESSAGE) == 0
        db.session.commit()
    assert rows(app, "k1") == [("branch1_secretary", "k1"), ("branch1_deputy", "k1")]
    assert len(rows(app)) == 3


def test_people_added_in_the_same_transaction_are_notified_each(app, demo):
    with app.app_context():
        newcomers = [User(username=f"new{n}", display_name=f"新人{n}", password_hash="x") for n in range(2)]
        db.session.add_all(newcomers)
        assert notify(newcomers, key="welcome", kind="test", message=MESSAGE, params={"unit": "x", "date": "y"}) == 2
        db.session.commit()
    assert rows(app) == [("new0", "welcome"), ("new1", "welcome")]


def test_notify_never_commits_the_callers_transaction(app, demo):
    with app.app_context():
        assert notify([demo.user("branch1_secretary")], key="k", kind="test", message=MESSAGE) == 1
        db.session.rollback()
    assert rows(app) == []


def test_notify_refuses_a_link_out_of_the_app_and_oversized_fields(app, demo):
    with app.app_context():
        user = demo.user("branch1_secretary")
        for link in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "orgs/1", "/a b"):
            with pytest.raises(ValueError):
                notify([user], key="k", kind="test", message=MESSAGE, link=link)
        with pytest.raises(ValueError):
            notify([user], key="k" * 201, kind="test", message=MESSAGE)
        with pytest.raises(ValueError):
            notify([user], key="k", kind="test", message="长" * 301)
    assert rows(app) == []
    assert is_app_relative("/inbox/17?tab=done") and not is_app_relative("javascript:alert(1)")


def test_two_workers_notifying_the_same_key_at_once_make_exactly_one_row(app, demo):
    def notify_and_commit() -> int:
        user = db.session.get(User, demo.user_ids["branch1_secretary"])
        new = notify([user], key="remind:work_item:17:L0", kind="reminder", message=MESSAGE,
                     params={"unit": "x", "date": "y"})
        db.session.commit()
        return new

    assert sorted(at_once(app, notify_and_commit)) == [0, 1]
    assert rows(app) == [("branch1_secretary", "remind:work_item:17:L0")]


def test_unit_officers_are_the_enabled_holders_of_an_officer_position_on_the_day(app, demo):
    today = clock.today()
    with app.app_context():
        branch = demo.unit("branch1")
        names = {u.username for u in unit_officers(branch.id, today)}
        assert names == {"branch1_secretary", "branch1_deputy", "branch1_org"}  # not the publicity member

        demo.user("branch1_deputy").is_enabled = False
        org_position = db.session.scalars(db.select(Position).filter_by(unit_id=branch.id, role="org_member")).one()
        org_position.ended_on = today - timedelta(days=1)
        newcomer = demo.user("branch1_publicity")
        db.session.add(Position(user=newcomer, unit=branch, role="deputy_secretary",
                                started_on=today + timedelta(days=3)))
        db.session.flush()
        assert [u.username for u in unit_officers(branch.id, today)] == ["branch1_secretary"]
        later = {u.username for u in unit_officers(branch.id, today + timedelta(days=3))}
        assert later == {"branch1_secretary", "branch1_publicity"}
        assert [u.username for u in unit_officers(demo.unit_ids["county"], today)] == []
