"""Helpers of the page tests: start a recruitment case through the 发起 page, find work items."""

from __future__ import annotations

from datetime import date, timedelta

from webapp import clock
from webapp.demo import fake_id_number
from webapp.extensions import db
from webapp.models import Case, Member, WorkItem


def application_form(name: str = "张三", birth: date = date(1999, 5, 6), serial: int = 901, **changes) -> dict:
    """The 递交入党申请书 form of an adult applicant who applied today."""
    form = {
        "name": name, "gender": "male", "ethnicity": "汉族", "birth_date": birth.isoformat(),
        "id_number": fake_id_number(birth, True, serial), "education": "undergraduate",
        "application_letter_received": "y", "application_date": clock.today().isoformat(),
    }
    return {**form, **changes}


def start_application(client, app, unit_id: int, **form) -> Case:
    """Start a recruitment case for ``unit_id`` through the page, as the logged-in user."""
    response = client.post(f"/cases/new?process=recruitment&unit={unit_id}", data=application_form(**form))
    assert response.status_code == 302, response.get_data(as_text=True)
    case_id = int(response.headers["Location"].rsplit("/", 1)[1])
    client.get(response.headers["Location"])  # the case page, as the browser would (shows the flash)
    with app.app_context():
        return db.session.get(Case, case_id)


def talk_form(app, branch_id: int, **changes) -> dict:
    """The 党组织派人谈话 form, the talker a full member in good standing of ``branch_id``."""
    with app.app_context():
        talker = db.session.scalars(db.select(Member).filter_by(unit_id=branch_id, stage="full_member",
                                                                in_good_standing=True).limit(1)).one()
    form = {"talk_date": clock.today().isoformat(), "talker_ids": str(talker.id), "summary": "谈话了解入党动机。"}
    return {**form, **changes}


def open_item(app, case_id: int) -> WorkItem:
    with app.app_context():
        return db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id, status="open")).one()


def days_later(days: int):
    """A replacement for clock.now: the same instant ``days`` days from now."""
    real_now = clock.now
    return lambda: real_now() + timedelta(days=days)
