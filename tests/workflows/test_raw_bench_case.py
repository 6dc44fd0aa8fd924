"""The benchmark's raw case (bench/raw_engine.py) still runs the shipped recruitment to its end: its
legal dates let the definition's timers fire at once, so the bench never silently stops measuring."""

from bench.raw_engine import RawCase


def test_the_raw_bench_case_runs_every_step_to_full_membership_without_waiting():
    case = RawCase()
    steps = 0
    while case.step() is not None:
        steps += 1
    workflow = case.serializer.loads(case.state)
    assert steps == 26  # R02–R25 and one deliberation each for admission and regularization
    assert case.engine.end_event(workflow) == "full_member_end"
