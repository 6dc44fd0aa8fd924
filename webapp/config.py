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
    # PostgreSQL: seconds a connection may sit in an open transaction doing nothing before the server
    # ends it, so a web process that died (or hung) mid-request cannot hold a case's lock for ever.
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT = 60
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
    # The session cookie: never readable by scripts, not sent on cross-site sub-requests or POSTs.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Secure (HTTPS only) on every response when true; otherwise Secure whenever the request came over HTTPS.
    SESSION_COOKIE_SECURE = False
    # A page's CSRF token lasts as long as the session (a form left open for hours still submits).
    WTF_CSRF_TIME_LIMIT = None
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are trusted (0: none).
    PROXY_COUNT = 0
    # Headers on every response. The pages have no inline script or style, and bpmn-js is served
    # from /static: the policy allows only the app's own files (data: for the empty favicon).
    SECURITY_HEADERS = {
        "Content-Security-Policy": "; ".join((
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:",
            "font-src 'self'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'",
            "base-uri 'self'", "form-action 'self'")),
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }
    # Sent on HTTPS responses only; empty to leave it to the proxy.
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    # Login throttling: this many failed logins for one username within the window lock it for the
    # rest of the window (the right password included); from one address, the second number (offices
    # behind one NAT address share it). A successful login clears the username's failures.
    LOGIN_MAX_FAILURES = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    # E-mail of notifications, off unless MAIL_SMTP_HOST is set (PARTYFLOW_MAIL_SMTP_HOST=smtp.example.org):
    # the timer worker sends what is new to people with an e-mail address (webapp/notifications/email.py).
    MAIL_SMTP_HOST = None
    MAIL_SMTP_PORT = 25
    # The sender of every e-mail.
    MAIL_FROM = "PartyFlow <partyflow@localhost>"
    # Login at the SMTP server, if it asks for one; STARTTLS before it (port 587 usually).
    MAIL_SMTP_USER = None
    MAIL_SMTP_PASSWORD = None
    MAIL_SMTP_STARTTLS = False
    # Seconds to wait for the SMTP server before the worker gives up until the next tick.
    MAIL_SMTP_TIMEOUT = 10
    # The app's public address (https://partyflow.example.org): links in e-mails are made absolute with it.
    MAIL_BASE_URL = None
