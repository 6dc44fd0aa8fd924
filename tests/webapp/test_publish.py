"""Publishing a definition (发布流程版本): a .bpmn file becomes the next version of its process after the
publish-time checks; a hostile or broken file is refused with each element and rule named, and
nothing is stored. The samples are made here from the shipped recruitment definition."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db
from webapp.models import AdminEvent, ProcessDefinition

SHIPPED = (Path(__file__).parents[2] / "bpmn" / "recruitment.bpmn").read_text(encoding="utf-8")
RENAMED = SHIPPED.replace('name="党组织派人谈话"', 'name="党组织派人谈心谈话"', 1)
SCRIPT_TASK = SHIPPED.replace(
    "</bpmn:process>",
    '<bpmn:scriptTask id="X1_hack" name="偷偷执行"><bpmn:script>import os</bpmn:script></bpmn:scriptTask>'
    "</bpmn:process>", 1)
UNKNOWN_LANE = SHIPPED.replace('<bpmn:lane id="branch_secretary"', '<bpmn:lane id="branch_boss"', 1)
DOCTYPE = SHIPPED.replace("<bpmn:definitions", '<!DOCTYPE x [<!ENTITY e "boom">]>\n<bpmn:definitions', 1)


def versions(app) -> list[tuple[int, bool]]:
    with app.app_context():
        return db.session.execute(db.select(ProcessDefinition.version, ProcessDefinition.is_current)
                                  .filter_by(process_key="recruitment").order_by(ProcessDefinition.version)).all()


def publish(app, tmp_path, text: str):
    path = tmp_path / "upload.bpmn"
    path.write_text(text, encoding="utf-8")
    return app.test_cli_runner().invoke(args=["processes", "publish", str(path)])


def test_a_changed_definition_becomes_the_current_version(app, tmp_path):
    assert "党组织派人谈心谈话" in RENAMED and RENAMED != SHIPPED

    result = publish(app, tmp_path, RENAMED)

    assert result.exit_code == 0, result.output
    assert "已发布" in result.output and "第 2 版" in result.output
    assert versions(app) == [(1, False), (2, True)]


@pytest.mark.parametrize(("text", "expected"), [
    (SCRIPT_TASK, ["scriptTask X1_hack（偷偷执行）", "不允许 scriptTask"]),
    (UNKNOWN_LANE, ["泳道 branch_boss 不是泳道配置中的键", "R02_initial_talk"]),
    (DOCTYPE, ["DOCTYPE", "第 1 行"]),
    ("<definitions>\n<process>\n</definitions>", ["不是格式正确的 XML", "第 3 行"]),
    (SHIPPED, ["内容与当前版本（第 1 版）相同"]),
], ids=["script task", "unknown lane", "doctype", "not well-formed", "same content"])
def test_a_refused_definition_is_reported_element_by_element_and_nothing_is_stored(app, tmp_path, text, expected):
    result = publish(app, tmp_path, text)

    assert result.exit_code != 0
    for words in expected:
        assert words in result.output, result.output
    assert "未发布" in result.output
    assert versions(app) == [(1, True)]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AdminEvent.id))) == 0


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(app, tmp_path):
    result = publish(app, tmp_path, SHIPPED + " " * (2 * 1024 * 1024))

    assert result.exit_code != 0 and "文件大小超过上限" in result.output
    assert versions(app) == [(1, True)]


def api_token(client, username: str) -> dict:
    token = client.post("/api/v1/auth/token", json={"username": username, "password": DEMO_PASSWORD}).get_json()
    return {"Authorization": f"Bearer {token['token']}"}


def test_an_admin_publishes_through_the_api_and_gets_the_new_version(app, client, demo):
    response = client.post("/api/v1/processes/publish", data=RENAMED.encode("utf-8"),
                           headers={**api_token(client, "admin"), "Content-Type": "application/xml"})

    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["key"], response.get_json()["version"]) == ("recruitment", 2)
    assert versions(app) == [(1, False), (2, True)]
    with app.app_context():
        (event,) = db.session.scalars(db.select(AdminEvent)).all()
        assert (event.kind, event.data["version"], event.data["previous"]) == ("definition_published", 2, 1)


def test_the_api_lists_every_problem_of_a_refused_file_and_stores_nothing(app, client, demo):
    response = client.post("/api/v1/processes/publish", headers=api_token(client, "admin"),
                           data={"file": (io.BytesIO(SCRIPT_TASK.encode("utf-8")), "hack.bpmn")})

    body = response.get_json()
    assert response.status_code == 422 and "未发布" in body["message"]
    (problem,) = body["problems"]
    assert (problem["element_id"], problem["element_name"], problem["kind"]) == ("X1_hack", "偷偷执行", "scriptTask")
    assert problem["line"] and "不允许 scriptTask" in problem["message"]
    assert versions(app) == [(1, True)]


def test_only_admins_may_publish_and_an_empty_request_is_a_clear_error(app, client, demo):
    secretary = client.post("/api/v1/processes/publish", data=RENAMED.encode("utf-8"),
                            headers={**api_token(client, "branch1_secretary"), "Content-Type": "application/xml"})
    empty = client.post("/api/v1/processes/publish", headers=api_token(client, "admin"))
    too_large = client.post("/api/v1/processes/publish", data=b" " * (3 * 1024 * 1024),
                            headers={**api_token(client, "admin"), "Content-Type": "application/xml"})

    assert secretary.status_code == 403 and "系统管理员" in secretary.get_json()["message"]
    assert empty.status_code == 400 and "BPMN" in empty.get_json()["message"]
    assert too_large.status_code == 413
    assert versions(app) == [(1, True)]


def upload(client, text: str, filename: str = "recruitment.bpmn"):
    return client.post("/admin/processes/publish", data={"bpmn_file": (io.BytesIO(text.encode("utf-8")), filename)},
                       content_type="multipart/form-data")


def test_an_admin_publishes_from_the_processes_page(app, client, demo, login):
    login(client, "admin")

    response = upload(client, RENAMED)

    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "已发布" in page and "第 2 版" in page
    assert versions(app) == [(1, False), (2, True)]


def test_the_processes_page_lists_the_problems_of_a_refused_file_beside_the_upload(app, client, demo, login):
    login(client, "admin")

    refused = upload(client, SCRIPT_TASK)
    wrong_type = upload(client, SHIPPED, filename="recruitment.exe")
    no_file = client.post("/admin/processes/publish", data={}, content_type="multipart/form-data")

    html = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "未发布：发现 1 个问题" in html
    assert "scriptTask X1_hack（偷偷执行）" in html and "不允许 scriptTask" in html
    assert wrong_type.status_code == 422 and "只接受 .bpmn 或 .xml 文件" in wrong_type.get_data(as_text=True)
    assert no_file.status_code == 422 and "请选择要发布的 .bpmn 文件" in no_file.get_data(as_text=True)
    assert versions(app) == [(1, True)]
