"""The 党支部设置 benchmark (bench/bench_branch.py) on a tiny scale, so that it cannot rot unseen: one round
sets a branch up, renames it and dissolves it through the pages, as the bench measures it. No timing is
asserted."""

import pytest

from bench.bench_branch import ACTORS, Officer, Timings, run_round
from webapp.extensions import db
from webapp.models import Case, Member, OrgUnit


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}  # the bench posts the pages' tokens, as a browser does


def test_a_round_of_the_bench_sets_up_renames_and_dissolves_a_branch(app, demo):
    officers = {key: Officer(app, username) for key, username in ACTORS.items()}
    officers["new_branch"] = Officer(app, "branch1_publicity")
    with app.app_context():
        mover = demo.user("branch1_publicity").member_id
    timings = Timings()
    run_round(app, officers, demo.unit_ids, 1, mover, timings)
    with app.app_context():
        branch = db.session.scalar(db.select(OrgUnit).filter_by(name="内科测试第1党支部（更名）"))
        assert branch.status == "dissolved"
        assert db.session.get(Member, mover).unit_id == demo.unit_ids["branch1"]
        statuses = db.session.scalars(db.select(Case.status).where(Case.process_key.like("branch_%"))).all()
        assert statuses == ["completed"] * 3
    assert [len(v) for v in timings.starts.values()] == [1, 1, 1]
    assert sum(map(len, timings.completes.values())) == len(timings.raws) - 3 == 9
