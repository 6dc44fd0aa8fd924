"""Security headers on every response, the session cookie's Secure flag, and the reverse proxy.

The pages carry no inline script, no inline style and no inline event handler, so the Content
Security Policy can allow only the app's own files (bpmn-js included, served from /static/vendor).
"""

from __future__ import annotations

from flask import Flask, current_app, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, whose cookie is Secure whenever the request came over HTTPS
    (behind a proxy: when the proxy says so, see PROXY_COUNT), or always with SESSION_COOKIE_SECURE."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def security_headers(response):
    """after_request: the headers of SECURITY_HEADERS, and HSTS on HTTPS (never over plain HTTP,
    where a browser ignores it anyway and a test server would be pinned to HTTPS by mistake)."""
    config = current_app.config
    for name, value in config["SECURITY_HEADERS"].items():
        if value:
            response.headers.setdefault(name, value)
    if request.is_secure and config["STRICT_TRANSPORT_SECURITY"]:
        response.headers.setdefault("Strict-Transport-Security", config["STRICT_TRANSPORT_SECURITY"])
    return response


def init_app(app: Flask) -> None:
    app.session_interface = SessionInterface()
    app.after_request(security_headers)
    proxies = int(app.config["PROXY_COUNT"] or 0)
    if proxies:
        # Trust X-Forwarded-For/-Proto/-Host from that many proxies in front: the client's address
        # (login throttling) and https (Secure cookie, HSTS) are then the real ones.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
