"""The upper organisation's decision on a newly elected committee (换届选举 E07b) or on by-elected members
(补选 B05b): RULES.md §4.3 E7, §4.6 B05 and §12 C16, a rule setting of the case's organisation read at the step.

``election.committee_member_result``

* ``file`` (the national rule [N-PC][N-BR], the default): the 委员 are filed (备案) and the 书记/副书记
  approved (报批). Not approved means the officers are not: they are elected again (E06/E06b, B04).
* ``approve`` (a local practice [S2]: 集中研究任命批复): the superior approves the whole committee, and a
  refusal names whom it refuses. A refused 委员 loses the seat, which the 党员大会 elects again (E05, B03)
  among the candidates the superior reviewed who were neither elected nor refused; when fewer of them remain
  than seats, new candidates are nominated for those seats first (E04, B02). A refused 书记/副书记 alone goes
  back to the officers' election (E06/E06b, B04), where the refused member may not stand again.

The posts are written on approval only (``org_changes`` of the approving step), for the committee as the
superior approved it: a refused member never takes a post. Every decision is recorded in the case's history
in the words of the setting (``CommitteeDecision``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from workflows import elections
from workflows.guards import Guard, StepContext, Violation, member_ids, not_before, setting_violation, violation
from workflows.i18n import N_
from workflows.org_changes import CommitteeDecision

RESULT_SETTING = "election.committee_member_result"
FILE, APPROVE = "file", "approve"
# The engine variable ``reelection`` after a refusal: who elects again (the gateways after E07b and B05b).
OFFICERS = "officers"  # the committee (or, without one, the 党员大会) elects the 书记/副书记 again
SEATS = "seats"  # the 党员大会 elects again for the refused 委员's seats, among the reviewed candidates left
NOMINATION = "nomination"  # too few reviewed candidates are left: new ones are nominated for those seats
# The kind of ballot (election_common.current_ballot) that fills the seats of refused 委员.
REELECTION_BALLOT = "reelection"
# The fields of the approving form in ``approve`` mode: the step's refusals.
REFUSED_MEMBERS, REFUSED_OFFICERS = "refused_member_ids", "refused_officer_ids"
OFFICER_POSTS = ("secretary", "deputy_secretary")
SOURCE = "RULES.md §4.3 E7, §12 C16"


def result_mode(settings: Mapping[str, Any]) -> str:
    """``file`` or ``approve``: how the organisation's superior treats the new 委员."""
    return settings[RESULT_SETTING]


def officer_posts(officers: Mapping[str, Any] | None) -> dict[int, str]:
    """Member id → post of the 书记 and 副书记 a case names (the posts the superior approves in either mode)."""
    return {int(member): post for post, member in (officers or {}).items()
            if post in OFFICER_POSTS and member is not None}


def refusal_problems(data: Mapping[str, Any], ctx: StepContext, committee: list[int], officers: Mapping[int, str],
                     members_refusable: bool) -> list[Violation]:
    """The refusals of E07b / B05b: named only in ``approve`` mode and only when not approved, then at least
    one, each among those the step decides on (``committee``: the 委员 elected; ``officers``: the 书记/副书记).
    ``members_refusable`` False: a branch without a committee has no 委员, only officers."""
    members, refused_officers = member_ids(data.get(REFUSED_MEMBERS)), member_ids(data.get(REFUSED_OFFICERS))
    named = [field for field, ids in ((REFUSED_MEMBERS, members), (REFUSED_OFFICERS, refused_officers)) if ids]
    if result_mode(ctx.settings) == FILE:
        return [setting_violation(field, N_("本组织的规则为委员报上级党组织备案、书记和副书记报上级党组织批准："
                                            "不批准时不列人选，书记、副书记另行选举"), RESULT_SETTING)
                for field in named]
    if data["decision"] != "not_approved":
        return [violation(field, N_("只有不批准时才列出不批准的人选"), "committee_approval", SOURCE) for field in named]
    if not named:
        return [setting_violation(REFUSED_MEMBERS, N_("不批准时须写明不批准哪些委员或书记、副书记人选"),
                                  RESULT_SETTING)]
    problems: list[Violation] = []
    if members and not members_refusable:
        problems.append(setting_violation(REFUSED_MEMBERS, N_(
            "本支部不设支部委员会，没有委员：请在“不批准的书记、副书记人选”中选择，由党员大会重新选举"),
            RESULT_SETTING))
    elif outside := [ctx.members[m].name for m in members if m not in committee]:
        problems.append(violation(REFUSED_MEMBERS, N_("%(names)s不是本次选举产生的委员"), "committee_approval", SOURCE,
                                  names="、".join(outside)))
    if outside := [ctx.members[m].name for m in refused_officers if m not in officers]:
        problems.append(violation(REFUSED_OFFICERS, N_("%(names)s不是本次选举产生的书记、副书记人选"),
                                  "committee_approval", SOURCE, names="、".join(outside)))
    return problems


def approval_guard(reply: Guard, committee_of: Callable[[Mapping[str, Any]], list[int]],
                   officers_of: Callable[[Mapping[str, Any]], dict[int, str]],
                   members_refusable: Callable[[Mapping[str, Any]], bool]) -> Guard:
    """The guard of E07b / B05b: the reply's rules (dates, an opinion when not approving), then the refusals;
    the committee, its officers and whether 委员 may be refused are read from the case's variables."""

    def guard(data, ctx: StepContext) -> list[Violation]:
        case = ctx.case_data
        return reply(data, ctx) + refusal_problems(data, ctx, committee_of(case), officers_of(case),
                                                   members_refusable(case))

    return guard


def refused_again(member_id: int | None, case_data: Mapping[str, Any]) -> bool:
    """Whether the superior refused ``member_id`` as 书记/副书记 earlier in the case (``approve`` mode)."""
    return member_id is not None and int(member_id) in {int(i) for i in case_data.get("not_approved_officer_ids") or ()}


def derive_refusal(data: Mapping[str, Any], ctx: StepContext, committee: list[int], shortlist: list[int],
                   officers: Mapping[int, str], officers_nominated: bool = False) -> dict[str, Any]:
    """The engine variables of a decision that is not an approval, and of an approval (``reelection`` None).

    ``committee_member_result`` records the mode the step ran in. Not approved: in ``file`` mode the officers
    are elected again; in ``approve`` mode the refused are kept in ``not_approved_member_ids`` and
    ``not_approved_officer_ids`` (for the whole case), refused 委员 leave ``elected_ids`` and their seats
    (``refill_seats``) are elected again: a ``reelection`` ballot of the reviewed candidates left, or, too few,
    a new nomination. ``officers_nominated``: the officers were elected on a nomination (a branch without a
    committee elects in its 党员大会 the 书记 that E04 named), so refused officers are nominated anew.
    """
    mode = result_mode(ctx.settings)
    derived: dict[str, Any] = {"committee_member_result": mode, "reelection": None, "refill_seats": 0}
    if data["decision"] != "not_approved":
        return derived
    if mode == FILE:
        return {**derived, "reelection": OFFICERS}
    case = ctx.case_data
    members = list(elections.distinct(member_ids(data.get(REFUSED_MEMBERS))))
    refused_officers = [m for m in member_ids(data.get(REFUSED_OFFICERS)) if m in officers]
    all_members = list(elections.distinct([*(int(i) for i in case.get("not_approved_member_ids") or ()), *members]))
    derived.update(not_approved_on=data.get("decided_on"), not_approved_member_ids=all_members,
                   not_approved_officer_ids=list(elections.distinct(
        [*(int(i) for i in case.get("not_approved_officer_ids") or ()), *refused_officers,
         *(m for m in members if m in officers)])))
    if not members:
        return {**derived, "reelection": NOMINATION if officers_nominated else OFFICERS}
    left = [c for c in shortlist if c not in committee and c not in all_members]
    derived.update(elected_ids=[m for m in committee if m not in members], refill_seats=len(members),
                   election_not_before=data.get("decided_on"))
    if len(left) < len(members):
        return {**derived, "reelection": NOMINATION}
    return {**derived, "reelection": SEATS, "ballot_kind": REELECTION_BALLOT, "ballot_candidate_ids": left,
            "ballot_seats": len(members), "round_outcome": None}


def renomination_problems(data: Mapping[str, Any], ctx: StepContext) -> list[Violation]:
    """A nomination after a refusal (E04, B02 when ``reelection`` is ``nomination``) follows the decision."""
    if ctx.case_data.get("reelection") != NOMINATION:
        return []
    return not_before(data, "committee_meeting_date", ctx.case_date("not_approved_on"),
                      N_("重新提名须在上级党组织作出不批准的决定之后（%(earliest)s）"))


def refill(case_data: Mapping[str, Any]) -> int:
    """The seats of refused 委员 a nomination (E04, B02) is for; 0 for a nomination of the whole election."""
    return int(case_data.get("refill_seats") or 0)


def decision_record(unit_id: int, data: Mapping[str, Any], case_data: Mapping[str, Any], members: list[int],
                    officers: Mapping[int, str]) -> list[CommitteeDecision]:
    """The decision as the case's history records it, in the words of the mode the step ran in: approved, the
    committee (``members``, its ``officers``); not approved, those refused (in ``file`` mode the officers)."""
    decision = data.get("decision")
    mode = case_data.get("committee_member_result") or FILE
    if decision == "approved":
        return [CommitteeDecision(unit_id, mode, decision, tuple(members), by_post(officers))]
    if decision != "not_approved":
        return []
    if mode == FILE:
        return [CommitteeDecision(unit_id, mode, decision, () if officers else tuple(members), by_post(officers))]
    refused = member_ids(data.get(REFUSED_MEMBERS))
    refused_officers = {m: post for m, post in officers.items() if m in member_ids(data.get(REFUSED_OFFICERS))}
    return [CommitteeDecision(unit_id, mode, decision, tuple(refused), by_post(refused_officers))]


def by_post(officers: Mapping[int, str]) -> tuple[tuple[str, int], ...]:
    """(post, member id) pairs, 书记 first."""
    return tuple(sorted(((post, m) for m, post in officers.items()), key=lambda pair: OFFICER_POSTS.index(pair[0])))
