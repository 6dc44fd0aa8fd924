"""Every recruitment parameter is a named setting with a default, overridable per unit (RULES.md §3.4)."""

import re

import pytest

from workflows.settings import (
    ALL_SETTINGS,
    RECRUITMENT_SETTINGS,
    RuleSettings,
    SettingError,
    validate_override,
)

PARAMETERS_OF_RULES_3_4 = {
    "min_age_years", "initial_talk_within_months", "activist.min_months_after_application",
    "activist.review_interval_months", "thought_report_interval_months", "mentor_count.min",
    "mentor_count.max", "candidate.min_cultivation_years", "sponsor_count",
    "political_review.validity_months", "training.min_days", "training.min_hours",
    "pre_review.sla_months", "leave_unit_block_months", "assembly_after_prereview_months",
    "approval.sla_months", "approval.max_months", "probation_years", "extension_months.min",
    "extension_months.max", "regularization.approval_sla_months", "probation.review_interval_months",
    "public_notice.working_days", "archive.within_days", "youth_league_recommendation.age_max",
}
OUTCOME_SETTINGS = {
    "political_review.fail_target": "cultivation", "approval.refusal_target": "development_candidate",
    "activist.revisit_months": 6, "revote_cooldown_months": 0, "regularization.reminder_days": 30,
    "assembly.quorum_strict": True, "periodic_review.within_days": 30,
}


def test_every_parameter_of_the_recruitment_rules_is_a_setting():
    assert PARAMETERS_OF_RULES_3_4 | set(OUTCOME_SETTINGS) == {s.key for s in RECRUITMENT_SETTINGS}


def test_defaults_follow_the_national_rules():
    settings = RuleSettings.resolve([])
    assert settings["min_age_years"] == 18
    assert settings["candidate.min_cultivation_years"] == 1
    assert (settings["training.min_days"], settings["training.min_hours"]) == (3, 24)
    assert (settings["approval.sla_months"], settings["approval.max_months"]) == (3, 6)
    assert (settings["extension_months.min"], settings["extension_months.max"]) == (6, 12)
    assert {key: settings[key] for key in OUTCOME_SETTINGS} == OUTCOME_SETTINGS


def test_every_setting_has_a_chinese_label_a_source_and_a_valid_default():
    for setting in RECRUITMENT_SETTINGS:
        assert re.search(r"[\u4e00-\u9fff]", setting.label), setting.key
        assert setting.source, setting.key
        assert validate_override(setting.key, setting.default) == setting.default


def test_overrides_apply_from_the_root_down_to_the_unit():
    settings = RuleSettings.resolve([{"min_age_years": 20, "archive.within_days": 10},
                                     {"min_age_years": "19"}])
    assert settings["min_age_years"] == 19
    assert settings["archive.within_days"] == 10
    assert settings["training.min_days"] == 3


def test_override_values_are_converted_to_the_setting_type():
    assert validate_override("revote_cooldown_months", " 6 ") == 6
    assert validate_override("assembly.quorum_strict", "否") is False
    assert validate_override("assembly.quorum_strict", "true") is True
    assert validate_override("political_review.fail_target", "close") == "close"


def test_a_local_rule_cannot_lower_the_national_minimum_age():
    with pytest.raises(ValueError, match="18 至 40"):
        validate_override("min_age_years", 17)


def test_bad_overrides_are_refused_with_a_chinese_message():
    with pytest.raises(SettingError, match="须为整数"):
        validate_override("training.min_days", "three")
    with pytest.raises(SettingError, match="须为整数"):
        validate_override("training.min_days", True)
    with pytest.raises(SettingError, match="cultivation、close"):
        validate_override("political_review.fail_target", "archive")
    with pytest.raises(SettingError, match="未知的规则设置"):
        validate_override("no.such.rule", 1)


def test_setting_error_keeps_template_and_parameters_for_translation():
    with pytest.raises(SettingError) as caught:
        validate_override("approval.max_months", 7)
    assert caught.value.message % caught.value.params == str(caught.value)
    assert caught.value.params["max"] == 6


def test_overrides_must_keep_minimum_below_maximum():
    with pytest.raises(ValueError, match="不得大于"):
        RuleSettings.resolve([{"extension_months.min": 12, "extension_months.max": 6}])


def test_resolved_settings_cannot_be_changed():
    settings = RuleSettings.resolve([])
    with pytest.raises(TypeError):
        settings["min_age_years"] = 16
    assert dict(settings) == {s.key: s.default for s in ALL_SETTINGS}
