"""The JSON API (/api/v1): the same operations and the same validation as the pages.

Authentication is a bearer token (POST /api/v1/auth/token); the API is exempt from CSRF because
it never reads the session cookie. The route table below is the whole API; openapi.py describes it.
"""

from flask import Blueprint, session

from ..extensions import csrf
from . import auth, cases, catalog, openapi, work_items
from .fields import FormNotRegistered
from .responses import NotAJsonObject, api_error

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)
bp.before_request(auth.require_token)

ROUTES = (
    ("/auth/token", "issue_token", auth.issue_token, ["POST"]),
    ("/openapi.json", "openapi", openapi.document, ["GET"]),
    ("/processes", "list_processes", catalog.list_processes, ["GET"]),
    ("/processes/publish", "publish_process", catalog.publish_process, ["POST"]),
    ("/cases", "start_case", cases.start_case, ["POST"]),
    ("/cases/<int:case_id>", "get_case", cases.get_case, ["GET"]),
    ("/work-items", "list_work_items", work_items.list_work_items, ["GET"]),
    ("/work-items/<int:item_id>", "get_work_item", work_items.get_work_item, ["GET"]),
    ("/work-items/<int:item_id>/claim", "claim_work_item", work_items.claim_work_item, ["POST"]),
    ("/work-items/<int:item_id>/complete", "complete_work_item", work_items.complete_work_item, ["POST"]),
    ("/work-items/<int:item_id>/reassign", "reassign_work_item", work_items.reassign_work_item, ["POST"]),
    ("/org-units", "list_org_units", catalog.list_org_units, ["GET"]),
)

for rule, endpoint, view_func, methods in ROUTES:
    bp.add_url_rule(rule, endpoint, view_func, methods=methods)


@bp.after_request
def _never_write_the_session(response):
    # The API is stateless (bearer tokens): building a FlaskForm with CSRF on puts a token in the
    # session, which must not come back as a cookie.
    session.modified = False
    return response


@bp.errorhandler(NotAJsonObject)
def _not_a_json_object(err: NotAJsonObject):
    # The documented 400 of every operation with a JSON body: a ValidationError, the problem under "_form".
    return api_error(400, err.description, {"_form": [err.description]})


@bp.errorhandler(FormNotRegistered)
def _form_not_registered(err: FormNotRegistered):
    return api_error(500, f"此环节的表单「{err.form_key}」未在系统中登记，暂时无法办理，请联系系统管理员。")
