"""The commands a newcomer runs: `init`, `seed-demo`, `users list`, and the migrations behind `init`."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from webapp.demo import USERS, demo_units
from webapp.extensions import db
from webapp.models import LaneRuleRow, Member, OrgUnit, Position, ProcessDefinition, User
from workflows.routing import load_lane_rules
from workflows.specs import sha256_of


def _head_revision(app) -> str:
    config = app.extensions["migrate"].migrate.get_config(app.extensions["migrate"].directory)
    return ScriptDirectory.from_config(config).get_current_head()


def _snapshot() -> tuple:
    definitions = db.session.execute(
        db.select(ProcessDefinition.id, ProcessDefinition.process_key, ProcessDefinition.version,
                  ProcessDefinition.sha256, ProcessDefinition.published_at).order_by(ProcessDefinition.id)
    ).all()
    lanes = db.session.execute(db.select(LaneRuleRow.key, LaneRuleRow.selector).order_by(LaneRuleRow.key)).all()
    return definitions, lanes


def test_init_migrates_an_empty_database_and_loads_the_shipped_definitions(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["init"])

    assert result.exit_code == 0, result.output
    bpmn_dir = Path(empty_app.config["BPMN_DIR"])
    with empty_app.app_context():
        with db.engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == _head_revision(empty_app)
        recruitment = db.session.scalars(db.select(ProcessDefinition).filter_by(process_key="recruitment")).one()
        assert (recruitment.version, recruitment.is_current) == (1, True)
        assert recruitment.sha256 == sha256_of((bpmn_dir / "recruitment.bpmn").read_bytes())
        assert recruitment.name and recruitment.published_at is not None
        shipped = {p.stem for p in bpmn_dir.glob("*.bpmn")}
        assert set(db.session.scalars(db.select(ProcessDefinition.process_key))) == shipped
        stored = {row.key: row.rule() for row in db.session.scalars(db.select(LaneRuleRow))}
        assert stored == {rule.key: rule for rule in load_lane_rules(bpmn_dir / "lanes.json")}


def test_init_run_twice_changes_nothing(empty_app):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    with empty_app.app_context():
        before = _snapshot()

    result = runner.invoke(args=["init"])

    assert result.exit_code == 0, result.output
    assert "Definitions added: none" in result.output
    with empty_app.app_context():
        assert _snapshot() == before


def test_migrations_produce_the_schema_of_the_models(empty_app):
    with empty_app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)

    assert differences == []


def test_migrations_downgrade_to_an_empty_database(empty_app):
    with empty_app.app_context():
        upgrade()
        downgrade(revision="base")
        remaining = set(inspect(db.engine).get_table_names())

    assert remaining <= {"alembic_version"}


def test_seed_demo_builds_trees_of_different_depths(app, runner):
    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0, result.output
    with app.app_context():
        units = demo_units()
        assert len(units["branch1"].ancestors()) == 4
        assert [u.name for u in units["town_branch"].ancestors()] == ["城关镇党委", "城关县委"]
        assert [u.name for u in units["community_branch"].ancestors()] == ["东街社区党委", "城关镇党委", "城关县委"]
        assert units["county_org_dept"].parent is units["county"]
        assert units["hospital"].can_approve_admission and units["town"].can_approve_admission
        assert not units["community"].can_approve_admission
        assert {u.top_org_id for u in db.session.scalars(db.select(OrgUnit))} == {units["county"].id}


def test_seed_demo_run_twice_changes_nothing(app, runner):
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    with app.app_context():
        counts = [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in (OrgUnit, User, Member)]

    result = runner.invoke(args=["seed-demo"])

    assert result.exit_code == 0
    assert "already present" in result.output
    with app.app_context():
        assert [db.session.scalar(db.select(db.func.count()).select_from(m)) for m in (OrgUnit, User, Member)] == counts


def test_demo_branches_have_realistic_members(app, demo):
    with app.app_context():
        branch1 = demo.unit("branch1")
        members = db.session.scalars(db.select(Member).filter_by(unit_id=branch1.id)).all()
        full = [m for m in members if m.stage == "full_member"]
        assert len(full) >= 12
        assert [m.name for m in full if not m.has_voting_rights] == ["冯德胜"]
        assert {m.stage for m in members} == {
            "applicant", "activist", "development_candidate", "probationary_member", "full_member"}
        committee = {p.role for p in branch1.positions}
        assert committee == {"secretary", "deputy_secretary", "org_member", "publicity_member", "discipline_member"}
        assert [g.name for g in branch1.children] == ["第一党小组", "第二党小组"]

        joint = demo.unit("joint_branch")
        assert joint.is_joint and joint.covered_units == "内科门诊、内科病房、药剂科"
        joint_members = db.session.scalars(db.select(Member).filter_by(unit_id=joint.id, stage="full_member")).all()
        assert len(joint_members) == 4
        assert [p.role for p in joint.positions] == ["secretary"]


def test_demo_dates_follow_the_recruitment_rules(app, demo):
    with app.app_context():
        for member in db.session.scalars(db.select(Member)):
            assert member.id_number and len(member.id_number) == 18
            assert member.birth_date.isoformat().replace("-", "") == member.id_number[6:14]
            assert _age_on(member.birth_date, member.application_date) >= 18, member.name
            if member.candidate_date:
                # 细则第十一条: a development candidate has been an activist for at least a year.
                assert _months_between(member.activist_date, member.candidate_date) >= 12, member.name
            if member.stage == "full_member":
                assert member.party_standing_since == member.probation_end


def test_every_demo_user_can_log_in(app, demo, login):
    assert len(demo.logins) == len(USERS) == len(demo.user_ids)
    for entry in demo.logins:
        client = app.test_client()
        response = login(client, entry.username)
        assert response.status_code == 302, entry.username
        with client.session_transaction() as session:
            assert session["_user_id"] == str(demo.user_ids[entry.username])


def test_wrong_password_does_not_log_in(app, demo, client, login):
    response = login(client, "branch1_secretary", "wrong")

    assert response.status_code == 200
    with client.session_transaction() as session:
        assert "_user_id" not in session


def test_demo_users_hold_their_positions(app, demo):
    with app.app_context():
        admin = demo.user("admin")
        assert admin.is_admin and admin.member is None
        staff = demo.user("county_org_staff")
        assert [(p.unit.name, p.role) for p in staff.positions] == [("中共城关县委组织部", "staff")]
        secretary = demo.user("branch1_secretary")
        assert secretary.member.unit.name == "内科第一党支部" and secretary.member.stage == "full_member"
        assert all(p.started_on < date.today() for p in db.session.scalars(db.select(Position)))


def test_users_list_prints_the_demo_logins(app, demo, runner):
    result = runner.invoke(args=["users", "list"])

    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("branch1_secretary "))
    assert "陈晓明" in line and "内科第一党支部 书记" in line
    assert "Password of every demo user: partyflow" in result.output
    assert len(result.output.splitlines()) == len(USERS) + 2


def _age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


def test_readme_lists_every_demo_login(demo):
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")

    for entry in demo.logins:
        assert f"| `{entry.username}` | {entry.name} | {entry.positions} |" in readme


def test_init_adds_the_lanes_a_newer_release_ships_and_keeps_the_admins_edits(empty_app):
    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    with empty_app.app_context():
        edited = db.session.get(LaneRuleRow, "branch_secretary")
        edited.label = "支部书记（本地）"
        db.session.delete(db.session.get(LaneRuleRow, "general_branch"))
        db.session.commit()

    result = runner.invoke(args=["init"])

    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert db.session.get(LaneRuleRow, "general_branch") is not None
        assert db.session.get(LaneRuleRow, "branch_secretary").label == "支部书记（本地）"
