"""Our own error pages (Chinese sentences that say what to do) and JSON errors for the API."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from workflows.i18n import N_

from .extensions import db

# N_(): extracted for the catalogue; render_error translates them at display time.
MESSAGES = {
    400: (N_("请求有误"), N_("提交的内容无法处理，请返回上一页检查后重试。")),
    401: (N_("请先登录"), N_("请登录后再访问此页面。")),
    403: (N_("无权办理"), N_("您没有查看或办理此事项的权限。如需办理，请联系本单位书记或系统管理员。")),
    404: (N_("页面不存在"), N_("您访问的页面或事项不存在，可能已被删除或链接有误。")),
    405: (N_("操作方式不正确"), N_("请通过页面上的按钮进行操作。")),
    409: (N_("事项已处理"), N_("此事项已被他人办理或状态已变化，请刷新后查看最新情况。")),
    413: (N_("文件过大"), N_("上传的内容超过 2 MB，请缩小后重试。")),
    500: (N_("系统出错"), N_("系统暂时无法完成此操作，已记录错误，请稍后重试或联系系统管理员。")),
    503: (N_("系统繁忙"), N_("其他人正在办理同一办件或系统繁忙，您的操作没有执行。请稍候片刻后重新提交。")),
}

# Another transaction was in the way, and nothing of this request was written: PostgreSQL's
# lock_not_available (DATABASE_LOCK_TIMEOUT passed), deadlock_detected and serialization_failure,
# SQLite's SQLITE_BUSY (busy_timeout passed) and SQLITE_LOCKED.
_PG_BUSY_STATES = {"55P03", "40P01", "40001"}
_SQLITE_BUSY_CODES = {5, 6}


def is_busy(err: OperationalError) -> bool:
    """The database gave up waiting for another transaction: submitting again may well succeed."""
    if getattr(err.orig, "sqlstate", None) in _PG_BUSY_STATES:
        return True
    code = getattr(err.orig, "sqlite_errorcode", None)
    return code is not None and (code & 0xFF) in _SQLITE_BUSY_CODES


def wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[500])
    if wants_json():
        return jsonify(error=code, title=_(title), message=detail or _(message)), code
    return render_template("errors.html", code=code, title=_(title), message=detail or _(message)), code


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(err):
        return render_error(400, _("页面已过期或来源不明（CSRF 校验失败），请刷新页面后重新提交。"))

    @app.errorhandler(HTTPException)
    def _http(err: HTTPException):
        description = err.description if getattr(err, "show_to_user", False) else None
        return render_error(err.code or 500, description)

    @app.errorhandler(OperationalError)
    def _database(err: OperationalError):
        db.session.rollback()  # the page below may read again (the user, the menu)
        if not is_busy(err):
            app.logger.exception("database error")
            return render_error(500)
        app.logger.warning("database busy, nothing written: %s", err.orig)
        body, code = render_error(503)
        return body, code, {"Retry-After": "5"}

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("unhandled error")
        return render_error(500)
