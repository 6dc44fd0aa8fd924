"""任期 (RULES.md §4.7): the timer worker reminds a unit and its superior `term.reminder_months` before
its term ends (TM17), and flags a term that ended without a new one (TM18), each once, whatever the
number of ticks or workers. Time is driven with `flask timers tick --now`, never with sleeps."""

from datetime import date

from _admin_helpers import admin_events
from _at_once import at_once

from webapp.demo import add_months
from webapp.extensions import db
from webapp.models import Notification, OrgUnit, User
from webapp.orgs.terms import remind_terms

DUE = date(2027, 6, 30)


def only_term(app, demo, key, due_on, term_no=5):
    """Every demo term removed but the one of ``key`` (so that only it is due)."""
    with app.app_context():
        for unit in db.session.scalars(db.select(OrgUnit)):
            unit.term_due_on = unit.term_started_on = None
        unit = demo.unit(key)
        unit.term_no, unit.term_due_on, unit.term_started_on = term_no, due_on, add_months(due_on, -36)
        db.session.commit()


def tick(runner, day):
    result = runner.invoke(args=["timers", "tick", "--now", f"{day.isoformat()}T08:00"])
    assert result.exit_code == 0, result.output


def notified(app, kind=None):
    """(username, message as shown) of every notification, by user."""
    from webapp.notifications.service import render

    with app.app_context():
        query = db.select(Notification).order_by(Notification.user_id, Notification.id)
        if kind:
            query = query.filter_by(kind=kind)
        return [(n.user.username, render(n)) for n in db.session.scalars(query)]


def marks(app, demo, key):
    with app.app_context():
        unit = demo.unit(key)
        return unit.term_reminded_on, unit.term_overdue_since


def test_a_term_ending_in_six_months_is_reminded_once_to_the_unit_and_its_superior(app, demo, runner):
    only_term(app, demo, "branch1", DUE)
    tick(runner, date(2026, 12, 29))  # six months and a day before: nothing yet
    assert notified(app) == []

    tick(runner, date(2026, 12, 30))
    tick(runner, date(2026, 12, 31))  # a second tick: nothing more
    message = "内科第一党支部的任期将于 2027年6月30日 届满，请做好换届准备。"
    assert sorted(notified(app)) == sorted([
        ("branch1_secretary", message), ("branch1_deputy", message), ("branch1_org", message),
        ("internal_gb_secretary", message)])  # the branch's officers and those of 内科党总支 above it
    assert marks(app, demo, "branch1") == (date(2026, 12, 30), None)
    (event,) = admin_events(app, "term_reminded")
    assert event.actor_id is None and event.target == f"unit:{demo.unit_ids['branch1']}"
    assert event.data["due_on"] == "2027-06-30" and event.data["notified"] == 4
    assert set(event.data["recipients"]) == {"陈晓明", "刘芳", "杨帆", "马文斌"}
    with app.app_context():
        links = dict(db.session.execute(db.select(User.username, Notification.link).join(Notification.user)).all())
    branch = demo.unit_ids["branch1"]
    # E01 offers the election: the branch's officers start it from the notice, 内科党总支 reads the branch's page
    assert links == {"branch1_secretary": f"/cases/new?process=term_election&unit={branch}",
                     "branch1_deputy": f"/cases/new?process=term_election&unit={branch}",
                     "branch1_org": f"/cases/new?process=term_election&unit={branch}",
                     "internal_gb_secretary": f"/orgs/{branch}"}


def test_an_overdue_term_is_flagged_and_notified_once(app, demo, runner):
    only_term(app, demo, "branch1", DUE)
    tick(runner, DUE)  # the last day of the term: reminded (late), not overdue
    assert marks(app, demo, "branch1") == (DUE, None)

    tick(runner, date(2027, 7, 1))
    tick(runner, date(2027, 7, 2))
    tick(runner, date(2028, 1, 1))
    message = "内科第一党支部的任期已于 2027年6月30日 届满，至今未换届，请督促按期换届。"
    assert sorted(notified(app, "term_overdue")) == sorted([
        ("internal_gb_secretary", message), ("branch1_secretary", message), ("branch1_deputy", message),
        ("branch1_org", message)])
    assert marks(app, demo, "branch1") == (DUE, date(2027, 7, 1))  # overdue since the first day without a term
    assert [e.kind for e in admin_events(app)] == ["term_reminded", "term_overdue"]


def test_a_term_already_overdue_is_flagged_without_a_late_reminder(app, demo, runner):
    only_term(app, demo, "town_branch", DUE)
    tick(runner, date(2027, 9, 1))
    assert marks(app, demo, "town_branch") == (None, date(2027, 7, 1))
    assert {message for _user, message in notified(app)} == {
        "城关镇机关党支部的任期已于 2027年6月30日 届满，至今未换届，请督促按期换届。"}
    assert {n[0] for n in notified(app)} == {"town_secretary", "town_org_member", "town_branch_secretary"}


def test_a_unit_with_a_new_term_is_not_flagged(app, demo, runner, client, login):
    only_term(app, demo, "branch1", DUE)
    tick(runner, date(2027, 1, 5))
    login(client, "admin")
    response = client.post(f"/orgs/{demo.unit_ids['branch1']}/term",
                           data={"term_no": "6", "started_on": "2027-06-20", "due_on": ""})
    assert response.status_code == 302
    assert marks(app, demo, "branch1") == (None, None)  # the new term is reminded in its turn

    tick(runner, date(2027, 7, 1))
    tick(runner, date(2029, 12, 19))
    assert notified(app, "term_overdue") == []
    with app.app_context():
        unit = demo.unit("branch1")
        assert (unit.term_no, unit.term_started_on, unit.term_due_on) == (6, date(2027, 6, 20), date(2030, 6, 20))
        assert unit.term_overdue_since is None
    assert len(notified(app, "term_reminder")) == 4  # the old term's reminder only, so far
    tick(runner, date(2029, 12, 20))  # six months before the new end
    assert len(notified(app, "term_reminder")) == 8


def test_the_reminder_lead_and_the_grace_days_come_from_the_units_settings(app, demo, runner, client, login):
    only_term(app, demo, "branch1", DUE)
    login(client, "admin")
    general_branch = demo.unit_ids["internal_gb"]  # set above the branch: it applies below
    for key, value in (("term.reminder_months", "3"), ("term.overdue_grace_days", "10")):
        response = client.post("/admin/settings", data={"unit": general_branch, "key": key, "value": value})
        assert response.status_code == 302, response.get_data(as_text=True)

    tick(runner, date(2027, 3, 29))
    assert marks(app, demo, "branch1") == (None, None)
    tick(runner, date(2027, 3, 30))
    assert marks(app, demo, "branch1") == (date(2027, 3, 30), None)
    tick(runner, date(2027, 7, 10))  # within the ten days of grace
    assert marks(app, demo, "branch1")[1] is None
    tick(runner, date(2027, 7, 11))
    assert marks(app, demo, "branch1") == (date(2027, 3, 30), date(2027, 7, 1))


def test_a_unit_without_officers_is_still_reminded_once_in_the_admin_log(app, demo, runner):
    only_term(app, demo, "county", DUE)  # nobody holds an officer position in 城关县委, and it has no superior
    tick(runner, date(2027, 1, 1))
    tick(runner, date(2027, 1, 2))
    assert notified(app) == []
    (event,) = admin_events(app, "term_reminded")
    assert event.data["recipients"] == [] and event.data["notified"] == 0


def test_two_workers_at_once_send_each_term_notice_once(app, demo):
    only_term(app, demo, "branch1", DUE)
    results = at_once(app, lambda: remind_terms(date(2027, 1, 5)))
    assert sorted(results) == [0, 1]
    assert len(notified(app)) == 4 and len(admin_events(app, "term_reminded")) == 1


def test_the_demo_has_a_term_to_remind_and_an_overdue_one(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0 and "3 term notices" in result.output, result.output
    with app.app_context():
        flagged = {u.name: (u.term_reminded_on is not None, u.term_overdue_since is not None)
                   for u in db.session.scalars(db.select(OrgUnit).where(
                       OrgUnit.term_reminded_on.is_not(None) | OrgUnit.term_overdue_since.is_not(None)))}
    assert flagged == {"内科联合党支部": (True, False), "城关镇机关党支部": (True, False),
                       "东街社区第一党支部": (False, True)}
