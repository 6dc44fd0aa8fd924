"""Errors raised by the engine core."""

from __future__ import annotations


class DefinitionError(ValueError):
    """A process definition cannot be parsed or published; ``problems`` says why."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


class TaskNotReady(LookupError):
    """The task is not a ready user task of the case (already completed, or never existed)."""


class NoResponsibleUnit(LookupError):
    """A lane resolved to no organisation unit for a case."""

    def __init__(self, lane: str, unit_name: str, selector: str):
        super().__init__(f"lane {lane!r} ({selector}) found no unit for {unit_name}")
        self.lane = lane
        self.unit_name = unit_name
        self.selector = selector


class EngineError(RuntimeError):
    """The engine failed while running a case (e.g. a gateway condition could not be evaluated)."""
