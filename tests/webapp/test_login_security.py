"""Logging in safely: password hashes, and login throttling for the login page and the API token alike."""

from __future__ import annotations

from datetime import timedelta

from test_security import token

from webapp import clock
from webapp.auth import throttle
from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db
from webapp.models import AdminEvent, LoginFailure, User

LOCKED = "登录失败次数过多，已暂时锁定"


def is_logged_in(client) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def later(minutes: int):
    real_now = clock.now
    return lambda: real_now() + timedelta(minutes=minutes)


# ---------- passwords ----------


def test_passwords_are_stored_as_scrypt_hashes(app, demo):
    with app.app_context():
        stored = db.session.scalars(db.select(User.password_hash)).all()
        user = db.session.scalar(db.select(User).filter_by(username="branch1_secretary"))
        user.set_password("新的密码-2026")

        assert stored and all(h.startswith("scrypt:") for h in stored)
        assert user.password_hash.startswith("scrypt:") and "新的密码" not in user.password_hash
        assert user.check_password("新的密码-2026") and not user.check_password(DEMO_PASSWORD)


# ---------- login throttling ----------


def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(app, client, demo, login):
    attempts = [login(client, "branch1_secretary", f"guess-{n}") for n in range(5)]
    refused = login(client, "branch1_secretary")

    assert [r.status_code for r in attempts] == [200, 200, 200, 200, 429]
    assert "用户名或密码不正确" in attempts[0].get_data(as_text=True)
    assert refused.status_code == 429
    html = refused.get_data(as_text=True)
    assert LOCKED in html and "15 分钟后再试" in html
    assert not is_logged_in(client)


def test_the_lock_ends_with_the_window_and_then_the_right_password_works(client, demo, login, monkeypatch):
    for n in range(5):
        login(client, "branch1_secretary", f"guess-{n}")
    monkeypatch.setattr(clock, "now", later(10))
    still_locked = login(client, "branch1_secretary")
    monkeypatch.setattr(clock, "now", later(16))

    assert still_locked.status_code == 429 and "5 分钟后再试" in still_locked.get_data(as_text=True)
    assert login(client, "branch1_secretary").status_code == 302
    assert is_logged_in(client)


def test_a_successful_login_clears_the_usernames_failures(client, demo, login):
    for n in range(4):
        login(client, "branch1_secretary", f"guess-{n}")
    assert login(client, "branch1_secretary").status_code == 302
    client.post("/auth/logout")
    for n in range(4):
        login(client, "branch1_secretary", f"guess-{n}")

    assert login(client, "branch1_secretary").status_code == 302


def test_other_usernames_are_not_locked_by_someone_elses_failures(client, demo, login):
    for n in range(5):
        login(client, "branch1_secretary", f"guess-{n}")

    assert login(client, "branch1_org").status_code == 302


def test_an_unknown_username_costs_a_password_check_like_a_known_one(client, demo, login, monkeypatch):
    # Timing must not tell which usernames exist: both failures run one scrypt check.
    checked = []
    real_check = throttle.check_password_hash
    monkeypatch.setattr(throttle, "check_password_hash", lambda *args: checked.append(1) or real_check(*args))
    monkeypatch.setattr("webapp.models.user.check_password_hash",
                        lambda *args: checked.append(1) or real_check(*args))
    for username in ("nobody_here", "branch1_secretary"):
        checked.clear()
        assert login(client, username, "wrong password").status_code == 200
        assert checked == [1], username


def test_many_failures_from_one_address_lock_every_username_from_it(app, client, demo, login):
    for n in range(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]):
        login(client, f"nobody-{n}", "guess")  # unknown usernames count as well

    refused = login(client, "branch1_org")

    assert refused.status_code == 429 and LOCKED in refused.get_data(as_text=True)
    other_address = app.test_client()
    assert other_address.post("/auth/login", data={"username": "branch1_org", "password": DEMO_PASSWORD},
                              environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 302


def test_the_api_token_is_throttled_with_the_pages_and_says_when_to_retry(client, demo, login):
    answers = [token(client, "branch1_secretary", f"guess-{n}") for n in range(5)]
    refused = token(client, "branch1_secretary")

    assert [r.status_code for r in answers] == [401, 401, 401, 401, 429]
    assert refused.status_code == 429 and LOCKED in refused.json["message"]
    assert refused.json["error"] == 429 and 0 < int(refused.headers["Retry-After"]) <= 15 * 60
    assert login(client, "branch1_secretary").status_code == 429  # the same lock for the login page


def test_a_lockout_is_written_to_the_admin_log(app, client, demo, login):
    for n in range(5):
        login(client, "branch1_secretary", f"guess-{n}")
    login(client, "admin")

    page = client.get("/admin/events?kind=login_locked").get_data(as_text=True)

    with app.app_context():
        event = db.session.scalars(db.select(AdminEvent).filter_by(kind="login_locked")).one()
        assert event.target == "username:branch1_secretary" and event.actor_id is None
        assert event.data["failures"] == 5 and event.data["address"] == "127.0.0.1"
    assert "用户名 branch1_secretary 登录失败 5 次（最近一次来自 127.0.0.1），暂停登录 15 分钟" in page


def test_failures_older_than_the_window_are_deleted_as_new_ones_come(app, client, demo, login, monkeypatch):
    for n in range(3):
        login(client, "branch1_secretary", f"guess-{n}")
    monkeypatch.setattr(clock, "now", later(20))
    login(client, "branch1_org", "guess")

    with app.app_context():
        assert db.session.scalars(db.select(LoginFailure.username)).all() == ["branch1_org"]
