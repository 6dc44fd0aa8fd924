"""What 党支部设置 does to the organisation as the pages show it (RULES.md §6): the tree changes in the
transaction of the approving step or not at all, a dissolved unit leaves the tree and the pickers but
keeps its page, joint and temporary branches are marked, a temporary branch starts no recruitment."""

from __future__ import annotations

import pytest
from branch_driver import (
    Flow,
    do,
    member_ids,
    new_flow,
    start,
    step,
    unit_named,
)
from sqlalchemy import event

from webapp.extensions import db
from webapp.models import Case, Member, Notification, OrgUnit, WorkItem


@pytest.fixture
def flow(request, app, client, demo, login, monkeypatch):
    return new_flow(request, app, client, demo, login, monkeypatch)


def request_branch(flow: Flow, moving: list[int]) -> int:
    data = step(flow, "O01_submit_request", branch_name="内科第三党支部", parent_id=flow.unit_id("internal_gb"),
                full_member_count=3, member_ids=moving, secretary_id=moving[0])
    return start(flow, "branch_setup", "internal_gb", data, "internal_gb_secretary")


class DatabaseGone(Exception):
    """The database connection lost after the step wrote the new branch, before it wrote the case."""


def test_a_failure_after_the_branch_is_written_leaves_neither_the_branch_nor_the_step(flow, app):
    moving = member_ids(flow, "branch1", "full_member")[6:9]
    request_branch(flow, moving)
    with app.app_context():
        (item,) = db.session.scalars(db.select(WorkItem).filter_by(case_id=flow.case_id, status="open")).all()
        item_id, version = item.id, db.session.get(Case, flow.case_id).version
    seen: list[str] = []

    def fail_after_the_unit(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement.split()[0] + " " + statement.split()[2 if statement.startswith("INSERT") else 1])
        if statement.startswith("UPDATE cases") and "INSERT org_units" in seen:
            raise DatabaseGone()

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", fail_after_the_unit)
    try:
        with pytest.raises(DatabaseGone):
            flow.as_user("hospital_org_member").post(f"/inbox/{item_id}", data={
                "decided_on": flow.clock.today.isoformat(), "decision": "approved"})
    finally:
        event.remove(engine, "before_cursor_execute", fail_after_the_unit)
    assert "INSERT org_units" in seen  # the branch was written, then the step failed

    assert unit_named(flow, "内科第三党支部") is None
    assert set(moving) <= set(member_ids(flow, "branch1"))
    with app.app_context():
        assert db.session.get(WorkItem, item_id).status == "open"
        assert db.session.get(Case, flow.case_id).version == version
        assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0
    do(flow, "O02_superior_reply", "hospital")  # done again, it all happens once
    assert unit_named(flow, "内科第三党支部").status == "active"


def merge_joint_branch(flow: Flow) -> int:
    start(flow, "branch_change", "joint_branch", step(flow, "O21_submit_change", change_kind="merge",
                                                      target_unit_id=flow.unit_id("branch1")), "hospital_org_member")
    do(flow, "O22_superior_reply", "hospital")
    return flow.case_id


def test_a_dissolved_branch_leaves_the_tree_and_every_picker_but_keeps_its_page_and_its_cases(flow, app):
    joint = flow.unit_id("joint_branch")
    case_id = merge_joint_branch(flow)
    admin = flow.as_user("admin")
    tree, chart = admin.get("/orgs/").get_data(as_text=True), admin.get("/orgs/?view=chart").get_data(as_text=True)
    assert f'href="/orgs/{joint}"' not in tree and f'data-unit="{joint}"' not in chart
    page = admin.get(f"/orgs/{joint}").get_data(as_text=True)
    assert "已撤销" in page and f'href="/cases/{case_id}"' in page
    assert admin.get(f"/cases/{case_id}").status_code == 200

    start_page = admin.get("/cases/new?process=branch_dissolution").get_data(as_text=True)
    assert "内科联合党支部" not in start_page  # never started in again
    settings_page = admin.get("/admin/settings").get_data(as_text=True)
    assert "内科联合党支部" not in settings_page
    inbox_filter = flow.as_user("hospital_secretary").get("/inbox/?tab=supervised").get_data(as_text=True)
    assert f'<option value="{joint}"' not in inbox_filter
    with app.app_context():
        from webapp.cases.unit_pickers import merge_targets, move_targets

        offered = {c.value for c in merge_targets(flow.unit_id("branch1"))} | {
            c.value for c in move_targets(flow.unit_id("town_branch"))}
    assert joint not in offered
    cases_filter = admin.get("/cases/").get_data(as_text=True)
    assert "内科联合党支部（已撤销）" in cases_filter  # its history is still found by unit


def test_joint_and_temporary_branches_are_marked_in_the_list_and_the_chart(flow, app):
    with app.app_context():
        db.session.get(OrgUnit, flow.unit_id("town_branch")).is_temporary = True
        db.session.commit()
    admin = flow.as_user("admin")
    tree, chart = admin.get("/orgs/").get_data(as_text=True), admin.get("/orgs/?view=chart").get_data(as_text=True)
    assert "党支部 · 联合" in tree and "党支部 · 临时" in tree
    assert "联合党支部 · 书记：谢春燕" in chart and "临时党支部 · 书记：张卫东" in chart
    assert f'is-joint" data-unit="{flow.unit_id("joint_branch")}"' in chart
    assert f'is-temporary" data-unit="{flow.unit_id("town_branch")}"' in chart


def test_a_temporary_branch_starts_no_recruitment_and_offers_no_election(flow, app):
    # 临时党支部一般不发展党员、不选举换届 (RULES.md §6.6)
    with app.app_context():
        branch = db.session.get(OrgUnit, flow.unit_id("town_branch"))
        branch.is_temporary, branch.term_no, branch.term_due_on = True, None, None
        db.session.commit()
    secretary = flow.as_user("town_branch_secretary")
    assert secretary.get(f"/cases/new?process=recruitment&unit={flow.unit_id('town_branch')}").status_code == 403
    page = secretary.get(f"/orgs/{flow.unit_id('town_branch')}").get_data(as_text=True)
    assert "发起换届选举" not in page and "临时党支部不进行换届选举" in page


def test_the_step_page_shows_what_the_request_asks_for(flow, app):
    moving = member_ids(flow, "branch1", "full_member")[6:9]
    request_branch(flow, moving)
    with app.app_context():
        (item_id,) = db.session.scalars(db.select(WorkItem.id).filter_by(case_id=flow.case_id)).all()
    page = flow.as_user("hospital_org_member").get(f"/inbox/{item_id}").get_data(as_text=True)
    assert "党支部成立 · 内科第三党支部 · 内科党总支" in page
    assert "<dt>拟成立</dt><dd>内科第三党支部</dd>" in page and "<dt>类型</dt><dd>党支部</dd>" in page


def test_moving_members_keeps_their_records_in_the_new_branch(flow, app):
    moving = member_ids(flow, "branch1", "full_member")[6:9]
    request_branch(flow, moving)
    do(flow, "O02_superior_reply", "hospital")
    branch = unit_named(flow, "内科第三党支部")
    with app.app_context():
        moved = db.session.scalars(db.select(Member).where(Member.id.in_(moving))).all()
        assert {(m.unit_id, m.group_id, m.top_org_id) for m in moved} == {(branch.id, None, branch.top_org_id)}


@pytest.mark.parametrize(("form", "field", "column"), [
    ("O01_submit_request", "branch_name", "name"), ("O01_submit_request", "covered_units", "covered_units"),
    ("O21_submit_change", "new_name", "name")])
def test_every_text_written_into_a_unit_fits_its_column(form, field, column):
    # PostgreSQL refuses a longer text (SQLite would keep it): the form refuses it first
    from wtforms.validators import Length

    from webapp.forms import FORMS

    validators = getattr(FORMS[form], field).kwargs["validators"]
    longest = next(v.max for v in validators if isinstance(v, Length))
    assert 0 < longest <= OrgUnit.__table__.columns[column].type.length
