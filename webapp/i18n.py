"""Language selection: Chinese by default, English when the user switches."""

from flask import Flask, has_request_context, session

from .extensions import babel


def select_locale() -> str | None:
    # Outside a request (CLI, demo seed) None means the default locale, Chinese.
    return session.get("language", "zh_CN") if has_request_context() else None


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
