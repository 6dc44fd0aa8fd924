"""What a case operation raises instead of a change: a rule refused the data, someone else was first,
or the engine could not run the case. The views and the API answer each in their own way."""

from __future__ import annotations

import functools

from sqlalchemy.orm.exc import StaleDataError

from workflows.errors import EngineError
from workflows.guards import Violation

from ..models import Case


class GuardFailed(Exception):
    """A domain rule refused the submitted data; nothing was changed."""

    def __init__(self, violations: list[Violation]):
        super().__init__("; ".join(v.message % v.params for v in violations))
        self.violations = violations


class AlreadyHandled(Exception):
    """The work item was completed, claimed or changed by someone else first (HTTP 409)."""


class CaseError(Exception):
    """The engine could not start the case (over its budget, a refused expression); nothing was created."""

    def __init__(self, err: EngineError):
        super().__init__(str(err))
        self.engine_error = err

    def reason(self, translate=lambda message: message) -> str:
        return translate(self.engine_error.reason) % self.engine_error.params


class CaseStopped(Exception):
    """The engine could not run the case on: the case is now 异常 and that is written (the caller
    commits it, so admins see it); the submission did not take effect and the work item stays open."""

    def __init__(self, case: Case):
        super().__init__(case.error_message)
        self.case = case


class CaseInError(Exception):
    """The case was stopped earlier (engine failure, unreadable state): nothing runs until an admin
    resumes it; nothing was changed."""

    def __init__(self, case: Case):
        super().__init__(case.error_message)
        self.case = case


def stale_means_already_handled(operation):
    """A version conflict anywhere in ``operation`` (at any flush) means someone else was first."""

    @functools.wraps(operation)
    def wrapper(*args, **kwargs):
        try:
            return operation(*args, **kwargs)
        except StaleDataError as err:
            raise AlreadyHandled() from err

    return wrapper
