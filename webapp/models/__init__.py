"""Persistence: columns, relationships and permission checks; no engine calls."""

from .admin import AdminEvent
from .audit import AuditEvent
from .case import Case, Submission, WorkItem
from .member import Member
from .notification import Notification
from .org import ConfigRevision, OrgUnit, PendingPosition, Position
from .process import LaneRuleRow, ProcessDefinition, RuleOverride
from .supervision import SupervisionItem
from .transfer import TransferLetter
from .user import LoginFailure, User

__all__ = [
    "AdminEvent", "AuditEvent", "Case", "ConfigRevision", "LaneRuleRow", "LoginFailure", "Member", "Notification",
    "OrgUnit", "PendingPosition", "Position", "ProcessDefinition", "RuleOverride", "Submission", "SupervisionItem",
    "TransferLetter", "User", "WorkItem",
]
