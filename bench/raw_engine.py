"""The raw engine step of the 25-step recruitment, with no web and no database:
load the case state, complete the task, run engine steps, save the state."""

from __future__ import annotations

import time
from datetime import date, timedelta
from pathlib import Path

from workflows.engine import CaseEngine
from workflows.serialization import CaseSerializer
from workflows.specs import load_definition

BPMN = Path(__file__).parents[1] / "bpmn" / "recruitment.bpmn"
TODAY = date.today()
# The legal dates the definition's timers count from: an application of today (its talk is not late), a
# designation more than a year ago and a probation that has ended (their timers fire at once: the raw
# case never waits), a resolution of today (its approval is not late).
START = {"deliberating_units": [4], "political_review_fail_target": "cultivation",
         "refusal_target": "development_candidate", "application_date": TODAY.isoformat()}
# The engine variables of the main path (what the rules derive from the forms).
ANSWERS = {
    "R03_designate_activist": {"activist_decision": "designate",
                               "activist_date": (TODAY - timedelta(days=400)).isoformat()},
    "R04_file_activist": {"activist_filing_result": "filed"},
    "R06_cultivation_review": {"cultivation_next": "propose_candidate"},
    "R08_file_candidate": {"candidate_filing_result": "filed"},
    "R10_political_review": {"political_review_conclusion": "pass"},
    "R12_committee_review": {"committee_review_decision": "qualified"},
    "R13_pre_review": {"pre_review_result": "pass"},
    "R15_assembly_admission_vote": {"admission_vote_passed": True, "resolution_date": TODAY.isoformat()},
    "R17_committee_approval": {"admission_decision": "approved",
                               "probation_end": (TODAY - timedelta(days=1)).isoformat()},
    "R18_file_upper_department": {"admission_filing_result": "filed"},
    "R21_probation_review": {"probation_next": "probation_ending"},
    "R23_assembly_regularization_vote": {"regularization_vote_passed": True, "regularization_outcome": "regularize"},
    "R24_committee_regularization_approval": {"regularization_decision": "approved"},
}


class RawCase:
    """One recruitment case driven by the engine alone, a step at a time, its state kept as JSON."""

    definition = None

    def __init__(self):
        if RawCase.definition is None:
            RawCase.definition = load_definition(BPMN.read_bytes())
        self.engine = CaseEngine()
        self.serializer = CaseSerializer(lambda sha: RawCase.definition)
        self.state = self.serializer.dumps(self.engine.start(RawCase.definition, START))

    def step(self) -> tuple[float, float] | None:
        """Seconds of one raw step (load + complete + engine steps + save) and of the engine step
        alone; None when the case has finished."""
        began = time.perf_counter()
        workflow = self.serializer.loads(self.state)
        ready = self.engine.ready_tasks(RawCase.definition, workflow)
        if not ready:
            return None
        task = ready[0]
        step_began = time.perf_counter()
        self.engine.complete(workflow, task.task_id, ANSWERS.get(task.step_code, {}))
        step_took = time.perf_counter() - step_began
        self.state = self.serializer.dumps(workflow)
        return time.perf_counter() - began, step_took


def raw_step_times(cases: int) -> tuple[list[float], list[float]]:
    """Seconds per raw step and per engine step alone, over ``cases`` whole cases."""
    raw, engine_only = [], []
    for _ in range(cases):
        case = RawCase()
        while (took := case.step()) is not None:
            raw.append(took[0])
            engine_only.append(took[1])
    return raw, engine_only
