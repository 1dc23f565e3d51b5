"""Atlassian's identity service in the sandbox: the OAuth 2.0 (3LO) endpoints, as a blueprint.

Stands in for ``auth.atlassian.com`` (``/authorize``, ``/oauth/token``) and the identity half of
``api.atlassian.com`` (``/oauth/token/accessible-resources``, ``/me``), so a generic OAuth 2.0
client library can be pointed at it. This module turns HTTP into calls on the app's
``grants.Identity`` (codes, grants, tokens, refresh rotation and reuse rules live there) and
answers in Atlassian's shapes:

1. ``GET /authorize`` checks the client and the redirect URI (exact match against
   ``directory.OAUTH_CLIENT`` plus the configured ``redirect_uris``; a bad one gets an error page
   and no redirect), then shows a consent page where a demo user is picked. Accept redirects to
   ``redirect_uri?code=...&state=...``; Deny to ``redirect_uri?error=access_denied&...``.
2. ``POST /oauth/token`` (JSON or form body; client credentials in the body or HTTP basic)
   exchanges a code or a refresh token for a token response, or answers an OAuth error
   (``grants.TokenError``) with its status.
3. ``/oauth/token/accessible-resources`` and ``/me`` answer for a live access token.

Sandbox-only shortcut for tests and benchmarks: ``GET /authorize?...&login_hint=alice
&sandbox_auto_approve=1`` skips the consent page and approves at once as that user (name or
e-mail). Without ``sandbox_auto_approve``, ``login_hint`` only preselects the user.

``/me`` needs the ``read:me`` scope, as at Atlassian.

``Identity``, ``TokenError`` and ``config_from_env`` are re-exported from ``grants``, so the app
factory and tests can keep naming them ``identity.*``.
"""

import secrets
from urllib.parse import unquote, urlencode, urlsplit

from flask import Blueprint, current_app, jsonify, redirect, render_template, request

from sandbox import directory
from sandbox.grants import Identity, TokenError, config_from_env, find_user

__all__ = ["Identity", "TokenError", "bp", "config_from_env"]

AUDIENCE = "api.atlassian.com"
IDENTITY_SCOPES = frozenset({"offline_access", "read:me"})  # not listed per site
SCOPE_LABELS = {
    "read:jira-user": "View user profiles (names, e-mail addresses, avatars)",
    "read:jira-work": "View Jira issue data: projects, issues, comments, search",
    "write:jira-work": "Create and edit issues, comments and transitions",
    "manage:jira-project": "Manage project settings",
    "manage:jira-configuration": "Manage Jira global settings",
    "manage:jira-webhook": "Manage webhooks",
    "read:board-scope:jira-software": "View boards, backlogs and their issues",
    "read:board-scope.admin:jira-software": "View board configuration",
    "write:board-scope:jira-software": "Move issues between boards and backlogs",
    "read:sprint:jira-software": "View sprints and their issues",
    "write:sprint:jira-software": "Move issues into sprints and update sprints",
    "read:project:jira": "View projects",
    "read:issue-details:jira": "View issue details",
    "read:jql:jira": "Search with JQL",
    "read:me": "View your Atlassian profile",
    "offline_access": "Keep access when you are not using the app (refresh tokens)",
}
SITE_AVATARS = ("flag.png", "jersey.png")

bp = Blueprint("identity", __name__, template_folder="templates")


def _identity() -> Identity:
    """Return the current app's Identity."""
    return current_app.extensions["sandbox_identity"]


# --- /authorize ------------------------------------------------------------------------------

AUTHORIZE_PARAMS = ("audience", "client_id", "scope", "redirect_uri", "state", "response_type", "prompt",
                    "code_challenge", "code_challenge_method")
PKCE_METHODS = ("S256", "plain")


def _error_page(message: str, status: int = 400):
    """Return the sandbox's HTML error page (used when redirecting back is not safe)."""
    return _no_framing(render_template("error.html", message=message), status)


def _no_framing(body: str, status: int = 200):
    """Return ``body`` as HTML that other pages may not frame and that loads nothing external."""
    headers = {
        "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        "X-Frame-Options": "DENY",
        "Cache-Control": "no-store",
    }
    return body, status, headers


def _back_to_client(params: dict, **answer):
    """Return a 302 to the client's redirect URI carrying ``answer`` and the original state."""
    if params.get("state"):
        answer["state"] = params["state"]
    separator = "&" if urlsplit(params["redirect_uri"]).query else "?"
    return redirect(params["redirect_uri"] + separator + urlencode(answer), 302)


def _requested_scopes(params: dict) -> tuple:
    """Return the requested scopes in order, without duplicates."""
    return tuple(dict.fromkeys(params.get("scope", "").split()))


def _request_problem(params: dict) -> tuple[str, str] | None:
    """Return (error, description) for an authorization request the client got wrong, or None."""
    if not params.get("response_type"):
        return "invalid_request", "response_type is required"
    if params["response_type"] != "code":
        return "unsupported_response_type", "Only response_type=code is supported"
    if not _requested_scopes(params):
        return "invalid_request", "scope is required"
    if params.get("audience") != AUDIENCE:
        return "invalid_request", f"audience must be {AUDIENCE}"
    if params.get("code_challenge") and params.get("code_challenge_method", "plain") not in PKCE_METHODS:
        return "invalid_request", "code_challenge_method must be S256 or plain"
    return None


def _approve(params: dict, user: dict):
    """Return the redirect that hands the client a code for ``user``."""
    scopes = _requested_scopes(params)
    challenge = (params.get("code_challenge") or None, params.get("code_challenge_method") or "plain")
    code = _identity().issue_code(params["client_id"], params["redirect_uri"], user, scopes, challenge)
    return _back_to_client(params, code=code)


def _consent_page(params: dict, selected: str | None, message: str | None = None, status: int = 200):
    """Return the consent page for the authorization request ``params``."""
    page = render_template(
        "consent.html",
        params={key: params.get(key, "") for key in AUTHORIZE_PARAMS},
        scopes=[(scope, SCOPE_LABELS.get(scope, "")) for scope in _requested_scopes(params)],
        users=directory.USERS,
        selected=selected,
        message=message,
    )
    return _no_framing(page, status)


@bp.get("/authorize")
def authorize():
    """Return the consent page, or redirect straight back for errors and sandbox auto-approval."""
    params = request.args.to_dict()
    problem = _identity().check_client(params.get("client_id"), params.get("redirect_uri"))
    if problem:
        return _error_page(problem)
    request_problem = _request_problem(params)
    if request_problem:
        return _back_to_client(params, error=request_problem[0], error_description=request_problem[1])
    hinted = find_user(params.get("login_hint", ""))
    if params.get("sandbox_auto_approve") == "1":
        if hinted is None:
            problem = "sandbox_auto_approve needs a known login_hint"
            return _back_to_client(params, error="invalid_request", error_description=problem)
        return _approve(params, hinted)
    return _consent_page(params, hinted["name"] if hinted else None)


@bp.post("/authorize")
def decide():
    """Return the redirect for the consent page's Accept or Deny."""
    params = {key: request.form.get(key, "") for key in AUTHORIZE_PARAMS}
    problem = _identity().check_client(params["client_id"], params["redirect_uri"])
    if problem:
        return _error_page(problem)
    request_problem = _request_problem(params)
    if request_problem:
        return _back_to_client(params, error=request_problem[0], error_description=request_problem[1])
    if request.form.get("decision") != "approve":
        denial = "The user denied access to the app."
        return _back_to_client(params, error="access_denied", error_description=denial)
    user = directory.user_by("name", request.form.get("user", ""))
    if user is None:
        return _consent_page(params, None, "Choose who signs in.", 400)
    return _approve(params, user)


# --- /oauth/token ----------------------------------------------------------------------------


def _token_request() -> dict:
    """Return the token request's parameters from a JSON or form body; raise TokenError if malformed."""
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict) or not all(isinstance(v, str) for v in body.values()):
            raise TokenError(400, "invalid_request", "The body must be a JSON object of strings")
        return body
    return request.form.to_dict()


def _client_credentials(body: dict) -> tuple[str | None, str | None]:
    """Return (client_id, client_secret) from HTTP basic auth, else from the body."""
    auth = request.authorization
    if auth is not None and auth.type == "basic":
        return unquote(auth.username or ""), unquote(auth.password or "")
    return body.get("client_id"), body.get("client_secret")


def _require(body: dict, *names: str) -> list[str]:
    """Return the values of ``names`` in ``body``; raise TokenError naming the first one missing."""
    for name in names:
        if not body.get(name):
            raise TokenError(400, "invalid_request", f"Missing required parameter: {name}")
    return [body[name] for name in names]


def _grant_tokens(body: dict) -> dict:
    """Return the token response for a token request; raise TokenError when it must fail."""
    grant_type = _require(body, "grant_type")[0]
    if grant_type not in ("authorization_code", "refresh_token"):
        raise TokenError(400, "unsupported_grant_type")
    client_id, client_secret = _client_credentials(body)
    client = directory.OAUTH_CLIENT
    secret_ok = secrets.compare_digest(client_secret or "", client["client_secret"])
    if client_id != client["client_id"] or not secret_ok:
        raise TokenError(401, "access_denied", "Unauthorized")
    if grant_type == "authorization_code":
        code, redirect_uri = _require(body, "code", "redirect_uri")
        return _identity().exchange_code(client_id, code, redirect_uri, body.get("code_verifier"))
    return _identity().refresh(_require(body, "refresh_token")[0])


@bp.post("/oauth/token")
def token():
    """Return a token response (JSON), or an OAuth error with its status."""
    try:
        answer, status = _grant_tokens(_token_request()), 200
    except TokenError as exc:
        answer, status = {"error": exc.error}, exc.status
        if exc.description:
            answer["error_description"] = exc.description
    response = jsonify(answer)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


# --- api.atlassian.com identity endpoints ----------------------------------------------------


def _bearer() -> tuple[dict, frozenset[str]] | None:
    """Return (user, scopes) for the request's bearer token, or None."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return _identity().authenticate_bearer(token.strip())


def _unauthorized():
    """Return the gateway's 401 answer."""
    return jsonify({"code": 401, "message": "Unauthorized"}), 401


@bp.get("/oauth/token/accessible-resources")
def accessible_resources():
    """Return the token's sites, shaped like Atlassian's accessible-resources."""
    caller = _bearer()
    if caller is None:
        return _unauthorized()
    user, scopes = caller
    site_scopes = sorted(scopes - IDENTITY_SCOPES)
    sites = [site for site in directory.SITES if site["id"] in user["sites"]]
    return jsonify([_site_resource(site, site_scopes) for site in sites])


def _site_resource(site: dict, scopes: list[str]) -> dict:
    """Return one accessible-resources entry for ``site``."""
    avatar = SITE_AVATARS[directory.SITES.index(site) % len(SITE_AVATARS)]
    return {
        "id": site["id"],
        "url": site["url"],
        "name": site["name"],
        "scopes": scopes,
        "avatarUrl": f"https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/{avatar}",
    }


@bp.get("/me")
def me():
    """Return the token owner's Atlassian profile; like Atlassian, only with the read:me scope."""
    caller = _bearer()
    if caller is None:
        return _unauthorized()
    if "read:me" not in caller[1]:
        return jsonify({"code": 401, "message": "Unauthorized; scope does not match"}), 401
    user = caller[0]
    initials = "".join(part[0] for part in user["display_name"].split())[:2].upper()
    avatars = "https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net"
    return jsonify(
        {
            "account_type": "atlassian",
            "account_id": user["account_id"],
            "email": user["email"],
            "name": user["display_name"],
            "picture": f"{avatars}/initials/{initials}-0.png",
            "account_status": "active",
            "nickname": user["name"],
            "zoneinfo": "UTC",
            "locale": "en-US",
            "extended_profile": {},
        }
    )
