"""E-mail of notifications (off by default): the timer worker's tick sends the outbox through a real SMTP
server (tests/webapp/smtp_server.py), each notification once even with two workers; a failure keeps
it in the outbox for the next tick. Admins set a person's e-mail address on the user's page."""

from datetime import timedelta

import pytest
from _admin_helpers import admin_events
from _at_once import at_once
from smtp_server import SmtpServer

from webapp import clock, create_app
from webapp.extensions import db
from webapp.models import Notification, OrgUnit, User
from webapp.notifications.email import deliver_pending_email
from webapp.notifications.service import notify
from workflows.i18n import N_

MESSAGE = N_("%(unit)s的任期将于 %(date)s 届满，请做好换届准备。")


@pytest.fixture(autouse=True)
def without_terms(app, demo):
    """The demo's terms removed: the tick would notify their reminders too (tested in test_term_reminders.py)."""
    with app.app_context():
        for unit in db.session.scalars(db.select(OrgUnit)):
            unit.term_due_on = None
        db.session.commit()


@pytest.fixture
def smtp(app):
    with SmtpServer() as server:
        app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=server.port,
                          MAIL_FROM="PartyFlow <pf@example.org>", MAIL_BASE_URL="https://partyflow.example.org/")
        yield server


def add(app, demo, usernames, key="term:reminder:5:2027-06-30", read=False):
    with app.app_context():
        notify([demo.user(u) for u in usernames], key=key, kind="term_reminder", message=MESSAGE,
               params={"unit": "内科联合党支部", "date": "2027-06-30"}, link=f"/orgs/{demo.unit_ids['joint_branch']}")
        if read:
            for n in db.session.scalars(db.select(Notification).filter_by(key=key)):
                n.read_at = clock.now()
        db.session.commit()


def emailed(app):
    with app.app_context():
        return sorted((n.user.username, n.key) for n in db.session.scalars(
            db.select(Notification).where(Notification.emailed_at.is_not(None))))


def tick(runner):
    result = runner.invoke(args=["timers", "tick", "--now", (clock.now() + timedelta(minutes=1)).isoformat()])
    assert result.exit_code == 0, result.output


def test_without_an_smtp_server_nothing_is_emailed(app, demo, runner):
    add(app, demo, ["branch1_secretary"])
    assert app.config["MAIL_SMTP_HOST"] is None  # the default: off
    tick(runner)
    assert emailed(app) == []


def test_the_tick_emails_each_notification_of_a_person_with_an_address_once(app, demo, runner, smtp):
    add(app, demo, ["branch1_secretary", "branch1_deputy"])  # the deputy has no e-mail address
    add(app, demo, ["branch1_secretary"], key="already-read", read=True)
    tick(runner)
    tick(runner)

    (message,) = smtp.received()
    assert message["To"] == "chen.xiaoming@example.org" and message["From"] == "PartyFlow <pf@example.org>"
    assert message["Subject"] == "PartyFlow 通知：内科联合党支部的任期将于 2027年6月30日 届满，请做好换届准备。"
    body = message.get_content()
    assert "陈晓明：" in body and "内科联合党支部的任期将于 2027年6月30日 届满" in body
    assert f"https://partyflow.example.org/orgs/{demo.unit_ids['joint_branch']}" in body
    assert emailed(app) == [("branch1_secretary", "term:reminder:5:2027-06-30")]


def test_an_smtp_failure_keeps_the_notification_for_the_next_tick(app, demo, runner, smtp, caplog):
    add(app, demo, ["branch1_secretary", "joint_secretary"])
    smtp.refuse = True
    tick(runner)
    assert smtp.received() == [] and emailed(app) == []
    assert "retried next tick" in caplog.text

    smtp.refuse = False
    tick(runner)
    assert sorted(m["To"] for m in smtp.received()) == ["chen.xiaoming@example.org", "xie.chunyan@example.org"]
    assert len(emailed(app)) == 2


def test_an_unreachable_smtp_server_loses_nothing(app, demo, runner, caplog):
    with SmtpServer() as closed:
        port = closed.port
    app.config.update(MAIL_SMTP_HOST="127.0.0.1", MAIL_SMTP_PORT=port, MAIL_SMTP_TIMEOUT=2)
    add(app, demo, ["branch1_secretary"])
    tick(runner)
    assert emailed(app) == [] and "cannot reach the SMTP server" in caplog.text
    with SmtpServer() as server:
        app.config["MAIL_SMTP_PORT"] = server.port
        tick(runner)
        assert len(server.received()) == 1 and len(emailed(app)) == 1


def test_two_workers_email_each_notification_once(app, demo, smtp):
    for n in range(6):
        add(app, demo, ["branch1_secretary", "internal_gb_secretary"], key=f"k{n}")
    assert sum(at_once(app, deliver_pending_email)) == 12
    assert len(smtp.received()) == 12 and len(emailed(app)) == 12


def test_the_mail_settings_come_from_the_environment(monkeypatch, app_config):
    monkeypatch.setenv("PARTYFLOW_MAIL_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("PARTYFLOW_MAIL_SMTP_PORT", "587")
    monkeypatch.setenv("PARTYFLOW_MAIL_SMTP_STARTTLS", "true")
    config = create_app(app_config).config
    assert (config["MAIL_SMTP_HOST"], config["MAIL_SMTP_PORT"], config["MAIL_SMTP_STARTTLS"]) == (
        "smtp.example.org", 587, True)


def test_an_admin_sets_and_clears_a_persons_email_address(app, client, demo, login):
    login(client, "admin")
    user_id = demo.user_ids["branch1_deputy"]
    page = client.get(f"/admin/users/{user_id}/positions").get_data(as_text=True)
    assert "电子邮箱" in page and 'name="email"' in page

    response = client.post(f"/admin/users/{user_id}/email", data={"email": " liu.fang@example.org "})
    assert response.status_code == 302 and response.headers["Location"].endswith("#email")
    for bad in ("liu.fang", "a b@example.org", "x@" + "e" * 260 + ".org"):
        response = client.post(f"/admin/users/{user_id}/email", data={"email": bad})
        assert response.status_code == 422 and "field-error" in response.get_data(as_text=True)
    client.post(f"/admin/users/{user_id}/email", data={"email": ""})
    with app.app_context():
        assert db.session.get(User, user_id).email is None
    assert [(e.data["before"], e.data["after"]) for e in admin_events(app, "email_set")] == [
        (None, "liu.fang@example.org"), ("liu.fang@example.org", None)]
    assert client.post("/admin/users/99999/email", data={"email": ""}).status_code == 404
