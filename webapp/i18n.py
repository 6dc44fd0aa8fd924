"""Language selection: Chinese by default, English when the user switches."""

from flask import Flask, session

from .extensions import babel


def select_locale() -> str:
    return session.get("language", "zh_CN")


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=select_locale)
