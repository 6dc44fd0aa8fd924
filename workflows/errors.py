"""Errors raised by the engine core."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .i18n import N_

LINE = N_("第 %(line)s 行")


@dataclass(frozen=True)
class Problem:
    """One reason a definition cannot be published: the rule (an ``N_()`` template and its
    parameters) and where it is broken (the element's kind, id and name, the line of the file)."""

    message: str
    params: Mapping[str, Any] = field(default_factory=dict)
    element_id: str | None = None
    element_name: str | None = None
    kind: str | None = None
    line: int | None = None

    def text(self, translate: Callable[[str], str] = lambda message: message) -> str:
        """元素 kind id（name），第 n 行：rule — with ``translate`` (the web layer's gettext) applied to
        each template, so the same wording serves the CLI (untranslated) and the pages."""
        where = []
        if self.element_id:
            where.append(f"{self.kind or ''} {self.element_id}".strip()
                         + (f"（{self.element_name}）" if self.element_name else ""))
        if self.line:
            where.append(translate(LINE) % {"line": self.line})
        rule = translate(self.message) % self.params
        return f"{'，'.join(where)}：{rule}" if where else rule

    def __str__(self) -> str:
        return self.text()


class DefinitionError(ValueError):
    """A process definition cannot be parsed or published; ``problems`` says why."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
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
    """The engine failed while running a case (e.g. a gateway condition could not be evaluated).

    ``reason`` (an ``N_()`` template) and ``params`` say why in words an admin can read, in the
    reader's language; ``str()`` keeps the technical detail for the log."""

    reason = N_("流程引擎出错：%(detail)s")

    def __init__(self, detail: str, reason: str | None = None, **params: Any):
        super().__init__(detail)
        if reason is not None:
            self.reason = reason
        self.params = {"detail": detail, **params}


class BudgetExceeded(EngineError):
    """One engine call ran more steps, longer, or over more instances than its budget allows: a loop in
    the definition, or data the definition did not expect. The case stops instead of hanging a worker."""


class StateUnreadable(EngineError):
    """A stored case state cannot be loaded (corrupt, or written by an unknown serializer version):
    nothing of it runs."""

    reason = N_("办件的流程状态无法读取（%(detail)s）")
