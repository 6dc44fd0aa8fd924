"""The restricted expression language of process definitions.

Gateway conditions (and any other expression a definition carries) are evaluated by walking
their syntax tree here, never by Python's eval: no imports, no attribute access, no names that
start with an underscore, calls only to the vetted functions below, bounded literals and
operations. Admins write definitions in the browser, so a definition is untrusted input.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment

from .errors import Problem
from .i18n import N_
from .timer_dates import TIMER_DATE_FUNCTIONS

MAX_EXPRESSION_LENGTH = 2000
MAX_STRING_LENGTH = 1000
MAX_COLLECTION_LENGTH = 1000
MAX_INT = 10**12

# The rule settings in force for the case the engine is running (per organisation; see
# CaseEngine.start/complete). A timer refers to one as months(setting("activist.review_interval_months")),
# never to a number written into the diagram (RULES.md: every rule is a setting).
_settings_in_force: ContextVar[Mapping[str, Any] | None] = ContextVar("settings_in_force", default=None)


@contextmanager
def settings_in_force(settings: Mapping[str, Any] | None) -> Iterator[None]:
    """``setting(key)`` reads ``settings`` (the defaults when None) while the engine runs a case."""
    token = _settings_in_force.set(settings)
    try:
        yield
    finally:
        _settings_in_force.reset(token)


def setting(key: str) -> Any:
    """The value of the rule setting ``key`` for the case being run."""
    from .settings import SETTINGS_BY_KEY  # settings.py is data; imported late to keep this module first

    if not isinstance(key, str) or key not in SETTINGS_BY_KEY:
        raise ExpressionError(f"unknown setting {key!r}")
    settings = _settings_in_force.get()
    return settings[key] if settings is not None and key in settings else SETTINGS_BY_KEY[key].default


def _duration(designator: str, time_part: bool = False):
    def iso(count: Any) -> str:
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_INT:
            raise ExpressionError(f"a duration needs a whole number, not {count!r}")
        return f"P{'T' if time_part else ''}{count}{designator}"

    return iso


# Functions that turn a number (a setting) into an ISO 8601 duration for a timer: months(6) == "P6M".
DURATION_FUNCTIONS = {"years": _duration("Y"), "months": _duration("M"), "weeks": _duration("W"),
                      "days": _duration("D"), "hours": _duration("H", time_part=True)}

def repeat(count: Any, duration: Any) -> str:
    """A cyclic timer's value: repeat(4, months(setting("probation.review_interval_months"))) == "R4/P3M"."""
    if isinstance(count, bool) or not isinstance(count, int) or not isinstance(duration, str):
        raise ExpressionError("repeat() takes a whole number and a duration")
    return f"R{count}/{duration}"


VETTED_FUNCTIONS = {
    "len": len,
    "min": min,
    "max": max,
    "abs": abs,
    "int": int,
    "str": str,
    "bool": bool,
    "setting": setting,
    "repeat": repeat,
    **DURATION_FUNCTIONS,
    **TIMER_DATE_FUNCTIONS,
}

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
_UNARY = {ast.Not: operator.not_, ast.USub: operator.neg, ast.UAdd: operator.pos}
_COMPARE = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
_ALLOWED_NODES = (
    ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.BinOp, ast.UnaryOp, ast.Compare,
    ast.Name, ast.Load, ast.Constant, ast.List, ast.Tuple, ast.Call, ast.IfExp, ast.Subscript,
    *_BINARY, *_UNARY, *_COMPARE,
)


class ExpressionError(ValueError):
    """An expression is outside the restricted language or failed to evaluate."""


def check_expression(expression: str) -> list[Problem]:
    """Return the problems that make ``expression`` unacceptable (empty list when it is fine)."""
    if len(expression) > MAX_EXPRESSION_LENGTH:
        return [Problem(N_("表达式超过 %(limit)s 个字符"), {"limit": MAX_EXPRESSION_LENGTH})]
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as err:
        return [Problem(N_("表达式语法错误：%(detail)s"), {"detail": err.msg})]
    problems = []
    for node in ast.walk(tree):
        problems.extend(_node_problems(node))
    return problems


def _node_problems(node: ast.AST) -> list[Problem]:
    if not isinstance(node, _ALLOWED_NODES):
        return [Problem(N_("表达式中不允许 %(construct)s（只能用比较、and/or/not、字面量和审定的函数）"),
                        {"construct": type(node).__name__})]
    if isinstance(node, ast.Name) and node.id.startswith("_"):
        return [Problem(N_("名称 %(name)s 以下划线开头，不允许"), {"name": node.id})]
    if isinstance(node, ast.Call):
        if node.keywords or not isinstance(node.func, ast.Name):
            return [Problem(N_("只允许直接调用审定的函数（不带关键字参数）"))]
        if node.func.id not in VETTED_FUNCTIONS:
            return [Problem(N_("函数 %(name)s 不在审定的函数之列"), {"name": node.func.id})]
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, (str, bytes)) and len(value) > MAX_STRING_LENGTH:
            return [Problem(N_("字符串字面量超过 %(limit)s 个字符"), {"limit": MAX_STRING_LENGTH})]
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INT:
            return [Problem(N_("数字字面量过大"))]
        if isinstance(value, bytes):
            return [Problem(N_("不允许字节串字面量"))]
    return []


def evaluate(expression: str, variables: Mapping[str, Any]) -> Any:
    """Evaluate ``expression`` over ``variables`` in the restricted language."""
    problems = check_expression(expression)
    if problems:
        raise ExpressionError(f"{expression!r}: {'; '.join(str(p) for p in problems)}")
    tree = ast.parse(expression.strip(), mode="eval")
    return _Evaluator(variables).visit(tree.body)


class _Evaluator:
    def __init__(self, variables: Mapping[str, Any]):
        self.variables = variables

    def visit(self, node: ast.AST) -> Any:
        method = getattr(self, f"visit_{type(node).__name__}")
        return method(node)

    def visit_Constant(self, node):
        return node.value

    def visit_Name(self, node):
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        if node.id not in self.variables:
            raise ExpressionError(f"unknown variable {node.id!r}")
        return self.variables[node.id]

    def visit_List(self, node):
        return [self.visit(e) for e in node.elts]

    visit_Tuple = visit_List

    def visit_BoolOp(self, node):
        if isinstance(node.op, ast.And):
            result = True
            for value in node.values:
                result = self.visit(value)
                if not result:
                    return result
            return result
        result = False
        for value in node.values:
            result = self.visit(value)
            if result:
                return result
        return result

    def visit_UnaryOp(self, node):
        return _UNARY[type(node.op)](self.visit(node.operand))

    def visit_BinOp(self, node):
        left, right = self.visit(node.left), self.visit(node.right)
        if _is_sequence(left) or _is_sequence(right):
            raise ExpressionError("arithmetic on strings or lists is not allowed")
        result = _BINARY[type(node.op)](left, right)
        if isinstance(result, int) and abs(result) > MAX_INT:
            raise ExpressionError("number out of range")
        return result

    def visit_Compare(self, node):
        left = self.visit(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.visit(comparator)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True

    def visit_IfExp(self, node):
        return self.visit(node.body) if self.visit(node.test) else self.visit(node.orelse)

    def visit_Subscript(self, node):
        container = self.visit(node.value)
        if not isinstance(container, (list, tuple, dict, str)):
            raise ExpressionError("only lists, dicts and strings can be indexed")
        return container[self.visit(node.slice)]

    def visit_Call(self, node):
        args = [self.visit(a) for a in node.args]
        if any(isinstance(a, (list, tuple, str)) and len(a) > MAX_COLLECTION_LENGTH for a in args):
            raise ExpressionError("argument too large")
        return VETTED_FUNCTIONS[node.func.id](*args)


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (str, list, tuple, bytes))


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow environment that evaluates with the restricted language and runs no scripts."""

    def evaluate(self, expression, context, external_context=None):
        variables = dict(external_context or {})
        variables.update(context)
        return evaluate(expression, variables)

    def execute(self, script, context, external_context=None):
        raise ExpressionError("scripts are not allowed in process definitions")

    def call_service(self, context, **kwargs):
        raise ExpressionError("service tasks are not allowed in process definitions")


def restricted_script_engine() -> PythonScriptEngine:
    """A SpiffWorkflow script engine bound to the restricted expression language."""
    return PythonScriptEngine(environment=RestrictedEnvironment())
