"""Atlassian's identity service in the sandbox: OAuth 2.0 (3LO) authorization-code grant.

Stands in for ``auth.atlassian.com`` (``/authorize``, ``/oauth/token``) and the identity half of
``api.atlassian.com`` (``/oauth/token/accessible-resources``, ``/me``), so a generic OAuth 2.0
client library can be pointed at it. The lifecycle:

1. ``GET /authorize`` checks the client and the redirect URI (exact match against
   ``directory.OAUTH_CLIENT`` plus the configured ``redirect_uris``; a bad one gets an error page
   and no redirect), then shows a consent page where a demo user is picked. Accept redirects to
   ``redirect_uri?code=...&state=...``; Deny to ``redirect_uri?error=access_denied&...``.
2. A **code** is single-use and lives ``auth_code_ttl_seconds`` (default 300). Exchanging it at
   ``POST /oauth/token`` (JSON or form body; client credentials in the body or HTTP basic)
   creates a **grant**: one user, the requested scopes, all of the user's sites. Every consent
   makes its own grant, so two browsers signed in as the same person do not disturb each other.
3. The grant hands out **access tokens** (``access_token_ttl_seconds``, default 3600) and, only
   when ``offline_access`` was granted, **refresh tokens**. Refresh tokens **rotate**: every
   refresh answers a new pair, and the refresh token sent is spent. Older access tokens keep
   working until they expire.
4. Sending a spent refresh token again is allowed within ``refresh_reuse_grace_seconds``
   (default 600, Atlassian's 10-minute leeway) and answers another fresh pair. Past that window
   the reuse looks like a stolen token: the **whole grant is revoked** (every access and refresh
   token of it dies) and the answer is 403 ``invalid_grant``, as it is for unknown tokens, for
   refresh tokens idle for 90 days and for grants older than 365 days.
5. ``revoke_grant`` (the user removing the app) and ``expire_access_tokens`` are fault hooks for
   ``/_sandbox/faults``; ``counters`` feeds ``/_sandbox/stats``.

Sandbox-only shortcut for tests and benchmarks: ``GET /authorize?...&login_hint=alice
&sandbox_auto_approve=1`` skips the consent page and approves at once as that user (name or
e-mail). Without ``sandbox_auto_approve``, ``login_hint`` only preselects the user.

``/me`` answers for any live access token; real Atlassian also wants the ``read:me`` scope.
"""

import base64
import hashlib
import os
import secrets
import threading
import time
from urllib.parse import unquote, urlencode, urlsplit

from flask import Blueprint, current_app, jsonify, redirect, render_template, request

from sandbox import directory

AUDIENCE = "api.atlassian.com"
DEFAULTS = {
    "access_token_ttl_seconds": 3600,
    "refresh_reuse_grace_seconds": 600,
    "auth_code_ttl_seconds": 300,
    "redirect_uris": [],
}
REFRESH_IDLE_SECONDS = 90 * 24 * 3600  # Atlassian: a refresh token unused for 90 days expires
GRANT_LIFETIME_SECONDS = 365 * 24 * 3600  # Atlassian: re-consent a year after the first one
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
INVALID_REFRESH = "Unknown or invalid refresh token."

bp = Blueprint("identity", __name__, template_folder="templates")


class TokenError(Exception):
    """A token-endpoint failure: HTTP status, OAuth ``error`` code and description."""

    def __init__(self, status: int, error: str, description: str | None = None) -> None:
        super().__init__(description or error)
        self.status, self.error, self.description = status, error, description


# --- configuration ---------------------------------------------------------------------------


def _check_setting(key: str, value):
    """Return ``value`` for setting ``key`` if it has the right type; raise ValueError naming it."""
    if key not in DEFAULTS:
        raise ValueError(f"unknown setting {key!r}; known: {', '.join(DEFAULTS)}")
    if key == "redirect_uris":
        if not isinstance(value, list) or not all(_is_http_url(uri) for uri in value):
            raise ValueError(f"{key!r} must be a list of absolute http(s) URLs")
        return list(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{key!r} must be a non-negative integer (seconds)")
    return value


def _is_http_url(value) -> bool:
    """Return whether ``value`` is an absolute http or https URL without a fragment."""
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not parts.fragment


def _from_env(key: str):
    """Return setting ``key`` from ``SANDBOX_<KEY>`` (None when unset); raise ValueError naming it."""
    name = f"SANDBOX_{key.upper()}"
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return None
    if key == "redirect_uris":
        value = [uri.strip() for uri in raw.split(",") if uri.strip()]
    else:
        value = int(raw) if raw.strip().isdigit() else raw
    try:
        return _check_setting(key, value)
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def config_from_env(overrides: dict | None = None) -> dict:
    """Return every identity setting: defaults, then ``SANDBOX_<KEY>`` variables, then ``overrides``."""
    config = dict(DEFAULTS, redirect_uris=[])
    for key in DEFAULTS:
        value = _from_env(key)
        if value is not None:
            config[key] = value
    for key, value in (overrides or {}).items():
        config[key] = _check_setting(key, value)
    return config


# --- state -----------------------------------------------------------------------------------


class Identity:
    """Codes, grants and tokens of the sandbox's OAuth service, behind one lock."""

    def __init__(self, config: dict, clock=time.time) -> None:
        merged = {**DEFAULTS, **config}
        self._start_config = {key: _check_setting(key, value) for key, value in merged.items()}
        self._clock = clock
        self._lock = threading.Lock()
        self._forget_everything()

    def _forget_everything(self) -> None:
        """Drop codes, grants, tokens and counters; go back to the start config."""
        self.config = dict(self._start_config, redirect_uris=list(self._start_config["redirect_uris"]))
        self._codes = {}  # code -> {client_id, redirect_uri, user, scopes, expires_at}
        self._grants = {}  # grant id -> {user, scopes, created_at, revoked}
        self._access = {}  # access token -> {grant, expires_at}
        self._refresh = {}  # refresh token -> {grant, issued_at, spent_at}
        self._counters = {"grants": 0, "refreshes": 0, "reuse_rejections": 0}

    # -- admin hooks --

    def configure(self, changes: dict) -> dict:
        """Apply a subset of the settings (``redirect_uris`` are added); return the effective config."""
        if not isinstance(changes, dict):
            raise ValueError("the config must be a JSON object")
        checked = {key: _check_setting(key, value) for key, value in changes.items()}
        with self._lock:
            for key, value in checked.items():
                if key == "redirect_uris":
                    value = self.config[key] + [uri for uri in value if uri not in self.config[key]]
                self.config[key] = value
            return dict(self.config, redirect_uris=self._redirect_uris())

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far expired now."""
        with self._lock:
            now = self._clock()
            for record in self._access.values():
                record["expires_at"] = min(record["expires_at"], now)

    def revoke_grant(self, user: str) -> bool:
        """Revoke every grant and pending code of ``user`` (name or e-mail); False if no such user."""
        person = _find_user(user)
        if person is None:
            return False
        with self._lock:
            for grant in self._grants.values():
                if grant["user"] == person["name"]:
                    grant["revoked"] = True
            self._codes = {c: r for c, r in self._codes.items() if r["user"] != person["name"]}
        return True

    def counters(self) -> dict:
        """Return ``{"grants", "refreshes", "reuse_rejections"}`` since start or the last reset."""
        with self._lock:
            return dict(self._counters)

    def reset_counters(self) -> None:
        """Zero the counters."""
        with self._lock:
            self._counters = dict.fromkeys(self._counters, 0)

    def reset(self) -> None:
        """Forget codes, grants, tokens and counters, and restore the start config."""
        with self._lock:
            self._forget_everything()

    def oauth_info(self) -> dict:
        """Return the client id, secret and every accepted redirect URI, for ``/_sandbox/info``."""
        with self._lock:
            return {
                "client_id": directory.OAUTH_CLIENT["client_id"],
                "client_secret": directory.OAUTH_CLIENT["client_secret"],
                "redirect_uris": self._redirect_uris(),
            }

    # -- authorization --

    def _redirect_uris(self) -> list[str]:
        """Return the registered redirect URIs followed by the configured extra ones."""
        registered = directory.OAUTH_CLIENT["redirect_uris"]
        return registered + [uri for uri in self.config["redirect_uris"] if uri not in registered]

    def check_client(self, client_id: str, redirect_uri: str) -> str | None:
        """Return why ``client_id``/``redirect_uri`` may not be redirected to, or None if they may."""
        if client_id != directory.OAUTH_CLIENT["client_id"]:
            return "The app (client_id) is not known."
        with self._lock:
            if redirect_uri not in self._redirect_uris():
                return "The redirect_uri is not registered for this app."
        return None

    def issue_code(self, client_id: str, redirect_uri: str, user: dict, scopes: tuple,
                   challenge: tuple[str | None, str] = (None, "plain")) -> str:
        """Return a new single-use authorization code for ``user`` and ``scopes``.

        ``challenge`` is the request's PKCE (code_challenge, method); with one, the exchange must
        bring the matching verifier. Atlassian is reported to ignore PKCE; the sandbox checks it,
        so a client that sends it is proven to send it right.
        """
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "client_id": client_id,
                "redirect_uri": redirect_uri,
                "user": user["name"],
                "scopes": scopes,
                "challenge": challenge,
                "expires_at": self._clock() + self.config["auth_code_ttl_seconds"],
            }
        return code

    # -- token endpoint --

    def exchange_code(self, client_id: str, code: str, redirect_uri: str, verifier: str | None = None) -> dict:
        """Return the token response for ``code``; raise TokenError when it is not redeemable."""
        with self._lock:
            record = self._codes.pop(code, None)  # any presentation spends the code
            if record is None or record["client_id"] != client_id or record["expires_at"] <= self._clock():
                raise TokenError(403, "invalid_grant", "Invalid authorization code")
            if record["redirect_uri"] != redirect_uri:
                raise TokenError(403, "invalid_grant", "redirect_uri does not match the authorization")
            if not _pkce_matches(record.get("challenge", (None, "plain")), verifier):
                raise TokenError(403, "invalid_grant", "code_verifier does not match the code_challenge")
            grant_id = secrets.token_hex(8)
            self._grants[grant_id] = {
                "user": record["user"],
                "scopes": record["scopes"],
                "created_at": self._clock(),
                "revoked": False,
            }
            self._counters["grants"] += 1
            return self._issue_tokens(grant_id)

    def refresh(self, refresh_token: str) -> dict:
        """Return a new token pair for ``refresh_token``; raise TokenError (403) when it is dead."""
        with self._lock:
            now = self._clock()
            record = self._refresh.get(refresh_token)
            grant = self._grants.get(record["grant"]) if record else None
            if grant is None or grant["revoked"] or self._refresh_expired(record, grant, now):
                raise TokenError(403, "invalid_grant", INVALID_REFRESH)
            spent_at = record["spent_at"]
            if spent_at is not None and now - spent_at > self.config["refresh_reuse_grace_seconds"]:
                grant["revoked"] = True
                self._counters["reuse_rejections"] += 1
                raise TokenError(403, "invalid_grant", INVALID_REFRESH)
            if spent_at is None:
                record["spent_at"] = now
            self._counters["refreshes"] += 1
            return self._issue_tokens(record["grant"])

    @staticmethod
    def _refresh_expired(record: dict, grant: dict, now: float) -> bool:
        """Return whether a refresh token idled out or its grant outlived its absolute lifetime."""
        idle = now - record["issued_at"] > REFRESH_IDLE_SECONDS
        return idle or now - grant["created_at"] > GRANT_LIFETIME_SECONDS

    def _issue_tokens(self, grant_id: str) -> dict:
        """Return a token response with a new access token (and refresh token with offline_access)."""
        now, grant = self._clock(), self._grants[grant_id]
        ttl = self.config["access_token_ttl_seconds"]
        access_token = secrets.token_urlsafe(48)
        self._access[access_token] = {"grant": grant_id, "expires_at": now + ttl}
        response = {
            "access_token": access_token,
            "expires_in": ttl,
            "token_type": "Bearer",
            "scope": " ".join(grant["scopes"]),
        }
        if "offline_access" in grant["scopes"]:
            refresh_token = secrets.token_urlsafe(40)
            self._refresh[refresh_token] = {"grant": grant_id, "issued_at": now, "spent_at": None}
            response["refresh_token"] = refresh_token
        return response

    # -- resource side --

    def authenticate_bearer(self, token: str) -> tuple[dict, frozenset[str]] | None:
        """Return (directory user, granted scopes) for a live access token, else None."""
        with self._lock:
            record = self._access.get(token or "")
            if record is None or record["expires_at"] <= self._clock():
                return None
            grant = self._grants[record["grant"]]
            if grant["revoked"]:
                return None
        return directory.user_by("name", grant["user"]), frozenset(grant["scopes"])


def _pkce_matches(challenge: tuple[str | None, str], verifier: str | None) -> bool:
    """Return whether ``verifier`` answers the authorization's PKCE challenge (true without one)."""
    expected, method = challenge
    if expected is None:
        return True
    if not verifier:
        return False
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
        verifier = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return secrets.compare_digest(verifier, expected)


def _find_user(name_or_email: str) -> dict | None:
    """Return the directory user with this name or e-mail address, or None."""
    return directory.user_by("name", name_or_email) or directory.user_by("email", name_or_email)


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
    hinted = _find_user(params.get("login_hint", ""))
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
