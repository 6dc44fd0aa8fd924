"""The forms of 党支部设置 fuzzed with hypothesis, as tests/webapp/test_fuzz_forms.py fuzzes recruitment's:
each post starts from good answers and spoils some fields (any text, huge text, lists, missing fields,
unknown keys, numbers and dates at the edges). The page never answers 5xx nor logs an error; a refusal
says why in Chinese and leaves the database as it was.

PARTYFLOW_FUZZ_EXAMPLES sets the number of posts per form (default 25).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_forms import FUZZ, check_answer, counts, field_types, logged_in, spoiled

from webapp import clock
from webapp.demo_branch import answers
from webapp.extensions import db
from webapp.models import Case, Member, User, WorkItem


def start_answers(app, demo) -> dict[str, tuple[str, str, dict]]:
    """process → (unit key, who starts it, good answers of its start form)."""
    with app.app_context():
        secretary = db.session.get(User, demo.user_ids["branch1_publicity"]).member_id
        others = db.session.scalars(db.select(Member.id).filter_by(unit_id=demo.unit_ids["branch1"],
                                                                   stage="full_member").order_by(Member.id)).all()
    movers = [secretary, *[m for m in others if m != secretary][6:8]]
    today = clock.today()
    return {
        "branch_setup": ("internal_gb", "internal_gb_secretary", answers(
            "O01_submit_request", today, branch_name="内科第三党支部", parent_id=demo.unit_ids["internal_gb"],
            full_member_count=3, member_ids=movers, secretary_id=secretary)),
        "branch_change": ("branch1", "branch1_secretary", answers("O21_submit_change", today, new_name="内科新党支部")),
        "branch_dissolution": ("joint_branch", "joint_secretary", answers("O11_propose_dissolution", today)),
    }


FORM_KEYS = {"branch_setup": "O01_submit_request", "branch_change": "O21_submit_change",
             "branch_dissolution": "O11_propose_dissolution"}


@pytest.mark.parametrize("process", sorted(FORM_KEYS))
@FUZZ
@given(data=st.data())
def test_the_start_forms(app, demo, app_errors, process, data):
    unit, username, good = start_answers(app, demo)[process]
    post = data.draw(spoiled(good, field_types(FORM_KEYS[process])), label="post")
    before = counts(app)
    response = logged_in(app, username).post(f"/cases/new?process={process}&unit={demo.unit_ids[unit]}", data=post)
    check_answer(app, response, before, app_errors, accepted=response.status_code == 302)


@pytest.fixture
def branch_case_ids(app, demo_with_cases) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(db.select(Case.id).where(Case.process_key.like("branch_%")).order_by(Case.id)))


@FUZZ
@given(data=st.data())
def test_the_steps_of_the_demo_cases(app, branch_case_ids, app_errors, data):
    case_id = data.draw(st.sampled_from(branch_case_ids), label="case")
    with app.app_context():
        item = db.session.scalars(db.select(WorkItem).filter_by(case_id=case_id, status="open")).first()
        if item is None:  # the case ran to its end: the same draws, nothing to post (hypothesis replays them)
            data.draw(spoiled({"nothing": ""}, {}), label="post")
            return
        username = next(u.username for u in db.session.scalars(db.select(User).order_by(User.id))
                        if u.acting_roles_in(item.unit_id, clock.today()) & set(item.position_list))
        item_id, form_key = item.id, item.form_key
    post = data.draw(spoiled(answers(form_key, clock.today()), field_types(form_key)), label="post")
    before = counts(app)
    response = logged_in(app, username).post(f"/inbox/{item_id}", data=post)
    check_answer(app, response, before, app_errors, accepted=response.status_code == 302)
