"""A lane that resolves to no unit puts the case in error, naming the lane and the unit; nothing is
lost, and once an admin has fixed the cause, 重新路由 routes the waiting step (ARCHITECTURE.md)."""

from _ui_fixtures import start_application

from webapp.extensions import db
from webapp.models import Case, LaneRuleRow, WorkItem


def set_selector(app, lane: str, selector: str) -> None:
    with app.app_context():
        db.session.get(LaneRuleRow, lane).selector = selector
        db.session.commit()


def test_a_lane_without_a_unit_puts_the_case_in_error_and_rerouting_resumes_it(app, client, demo, login):
    # 城关镇机关党支部 sits directly under 城关镇党委: there is no general branch to route to.
    set_selector(app, "branch_secretary", "nearest_general_branch")
    login(client, "town_branch_secretary")
    case = start_application(client, app, demo.unit_ids["town_branch"])

    with app.app_context():
        stored = db.session.get(Case, case.id)
        assert stored.status == "error"
        assert "branch_secretary" in stored.error_message and "城关镇机关党支部" in stored.error_message
        assert stored.work_items == []
        assert stored.current_step == "党组织派人谈话"  # the engine keeps the waiting step
    assert "办件异常" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    client.post("/auth/language/en")
    english = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "can handle lane branch_secretary" in english and "Talk with the applicant" in english
    client.post("/auth/language/zh_CN")

    admin = app.test_client()
    login(admin, "admin")
    still_broken = admin.post(f"/cases/{case.id}/reroute", follow_redirects=True)
    assert "仍有环节找不到办理单位" in still_broken.get_data(as_text=True)

    set_selector(app, "branch_secretary", "case_branch")
    assert login(client, "town_branch_secretary").status_code == 302
    assert client.post(f"/cases/{case.id}/reroute").status_code == 403  # only admins reroute
    admin.post(f"/cases/{case.id}/reroute")

    with app.app_context():
        stored = db.session.get(Case, case.id)
        assert (stored.status, stored.error_message) == ("running", None)
        (item,) = db.session.scalars(db.select(WorkItem).filter_by(case_id=case.id)).all()
        assert (item.step_code, item.unit_id, item.status) == ("R02_initial_talk", demo.unit_ids["town_branch"], "open")
    assert "党组织派人谈话" in client.get("/inbox/").get_data(as_text=True)
    history = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "重新路由" in history and "记录完整" in history
