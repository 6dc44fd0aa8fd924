"""管理: the changes an admin makes (lane registry, rule settings, positions, process definitions),
each recorded as an AdminEvent. Each function flushes and never commits: the view commits once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from workflows.errors import Problem
from workflows.i18n import N_
from workflows.org import POSITIONS
from workflows.procedures import PROCEDURES
from workflows.routing import lane_rule_from_dict
from workflows.settings import SettingError, validate_override
from workflows.specs import check_definition, load_definition

from .. import clock
from ..cases.context import rule_settings_for
from ..extensions import db
from ..forms import FORMS
from ..models import AdminEvent, LaneRuleRow, OrgUnit, Position, ProcessDefinition, RuleOverride, User


class RulesConflict(Exception):
    """An override that is valid on its own but leaves the settings of ``unit`` contradictory
    (e.g. 培养联系人最少人数 above the maximum set below it)."""

    def __init__(self, unit: OrgUnit, error: SettingError):
        self.unit = unit
        self.error = error
        super().__init__(f"{unit.name}: {error}")


def record(actor: User, kind: str, target: str, data: dict[str, Any]) -> AdminEvent:
    """Append one event to the admins' record."""
    event = AdminEvent(at=clock.now().replace(microsecond=0), actor_id=actor.id, kind=kind, target=target,
                       data=data)
    db.session.add(event)
    return event


# ---------- lane registry ----------


def _lane_values(row: LaneRuleRow) -> dict[str, Any]:
    return {"label": row.label, "selector": row.selector, "positions": list(row.positions)}


def save_lane(key: str, label: str, selector: str, positions: list[str], actor: User) -> LaneRuleRow | None:
    """Create the lane ``key`` or change its label, selector and positions; None when nothing changed.

    :raises ValueError: for an unknown selector or position, or no position at all (the form checks
        these first; this is the last line of defence for the data routing reads).
    """
    unknown = [p for p in positions if p not in POSITIONS]
    if unknown or not positions:
        raise ValueError(f"lane {key!r}: positions {positions!r} must be known and not empty")
    rule = lane_rule_from_dict({"key": key, "label": label, "selector": selector, "positions": positions})
    row = db.session.get(LaneRuleRow, key)
    before = _lane_values(row) if row is not None else None
    after = {"label": rule.label, "selector": rule.selector, "positions": list(rule.positions)}
    if before == after:
        return None
    if row is None:
        row = LaneRuleRow(key=rule.key)
        db.session.add(row)
    row.label, row.selector, row.positions = rule.label, rule.selector, list(rule.positions)
    record(actor, "lane_updated" if before else "lane_created", f"lane:{key}",
           {"key": key, "before": before, "after": _lane_values(row)})
    db.session.flush()
    return row


# ---------- rule settings ----------


def _override(unit: OrgUnit, key: str) -> RuleOverride | None:
    return db.session.scalars(db.select(RuleOverride).filter_by(unit_id=unit.id, key=key)).first()


def subtree_ids(unit: OrgUnit) -> list[int]:
    """``unit`` and every unit below it, at any depth."""
    found, frontier = [unit.id], [unit.id]
    while frontier:
        frontier = list(db.session.scalars(db.select(OrgUnit.id).where(OrgUnit.parent_id.in_(frontier))))
        found.extend(frontier)
    return found


def _check_rules_below(unit: OrgUnit) -> None:
    """The settings of ``unit`` and of every unit below it with overrides of its own must still resolve."""
    ids = subtree_ids(unit)
    with_overrides = set(db.session.scalars(
        db.select(RuleOverride.unit_id).where(RuleOverride.unit_id.in_(ids)).distinct()))
    for unit_id in [unit.id, *sorted(with_overrides - {unit.id})]:
        try:
            rule_settings_for(unit_id)
        except SettingError as err:
            raise RulesConflict(db.session.get(OrgUnit, unit_id), err) from err


def set_override(unit: OrgUnit, key: str, raw_value: Any, actor: User) -> RuleOverride:
    """Override the setting ``key`` for ``unit`` and everything below it.

    :raises SettingError: when the value does not fit the setting (message in Chinese).
    :raises RulesConflict: when the settings of this unit or one below would contradict each other.
    """
    value = validate_override(key, raw_value)
    row = _override(unit, key)
    before = row.value if row is not None else None
    if row is None:
        row = RuleOverride(unit_id=unit.id, key=key)
        db.session.add(row)
    row.value = value
    db.session.flush()
    _check_rules_below(unit)
    record(actor, "setting_set", f"unit:{unit.id}:{key}",
           {"unit_id": unit.id, "unit": unit.name, "key": key, "before": before, "after": value})
    db.session.flush()
    return row


def remove_override(unit: OrgUnit, key: str, actor: User) -> bool:
    """Remove ``unit``'s own override of ``key`` (the inherited value applies again); False if it had none.

    :raises RulesConflict: when the settings of this unit or one below would contradict each other.
    """
    row = _override(unit, key)
    if row is None:
        return False
    before = row.value
    db.session.delete(row)
    db.session.flush()
    _check_rules_below(unit)
    record(actor, "setting_removed", f"unit:{unit.id}:{key}",
           {"unit_id": unit.id, "unit": unit.name, "key": key, "before": before, "after": None})
    db.session.flush()
    return True


# ---------- positions ----------


def _position_data(position: Position, user: User, unit: OrgUnit) -> dict[str, Any]:
    return {
        "position_id": position.id, "user_id": user.id, "username": user.username, "user": user.display_name,
        "unit_id": unit.id, "unit": unit.name, "role": position.role,
        "started_on": position.started_on.isoformat(),
        "ended_on": position.ended_on.isoformat() if position.ended_on else None,
    }


def add_position(user: User, unit: OrgUnit, role: str, started_on: date, actor: User) -> Position:
    """Appoint ``user`` to ``role`` in ``unit`` from ``started_on`` (open-ended)."""
    if role not in POSITIONS:
        raise ValueError(f"unknown position {role!r}")
    position = Position(user_id=user.id, unit_id=unit.id, role=role, started_on=started_on)
    db.session.add(position)
    user.positions.append(position)
    db.session.flush()
    record(actor, "position_added", f"user:{user.id}", _position_data(position, user, unit))
    db.session.flush()
    return position


def set_email(user: User, email: str | None, actor: User) -> bool:
    """The address ``user``'s notifications are e-mailed to (None: in the app only); False if unchanged."""
    if email == user.email:
        return False
    record(actor, "email_set", f"user:{user.id}",
           {"user": user.display_name, "username": user.username, "before": user.email, "after": email})
    user.email = email
    db.session.flush()
    return True


def end_position(position: Position, ended_on: date, actor: User) -> Position:
    """End ``position``: ``ended_on`` is its last day (Position.is_active_on includes it)."""
    if ended_on < position.started_on:
        raise ValueError(f"position {position.id} cannot end before it started")
    position.ended_on = ended_on
    db.session.flush()
    record(actor, "position_ended", f"user:{position.user_id}",
           _position_data(position, position.user, position.unit))
    db.session.flush()
    return position


# ---------- process definitions ----------


class PublishRefused(Exception):
    """A definition that may not be published; ``problems`` names each element and rule. Nothing was stored."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def publish_definition(data: bytes, actor: User | None) -> ProcessDefinition:
    """发布: ``data`` (a .bpmn file) as the next version of its process, after every publish-time check
    (workflows.specs.check_definition: XML, code, lanes, forms). Cases already running keep their
    version; new cases use this one. Flushes, never commits."""
    problems = check_definition(data, _lane_keys(), FORMS.keys())
    if problems:
        raise PublishRefused(problems)
    definition = load_definition(data)
    if definition.process_id not in PROCEDURES:
        raise PublishRefused([Problem(N_("流程 %(process)s 在系统中没有对应的办理规则，不能发布"),
                                      {"process": definition.process_id}, element_id=definition.process_id,
                                      element_name=definition.name, kind="process")])
    versions = db.session.scalars(
        db.select(ProcessDefinition).filter_by(process_key=definition.process_id).with_for_update()
    ).all()
    current = next((v for v in versions if v.is_current), None)
    if current is not None and current.sha256 == definition.sha256:
        raise PublishRefused([Problem(N_("内容与当前版本（第 %(version)s 版）相同，无需发布"),
                                      {"version": current.version})])
    for version in versions:
        version.is_current = False
    row = ProcessDefinition(
        process_key=definition.process_id, name=definition.name,
        version=max((v.version for v in versions), default=0) + 1, sha256=definition.sha256,
        bpmn_xml=data.decode("utf-8"), is_current=True, published_at=clock.now(),
        published_by_id=actor.id if actor else None,
    )
    db.session.add(row)
    db.session.flush()
    if actor is not None:
        record(actor, "definition_published", f"process:{row.process_key}",
               {"process": row.process_key, "name": row.name, "version": row.version, "sha256": row.sha256,
                "previous": current.version if current else None})
    return row


def _lane_keys() -> list[str]:
    return list(db.session.scalars(db.select(LaneRuleRow.key)))
