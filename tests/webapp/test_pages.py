"""The frame of every page (header, language, errors) and the 工作台, 党员 and 组织 pages."""

from __future__ import annotations

from _ui_fixtures import start_application

from webapp import create_app


def test_pages_ask_for_a_login_first(client, demo):
    for url in ("/", "/inbox/", "/cases/", "/cases/new", "/members/", "/orgs/"):
        response = client.get(url, follow_redirects=True)
        html = response.get_data(as_text=True)
        # the login form itself, or our 401 page that leads to it
        assert 'name="password"' in html or ("请先登录" in html and 'href="/auth/login"' in html), url
        assert "陈晓明" not in html


def test_login_page_is_a_chinese_card_without_demo_hints_unless_configured(client, demo):
    html = client.get("/auth/login").get_data(as_text=True)

    assert '<html lang="zh-CN">' in html
    assert "登录" in html and 'name="csrf-token"' in html and 'rel="icon" href="data:,"' in html
    assert "branch1_secretary" not in html


def test_login_page_lists_the_demo_logins_when_configured(app, client, demo):
    app.config["SHOW_DEMO_LOGINS"] = True

    html = client.get("/auth/login").get_data(as_text=True)

    assert "branch1_secretary" in html and "partyflow" in html


def test_header_shows_the_user_the_position_and_the_inbox_count(app, client, demo, login):
    login(client, "branch1_secretary")
    start_application(client, app, demo.unit_ids["branch1"])

    html = client.get("/").get_data(as_text=True)

    assert "陈晓明" in html and "内科第一党支部 · 书记" in html
    assert '<span class="badge-count">1</span>' in html
    for label in ("工作台", "待办", "办件", "发起", "党员", "组织"):
        assert f">{label}" in html
    assert ">管理<" not in html  # only for admins


def test_home_counts_link_to_their_lists_and_show_the_latest_events(app, client, demo, login):
    login(client, "branch1_secretary")
    start_application(client, app, demo.unit_ids["branch1"])

    html = client.get("/").get_data(as_text=True)

    assert 'href="/inbox/?overdue=y"' in html and 'href="/inbox/?week=y"' in html
    assert 'href="/inbox/?tab=mine"' in html
    assert "最近动态" in html and "递交入党申请书" in html


def test_language_switch_shows_the_page_in_english(client, demo, login):
    login(client, "branch1_secretary")

    response = client.post("/auth/language/en", data={"next": "/inbox/"})
    html = client.get("/inbox/").get_data(as_text=True)

    assert response.headers["Location"].endswith("/inbox/")
    assert '<html lang="en">' in html
    assert 'aria-pressed="true" class="current">English' in html


def test_unknown_page_is_our_chinese_404(client, demo, login):
    login(client, "branch1_secretary")

    response = client.get("/no-such-page")

    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "页面不存在" in html and "返回工作台" in html and "PartyFlow" in html


def test_a_post_without_the_csrf_token_is_refused_with_our_page(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "test",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/csrf.sqlite"})

    response = app.test_client().post("/auth/language/en")

    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)


def test_member_roster_masks_id_numbers_and_shows_only_the_users_units(client, demo, login):
    login(client, "branch1_secretary")

    html = client.get("/members/?stage=full_member").get_data(as_text=True)
    applicants = client.get("/members/?stage=applicant").get_data(as_text=True)

    assert "郑海燕" in html and "正式党员" in html
    assert "范志远" not in html                       # 城关镇机关党支部 is not the user's
    assert "620999" not in html and "**********" in html
    assert "受处分，暂停表决权" in html                # 冯德胜 is under discipline
    assert "黄子涵" in applicants and "郑海燕" not in applicants


def test_org_tree_shows_each_units_kind_secretary_members_and_term(client, demo, login):
    login(client, "branch1_secretary")

    html = client.get("/orgs/").get_data(as_text=True)

    assert "城关县委" in html and "内科第一党支部" in html and "东街社区第一党支部" in html
    assert "党总支" in html and "书记：陈晓明" in html
    assert "第5届" in html and "任期至" in html
    assert "党员 16 名" in html


def test_unit_page_lists_positions_and_members_of_a_unit_the_user_supervises(client, demo, login):
    login(client, "branch1_secretary")

    own = client.get(f"/orgs/{demo.unit_ids['branch1']}").get_data(as_text=True)
    other = client.get(f"/orgs/{demo.unit_ids['town_branch']}").get_data(as_text=True)

    assert "陈晓明" in own and "书记" in own and "郑海燕" in own
    assert "张卫东" in other and "范志远" not in other
