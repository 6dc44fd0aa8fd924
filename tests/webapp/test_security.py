"""Security of the pages and the API: headers, cookies, CSRF on every state-changing page route, and ID
numbers (身份证号) masked for everyone but those allowed. Passwords and login throttling:
test_login_security.py."""

from __future__ import annotations

import json
import re

import pytest
from _ui_fixtures import application_form, start_application
from flask import url_for

from webapp import create_app
from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db
from webapp.models import Case, LoginFailure, Member
from webapp.privacy import mask_id_number

API = "/api/v1"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)">')
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}


def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def token(client, username: str, password: str = DEMO_PASSWORD):
    return client.post(f"{API}/auth/token", json={"username": username, "password": password})


# ---------- headers ----------


def test_every_response_carries_a_strict_content_security_policy_and_the_other_headers(client, demo, login):
    pages = [client.get("/auth/login"), client.get("/no-such-page"), client.get(f"{API}/openapi.json")]

    for response in pages:
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "style-src 'self'" in policy and "unsafe" not in policy
        assert "object-src 'none'" in policy and "frame-ancestors 'none'" in policy and "base-uri 'self'" in policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in response.headers  # plain HTTP: no HSTS


def test_strict_transport_security_is_sent_over_https_only(client, demo):
    https = client.get("/auth/login", base_url="https://partyflow.example")

    assert https.headers["Strict-Transport-Security"].startswith("max-age=")
    assert "Strict-Transport-Security" not in client.get("/auth/login").headers


def test_the_policy_is_a_setting(app, client, demo):
    app.config["SECURITY_HEADERS"] = {**app.config["SECURITY_HEADERS"], "Content-Security-Policy": "default-src 'none'"}

    assert client.get("/auth/login").headers["Content-Security-Policy"] == "default-src 'none'"


INLINE_CODE = [
    (re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"<[^>]+\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<[^>]+\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def crawl(client, start: str = "/", limit: int = 80) -> dict[str, str]:
    """Every page reachable from ``start`` through the links of the pages (one page per URL shape:
    /cases/12 and /cases/13?page=2 are /cases/N?page), as URL → HTML."""
    seen_shapes, pages, queue = set(), {}, [start]
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path, _sep, query = url.partition("?")
        shape = (re.sub(r"\d+", "N", path), tuple(sorted({p.split("=")[0] for p in query.split("&") if p})))
        if shape in seen_shapes:
            continue
        seen_shapes.add(shape)
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        pages[url] = html = response.get_data(as_text=True)
        for link in re.findall(r'href="(/[^"#]*)', html):
            link = link.replace("&amp;", "&")
            if not link.startswith(("/static/", "/api/")):
                queue.append(link)
    return pages


def test_no_page_has_inline_script_inline_style_or_event_handlers(app, client, demo_with_cases, login):
    pages = {"/auth/login": client.get("/auth/login").get_data(as_text=True)}
    login(client, "admin")
    pages.update(crawl(client))

    assert {"/admin/lanes", "/members/", "/cases/"} <= set(pages)  # the walk reached the pages that matter
    assert any(re.fullmatch(r"/cases/\d+/dossier", url) for url in pages)
    found = [f"{url}: {what}" for url, html in pages.items() for pattern, what in INLINE_CODE if pattern.search(html)]
    assert found == []


# ---------- cookies ----------


def test_the_session_cookie_is_httponly_and_samesite_and_not_secure_over_plain_http(client, demo, login):
    cookie = session_cookie(login(client, "branch1_secretary"))

    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_the_session_cookie_is_secure_when_served_over_https(client, demo):
    response = client.post("/auth/login", data={"username": "branch1_secretary", "password": DEMO_PASSWORD},
                           base_url="https://partyflow.example")

    cookie = session_cookie(response)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_the_session_cookie_is_always_secure_with_the_setting(app, client, demo, login):
    app.config["SESSION_COOKIE_SECURE"] = True

    assert "Secure" in session_cookie(login(client, "branch1_secretary"))


def test_behind_a_configured_proxy_its_https_and_client_address_are_believed(app_config, app, demo):
    behind_proxy = create_app({**app_config, "PROXY_COUNT": 1})  # the same database as ``app``
    client = behind_proxy.test_client()
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}

    client.post("/auth/login", data={"username": "branch1_org", "password": "wrong"}, headers=forwarded)
    good = client.post("/auth/login", data={"username": "branch1_secretary", "password": DEMO_PASSWORD},
                       headers=forwarded)

    with behind_proxy.app_context():
        addresses = db.session.scalars(db.select(LoginFailure.address)).all()
        db.session.remove()
        db.engine.dispose()  # the second app's connections: PostgreSQL must not keep them open
    assert "Secure" in session_cookie(good) and "Strict-Transport-Security" in good.headers
    assert addresses == ["203.0.113.9"]


def test_without_a_configured_proxy_forwarded_headers_are_ignored(client, demo):
    response = client.post("/auth/login", data={"username": "branch1_secretary", "password": DEMO_PASSWORD},
                           headers={"X-Forwarded-Proto": "https"})

    assert "Secure" not in session_cookie(response)


# ---------- CSRF ----------


def page_routes_that_change_state(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, URL) of every state-changing route outside the API, with made-up ids."""
    found = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith("/api/") or rule.endpoint == "static":
                continue
            url = url_for(rule.endpoint, **{name: 1 for name in rule.arguments})
            found += [(rule.endpoint, method, url) for method in sorted(rule.methods & STATE_CHANGING)]
    return found


def csrf_enabled_client(app, username: str | None):
    app.config["WTF_CSRF_ENABLED"] = True  # as in production (the suite turns it off for brevity)
    client = app.test_client()
    if username:
        page = client.get("/auth/login").get_data(as_text=True)
        response = client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD,
                                                    "csrf_token": CSRF_META.search(page).group(1)})
        assert response.status_code == 302
    return client


@pytest.mark.parametrize("username", [None, "admin"])
def test_every_state_changing_page_route_refuses_a_request_without_its_csrf_token(app, demo, username):
    client = csrf_enabled_client(app, username)
    routes = page_routes_that_change_state(app)

    answers = {(endpoint, method): client.open(url, method=method, data={"anything": "1"})
               for endpoint, method, url in routes}

    assert {"auth.login", "auth.logout", "inbox.complete", "cases.new", "admin.lanes"} <= {e for e, _m in answers}
    wrong = {key: r.status_code for key, r in answers.items() if r.status_code != 400}
    assert wrong == {}
    for response in answers.values():
        html = response.get_data(as_text=True)
        assert response.mimetype == "text/html"
        assert "页面已过期或来源不明（CSRF 校验失败）" in html and "Traceback" not in html


def test_a_forged_csrf_token_is_refused_too(app, demo):
    client = csrf_enabled_client(app, "branch1_secretary")

    response = client.post(f"/cases/new?process=recruitment&unit={demo.unit_ids['branch1']}",
                           data={**application_form(), "csrf_token": "forged"})

    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


def test_the_api_does_not_accept_the_session_cookie_so_it_needs_no_csrf_token(app, client, demo, login):
    # The API is exempt from CSRF because only a bearer token authenticates it: a page session, which a
    # forged cross-site request would carry, opens nothing.
    login(client, "branch1_secretary")

    started = client.post(f"{API}/cases", json={"process_key": "recruitment", "unit_id": demo.unit_ids["branch1"],
                                                "data": {}})
    listed = client.get(f"{API}/work-items")

    assert started.status_code == 401 and listed.status_code == 401
    assert "Authorization: Bearer" in started.json["message"]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Case.id))) == 0


# ---------- ID numbers ----------


def test_an_id_number_is_masked_to_its_first_and_last_four_characters():
    assert mask_id_number("11010120060520001X") == "1101**********001X"
    assert mask_id_number("12345") == "12345" and mask_id_number(None) == ""


@pytest.fixture
def application(app, client, demo, login):
    """A recruitment case of 内科第一党支部, started by its secretary; (case id, the applicant's ID number)."""
    login(client, "branch1_secretary")
    case = start_application(client, app, demo.unit_ids["branch1"])
    client.post("/auth/logout")
    return case.id, application_form()["id_number"]


@pytest.mark.parametrize("username", ["admin", "branch1_secretary", "branch1_org"])
def test_the_dossier_shows_the_id_number_in_full_to_admins_and_the_branchs_officers(
        client, login, application, username):
    case_id, id_number = application
    login(client, username)

    dossier = client.get(f"/cases/{case_id}/dossier").get_data(as_text=True)

    assert id_number in dossier and "身份证号已隐去中间部分" not in dossier


@pytest.mark.parametrize("username", ["branch1_publicity", "internal_gb_secretary", "hospital_secretary"])
def test_the_dossier_masks_the_id_number_for_others_who_may_see_the_case(client, login, application, username):
    case_id, id_number = application
    login(client, username)

    response = client.get(f"/cases/{case_id}/dossier")

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert id_number not in html and mask_id_number(id_number) in html
    assert "身份证号已隐去中间部分" in html


def test_lists_and_the_case_page_never_show_an_id_number_in_full(app, client, demo_with_cases, login):
    with app.app_context():
        id_numbers = set(db.session.scalars(db.select(Member.id_number).where(Member.id_number.is_not(None))))
    login(client, "admin")  # admins may see every ID number in full: in the dossier, and only there

    pages = crawl(client)

    shown = {url: sorted(n for n in id_numbers if n in html) for url, html in pages.items()
             if not url.endswith("/dossier")}
    assert {url: found for url, found in shown.items() if found} == {}
    assert any(mask_id_number(n) in pages["/members/"] for n in id_numbers)


def test_someone_who_may_not_see_id_numbers_sees_none_on_any_page(app, client, demo_with_cases, login):
    with app.app_context():
        id_numbers = set(db.session.scalars(db.select(Member.id_number).where(Member.id_number.is_not(None))))
    login(client, "hospital_secretary")  # supervises the hospital's branches, is no officer of them

    pages = crawl(client)

    assert any(url.endswith("/dossier") for url in pages)
    assert {url: [n for n in id_numbers if n in html] for url, html in pages.items()
            if any(n in html for n in id_numbers)} == {}


def test_the_api_case_shows_the_id_number_in_full_to_the_branchs_officer(client, application):
    case_id, id_number = application
    headers = {"Authorization": f"Bearer {token(client, 'branch1_org').json['token']}"}

    body = client.get(f"{API}/cases/{case_id}", headers=headers).json

    assert body["submissions"][0]["data"]["id_number"] == id_number
    assert body["history"][0]["data"]["id_number"] == id_number


def test_the_api_case_masks_the_id_number_everywhere_for_others(client, application):
    case_id, id_number = application
    headers = {"Authorization": f"Bearer {token(client, 'hospital_secretary').json['token']}"}

    response = client.get(f"{API}/cases/{case_id}", headers=headers)

    assert response.status_code == 200
    assert id_number not in json.dumps(response.json)
    assert response.json["submissions"][0]["data"]["id_number"] == mask_id_number(id_number)
    assert response.json["history"][0]["data"]["id_number"] == mask_id_number(id_number)
