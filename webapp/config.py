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
    # Seconds a request waits for a lock another request holds (SQLite busy_timeout, PostgreSQL
    # lock_timeout) before it gives up, changes nothing and is answered 503 "busy, submit again".
    DATABASE_LOCK_TIMEOUT = 10
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
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
