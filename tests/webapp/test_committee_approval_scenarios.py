"""Who approves the new committee (RULES.md §12 C16) through the pages and through the JSON API (each scenario
runs both ways): where the county says so (a RuleOverride of ``election.committee_member_result`` on 县委), the
superior approves the whole committee and names whom it refuses; a refused 委员 goes back to the 党员大会 of
the branch, a refused 书记 to its committee, and the posts are written for those approved only. Elsewhere
the 委员 are filed and the 书记/副书记 approved, as the national rule says. At every step the work item is in
the 待办 of the responsible unit and of no other.

内科第一党支部 (a committee of five) answers to 内科党总支 (E07b, B05b).
"""

from __future__ import annotations

import pytest
from election_driver import (
    API,
    Election,
    FakeClock,
    as_user,
    do,
    drive,
    expect,
    member_id,
    officer_username,
    open_items,
    post,
    refusals,
    started,
    variables,
)

from webapp.extensions import db
from webapp.models import AuditEvent, Member, PendingPosition, Position, RuleOverride, User

UP_TO_APPROVAL = ["E03_request_approval", "E04_nominate", "E04b_review_shortlist", "E05_assembly_election",
                  "E06_elect_officers", "E07_report_results"]


@pytest.fixture(params=["page", "api"])
def via(request):
    return request.param


@pytest.fixture
def run(app, demo, login, monkeypatch, via) -> Election:
    return Election(app, demo, login, FakeClock(monkeypatch), via=via)


@pytest.fixture
def approving(run):
    """县委 (the county committee, above every demo unit) has its superiors approve whole committees."""
    with run.app.app_context():
        db.session.add(RuleOverride(unit_id=run.demo.unit_ids["county"], key="election.committee_member_result",
                                    value="approve"))
        db.session.commit()
    return run


def names(run: Election, ids) -> list[str]:
    with run.app.app_context():
        found = dict(db.session.execute(db.select(Member.id, Member.name).where(Member.id.in_(list(ids)))).all())
    return [found[int(i)] for i in ids]


def posts(run: Election) -> set[tuple[str, str]]:
    """(name, post) of 内科第一党支部's committee today, accounts and pending posts alike."""
    unit, today = run.demo.unit_ids["branch1"], run.clock.today
    with run.app.app_context():
        held = {(p.user.member.name, p.role) for p in db.session.scalars(db.select(Position).join(User).where(
            Position.unit_id == unit, User.member_id.is_not(None))) if p.is_active_on(today)}
        pending = {(p.member.name, p.role) for p in db.session.scalars(db.select(PendingPosition).filter_by(
            unit_id=unit, granted_position_id=None)) if p.is_active_on(today)}
    return held | pending


def decisions(run: Election) -> list[str]:
    """The record's sentences of the superior's decisions (the first org_change of each decision)."""
    with run.app.app_context():
        return [e.summary for e in db.session.scalars(db.select(AuditEvent).filter_by(
            case_id=run.case_id, kind="org_change").order_by(AuditEvent.seq)) if "上级党组织" in e.summary]


def approval_form(run: Election) -> tuple[set[str], str]:
    """The field names and the text (labels, choices) of the approving step's form, as its unit's user sees it."""
    (item_id, _code, _unit), = open_items(run)
    username = run.users["internal_gb"]
    if run.via == "api":
        fields = run.api.client.get(f"{API}/work-items/{item_id}", headers=run.api.as_user(username)).json["fields"]
        text = " ".join([f["label"] + f["description"] for f in fields]
                        + [c["label"] for f in fields for c in f["choices"] or ()])
        return {f["name"] for f in fields}, text
    page = as_user(run, username).get(f"/inbox/{item_id}").get_data(as_text=True)
    shown = {name for name in ("refused_member_ids", "refused_officer_ids", "decision") if f'name="{name}"' in page}
    return shown, page


def test_by_default_the_members_are_filed_and_the_officers_approved(run):
    started(run)
    drive(run, UP_TO_APPROVAL)
    expect(run, "E07b_approve_results")  # in 内科党总支's 待办, in no other unit's
    fields, text = approval_form(run)
    assert "批准书记、副书记，委员予以备案" in text and "refused_member_ids" not in fields
    refused = post(run, "E07b_approve_results", decision="not_approved", opinion="另行研究",
                   refused_member_ids=[variables(run)["elected_ids"][-1]])
    assert refused.status_code in (400, 422)  # the form of this organisation has no such field
    do(run, "E07b_approve_results")
    elected = names(run, variables(run)["elected_ids"])
    assert decisions(run) == [f"内科第一党支部新当选的委员{'、'.join(elected)}报上级党组织备案；"
                              f"书记{elected[0]}、副书记{elected[1]}经上级党组织批准"]


def test_where_the_superior_approves_the_committee_it_says_so_and_the_posts_follow(approving):
    run = approving
    started(run)
    drive(run, UP_TO_APPROVAL)
    expect(run, "E07b_approve_results")
    fields, text = approval_form(run)
    assert {"refused_member_ids", "refused_officer_ids"} <= fields
    assert "批准全体委员和书记、副书记（任命批复）" in text and "批准书记、副书记，委员予以备案" not in text
    do(run, "E07b_approve_results", decision="returned", opinion="请补充选票统计表")  # 退回: no one named
    expect(run, "E07_report_results")
    drive(run, ["E07_report_results", "E07b_approve_results"], check_inboxes=True)
    assert variables(run)["committee_member_result"] == "approve"
    run.users["branch1"] = officer_username(run, "branch1")  # the new committee's officers act for the branch
    expect(run, "E08_handover_archive")
    elected = names(run, variables(run)["elected_ids"])
    assert decisions(run) == [f"上级党组织审批同意内科第一党支部新当选的委员{'、'.join(elected)}，"
                              f"书记{elected[0]}、副书记{elected[1]}"]
    assert {name for name, _post in posts(run)} == set(elected)


def test_a_refused_member_goes_back_to_the_branchs_assembly_and_never_takes_a_post(approving, runner):
    run = approving
    started(run)
    drive(run, UP_TO_APPROVAL)
    committee = variables(run)["elected_ids"]
    refused, (left,) = committee[-1], [c for c in variables(run)["shortlist_ids"] if c not in committee]
    response = post(run, "E07b_approve_results", decision="not_approved")  # whom?
    assert response.status_code in (400, 422)
    assert any("须写明不批准哪些委员" in text for text in refusals(run, response)["refused_member_ids"])
    do(run, "E07b_approve_results", decision="not_approved", opinion="该同志不宜进入支委会",
       refused_member_ids=[refused])
    expect(run, "E05_assembly_election")  # in 内科第一党支部's 待办, in no other unit's
    facts = variables(run)
    assert (facts["ballot_candidate_ids"], facts["ballot_seats"], facts["elected_ids"]) == ([left], 1, committee[:-1])
    assert decisions(run) == [f"上级党组织不批准{names(run, [refused])[0]}任内科第一党支部委员"]
    record = as_user(run, run.users["branch1"]).get(f"/cases/{run.case_id}").get_data(as_text=True)
    assert "不批准的委员" in record and "不批准部分人选" in record  # the submission under its own form's labels
    assert ("陈晓明", "secretary") in posts(run)  # the outgoing committee stays in office meanwhile
    drive(run, ["E05_assembly_election", "E06_elect_officers", "E07_report_results"], check_inboxes=True)
    do(run, "E07b_approve_results")
    assert {name for name, _post in posts(run)} == set(names(run, [*committee[:-1], left]))
    # the record's hash chain holds, and the engine state, work items, forms and record agree
    assert [runner.invoke(args=[*command]).output.strip() for command in (("audit", "verify"), ("cases", "check"))] == [
        "OK", "OK"]


def test_a_refused_secretary_goes_back_to_the_new_committee_which_may_not_elect_him_again(approving):
    run = approving
    started(run)
    drive(run, UP_TO_APPROVAL)
    secretary = variables(run)["officers"]["secretary"]
    do(run, "E07b_approve_results", decision="not_approved", opinion="书记人选另行研究",
       refused_officer_ids=[secretary])
    expect(run, "E06_elect_officers")
    response = post(run, "E06_elect_officers")  # the same 书记 again
    assert response.status_code in (400, 422)
    assert any("上级党组织不批准" in text for text in refusals(run, response)["secretary_id"])
    officers = variables(run)["officers"]
    deputy, org_member = officers["deputy_secretary"], officers["org_member"]
    response = post(run, "E06_elect_officers", secretary_id=deputy, deputy_id=secretary, org_member_id=org_member)
    assert any("上级党组织不批准" in text for text in refusals(run, response)["deputy_id"])  # nor 副书记
    do(run, "E06_elect_officers", secretary_id=deputy, deputy_id=org_member, org_member_id=secretary)
    drive(run, ["E07_report_results", "E07b_approve_results"], check_inboxes=True)
    assert {(names(run, [deputy])[0], "secretary"), (names(run, [org_member])[0], "deputy_secretary"),
            (names(run, [secretary])[0], "org_member")} <= posts(run)  # still a 委员


def test_members_refused_beyond_the_candidates_left_are_nominated_again_by_the_committee(approving):
    run = approving
    started(run)
    drive(run, UP_TO_APPROVAL)
    committee = variables(run)["elected_ids"]
    do(run, "E07b_approve_results", decision="not_approved", opinion="两名委员不予批准",
       refused_member_ids=committee[-2:])
    expect(run, "E04_nominate")  # one reviewed candidate is left for two seats
    assert (variables(run)["reelection"], variables(run)["refill_seats"]) == ("nomination", 2)


def test_a_by_election_where_the_superior_approves_sends_a_refused_member_back_to_the_assembly(approving):
    run = approving
    run.process = "by_election"
    started(run)
    drive(run, ["B02_decide", "B02b_reply", "B03_assembly_by_election", "B05_report"], check_inboxes=True)
    (refused,), (left,) = variables(run)["elected_ids"], variables(run)["shortlist_ids"][1:]
    do(run, "B05b_approve_report", decision="not_approved", opinion="另行补选", refused_member_ids=[refused])
    expect(run, "B03_assembly_by_election")
    assert variables(run)["ballot_candidate_ids"] == [left]
    drive(run, ["B03_assembly_by_election", "B05_report", "B05b_approve_report"], check_inboxes=True)
    assert (names(run, [left])[0], "org_member") in posts(run)
    assert names(run, [refused])[0] not in {name for name, _post in posts(run)}
    assert decisions(run) == [f"上级党组织不批准{names(run, [refused])[0]}任内科第一党支部委员",
                              f"上级党组织审批同意内科第一党支部新当选的委员{names(run, [left])[0]}"]


def test_a_by_election_where_the_superior_refuses_the_replacement_secretary_goes_back_to_the_committee(approving):
    run = approving
    run.process = "by_election"
    started(run, vacancy_post="secretary", vacated_member_id=member_id(run, "陈晓明"))
    drive(run, ["B02_decide", "B02b_reply", "B03_assembly_by_election"])
    liu = member_id(run, "刘芳")
    do(run, "B04_officer_replacement", officer_id=liu)
    do(run, "B05_report")
    do(run, "B05b_approve_report", decision="not_approved", opinion="书记人选另行研究", refused_officer_ids=[liu])
    expect(run, "B04_officer_replacement")  # in 内科第一党支部's 待办, in no other unit's
    response = post(run, "B04_officer_replacement", officer_id=liu)
    assert any("上级党组织不批准刘芳" in text for text in refusals(run, response)["officer_id"])
    do(run, "B04_officer_replacement", officer_id=member_id(run, "杨帆"))
    drive(run, ["B05_report", "B05b_approve_report"], check_inboxes=True)
    assert ("杨帆", "secretary") in posts(run) and ("刘芳", "secretary") not in posts(run)
