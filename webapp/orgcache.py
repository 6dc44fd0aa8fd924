"""The organisation's configuration, read once per process: chains of the tree, rule overrides, lanes.

Every operation needs the chain of its unit (routing and settings), the rule overrides along it
and the lane registry. They change only when an admin edits them, so each process keeps what it
has read, tagged with the revision token stored in ``config_revisions``. Any flush that writes an
OrgUnit, a LaneRuleRow or a RuleOverride sets a new random token in the same transaction
(``_new_token_on_flush``); an operation reads the token (one small query) and drops what was cached
when it differs. A change therefore reaches every process with the first operation after its
commit, and since a token is never reused, a change that was rolled back cannot pass for one that
was committed.
"""

from __future__ import annotations

import secrets
from itertools import chain as chained
from typing import Any

from flask import current_app
from flask_sqlalchemy.session import Session
from sqlalchemy import event, insert, update

from workflows.org import OrgUnitRef
from workflows.routing import LaneRule
from workflows.settings import RuleSettings

from .extensions import db
from .models import ConfigRevision, LaneRuleRow, OrgUnit, RuleOverride
from .orgtree import DbOrgTree, read_chain

KEY = "organisation"
WATCHED = (OrgUnit, LaneRuleRow, RuleOverride)
_revisions = ConfigRevision.__table__
_lanes = LaneRuleRow.__table__
_overrides = RuleOverride.__table__
_TOKEN = db.select(_revisions.c.token).where(_revisions.c.key == KEY)
# The token as a column of another query, to read it in the same round trip.
TOKEN = _TOKEN.scalar_subquery().label("config_token")


class OrgConfig:
    """The configuration as of one revision token, read as it is asked for."""

    def __init__(self, token: str | None):
        self.token = token
        self._chains: dict[int, tuple[list[OrgUnitRef], dict[int, list[OrgUnitRef]]]] = {}
        self._lanes: dict[str, LaneRule] | None = None
        self._overrides: dict[int, dict[str, Any]] | None = None

    def tree(self) -> DbOrgTree:
        """An OrgTree for one operation, its chains served from this configuration."""
        return DbOrgTree(self.chain)

    def chain(self, unit_id: int) -> tuple[list[OrgUnitRef], dict[int, list[OrgUnitRef]]]:
        """The unit and its active ancestors (nearest first), and the departments attached to each."""
        if unit_id not in self._chains:
            self._chains[unit_id] = read_chain(unit_id)
        return self._chains[unit_id]

    def lanes(self) -> dict[str, LaneRule]:
        """The lane registry as stored (admins edit it)."""
        if self._lanes is None:
            rows = db.session.execute(db.select(_lanes.c.key, _lanes.c.label, _lanes.c.selector, _lanes.c.positions))
            self._lanes = {row.key: LaneRule(row.key, row.label, row.selector, tuple(row.positions)) for row in rows}
        return self._lanes

    def settings(self, chain: list[OrgUnitRef]) -> RuleSettings:
        """The settings of ``chain[0]``: the defaults overridden by every unit from the root down."""
        if self._overrides is None:
            overrides: dict[int, dict[str, Any]] = {}
            for row in db.session.execute(db.select(_overrides.c.unit_id, _overrides.c.key, _overrides.c.value)):
                overrides.setdefault(row.unit_id, {})[row.key] = row.value
            self._overrides = overrides
        return RuleSettings.resolve([self._overrides.get(u.id, {}) for u in reversed(chain)])


def current_config() -> OrgConfig:
    """The configuration as of the token now stored (what this session sees, its own changes included)."""
    if db.session.autoflush:  # as any query would: the session's own changes set their token first
        db.session.flush()
    return config_as_of(db.session.execute(_TOKEN).scalar())


def config_as_of(token: str | None) -> OrgConfig:
    """The configuration as of ``token``, which the caller read along with other rows (``TOKEN``)."""
    held: OrgConfig | None = current_app.extensions.get("partyflow_org_config")
    if held is None or held.token != token:
        held = current_app.extensions["partyflow_org_config"] = OrgConfig(token)
    return held


@event.listens_for(Session, "before_flush")
def _new_token_on_flush(session, _flush_context, _instances) -> None:
    if any(isinstance(obj, WATCHED) for obj in chained(session.new, session.dirty, session.deleted)):
        new_revision(session.connection())


def new_revision(connection) -> None:
    """Set a new revision token in the caller's transaction: for a change of the organisation written
    without the ORM's flush (a unit inserted by a case's step, webapp/cases/org_changes.py)."""
    token = secrets.token_hex(16)
    if connection.execute(update(_revisions).where(_revisions.c.key == KEY).values(token=token)).rowcount == 0:
        connection.execute(insert(_revisions).values(key=KEY, token=token))
