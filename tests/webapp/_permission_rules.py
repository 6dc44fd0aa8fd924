"""Who may do what, for the permission matrix (test_permission_matrix.py): the roles, the unit each
relation means for each of them, and the rules of ARCHITECTURE.md written against the demo's tables
(webapp/demo.py), not against webapp/permissions.py, so that the matrix checks the app and not itself.

Anonymous requests never reach the rules: the matrix expects the login page (or the API's 401).
"""

from __future__ import annotations

from dataclasses import dataclass

from webapp.demo import UNITS, USERS

RELATIONS = ("own", "above", "sibling", "below")
BRANCH1_VIEW = {"own": "branch1", "above": "internal_gb", "sibling": "joint_branch", "below": "branch1_group1"}


@dataclass(frozen=True)
class Role:
    name: str
    username: str | None  # None: not logged in
    units: dict[str, str]  # relation → demo unit key (webapp/demo.py UNITS)


ROLES = (
    Role("branch secretary", "branch1_secretary", BRANCH1_VIEW),
    Role("committee secretary", "community_secretary",
         {"own": "community", "above": "town", "sibling": "town_branch", "below": "community_branch"}),
    Role("organisation officer", "town_org_member",
         {"own": "town", "above": "county", "sibling": "county_org_dept", "below": "town_branch"}),
    # 县人民医院党委 is the only unit under its 工委: its "sibling" is the county's other primary committee.
    Role("committee member", "hospital_committee_member",
         {"own": "hospital", "above": "health_wc", "sibling": "town", "below": "branch1"}),
    Role("ordinary member", "branch1_member", BRANCH1_VIEW),  # a login and no position: the world adds him
    Role("admin", "admin", BRANCH1_VIEW),
    Role("anonymous", None, BRANCH1_VIEW),
)

PARENTS = {key: parent for key, _name, _kind, parent, _attributes in UNITS}
KINDS = {key: kind for key, _name, kind, _parent, _attributes in UNITS}
POSITIONS = {username: frozenset(positions) for username, _person, _years, _branch, positions in USERS}
STARTERS = {"secretary", "deputy_secretary", "org_member"}


@dataclass(frozen=True)
class Who:
    username: str
    user_id: int
    positions: frozenset = frozenset()  # (unit key, role)

    @property
    def is_admin(self) -> bool:
        return self.username == "admin"


@dataclass(frozen=True)
class CaseFacts:
    id: int
    unit: str
    started_by_id: int
    steps: tuple  # (unit key, acting roles) of every work item, open or done
    applicant: str


@dataclass(frozen=True)
class ItemFacts:
    id: int
    unit: str
    roles: frozenset
    case: CaseFacts


def line_of(unit: str | None):
    """The unit and every unit above it."""
    while unit is not None:
        yield unit
        unit = PARENTS.get(unit)


def supervises(who: Who, unit: str | None) -> bool:
    """Admins, and positions in the unit or above it: supervision reads down, never sideways or up."""
    held = {u for u, _role in who.positions}
    return who.is_admin or any(u in held for u in line_of(unit))


def acts_in(who: Who, unit: str, roles) -> bool:
    return any(u == unit and role in roles for u, role in who.positions)


def reads_case(who: Who, case: CaseFacts) -> bool:
    """Supervisors of the case's unit, the starter, and the holders any step was routed to."""
    return (supervises(who, case.unit) or case.started_by_id == who.user_id
            or any(acts_in(who, unit, roles) for unit, roles in case.steps))


# ---------- the access classes of the matrix's rows: (who, subject) → allowed ----------


def public(who, subject) -> bool:
    return True


def logged_in(who, subject) -> bool:
    return True


def admin_only(who, subject) -> bool:
    return who.is_admin


def case_readers(who, case: CaseFacts) -> bool:
    return reads_case(who, case)


def item_readers(who, item: ItemFacts) -> bool:
    return acts_in(who, item.unit, item.roles) or reads_case(who, item.case)


def item_actors(who, item: ItemFacts) -> bool:
    """Only the acting positions of the item's unit: neither supervisors nor admins do a step."""
    return acts_in(who, item.unit, item.roles)


def item_reassigners(who, item: ItemFacts) -> bool:
    return who.is_admin or acts_in(who, item.unit, {"secretary"})


def unit_viewers(who, unit: str) -> bool:
    """The organisation tree of one's own top-level organisation (its members: see supervises)."""
    tops = {list(line_of(u))[-1] for u, _role in who.positions}
    return who.is_admin or list(line_of(unit))[-1] in tops


# The owner of the notification of the world ({notification}): a notification is personal, admins included.
NOTIFICATION_OWNER = "branch1_secretary"


def notification_owner(who, subject) -> bool:
    return who.username == NOTIFICATION_OWNER


def unit_starters(who, unit: str) -> bool:
    """Cases start in a branch, by its secretary, deputy or organisation officer, or by an admin."""
    return KINDS[unit] == "branch" and (who.is_admin or acts_in(who, unit, STARTERS))


# The member of the world ({member}): 林伟, a full member of 内科第一党支部 (ORDINARY_MEMBER). 外出登记 is kept
# by the officers of his branch (书记、副书记、组织委员) and by admins.
MEMBER_UNIT = "branch1"


def away_recorders(who, subject) -> bool:
    return who.is_admin or acts_in(who, MEMBER_UNIT, STARTERS)


# The 督办 of the world ({supervision}): an overdue item of 东街社区第一党支部, put before 东街社区党委, the
# next lane up (上级党组织, lanes.json). Urging is an act of that unit's lane positions; admins only read.
SUPERVISING_UNIT = "community"
SUPERVISING_ROLES = {"secretary", "deputy_secretary", "org_member", "committee_member", "organizer"}


def supervision_urgers(who, subject) -> bool:
    return acts_in(who, SUPERVISING_UNIT, SUPERVISING_ROLES)
