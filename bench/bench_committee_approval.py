"""Benchmark: who approves the new committee (RULES.md §12 C16) on SQLite, over HTTP and as the raw engine step,
in one run.

Runs term elections and by-elections of 内科第一党支部 under each value of ``election.committee_member_result``
(a RuleOverride on 县委, as an organisation sets it), and, where the superior approves whole committees, term
elections in which it first refuses one 委员 (E07b not approved → E05 again). Prints the median (and 90th
percentile) time of
- starting a term election over HTTP (POST /cases/new, the form's setting read at the step: none here),
- completing a work item over HTTP (POST /inbox/<id>), and the superior's step on its own in each mode: its form
  is the one of the organisation's setting, its decision recorded in that mode's words, the posts written,
- the raw engine step of the recruitment definition (the project's baseline) and of term_election,
and the ratios of the HTTP figures to the raw recruitment step measured in this run.

    .venv/bin/python -m bench.bench_committee_approval [--cases 10]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from webapp.extensions import db
from webapp.models import RuleOverride

from .bench_election import Timings, run_case, warmed_up
from .bench_recruitment import ms

SETTING = "election.committee_member_result"


def refuse_the_last_elected(variables) -> dict:
    """E07b not approved: the superior refuses the last 委员 elected (a reviewed candidate is left for the seat)."""
    return {"decision": "not_approved", "opinion": "该同志不宜进入支委会",
            "refused_member_ids": variables["elected_ids"][-1:]}


def set_mode(app, units, mode: str) -> None:
    with app.app_context():
        row = db.session.scalars(db.select(RuleOverride).filter_by(unit_id=units["county"], key=SETTING)).first()
        if row is None:
            db.session.add(RuleOverride(unit_id=units["county"], key=SETTING, value=mode))
        else:
            row.value = mode
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10, help="cases of each kind in each mode (2 or more)")
    args = parser.parse_args()
    by_mode: dict[str, Timings] = {}
    with tempfile.TemporaryDirectory() as folder:
        app, bench_clock, units, clients = warmed_up(Path(folder))
        for mode in ("file", "approve"):
            set_mode(app, units, mode)
            timings = by_mode[mode] = Timings()
            for _ in range(args.cases):
                run_case(app, clients, units, bench_clock, "term_election", timings)
                run_case(app, clients, units, bench_clock, "by_election", timings)
                if mode == "approve":
                    run_case(app, clients, units, bench_clock, "term_election", timings,
                             once={"E07b_approve_results": refuse_the_last_elected})
    raw = [t for timings in by_mode.values() for t in timings.raw_recruitment]
    raw_ms = ms(raw)
    completes = [t for timings in by_mode.values() for values in timings.completes.values() for t in values]
    starts = [t for timings in by_mode.values() for t in timings.starts["term_election"]]
    print(f"who approves the new committee, on SQLite (synchronous={app.config['SQLITE_SYNCHRONOUS']}, CSRF on): "
          f"{args.cases} term elections and {args.cases} by-elections in each mode, {args.cases} more term elections "
          f"with a refused 委员 where the superior approves; {len(completes)} work items completed")
    print(f"  {'start a term election (HTTP)':40} median {ms(starts):7.2f} ms   p90 {ms(starts, 0.9):7.2f} ms")
    print(f"  {'complete a work item (HTTP)':40} median {ms(completes):7.2f} ms   p90 {ms(completes, 0.9):7.2f} ms")
    for mode, timings in by_mode.items():
        for step_code in ("E07b_approve_results", "B05b_approve_report", "E07b_approve_results once"):
            values = timings.completes.get(step_code)
            if values:
                label = f"{step_code.replace(' once', ' (refusal)')} [{mode}]"
                p90 = f"   p90 {ms(values, 0.9):7.2f} ms" if len(values) > 1 else ""
                print(f"    {label:38} median {ms(values):7.2f} ms{p90}")
    election_raw = [t for timings in by_mode.values() for t in timings.raw_election]
    print(f"  raw engine step, recruitment (baseline)        median {raw_ms:7.3f} ms")
    print(f"  raw engine step, term_election                 median {ms(election_raw):7.3f} ms")
    print(f"  ratio complete/raw {ms(completes) / raw_ms:5.1f}x   ratio start/raw {ms(starts) / raw_ms:5.1f}x")


if __name__ == "__main__":
    main()
