"""管理 · 规则设置: every rule setting of a procedure per organisation unit, with its default, its
source, the effective value and where it comes from; overrides set and removed by admins."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from workflows.settings import ALL_SETTINGS, SETTING_GROUPS, SETTINGS_BY_KEY, RuleSetting, SettingError

from ..cases.context import rule_settings_for
from ..extensions import db
from ..models import OrgUnit, RuleOverride
from ..params import db_id
from . import operations
from .forms import OverrideForm, setting_error_text
from .views import admin_required, bp, unit_options


@bp.route("/settings")
@admin_required
def settings():
    units = unit_options()
    if not units:
        return render_template("admin/settings.html", units=units, unit=None)
    unit = _chosen_unit(request.args.get("unit", ""), units)
    return render_template("admin/settings.html", **_settings_page(unit, units))


@bp.route("/settings", methods=["POST"])
@admin_required
def save_setting():
    form = OverrideForm()
    unit_id = db_id(form.unit.data)
    unit = db.session.get(OrgUnit, unit_id) if unit_id is not None else None
    if unit is None:
        abort(404)
    if form.validate():
        setting = SETTINGS_BY_KEY[form.key.data]
        try:
            if form.remove.data:
                changed = operations.remove_override(unit, setting.key, current_user)
            else:
                operations.set_override(unit, setting.key, form.typed_value, current_user)
                changed = True
            db.session.commit()
        except operations.RulesConflict as err:
            db.session.rollback()
            form.value.errors.append(_("保存后“%(unit)s”的规则会自相矛盾：%(detail)s 请先调整相关设置。",
                                       unit=err.unit.name, detail=setting_error_text(err.error)))
        else:
            flash(_settings_message(unit, setting, form.remove.data, changed), "success")
            return redirect(url_for("admin.settings", unit=unit.id) + f"#setting-{_anchor(setting.key)}")
    units = unit_options()
    return render_template("admin/settings.html", **_settings_page(unit, units, form)), 422


def _settings_message(unit: OrgUnit, setting: RuleSetting, removed: bool, changed: bool) -> str:
    if removed and not changed:
        return _("“%(unit)s”本级没有设置“%(label)s”，无需删除。", unit=unit.name, label=_(setting.label))
    if removed:
        return _("已删除“%(unit)s”本级的“%(label)s”设置，改为沿用上级或默认值。", unit=unit.name,
                 label=_(setting.label))
    return _("已保存：“%(unit)s”及其下级组织的“%(label)s”为 %(value)s。", unit=unit.name, label=_(setting.label),
             value=shown_value(setting, rule_settings_for(unit.id)[setting.key]))


def _settings_page(unit: OrgUnit, units: list[tuple[OrgUnit, int]], form: OverrideForm | None = None) -> dict:
    chain = [*reversed(unit.ancestors()), unit]
    own: dict[int, dict[str, Any]] = {}
    for row in db.session.scalars(db.select(RuleOverride).where(RuleOverride.unit_id.in_([u.id for u in chain]))):
        own.setdefault(row.unit_id, {})[row.key] = row.value
    try:
        effective: dict[str, Any] = dict(rule_settings_for(unit.id))
        conflict = None
    except SettingError as err:  # stored settings contradict each other: show them as merged, and say so
        effective = {s.key: s.default for s in ALL_SETTINGS}
        for u in chain:
            effective.update(own.get(u.id, {}))
        conflict = setting_error_text(err)
    rows = []
    for group, settings in SETTING_GROUPS:
        for index, setting in enumerate(settings):
            origin = next((u for u in reversed(chain) if setting.key in own.get(u.id, {})), None)
            rows.append({
                "setting": setting, "anchor": _anchor(setting.key), "effective": effective[setting.key],
                "origin": origin, "own": own.get(unit.id, {}).get(setting.key),
                "has_own": setting.key in own.get(unit.id, {}), "group": group if index == 0 else None,
            })
    return {
        "unit": unit, "units": units, "rows": rows, "form": form, "conflict": conflict,
        "error_key": form.key.data if form is not None else None, "all_overrides": _all_overrides(),
    }


def _all_overrides() -> list[RuleOverride]:
    rows = db.session.scalars(db.select(RuleOverride)).all()
    order = {u.id: i for i, (u, _depth) in enumerate(unit_options())}
    keys = [s.key for s in ALL_SETTINGS]
    return sorted(rows, key=lambda r: (order.get(r.unit_id, 0), keys.index(r.key) if r.key in keys else 0))


def _anchor(key: str) -> str:
    return key.replace(".", "-")


def shown_value(setting: RuleSetting, value: Any) -> str:
    """A setting's value as people read it: 是/否, a choice's label, or the number."""
    if value is None:
        return "—"
    if setting.kind == "bool":
        return _("是") if value else _("否")
    if setting.kind == "choice":
        return _(dict(setting.choices).get(value, value))
    return str(value)


def _chosen_unit(wanted: str, units: list[tuple[OrgUnit, int]]) -> OrgUnit:
    found = next((u for u, _depth in units if str(u.id) == wanted), None)
    if wanted and found is None:
        abort(404)
    return found or units[0][0]


