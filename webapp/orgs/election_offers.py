"""发起换届选举 where a user may start it: the unit's page, the organisation list and the dashboard's ending
terms offer the election of a unit whose officers the user is (or to an admin); a running election is
linked instead (a unit runs one election at a time)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from flask import url_for

from workflows.procedures import PROCEDURES
from workflows.terms import has_term

from .. import permissions
from ..cases.running import UNFINISHED, running_case_among
from ..extensions import db
from ..models import Case, OrgUnit, User
from .term_status import term_status

ELECTION = PROCEDURES["term_election"]


@dataclass(frozen=True)
class ElectionOffer:
    """``start``: the user may start the unit's 换届选举 at ``url``; ``running``: its election case is there."""

    kind: str
    url: str
    process_key: str = "term_election"


def election_offers(user: User, units: Iterable[OrgUnit], today: date, due_only: bool = False
                    ) -> dict[int, ElectionOffer]:
    """The offer of each unit that elects a committee (with ``due_only``, only where the term ends within the
    warning months, has ended, or was never entered); one query for the running elections of them all."""
    units = [u for u in units if u.kind in ELECTION.START_UNIT_KINDS and has_term(u.kind) and u.status == "active"]
    if not units:
        return {}
    running = {case.unit_id: case for case in db.session.scalars(db.select(Case).where(
        Case.unit_id.in_([u.id for u in units]), Case.process_key.in_(ELECTION.ONE_RUNNING_PER_UNIT),
        Case.status.in_(UNFINISHED)))}
    supervised = permissions.supervised_unit_ids(user) if running else set()
    offers = {}
    for unit in units:
        case = running.get(unit.id)
        if case is not None and (unit.id in supervised or case.started_by_id == user.id):
            offers[unit.id] = ElectionOffer("running", url_for("cases.show", case_id=case.id), case.process_key)
        elif case is None and permissions.can_start_in(user, unit, ELECTION) and (
                not due_only or term_status(unit.term_due_on, today, unit.id) in (None, "ending", "overdue")):
            offers[unit.id] = ElectionOffer("start", url_for("cases.new", process="term_election", unit=unit.id))
    return offers


SHIFT = PROCEDURES["election_postponement"]


def shift_offer(user: User, unit: OrgUnit, today: date) -> ElectionOffer | None:
    """延期或提前换届 (RULES.md §4.4) on the unit's page: its running request, or starting one where the user
    may, while the term has not ended (the request goes up before the end: afterwards the unit elects)."""
    running = running_case_among(SHIFT.ONE_RUNNING_PER_UNIT, unit.id)
    if running is not None:
        if permissions.can_view_case(user, running):
            return ElectionOffer("running", url_for("cases.show", case_id=running.id), SHIFT.PROCESS_KEY)
        return None
    if unit.term_due_on is None or unit.term_due_on < today or not permissions.can_start_in(user, unit, SHIFT):
        return None
    return ElectionOffer("start", url_for("cases.new", process=SHIFT.PROCESS_KEY, unit=unit.id), SHIFT.PROCESS_KEY)
