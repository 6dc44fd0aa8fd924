"""Default configuration; every key with a one-line comment. Override with PARTYFLOW_* env vars."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class DefaultConfig:
    # Signing key for sessions, CSRF and API tokens; set PARTYFLOW_SECRET_KEY in production.
    SECRET_KEY = "dev-only-change-me"
    # SQLite file in the instance folder by default; PostgreSQL in production (postgresql+psycopg://...).
    SQLALCHEMY_DATABASE_URI = None
    # SQLite durability (PRAGMA synchronous): FULL, or NORMAL to trade the last commits on power loss for speed.
    SQLITE_SYNCHRONOUS = "FULL"
    # Where the shipped BPMN definitions and the lane registry defaults live.
    BPMN_DIR = str(ROOT / "bpmn")
    # Interface language: Chinese by default, English available.
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    LANGUAGES = ["zh_CN", "en"]
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "webapp" / "translations")
    # Largest request body accepted (a BPMN upload included).
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Lifetime of an API token in seconds.
    API_TOKEN_MAX_AGE = 12 * 3600
    # Inbox page size.
    PAGE_SIZE = 20
    # What one engine call (start a case, complete a step) may do; past it the case goes to 异常 with a
    # message for admins instead of hanging a worker (a loop without a person in it, a huge collection).
    ENGINE_MAX_STEPS = 200
    ENGINE_MAX_SECONDS = 5.0
    ENGINE_MAX_INSTANCES = 500
    ENGINE_MAX_DEPTH = 900
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
