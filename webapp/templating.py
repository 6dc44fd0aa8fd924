"""Template filters and globals: dates as 2026年11月22日, labels of statuses, stages and steps, the header."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import Flask, current_app, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func
from sqlalchemy.exc import SQLAlchemyError

from workflows.i18n import N_
from workflows.org import POSITIONS, UNIT_KINDS
from workflows.procedures import PROCEDURES

from . import clock
from .models.case import CASE_STATUSES
from .models.member import STAGES

# Kinds of AuditEvent as people read them in 全程纪实.
EVENT_KINDS = {
    "start": N_("发起"),
    "claim": N_("认领"),
    "complete": N_("办理"),
    "reassign": N_("转办"),
    "return": N_("退回"),
    "reject": N_("不同意"),
    "finish": N_("办结"),
    "error": N_("异常"),
    "timer": N_("时限到期"),
    "due_soon": N_("到期提醒"),
    "overdue": N_("逾期"),
    "escalate": N_("逾期上报"),
    "urge": N_("催办"),
    "migrate": N_("迁移版本"),
    "withdraw": N_("撤回"),
    "suspend": N_("挂起"),
    "resume": N_("恢复"),
    "reroute": N_("重新路由"),
    "admin_edit": N_("管理员修改"),
    "org_change": N_("组织变更"),
    "cancel": N_("撤销待办"),
}

WORK_ITEM_STATUSES = {"open": N_("办理中"), "completed": N_("已办"), "cancelled": N_("已取消")}

# Kinds of AuditEvent whose summary is a step label (Case.current_step for reroute).
STEP_SUMMARY_KINDS = frozenset({"start", "complete", "claim", "reassign", "finish", "reroute", "resume", "timer",
                                "cancel", "due_soon", "overdue", "escalate", "urge"})


def definition_label(text: str | None) -> str:
    """A label of a process definition (process name, step, lane) in the reader's language.

    The labels stay Chinese in the definitions and in the database (WorkItem.title, the lane
    registry, the API); the catalogue has the English of the shipped ones (webapp/i18n_bpmn.py
    extracts them). A label it does not have (a step of a version published later, a lane an admin
    added) shows as it is. Never formatted: a "%" in a label is text.
    """
    return _(text) if text else ""


def step_list_label(text: str | None) -> str:
    """Case.current_step, labels joined with "、": each one translated, joined the reader's way."""
    if not text:
        return ""
    whole = definition_label(text)
    if whole != text or "、" not in text:
        return whole
    return _("、").join(definition_label(part) for part in text.split("、"))


def case_title(case) -> str:
    """发展党员 · 张三 · 第一党支部 in the reader's language, composed like the stored Case.title.

    Case.title keeps the Chinese title of the record (and of the API); the pages compose it again
    from its parts, so that the process name is translated and the names are the current ones.
    """
    if case.definition is None:
        return case.title
    detail = getattr(PROCEDURES.get(case.process_key), "title_detail", None)
    named = detail(case.variables or {}) if detail and case.subject is None else None
    parts = (definition_label(case.definition.name), case.subject.name if case.subject else named and _(named),
             case.unit.name if case.unit else None)
    return " · ".join(part for part in parts if part)


def event_summary(event) -> str:
    """An AuditEvent's summary as 全程纪实 shows it: step labels translated, anything else as recorded."""
    if event.kind in STEP_SUMMARY_KINDS:
        return step_list_label(event.summary)
    recorded = event.data or {}
    if event.kind == "org_change" and "message" in recorded:
        message, params = recorded["message"], recorded.get("params", {})
        # A parameter named *_label is a label of the product (a post: 书记): shown translated.
        params = {k: _(v) if k.endswith("_label") and isinstance(v, str) else v for k, v in params.items()}
        return _(message) % params
    return event.summary or ""


def long_date(value: date | datetime | str | None) -> str:
    """2026年11月22日 in Chinese, 2026-11-22 in English."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = clock.as_utc(value).astimezone(clock.LOCAL_ZONE).date()
    if str(get_locale()).startswith("zh"):
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


def local_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = clock.as_utc(value).astimezone(clock.LOCAL_ZONE)
    return f"{long_date(local.date())} {local:%H:%M}"


def week_end(day: date) -> date:
    """The Sunday that ends ``day``'s week (本周到期 = due from today through this Sunday)."""
    return day + timedelta(days=6 - day.weekday())


def procedure_stages(process_key: str) -> list[tuple[str, str]]:
    procedure = PROCEDURES.get(process_key)
    return [(key, _(label)) for key, label in getattr(procedure, "STAGES", ())]


def case_stage_label(case) -> str:
    """The label of the procedure stage a case has reached (申请入党 …), or ""."""
    return dict(procedure_stages(case.process_key)).get(case.stage, "")


def stage_progress(case) -> list[dict]:
    """The procedure's stages, each marked done, current or todo, for the progress bar."""
    stages = procedure_stages(case.process_key)
    keys = [key for key, _label in stages]
    current = keys.index(case.stage) if case.stage in keys else -1
    finished = case.status == "completed"
    steps = []
    for index, (key, label) in enumerate(stages):
        if finished or index < current:
            state = "done"
        elif index == current:
            state = "current" if case.status in ("running", "error", "suspended") else "stopped"
        else:
            state = "todo"
        steps.append({"key": key, "label": label, "state": state})
    return steps


def case_facts(case) -> list[tuple[str, str]]:
    """(label, value) of what a case is about besides its dates (a set-up's proposed branch), translated."""
    facts_of = getattr(PROCEDURES.get(case.process_key), "summary_facts", None)
    return [(_(label), _(value)) for label, value in facts_of(case.variables or {})] if facts_of else []


def key_dates(case) -> list[tuple[str, str]]:
    variables = case.variables or {}
    key_dates_of = getattr(PROCEDURES.get(case.process_key), "KEY_DATES", ())
    return [(_(label), variables[name]) for name, label in key_dates_of if variables.get(name)]


def html_lang() -> str:
    return "zh-CN" if str(get_locale()).startswith("zh") else "en"


def has_endpoint(name: str) -> bool:
    return name in current_app.view_functions


def user_positions(user) -> list[str]:
    """第一党支部 · 书记, for every position the user holds today."""
    return [f"{p.unit.name} · {_(POSITIONS.get(p.role, p.role))}" for p in user.active_positions(clock.today())]


def inbox_count() -> int | None:
    """The 待办 badge; None when it cannot be counted (never break a page, an error page least of all)."""
    if not current_user.is_authenticated:
        return None
    from . import permissions
    from .extensions import db
    from .models import WorkItem

    try:
        return db.session.scalar(db.select(func.count(WorkItem.id)).where(permissions.inbox_filter(current_user)))
    except SQLAlchemyError:
        current_app.logger.exception("could not count the inbox")
        return None


def demo_login_list() -> list:
    """The demo logins for the login page's hint (only shown when SHOW_DEMO_LOGINS is set)."""
    from .demo import demo_logins

    try:
        return demo_logins()
    except SQLAlchemyError:
        current_app.logger.exception("could not list the demo logins")
        return []


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (None removes one); resets the page."""
    args = request.args.to_dict()
    args.pop("page", None)
    for key, value in changes.items():
        if value in (None, ""):
            args.pop(key, None)
        else:
            args[key] = value
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def page_url(page: int) -> str:
    args = request.args.to_dict()
    args["page"] = page
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def init_app(app: Flask) -> None:
    from .cases.case_errors import case_error_text
    from .cases.operations import is_stopped

    app.add_template_global(case_error_text, "case_error_text")
    app.add_template_global(is_stopped, "case_is_stopped")
    app.add_template_filter(long_date, "long_date")
    app.add_template_filter(local_datetime, "local_datetime")
    app.add_template_global(has_endpoint, "has_endpoint")
    app.add_template_global(html_lang, "html_lang")
    app.add_template_global(user_positions, "user_positions")
    app.add_template_global(inbox_count, "inbox_count")
    app.add_template_global(stage_progress, "stage_progress")
    app.add_template_global(case_stage_label, "case_stage_label")
    app.add_template_global(key_dates, "key_dates")
    app.add_template_global(case_facts, "case_facts")
    app.add_template_global(url_with, "url_with")
    app.add_template_global(demo_login_list, "demo_login_list")
    app.add_template_global(lambda: local_datetime(clock.now()), "now_local")
    app.add_template_global(page_url, "page_url")
    app.add_template_global(definition_label, "definition_label")
    app.add_template_global(step_list_label, "step_list_label")
    app.add_template_global(case_title, "case_title")
    app.add_template_global(event_summary, "event_summary")

    @app.context_processor
    def _labels():
        return {
            "case_status_label": lambda s: _(CASE_STATUSES.get(s, s)),
            "stage_label": lambda s: _(STAGES.get(s, s)) if s else "",
            "unit_kind_label": lambda k: _(UNIT_KINDS.get(k, k)),
            "position_label": lambda p: _(POSITIONS.get(p, p)),
            "event_kind_label": lambda k: _(EVENT_KINDS.get(k, k)),
            "item_status_label": lambda s: _(WORK_ITEM_STATUSES.get(s, s)),
            "today": clock.today(),
        }
