"""API endpoints for what cases are made from: the current process definitions and the organisation tree."""

from __future__ import annotations

from ..extensions import db
from ..models import OrgUnit, ProcessDefinition
from . import serializers


def list_processes():
    """Current process definitions with their start form's fields and their stages."""
    rows = db.session.scalars(
        db.select(ProcessDefinition).filter_by(is_current=True).order_by(ProcessDefinition.process_key)
    ).all()
    return {"processes": [serializers.process(row) for row in rows]}


def list_org_units():
    """The whole organisation tree as a flat list; parent_id links a unit to its parent."""
    units = db.session.scalars(db.select(OrgUnit).order_by(OrgUnit.id)).all()
    return {"units": [serializers.org_unit(unit) for unit in units]}
