"""Bearer tokens for the JSON API: issue one for a username and password, check it on every call.

A token is the user id signed with the app's SECRET_KEY (itsdangerous, salt "api-token") and
a fingerprint of the password hash, so changing a password or disabling the user ends every
token issued before.
"""

from __future__ import annotations

import hashlib

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from ..auth import throttle
from ..extensions import db
from ..models import User
from .responses import api_error, json_body

SALT = "api-token"
# Endpoints reachable without a token.
PUBLIC_ENDPOINTS = {"api.issue_token", "api.openapi"}


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode("utf-8")).hexdigest()[:16]


def issue_token():
    """POST /auth/token {username, password} → {token, token_type, expires_in}."""
    body = json_body()
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str):
        return api_error(401, "用户名或密码不正确。")
    user, lock = throttle.authenticate(username, password)
    db.session.commit()  # the failure counted, or the username's failures cleared
    if lock is not None:
        return _locked(lock)
    if user is None:
        return api_error(401, "用户名或密码不正确。")
    token = _serializer().dumps({"uid": user.id, "pw": _fingerprint(user)})
    return {"token": token, "token_type": "Bearer", "expires_in": current_app.config["API_TOKEN_MAX_AGE"]}


def _locked(lock: throttle.Lockout):
    response = api_error(
        429, f"登录失败次数过多，已暂时锁定。请 {lock.minutes_left()} 分钟后再试；如忘记密码，请联系系统管理员。")
    response.headers["Retry-After"] = str(lock.seconds_left())
    return response


def user_from_token(token: str) -> User | None:
    """The enabled user a valid, unexpired token was issued to, or None."""
    try:
        payload = _serializer().loads(token, max_age=current_app.config["API_TOKEN_MAX_AGE"])
    except BadSignature:  # SignatureExpired is a BadSignature too
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("uid"), int):
        return None
    user = db.session.get(User, payload["uid"])
    if user is None or not user.is_enabled or payload.get("pw") != _fingerprint(user):
        return None
    return user


def require_token():
    """before_request of the API blueprint: every endpoint but the public ones needs a valid token."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return api_error(401, "请先获取访问令牌，并在请求头中提供 Authorization: Bearer <令牌>。")
    user = user_from_token(token.strip())
    if user is None:
        return api_error(401, "访问令牌无效或已过期，请重新获取。")
    g.api_user = user
    return None


def api_user() -> User:
    """The user the current API request acts for."""
    return g.api_user
