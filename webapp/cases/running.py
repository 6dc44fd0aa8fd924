"""A unit's unfinished cases of a procedure: what refuses a second election while one runs."""

from __future__ import annotations

from collections.abc import Iterable

from ..extensions import db
from ..models import Case

# A case that has not ended: running, or stopped (in error, suspended) until someone resumes it.
UNFINISHED = ("running", "error", "suspended")


def running_case_among(process_keys: Iterable[str], unit_id: int) -> Case | None:
    """The unit's unfinished case of one of ``process_keys``, if any (the oldest)."""
    return db.session.scalars(
        db.select(Case).where(Case.unit_id == unit_id, Case.process_key.in_(tuple(process_keys)),
                              Case.status.in_(UNFINISHED)).order_by(Case.id).limit(1)).first()
