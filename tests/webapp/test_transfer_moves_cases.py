"""MoveMember carries the member's open cases: a recruitment running for an 入党积极分子 moves with them
to the new branch without resetting its steps, and continues in the new branch's 待办 (RULES.md §5.4 T7)."""

from __future__ import annotations

import pytest
import recruitment_driver as recruitment
from recruitment_driver import FakeClock, Scenario
from transfer_driver import Transfer

from webapp.extensions import db
from webapp.models import AuditEvent, Case, Member, WorkItem


@pytest.fixture
def fake_clock(monkeypatch):
    return FakeClock(monkeypatch)


def test_a_recruitment_at_an_activist_step_moves_with_the_member_and_continues_at_the_new_branch(
        app, demo, login, fake_clock):
    sc = Scenario(app, demo, login, fake_clock)
    recruitment.start(sc)
    for step in ("R02_initial_talk", "R03_designate_activist", "R04_file_activist"):
        recruitment.do_step(sc, step, check_inboxes=False)
    with app.app_context():
        case = db.session.get(Case, sc.case_id)
        name, due_before = case.subject.name, {i.step_code: i.due_on for i in case.work_items if i.is_open}
    assert list(due_before) == ["R05_assign_mentors"]

    transfer = Transfer(app, demo, "web")
    transfer.start(name, receiving="joint_branch", transfer_kind="internal")
    transfer.do("T02_branch_check", "branch1")
    transfer.do("T05i_committee_move", "hospital", branch_id=demo.unit_ids["joint_branch"])

    with app.app_context():
        case = db.session.get(Case, sc.case_id)
        items = [(i.step_code, i.unit_id, i.due_on) for i in case.work_items if i.is_open]
        member = db.session.get(Member, case.subject_member_id)
        moved = db.session.scalars(db.select(AuditEvent).filter_by(case_id=sc.case_id, kind="org_change")).all()
        assert case.unit_id == demo.unit_ids["joint_branch"] and case.title.endswith("内科联合党支部")
        assert items == [("R05_assign_mentors", demo.unit_ids["joint_branch"], due_before["R05_assign_mentors"])]
        assert (member.stage, member.unit_id) == ("activist", demo.unit_ids["joint_branch"])
        assert member.activist_date is not None  # the time as an activist counts on
        assert len(moved) == 1 and "内科联合党支部" in moved[0].summary
        item_id = next(i.id for i in case.work_items if i.is_open)
    # In the new branch's 待办 only, and its secretary completes it there.
    assert transfer.holders(item_id) == ["joint_branch"]
    mentor = next(m for m in _full_members(app, demo, "joint_branch"))
    response = transfer.client("joint_secretary").post(f"/inbox/{item_id}", data={
        "mentor_ids": [str(mentor)], "assigned_at": fake_clock.today.isoformat()})
    assert response.status_code == 302, transfer.errors(response)
    with app.app_context():
        opened = db.session.scalars(db.select(WorkItem).filter_by(case_id=sc.case_id, status="open")).all()
        assert [(i.step_code, i.unit_id) for i in opened] == [("R06_cultivation_review", demo.unit_ids["joint_branch"])]


def _full_members(app, demo, branch):
    with app.app_context():
        return db.session.scalars(db.select(Member.id).filter_by(unit_id=demo.unit_ids[branch],
                                                                  stage="full_member")).all()
