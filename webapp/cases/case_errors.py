"""Why a case is 异常 (error), as data on the case (``error_detail``) and as words in the reader's language.

Three kinds: ``routing`` (a lane found no unit; 重新路由 once the tree or the registry is fixed),
``engine`` (the engine stopped the case: over its budget, or a definition that tried to run code) and
``state`` (the stored engine state cannot be read). For the last two the case runs nothing until an
admin resumes it; the work items stay open and the engine state is the one before the failed step.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext

from workflows.errors import EngineError
from workflows.i18n import N_

ROUTING_ERROR = N_("环节「%(step)s」的泳道 %(lane)s（%(selector)s）在组织架构中找不到办理单位（办件单位：%(unit)s）。"
                   "请管理员检查组织架构或泳道配置后重新路由。")
ENGINE_ERROR = N_("办理环节「%(step)s」时流程引擎停止了此办件：%(reason)s。这次提交没有生效，事项仍待办理；"
                  "请管理员检查流程定义或设置后恢复办件。")
STATE_ERROR = N_("此办件保存的流程状态无法读取（%(reason)s），办件不会再执行任何环节。请管理员处理。")
UNKNOWN_ERROR = N_("办件无法继续流转，请联系系统管理员。")

# Kinds after which nothing of the case runs until an admin resumes it.
STOPPED_KINDS = frozenset({"engine", "state"})


def engine_error_detail(kind: str, step: str | None, err: EngineError) -> dict[str, Any]:
    """``error_detail`` for an engine failure: the rule's template and parameters, translated when shown."""
    params = {k: v if isinstance(v, (int, float)) else str(v) for k, v in err.params.items()}
    return {"kind": kind, "step": step, "reason": err.reason, "params": params}


def error_text(detail: dict[str, Any] | None, translate=gettext) -> str:
    """The message of a case in error, in the reader's language (``translate`` = gettext on pages; the
    identity for the stored Chinese ``error_message``). The step label translates as definition_label does."""
    if not detail:
        return translate(UNKNOWN_ERROR)
    kind = detail.get("kind", "routing")
    step = translate(detail["step"]) if detail.get("step") else "—"
    if kind == "routing":
        return translate(ROUTING_ERROR) % {**detail, "step": step}
    reason = translate(detail["reason"]) % detail.get("params", {})
    return translate(ENGINE_ERROR if kind == "engine" else STATE_ERROR) % {"step": step, "reason": reason}


def case_error_text(case) -> str:
    """For templates: the error of ``case`` (its stored message when it has no detail)."""
    if not case.error_detail and case.error_message:
        return case.error_message
    return error_text(case.error_detail)
