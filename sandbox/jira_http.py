"""The HTTP side shared by the Jira REST routes: who is calling, on which site, and Jira's replies.

``api_route`` registers a view twice, as Jira Cloud serves it:

- site style ``/rest/api/3/...``: HTTP basic ``email:api_token``, acting on ``directory.HOME_SITE_ID``;
- gateway style ``/ex/jira/<cloudId>/rest/api/3/...``: a bearer access token (checked by the
  identity service, scopes enforced) or basic ``email:api_token`` (scoped API tokens).

The view then finds the caller in ``g.caller``. Jira's rate limits (``sandbox.quota``) are checked
after authentication and before the view; 3LO answers are charged and carry the quota headers. Errors raised as ``ApiError`` become Jira's
bodies; the gateway's own refusals use its ``{"code", "message"}`` shape.
"""

import base64
import binascii
import hmac
import json
from dataclasses import dataclass
from functools import wraps

from flask import Response, current_app, g, request

from sandbox import directory
from sandbox.render import Links
from sandbox.render_extras import Viewer

JSON_TYPE = "application/json;charset=UTF-8"
NOT_AUTHENTICATED = "You are not authenticated. Authentication required to perform this operation."
ISSUE_NOT_FOUND = "Issue does not exist or you do not have permission to see it."
SCOPE_MISMATCH = "Unauthorized; scope does not match"
EDIT_REFUSED = "You do not have permission to edit issues in this project."
ASSIGN_REFUSED = "You do not have permission to assign issues."
READ, WRITE, READ_USER = "read:jira-work", "write:jira-work", "read:jira-user"
QUOTA_KEY = "sandbox_quota"  # the app's sandbox.quota.Quota: rate limits checked around every REST view


@dataclass(frozen=True)
class Caller:
    """The authenticated person, the site the call acts on, and how to link back."""

    user: dict
    cloud_id: str
    links: Links
    oauth: bool = False  # a bearer (3LO) call: it spends the app's points quota (sandbox.quota)

    @property
    def account_id(self) -> str:
        """Return the caller's account id."""
        return self.user["account_id"]

    def visible_keys(self) -> list[str]:
        """Return the keys of the projects the caller may browse on this site."""
        return directory.visible_project_keys(self.user, self.cloud_id)

    def may_edit(self, project_key: str) -> bool:
        """Return whether the caller may change issues of a project (browsing is checked apart)."""
        return directory.may_edit(self.user, project_key)

    def viewer(self) -> Viewer:
        """Return who is reading, as the renderers need it (watching, links to visible issues)."""
        return Viewer(self.account_id, frozenset(self.visible_keys()))


class ApiError(Exception):
    """A refusal to send as Jira's error body."""

    def __init__(self, status: int, messages: list[str] | None = None, errors: dict | None = None) -> None:
        super().__init__(status, messages, errors)
        self.status = status
        self.body = {"errorMessages": messages or [], "errors": errors or {}}


def reply(body, status: int = 200) -> Response:
    """Return ``body`` as a JSON response with Jira's content type."""
    return Response(json.dumps(body, ensure_ascii=False, separators=(",", ":")), status, content_type=JSON_TYPE)


def no_content() -> Response:
    """Return an empty 204."""
    return Response(status=204)


def _gateway_refusal(message: str) -> Response:
    return reply({"code": 401, "message": message}, 401)


def api_route(bp, rule: str, scope: str | tuple[str, ...] | None, methods: tuple[str, ...] = ("GET",), *,
              api: str = "rest/api/3"):
    """Register the view under both URL styles, authenticated and (unless ``scope`` is None) scope-checked.

    ``scope`` is one classic scope, or a tuple of granular scopes that must all have been granted
    (Jira Software's ``/rest/agile/1.0``, ``api="rest/agile/1.0"``, takes only granular ones).
    """

    def decorate(view):
        @wraps(view)
        def handler(cloudId: str | None = None, **kwargs):
            caller = _authenticate(cloudId, scope)
            if isinstance(caller, Response):
                return caller
            g.caller = caller
            write = scope == WRITE
            limits = current_app.extensions[QUOTA_KEY]
            refused = limits.admit(oauth=caller.oauth, site=caller.cloud_id, route=rule, method=request.method,
                                   issue=kwargs.get("issueIdOrKey"), write=write)
            if refused is not None:
                return refused
            try:
                response = current_app.make_response(view(**kwargs))
            except ApiError as exc:
                response = reply(exc.body, exc.status)
            limits.charge(response, oauth=caller.oauth, user=caller.user["name"], write=write)
            return response

        bp.add_url_rule(f"/{api}/{rule}", view_func=handler, methods=list(methods))
        bp.add_url_rule(f"/ex/jira/<cloudId>/{api}/{rule}", view_func=handler, methods=list(methods))
        return handler

    return decorate


def _authenticate(cloud_id: str | None, scope: str | tuple[str, ...] | None) -> Caller | Response:
    """Return the Caller, or the 401 Jira (site) or the gateway would send."""
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    scopes = None
    if cloud_id is None:
        user = _basic_user(credentials) if scheme.lower() == "basic" else None
        if user is None or directory.HOME_SITE_ID not in user["sites"]:
            return reply({"errorMessages": [NOT_AUTHENTICATED], "errors": {}}, 401)
        return Caller(user, directory.HOME_SITE_ID, Links(request.host_url, request.host_url))
    if scheme.lower() == "bearer":
        found = current_app.extensions["sandbox_identity"].authenticate_bearer(credentials.strip())
        user, scopes = found if found else (None, None)
    else:
        user = _basic_user(credentials) if scheme.lower() == "basic" else None
    if user is None:
        return _gateway_refusal("Unauthorized")
    if cloud_id not in directory.SITE_IDS or cloud_id not in user["sites"]:
        return _gateway_refusal(SCOPE_MISMATCH)
    needed = (scope,) if isinstance(scope, str) else scope or ()
    if scopes is not None and not set(needed) <= scopes:
        return _gateway_refusal(SCOPE_MISMATCH)
    return Caller(user, cloud_id, Links(f"{request.host_url}ex/jira/{cloud_id}/", request.host_url), oauth=scopes is not None)


def _basic_user(credentials: str) -> dict | None:
    """Return the user whose ``email:api_token`` the basic credentials carry, or None."""
    try:
        email, _, token = base64.b64decode(credentials.strip(), validate=True).decode("utf-8").partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    user = directory.user_by("email", email)
    if user is None or not hmac.compare_digest(user["api_token"].encode(), token.encode()):
        return None
    return user


def caller() -> Caller:
    """Return the caller of the current request."""
    return g.caller


def int_arg(name: str, default: int, *, source: dict | None = None) -> int:
    """Return a non-negative integer parameter; raise ApiError (400) when it is not one."""
    raw = (source if source is not None else request.args).get(name, default)
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ApiError(400, [f"The '{name}' parameter must be an integer."]) from None
    if value < 0:
        raise ApiError(400, [f"The '{name}' parameter must not be negative."])
    return value


def json_body() -> dict:
    """Return the request's JSON object; raise ApiError (400) when there is none."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ApiError(400, ["The request body is not a JSON object."])
    return body


def list_arg(raw) -> list[str]:
    """Return a comma list (or a JSON list) parameter as a list of trimmed strings."""
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    return [part.strip() for item in items for part in str(item).split(",") if part.strip()]


def world():
    """Return the app's World."""
    return current_app.extensions["sandbox_world"]


def visible_project(id_or_key: str) -> dict:
    """Return a project the caller may browse; raise Jira's 404 otherwise."""
    project = world().project(id_or_key)
    if project is None or project["key"] not in caller().visible_keys():
        raise ApiError(404, [f"No project could be found with key '{id_or_key}'."])
    return project


def visible_issue(id_or_key: str) -> dict:
    """Return an issue the caller may browse; raise Jira's 404 otherwise."""
    issue = world().issue(id_or_key)
    if issue is None or issue["fields"]["project"]["key"] not in caller().visible_keys():
        raise ApiError(404, [ISSUE_NOT_FOUND])
    return issue


def editable_issue(id_or_key: str, refusal: str = EDIT_REFUSED) -> dict:
    """Return an issue the caller may change; 404 when hidden, Jira's 403 when only readable."""
    issue = visible_issue(id_or_key)
    if not caller().may_edit(issue["fields"]["project"]["key"]):
        raise ApiError(403, [refusal])
    return issue
