"""The organisation configuration each process keeps (webapp/orgcache.py) follows every committed
change, made by this process or another one, and never keeps a change that was rolled back."""

import pytest

from webapp import create_app
from webapp.extensions import db
from webapp.models import LaneRuleRow, OrgUnit, RuleOverride
from webapp.orgcache import current_config


@pytest.fixture
def other_process(app, app_config):
    """A second app on the same database: what another worker process is, with its own cache."""
    other = create_app(app_config)
    yield other
    with other.app_context():
        db.engine.dispose()


def lane_selector(app, lane: str) -> str:
    with app.app_context():
        return current_config().lanes()[lane].selector


def chain_names(app, unit_id: int) -> list[str]:
    with app.app_context():
        return [unit.name for unit in current_config().tree().load_chain(unit_id)]


def test_a_lane_changed_by_another_process_is_seen_by_the_next_operation(app, other_process, demo):
    assert lane_selector(app, "branch_secretary") == "case_branch"
    assert lane_selector(other_process, "branch_secretary") == "case_branch"

    with other_process.app_context():
        db.session.get(LaneRuleRow, "branch_secretary").selector = "nearest_general_branch"
        db.session.commit()

    assert lane_selector(app, "branch_secretary") == "nearest_general_branch"
    assert lane_selector(other_process, "branch_secretary") == "nearest_general_branch"


def test_a_unit_moved_in_the_tree_changes_the_chain_every_process_reads(app, other_process, demo):
    branch, town, hospital = (demo.unit_ids[key] for key in ("town_branch", "town", "hospital"))
    assert chain_names(other_process, branch)[1] == "城关镇党委"

    with app.app_context():
        db.session.get(OrgUnit, branch).parent_id = hospital
        db.session.commit()

    assert chain_names(other_process, branch)[1] == chain_names(app, hospital)[0]
    assert town not in [u.id for u in _chain(other_process, branch)]


def test_a_rule_setting_is_read_again_after_it_changes(app, demo):
    branch = demo.unit_ids["branch1"]
    with app.app_context():
        chain = current_config().tree().load_chain(branch)
        assert current_config().settings(chain)["min_age_years"] == 18
        db.session.add(RuleOverride(unit_id=demo.unit_ids["hospital"], key="min_age_years", value=19))
        db.session.commit()
        assert current_config().settings(chain)["min_age_years"] == 19


def test_a_change_rolled_back_leaves_no_trace_in_the_cache(app, demo):
    branch = demo.unit_ids["branch1"]
    with app.app_context():
        before = current_config()
        db.session.get(OrgUnit, branch).name = "改了名又撤回的支部"
        # Seen inside the transaction that made it (the change is flushed and has its own token) …
        assert current_config().tree().load_chain(branch)[0].name == "改了名又撤回的支部"
        db.session.rollback()
        # … and gone with it: the stored token is the one before the change.
        after = current_config()
        assert after.token == before.token
        assert after.tree().load_chain(branch)[0].name != "改了名又撤回的支部"


def _chain(app, unit_id):
    with app.app_context():
        return current_config().tree().load_chain(unit_id)
