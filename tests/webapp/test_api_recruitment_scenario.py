"""One recruitment case through the JSON API, from the application to full membership (RULES.md §3,
main path): at every step the work item is in the inbox of the responsible unit and nowhere else.

内科第一党支部 → 内科党总支 (deliberates, R15b/R23b) → 县人民医院党委 (approves) → 卫生健康工委 → 城关县委,
whose 组织部 files the admission (R18). Only the clock is patched, to let a year of cultivation and
the year of probation pass.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from webapp import clock
from webapp.cases import timer_worker
from webapp.demo import DEMO_PASSWORD
from webapp.extensions import db
from webapp.models import Member, User
from workflows.calendar import add_years

API = "/api/v1"

# One user per unit that work is routed to; each must see only its own unit's items.
UNIT_USERS = {
    "branch1": "branch1_secretary",
    "internal_gb": "internal_gb_secretary",
    "hospital": "hospital_org_member",
    "county_org_dept": "county_org_staff",
    "town_branch": "town_branch_secretary",
}


class Clock:
    """The application's clock, moved forward by whole days (monkeypatched webapp.clock)."""

    def __init__(self, monkeypatch):
        self.start = datetime.now(clock.LOCAL_ZONE).replace(hour=10, minute=0, second=0, microsecond=0)
        self.offset = timedelta()
        monkeypatch.setattr(clock, "now", lambda: clock.as_utc(self.start + self.offset))
        monkeypatch.setattr(clock, "today", lambda: (self.start + self.offset).date())

    def move_to(self, day) -> None:
        self.offset = timedelta(days=(day - self.start.date()).days)

    @property
    def today(self):
        return clock.today()


class Api:
    """Bearer headers per user, and the steps of the scenario."""

    def __init__(self, client, demo):
        self.client, self.demo, self.headers = client, demo, {}

    def as_user(self, username: str) -> dict[str, str]:
        if username not in self.headers:
            response = self.client.post(f"{API}/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            assert response.status_code == 200, response.json
            self.headers[username] = {"Authorization": f"Bearer {response.json['token']}"}
        return self.headers[username]

    def inbox(self, username: str) -> list[dict]:
        response = self.client.get(f"{API}/work-items?per_page=100", headers=self.as_user(username))
        assert response.status_code == 200
        return response.json["items"]

    def complete_step(self, case_id: int, step_code: str, unit_key: str, data: dict) -> dict:
        """Check that exactly ``unit_key``'s user has the item, then complete it as that user."""
        items = {}
        for key, username in UNIT_USERS.items():
            found = [i for i in self.inbox(username) if i["case"]["id"] == case_id]
            items[key] = found
            if key != unit_key:
                assert found == [], f"{step_code}: {username} ({key}) must not see it"
        (item,) = items[unit_key]
        assert item["step_code"] == step_code and item["unit"]["id"] == self.demo.unit_ids[unit_key]
        response = self.client.post(f"{API}/work-items/{item['id']}/complete",
                                    headers=self.as_user(UNIT_USERS[unit_key]), json={"data": data})
        assert response.status_code == 200, (step_code, response.json)
        return response.json


@pytest.fixture
def fake_clock(monkeypatch):
    return Clock(monkeypatch)


def tick(app) -> int:
    """The timer worker's tick at the app's (fake) clock; how many timers fired."""
    with app.app_context():
        return timer_worker.tick(clock.now()).fired


def branch_facts(app, demo):
    """Ids of full members of 内科第一党支部 (pickers) and the number of voting members (应到会)."""
    with app.app_context():
        voting = db.session.scalars(db.select(Member.id).filter_by(
            unit_id=demo.unit_ids["branch1"], stage="full_member", in_good_standing=True).order_by(Member.id)).all()
        organizer = db.session.get(User, demo.user_ids["hospital_organizer"]).member_id
    return list(voting), organizer


def tally(voters: int, resolution_date, **extra) -> dict:
    return {"expected_voting": voters, "present_voting": voters, "yes": voters, "no": 0, "abstain": 0,
            "resolution_text": "同意。", "resolution_date": resolution_date.isoformat(), **extra}


def test_recruitment_through_the_api_from_application_to_full_membership(app, client, demo, fake_clock):
    api = Api(client, demo)
    members, organizer = branch_facts(app, demo)
    mentor, sponsors, voters = members[:1], members[1:3], len(members)
    day = fake_clock.today
    iso = day.isoformat()
    birth = add_years(day, -24)

    # Stage 1 — 申请入党
    response = client.post(f"{API}/cases", headers=api.as_user("branch1_org"), json={
        "process_key": "recruitment", "unit_id": demo.unit_ids["branch1"], "data": {
            "name": "周明远", "gender": "male", "ethnicity": "汉族", "birth_date": birth.isoformat(),
            "id_number": f"620999{birth:%Y%m%d}0011", "education": "postgraduate", "occupation": "住院医师",
            "work_unit": "县人民医院内科", "application_letter_received": True, "application_date": iso}})
    assert response.status_code == 201, response.json
    case_id = response.json["id"]
    step = api.complete_step
    step(case_id, "R02_initial_talk", "branch1", {"talk_date": iso, "talker_ids": mentor, "summary": "谈话。"})

    # Stage 2 — 入党积极分子
    step(case_id, "R03_designate_activist", "branch1", {
        "recommendation_type": "member", "committee_meeting_date": iso, "decision": "designate",
        "activist_date": iso})
    step(case_id, "R04_file_activist", "hospital", {"submitted_at": iso, "result": "filed"})
    step(case_id, "R05_assign_mentors", "branch1", {"mentor_ids": mentor, "assigned_at": iso})
    step(case_id, "R06_cultivation_review", "branch1", {
        "review_date": iso, "branch_assessment": "表现良好。", "cultivation_next": "propose_candidate"})

    # Stage 3 — 发展对象: one year of cultivation first (细则第十三条); the timer worker opens the step
    fake_clock.move_to(add_years(day, 1))
    assert tick(app) == 1
    day = fake_clock.today
    iso = day.isoformat()
    step(case_id, "R07_designate_candidate", "branch1", {
        "group_opinion": "同意。", "mentor_opinion": "同意。", "members_and_masses_summary": "群众认可。",
        "committee_meeting_date": iso, "candidate_date": iso})
    step(case_id, "R08_file_candidate", "hospital", {"submitted_at": iso, "result": "filed"})
    step(case_id, "R09_assign_sponsors", "branch1", {"sponsor_ids": sponsors, "assigned_at": iso})
    step(case_id, "R10_political_review", "branch1", {
        "conclusion": "pass", "concluded_at": iso, "conclusion_doc": "政治审查合格。"})
    step(case_id, "R11_intensive_training", "hospital", {
        "start": (day - timedelta(days=2)).isoformat(), "end": iso, "hours": 24})

    # Stage 4 — 预备党员的接收
    step(case_id, "R12_committee_review", "branch1", {
        "review_report": "材料齐全。", "committee_meeting_date": iso, "decision": "qualified"})
    step(case_id, "R13_pre_review", "hospital", {"decided_at": iso, "result": "pass", "opinion": "预审合格。"})
    step(case_id, "R14_fill_admission_form", "branch1", {"admission_form_no": "2026-001", "filled_at": iso})
    step(case_id, "R15_assembly_admission_vote", "branch1", tally(voters, day))
    step(case_id, "R15b_intermediate_deliberation", "internal_gb", {
        "deliberating_org": "内科党总支", "opinion": "同意。", "deliberated_on": iso})
    step(case_id, "R16_committee_talk", "hospital", {
        "talker_id": organizer, "talk_date": iso, "summary": "谈话。", "opinion": "同意。"})
    step(case_id, "R17_committee_approval", "hospital", {"decided_on": iso, "decision": "approved"})
    step(case_id, "R18_file_upper_department", "county_org_dept", {"filed_at": iso, "result": "filed"})

    # Stage 5 — 预备期 (one year from the assembly's resolution) and 转正
    step(case_id, "R19_assign_branch_group", "branch1", {"branch_id": demo.unit_ids["branch1"], "assigned_at": iso})
    step(case_id, "R20_oath", "branch1", {"oath_date": iso})
    step(case_id, "R21_probation_review", "branch1", {
        "review_date": iso, "branch_assessment": "表现良好。", "probation_next": "probation_ending"})
    probation_end = add_years(day, 1)
    fake_clock.move_to(probation_end)
    assert tick(app) == 1  # 预备期将满: the application step opens (its reminder timer was due a month ago)
    iso = probation_end.isoformat()
    step(case_id, "R22_regularization_application", "branch1", {"application_date": iso})
    step(case_id, "R23_assembly_regularization_vote", "branch1", tally(voters, probation_end, outcome="regularize"))
    step(case_id, "R23b_intermediate_deliberation", "internal_gb", {
        "deliberating_org": "内科党总支", "opinion": "同意转正。", "deliberated_on": iso})
    step(case_id, "R24_committee_regularization_approval", "hospital", {"decided_on": iso, "decision": "approved"})
    result = step(case_id, "R25_archive_dossier", "branch1", {
        "archive_items": ["admission_form", "application_letter", "political_review", "cultivation_records",
                          "regularization_application"],
        "destination": "personnel_file", "archived_at": iso})

    assert result["case"]["status"] == "completed" and result["next_work_items"] == []
    case = client.get(f"{API}/cases/{case_id}", headers=api.as_user("hospital_secretary")).json
    assert case["outcome"] == "full_member_end" and case["record_intact"] is True
    assert case["subject"]["stage"] == "full_member"
    assert [s["step_code"] for s in case["submissions"]][-1] == "R25_archive_dossier"
    assert len(case["submissions"]) == 27  # R01 + 24 steps + the two deliberations
    with app.app_context():
        subject = db.session.get(Member, case["subject"]["id"])
        assert subject.party_standing_since == probation_end  # 党章第七条: 党龄自预备期满之日算起
