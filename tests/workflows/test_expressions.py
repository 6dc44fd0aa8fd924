import pytest

from workflows.expressions import ExpressionError, check_expression, evaluate


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ('decision == "approve"', True),
        ('decision != "approve" or count > 2', True),
        ("len(units) == 0", False),
        ("not passed", False),
        ("count * 2 + 1", 7),
        ('"a" in ["a", "b"]', True),
        ("units[0]", 5),
        ('"yes" if passed else "no"', "yes"),
        ("max(count, 10)", 10),
    ],
)
def test_conditions_over_case_variables_evaluate(expression, expected):
    variables = {"decision": "approve", "count": 3, "units": [5, 6], "passed": True}
    assert evaluate(expression, variables) == expected


@pytest.mark.parametrize(
    "expression",
    [
        "__import__('os').system('id')",
        "().__class__.__bases__[0].__subclasses__()",
        "decision.upper()",
        "_secret",
        "open('/etc/passwd')",
        "eval('1')",
        "[x for x in range(10)]",
        "lambda: 1",
        "'x' * 10**10",
        "10**10",
        "getattr(decision, 'upper')",
        "len(units, key=1)",
    ],
)
def test_escapes_and_unbounded_work_are_refused(expression):
    assert check_expression(expression)
    with pytest.raises(ExpressionError):
        evaluate(expression, {"decision": "x", "units": [], "_secret": 1})


def test_a_huge_literal_is_refused():
    assert [str(p) for p in check_expression("count > " + "9" * 20)] == ["数字字面量过大"]


def test_string_repetition_at_run_time_is_refused():
    with pytest.raises(ExpressionError):
        evaluate("word * count", {"word": "x", "count": 10**9})


def test_an_unknown_variable_is_an_error_not_a_silent_false():
    with pytest.raises(ExpressionError, match="unknown variable"):
        evaluate('missing == "x"', {})


def test_a_syntax_error_is_reported():
    assert str(check_expression("decision ==")[0]).startswith("表达式语法错误")
