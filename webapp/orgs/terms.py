"""Terms of office (任期): the timer worker's reminders and overdue flags, and the admin's term entry.

Once per term (RULES.md §4.7):
- TM17, ``term.reminder_months`` before term_due_on: the unit's officers and its superior's officers
  are notified (《中国共产党支部工作条例（试行）》: the superior reminds the branch about six months
  before the end of its term);
- TM18, the day after term_due_on (after ``term.overdue_grace_days``) with no new term: the unit is
  flagged overdue (term_overdue_since = the first day without a term, §4.5 未按期换届) and the
  superior's officers (and the unit's own) are notified.
"Once" is decided in the database: the worker claims a unit's reminder or flag with a compare-and-set
UPDATE (… WHERE term_reminded_on IS NULL), so two workers never both send it, and a unit without any
officer to notify is still reminded once, in the admin log. A new term clears both marks.
"""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import update
from sqlalchemy.exc import OperationalError

from workflows.calendar import add_months
from workflows.i18n import N_
from workflows.procedures import PROCEDURES
from workflows.settings import RuleSettings, SettingError
from workflows.terms import TERM_YEARS_SETTING, is_overdue, is_reminder_due, overdue_since, term_end, term_years

from .. import clock
from ..admin.operations import record
from ..cases.context import rule_settings_for
from ..cases.running import running_case_among
from ..extensions import db
from ..models import AdminEvent, OrgUnit, User
from ..notifications.service import notify, unit_officers

REMINDER_MESSAGE = N_("%(unit)s的任期将于 %(date)s 届满，请做好换届准备。")
OVERDUE_MESSAGE = N_("%(unit)s的任期已于 %(date)s 届满，至今未换届，请督促按期换届。")
# AdminEvent kinds of the two events (webapp/models/admin.py).
ADMIN_KINDS = {"reminder": "term_reminded", "overdue": "term_overdue"}
# The longest reminder lead a setting allows (term.reminder_months ≤ 12): units further away are not read.
LONGEST_LEAD_MONTHS = 12

_units = OrgUnit.__table__


def remind_terms(today: date) -> int:
    """Send every term reminder and overdue notice due on ``today``, one unit per transaction; how many."""
    sent = 0
    for unit_id in units_to_check(today):
        try:
            sent += check_unit_term(unit_id, today)
            db.session.commit()
        except OperationalError as err:  # a lock wait ran out: the next tick tries again
            db.session.rollback()
            current_app.logger.warning("term reminders: unit %s skipped: %s", unit_id, err)
    return sent


def units_to_check(today: date) -> list[int]:
    """Active units with a term that ends within the longest reminder lead, not yet flagged overdue."""
    return list(db.session.scalars(
        db.select(OrgUnit.id).where(OrgUnit.status == "active", OrgUnit.kind.in_(TERM_YEARS_SETTING),
                                    OrgUnit.term_due_on <= add_months(today, LONGEST_LEAD_MONTHS),
                                    OrgUnit.term_overdue_since.is_(None))
        .order_by(OrgUnit.term_due_on, OrgUnit.id)))


def check_unit_term(unit_id: int, today: date) -> int:
    """The reminder or the overdue notice of one unit's term, if due today and not yet sent (0 or 1)."""
    unit = db.session.get(OrgUnit, unit_id)
    try:
        settings = rule_settings_for(unit.id)
    except SettingError as err:  # the admin settings page says so too; the term waits until it is fixed
        current_app.logger.warning("term reminders: unit %s has contradictory settings: %s", unit.id, err)
        return 0
    due = unit.term_due_on
    if is_overdue(due, today, settings):
        return _flag_overdue(unit, due, today)
    if unit.term_reminded_on is None and is_reminder_due(due, today, settings):
        return _remind(unit, due, today)
    return 0


def _claim(unit: OrgUnit, due: date, column: str, value: date) -> bool:
    """Set ``column`` unless it is set (or the term changed meanwhile): True for the one worker that did."""
    claimed = db.session.execute(
        update(_units).where(_units.c.id == unit.id, _units.c[column].is_(None), _units.c.term_due_on == due)
        .values({column: value}))
    return claimed.rowcount == 1


def _remind(unit: OrgUnit, due: date, today: date) -> int:
    if not _claim(unit, due, "term_reminded_on", today):
        return 0
    _notify_and_record(unit, due, "reminder", REMINDER_MESSAGE, _officers_of(unit, today), _superiors_of(unit, today))
    return 1


def _flag_overdue(unit: OrgUnit, due: date, today: date) -> int:
    if not _claim(unit, due, "term_overdue_since", overdue_since(due)):
        return 0
    _notify_and_record(unit, due, "overdue", OVERDUE_MESSAGE, _officers_of(unit, today), _superiors_of(unit, today))
    return 1


def _officers_of(unit: OrgUnit, today: date) -> list[User]:
    return unit_officers(unit.id, today)


def _superiors_of(unit: OrgUnit, today: date) -> list[User]:
    return unit_officers(unit.parent_id, today) if unit.parent_id is not None else []


def election_link(unit: OrgUnit) -> str:
    """Where a term notice takes the unit's officers: starting the unit's 换届选举 (E01 offers E02), or the
    election already running; the unit's page for a kind of unit that holds no election here."""
    election = PROCEDURES["term_election"]
    running = running_case_among(election.ONE_RUNNING_PER_UNIT, unit.id)
    if running is not None:
        return f"/cases/{running.id}"
    if unit.kind in election.START_UNIT_KINDS and not unit.is_temporary:
        return f"/cases/new?process=term_election&unit={unit.id}"
    return f"/orgs/{unit.id}"


def _notify_and_record(unit: OrgUnit, due: date, event: str, message: str, officers: list[User],
                       superiors: list[User]) -> None:
    """The notifications (keyed by unit and term end: a postponed end is a new event) and the admin log: the
    unit's officers are taken to the election, its superior's to the unit's page (its term, the election)."""
    key, params = f"term:{event}:{unit.id}:{due.isoformat()}", {"unit": unit.name, "date": due}
    new = notify(officers, key=key, kind=f"term_{event}", message=message, params=params, link=election_link(unit))
    new += notify(superiors, key=key, kind=f"term_{event}", message=message, params=params, link=f"/orgs/{unit.id}")
    recipients = officers + superiors if event == "reminder" else superiors + officers
    names = list(dict.fromkeys(u.display_name for u in recipients if u.is_enabled))
    data = {"unit": unit.name, "term_no": unit.term_no, "due_on": due.isoformat(), "recipients": names,
            "notified": new}
    db.session.add(AdminEvent(at=clock.now().replace(microsecond=0), actor_id=None, kind=ADMIN_KINDS[event],
                              target=f"unit:{unit.id}", data=data))
    db.session.flush()


# ---------- the admin enters a term ----------


def unit_term_years(unit: OrgUnit) -> int | None:
    """The term length of the unit in its settings (the defaults while its stored settings contradict
    each other: the admin settings page says so), or None for a kind of unit without terms."""
    try:
        settings = rule_settings_for(unit.id)
    except SettingError:
        settings = RuleSettings()
    return term_years(unit.kind, settings)


def default_term_end(unit: OrgUnit, started_on: date) -> date | None:
    """The end of a term elected on ``started_on``: the term years of the unit's kind in its settings."""
    years = unit_term_years(unit)
    return term_end(started_on, years) if years is not None else None


def set_term(unit: OrgUnit, term_no: int, started_on: date, due_on: date | None, actor: User) -> OrgUnit:
    """Enter the unit's current term: after an election, or the new end of an approved postponement
    (``due_on``; None: the default end). A new end clears the reminder and overdue marks of the old
    one, so the new term is reminded in its turn. Flushes, never commits."""
    due_on = due_on or default_term_end(unit, started_on)
    before = _term_values(unit)
    if due_on != unit.term_due_on:
        unit.term_reminded_on = unit.term_overdue_since = None
    unit.term_no, unit.term_started_on, unit.term_due_on = term_no, started_on, due_on
    record(actor, "term_set", f"unit:{unit.id}", {"unit": unit.name, "before": before, "after": _term_values(unit)})
    db.session.flush()
    return unit


def _term_values(unit: OrgUnit) -> dict:
    return {"term_no": unit.term_no, "started_on": unit.term_started_on and unit.term_started_on.isoformat(),
            "due_on": unit.term_due_on and unit.term_due_on.isoformat()}
