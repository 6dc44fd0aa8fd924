"""通知 pages: the header's unread count, the list (newest first, unread marked, filtered, paginated),
opening and marking read; only the owner sees or changes a notification."""

import re
from datetime import timedelta

from webapp import clock
from webapp.extensions import db
from webapp.models import Notification
from webapp.notifications.service import notify
from workflows.i18n import N_

MESSAGE = N_("%(unit)s的任期将于 %(date)s 届满，请做好换届准备。")


def add_notifications(app, demo, username, count, link="/orgs/{unit}", start=0):
    """``count`` notifications for the user, one minute apart, the last one newest; their ids in that order."""
    with app.app_context():
        user, unit_id = demo.user(username), demo.unit_ids["branch1"]
        for n in range(start, start + count):
            notify([user], key=f"test:{n}", kind="test", message=MESSAGE,
                   params={"unit": f"第{n}号支部", "date": "2027-06-30"}, link=link.format(unit=unit_id))
        db.session.flush()
        rows = db.session.scalars(db.select(Notification).filter_by(user_id=user.id).order_by(Notification.id)).all()
        base = clock.now() - timedelta(days=1)
        for index, row in enumerate(rows):
            row.created_at = base + timedelta(minutes=index)
        db.session.commit()
        return [row.id for row in rows]


def badge(html):
    found = re.search(r'class="notify-link[^"]*".*?</a>', html, re.S)
    assert found, "no notification link in the header"
    count = re.search(r'<span class="badge-count">(\d+)</span>', found.group(0))
    return int(count.group(1)) if count else 0


def is_read(app, notification_id):
    with app.app_context():
        return db.session.get(Notification, notification_id).read_at is not None


def test_the_header_shows_the_unread_count_of_the_logged_in_user(app, client, demo, login):
    add_notifications(app, demo, "branch1_secretary", 3)
    add_notifications(app, demo, "branch1_deputy", 1)
    login(client, "branch1_secretary")
    assert badge(client.get("/").get_data(as_text=True)) == 3
    client.post("/notifications/read-all", data={})
    assert badge(client.get("/").get_data(as_text=True)) == 0
    deputy = app.test_client()
    login(deputy, "branch1_deputy")
    assert badge(deputy.get("/inbox/").get_data(as_text=True)) == 1


def test_the_list_is_newest_first_with_the_unread_marked_and_filters_the_unread(app, client, demo, login):
    ids = add_notifications(app, demo, "branch1_secretary", 3)
    login(client, "branch1_secretary")
    client.post(f"/notifications/{ids[0]}/read", data={})

    html = client.get("/notifications/").get_data(as_text=True)
    assert [html.index(f"第{n}号支部") for n in (2, 1, 0)] == sorted(html.index(f"第{n}号支部") for n in (2, 1, 0))
    assert "第2号支部的任期将于 2027年6月30日 届满，请做好换届准备。" in html
    assert html.count('class="notification is-unread"') == 2 and html.count("标记为已读") == 2
    assert f'href="/notifications/{ids[2]}/open"' in html

    unread = client.get("/notifications/?show=unread").get_data(as_text=True)
    assert "第2号支部" in unread and "第1号支部" in unread and "第0号支部" not in unread


def test_the_list_is_paginated(app, client, demo, login):
    add_notifications(app, demo, "branch1_secretary", 23)
    login(client, "branch1_secretary")
    first = client.get("/notifications/").get_data(as_text=True)
    second = client.get("/notifications/?page=2").get_data(as_text=True)
    assert first.count('class="notification is-unread"') == 20 and "第22号支部" in first
    assert second.count('class="notification is-unread"') == 3 and "第0号支部" in second
    assert "第 1 / 2 页，共 23 条" in first
    assert client.get("/notifications/?page=99999999999").status_code == 200


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(app, client, demo, login):
    ids = add_notifications(app, demo, "branch1_secretary", 2)
    add_notifications(app, demo, "branch1_secretary", 1, link="/inbox/", start=5)
    login(client, "branch1_secretary")
    response = client.get(f"/notifications/{ids[0]}/open")
    assert response.status_code == 302 and response.headers["Location"] == f"/orgs/{demo.unit_ids['branch1']}"
    assert is_read(app, ids[0]) and not is_read(app, ids[1])
    assert client.get(f"/notifications/{ids[0]}/open").status_code == 302  # again: still fine
    assert badge(client.get("/").get_data(as_text=True)) == 2


def test_mark_read_and_mark_all_read_go_back_to_the_list_the_user_came_from(app, client, demo, login):
    ids = add_notifications(app, demo, "branch1_secretary", 3)
    login(client, "branch1_secretary")
    response = client.post(f"/notifications/{ids[1]}/read", data={"next": "/notifications/?show=unread"})
    assert response.headers["Location"] == "/notifications/?show=unread"
    assert is_read(app, ids[1]) and not is_read(app, ids[0])
    response = client.post(f"/notifications/{ids[0]}/read", data={"next": "https://evil.example/"})
    assert response.headers["Location"] == "/notifications/"
    response = client.post("/notifications/read-all", data={"next": "//evil.example/"}, follow_redirects=True)
    assert "已将 1 条通知标为已读。" in response.get_data(as_text=True)
    assert all(is_read(app, i) for i in ids)
    assert "没有未读通知。" in client.post("/notifications/read-all", follow_redirects=True).get_data(as_text=True)


def test_only_the_owner_sees_or_changes_a_notification(app, client, demo, login):
    ids = add_notifications(app, demo, "branch1_secretary", 1)
    login(client, "branch1_deputy")
    assert client.get(f"/notifications/{ids[0]}/open").status_code == 404
    assert client.post(f"/notifications/{ids[0]}/read").status_code == 404
    assert client.get("/notifications/99999/open").status_code == 404
    client.post("/notifications/read-all")
    assert not is_read(app, ids[0])
    assert "第0号支部" not in client.get("/notifications/").get_data(as_text=True)
    admin = app.test_client()
    login(admin, "admin")  # admins too: a notification is personal
    assert admin.post(f"/notifications/{ids[0]}/read").status_code == 404
    assert not is_read(app, ids[0])


def test_the_notification_pages_ask_for_a_login_first(client, demo):
    for path in ("/notifications/", "/notifications/1/open"):
        response = client.get(path)
        assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
