"""Our own error pages (Chinese sentences that say what to do) and JSON errors for the API."""

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from workflows.i18n import N_

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
}


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

    @app.errorhandler(Exception)
    def _unexpected(err: Exception):
        app.logger.exception("unhandled error")
        return render_error(500)
