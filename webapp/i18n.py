"""Language selection: Chinese by default, English when the user switches."""

from functools import cache

from babel import Locale
from flask import Flask, has_request_context, session
from flask_babel import gettext

from .extensions import babel


@cache
def _locale(code: str) -> Locale:
    # Parsing a locale name costs more than the rest of a small request: parse each one once.
    return Locale.parse(code)


def select_locale() -> Locale | None:
    # Outside a request (CLI, demo seed) None means the default locale, Chinese.
    return _locale(session.get("language", "zh_CN")) if has_request_context() else None


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)


def problem_text(problem) -> str:
    """A publish-time Problem (workflows.errors) in the reader's language: where, then the rule broken."""
    return problem.text(gettext)
