"""The letter's validity and the members away, at their edges: a letter is valid ON its last day and
expired the day after (口袋党员: 介绍信过期处理 at the issuing committee, the 督办 list); a member away
six months exactly is not flagged, a day more is (RULES.md §5.1, §5.5, §12 C17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from recruitment_driver import FakeClock
from transfer_driver import Transfer, tick

from webapp import clock
from webapp.extensions import db
from webapp.members.away import away_members, pocket_letters, remind_away_members
from webapp.models import Member, Notification
from workflows.calendar import add_months


@pytest.fixture
def fake_clock(monkeypatch):
    return FakeClock(monkeypatch)


@pytest.fixture
def transfer(app, demo, fake_clock):
    run = Transfer(app, demo, "web")
    run.start("郑海燕")
    run.do("T02_branch_check", "branch1")
    run.do("T03_issue_letter", "hospital", valid_days=10)
    return run


def pocket(app, demo):
    with app.app_context():
        return [letter.member.name for letter in pocket_letters([demo.unit_ids["branch1"]], clock.today())]


def test_a_letter_is_valid_on_its_last_day_and_expired_the_day_after(app, demo, fake_clock, transfer):
    issued = fake_clock.today
    fake_clock.move_to(issued + timedelta(days=10))  # the last valid day
    assert tick(app) == 0
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))
    assert pocket(app, demo) == []
    fake_clock.move_to(issued + timedelta(days=11))
    assert tick(app) == 1
    # The issuing committee handles the expired letter; the receiving committee may still accept.
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"), ("T09_expired_letter", "hospital"))
    assert pocket(app, demo) == ["郑海燕"]
    page = transfer.client("hospital_org_member").get("/dashboard/").get_data(as_text=True)
    assert "介绍信已过期（口袋党员）" in page and "郑海燕" in page


def test_a_member_reporting_after_the_letter_expired_is_accepted_only_with_the_branch_certificate(
        app, demo, fake_clock, transfer):
    issued = fake_clock.today
    fake_clock.move_to(issued + timedelta(days=10))
    transfer.do("T05_accept", "town", branch_id=demo.unit_ids["town_branch"])  # on the last day: the letter will do
    assert transfer.member_row().unit_id == demo.unit_ids["town_branch"]


def test_after_expiry_the_receiving_committee_needs_the_certificate(app, demo, fake_clock, transfer):
    fake_clock.move_to(fake_clock.today + timedelta(days=11))
    tick(app)
    response = transfer.post("T05_accept", "town", branch_id=demo.unit_ids["town_branch"])
    assert transfer.refused(response) and "with_certificate" in transfer.errors(response)
    transfer.do("T05_accept", "town", branch_id=demo.unit_ids["town_branch"], with_certificate=True)
    transfer.expect(("T06_register", "town_branch"))  # the expired-letter step went with the acceptance
    assert pocket(app, demo) == []


def test_the_issuing_committee_reissues_an_expired_letter(app, demo, fake_clock, transfer):
    fake_clock.move_to(fake_clock.today + timedelta(days=11))
    tick(app)
    transfer.do("T09_expired_letter", "hospital", decision="reissue", letter_no="医党转〔2026〕20号",
                issued_on=fake_clock.today.isoformat())
    assert transfer.letters()[-1] == ("医党转〔2026〕20号", "issued")
    assert transfer.letters()[0][1] == "superseded"
    assert pocket(app, demo) == []
    # The receiving side waits again, once, on the new letter, whose validity has its own timer.
    transfer.expect(("T05_accept", "town"), ("T05w_withdraw", "branch1"))
    assert transfer.case().variables["letter_valid_until"] == (fake_clock.today + timedelta(days=90)).isoformat()
    transfer.do("T05_accept", "town", branch_id=demo.unit_ids["town_branch"])
    assert transfer.letters()[-1][1] == "accepted"


@pytest.mark.parametrize(("valid_days", "refused"), [(90, False), (91, True), (0, True)])
def test_a_letter_states_at_most_the_ceiling_of_valid_days(app, demo, fake_clock, valid_days, refused):
    run = Transfer(app, demo, "api")
    run.start("郑海燕")
    run.do("T02_branch_check", "branch1")
    response = run.post("T03_issue_letter", "hospital", valid_days=valid_days)
    assert run.refused(response) is refused
    if refused:
        assert "valid_days" in run.errors(response)


def test_a_letter_without_valid_days_takes_the_setting(app, demo, fake_clock):
    run = Transfer(app, demo, "api")
    run.start("郑海燕")
    run.do("T02_branch_check", "branch1")
    run.do("T03_issue_letter", "hospital")
    variables = run.case().variables
    assert (variables["letter_valid_days"], variables["letter_valid_until"]) == (
        90, (fake_clock.today + timedelta(days=90)).isoformat())


@pytest.mark.parametrize(("paid_until_offset", "refused"), [(0, False), (-1, True)])
def test_dues_must_be_paid_up_to_the_month_of_transfer(app, demo, fake_clock, paid_until_offset, refused):
    run = Transfer(app, demo, "web")
    run.start("郑海燕")
    month = add_months(fake_clock.today.replace(day=1), paid_until_offset)
    response = run.post("T02_branch_check", "branch1", dues_paid_until=f"{month:%Y-%m}")
    assert run.refused(response) is refused
    if refused:
        assert "党费应交至转出当月" in run.errors(response)["dues_paid_until"][0]


def test_a_probationary_member_travels_with_the_probation_record(app, demo, fake_clock):
    run = Transfer(app, demo, "web")
    run.start("曹宇航")
    response = run.post("T02_branch_check", "branch1")
    assert run.refused(response) and "probation_record" in run.errors(response)
    run.do("T02_branch_check", "branch1", probation_record="预备期自……起，考察合格")
    run.do("T03_issue_letter", "hospital")
    run.do("T05_accept", "town", branch_id=demo.unit_ids["town_branch"])
    member = run.member_row()
    assert member.probation_start is not None and member.stage == "probationary_member"  # probation dates stay


def _away(app, demo, since):
    with app.app_context():
        member = db.session.scalars(db.select(Member).filter_by(name="沈丽娟")).one()
        member.away_since = since
        db.session.commit()


def flagged(app, demo):
    with app.app_context():
        return [row.member.name for row in away_members([demo.unit_ids["town_branch"]], clock.today())]


def test_a_member_away_six_months_exactly_is_not_flagged_a_day_more_is(app, demo, fake_clock):
    _away(app, demo, add_months(fake_clock.today, -6))
    assert flagged(app, demo) == []
    fake_clock.move_to(fake_clock.today + timedelta(days=1))
    assert flagged(app, demo) == ["沈丽娟"]


def test_a_member_away_too_long_is_flagged_on_the_roster_and_the_branch_is_reminded_once(app, demo, fake_clock):
    _away(app, demo, add_months(fake_clock.today, -7))
    run = Transfer(app, demo, "web")
    page = run.client("town_branch_secretary").get("/members/?away=overdue").get_data(as_text=True)
    assert "沈丽娟" in page and "范志远" not in page
    tick(app)
    tick(app)
    with app.app_context():
        reminders = db.session.scalars(db.select(Notification).filter_by(kind="member_away")).all()
        assert reminders and len({n.user_id for n in reminders}) == len(reminders)
        assert remind_away_members(clock.today()) == 0


def test_a_running_transfer_takes_the_member_off_the_away_list(app, demo, fake_clock):
    _away(app, demo, add_months(fake_clock.today, -7))
    run = Transfer(app, demo, "web")
    run.start("沈丽娟", branch="town_branch", receiving="hospital")
    assert flagged(app, demo) == []


def test_the_branch_records_a_member_away_and_back(app, demo, fake_clock):
    run = Transfer(app, demo, "web")
    client = run.client("town_branch_secretary")
    member_id = run.member("沈丽娟", "town_branch")
    response = client.post(f"/members/{member_id}/away", data={
        "away_since": fake_clock.today.isoformat(), "away_reason": "work", "away_destination": "广东省深圳市"})
    assert response.status_code == 302
    assert run.client("branch1_secretary").post(f"/members/{member_id}/away", data={}).status_code == 403
    future = (fake_clock.today + timedelta(days=1)).isoformat()
    assert client.post(f"/members/{member_id}/away", data={"away_since": future}).status_code == 422
    client.post(f"/members/{member_id}/away", data={"back": "y"})
    with app.app_context():
        assert db.session.get(Member, member_id).away_since is None
