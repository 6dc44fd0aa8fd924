"""The benchmark of who approves the new committee (bench/bench_committee_approval.py) on a tiny scale, so that it
cannot rot unseen: where the superior approves whole committees, one term election in which it first refuses a
委员 runs through the pages to its end, the seat elected again. No timing is asserted."""

import pytest

from bench.bench_committee_approval import refuse_the_last_elected, set_mode
from bench.bench_election import ACTORS, Timings, run_case
from bench.bench_recruitment import BenchClock, Officer
from webapp import clock
from webapp.extensions import db
from webapp.models import AuditEvent, Case


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}  # the bench posts the pages' tokens, as a browser does


def test_a_refused_member_is_elected_again_and_the_election_ends(app, demo, monkeypatch):
    monkeypatch.setattr(clock, "now", clock.now)  # the bench's clock moves them: put back after the test
    monkeypatch.setattr(clock, "today", clock.today)
    set_mode(app, demo.unit_ids, "approve")
    timings = Timings()
    clients = {key: Officer(app, username) for key, username in ACTORS.items()}
    outcome = run_case(app, clients, demo.unit_ids, BenchClock(), "term_election", timings,
                       once={"E07b_approve_results": refuse_the_last_elected})
    assert outcome == "completed"
    assert [len(timings.completes[code]) for code in ("E07b_approve_results once", "E05_assembly_election",
                                                      "E07b_approve_results")] == [1, 2, 1]
    with app.app_context():
        case_id = db.session.scalar(db.select(Case.id).filter_by(process_key="term_election"))
        sentences = [e.summary for e in db.session.scalars(db.select(AuditEvent).filter_by(
            case_id=case_id, kind="org_change").order_by(AuditEvent.seq)) if e.summary.startswith("上级党组织")]
    assert len(sentences) == 2
    assert sentences[0].startswith("上级党组织不批准") and sentences[1].startswith("上级党组织审批同意")
