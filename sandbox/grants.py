"""The sandbox identity service's state: settings, authorization codes, grants and tokens.

This is the model behind ``sandbox.identity``'s routes (as ``world`` is behind the ``jira_*``
modules): no Flask, one lock, a clock that tests can move. The lifecycle it enforces:

1. A **code** is single-use and lives ``auth_code_ttl_seconds`` (default 300). Exchanging it
   creates a **grant**: one user, the requested scopes, all of the user's sites. Every consent
   makes its own grant, so two browsers signed in as the same person do not disturb each other.
   A code issued with a PKCE challenge needs the matching verifier.
2. The grant hands out **access tokens** (``access_token_ttl_seconds``, default 3600) and, only
   when ``offline_access`` was granted, **refresh tokens**. Refresh tokens **rotate**: every
   refresh answers a new pair, and the refresh token sent is spent. Older access tokens keep
   working until they expire.
3. Sending a spent refresh token again is allowed within ``refresh_reuse_grace_seconds``
   (default 600, Atlassian's 10-minute leeway) and answers another fresh pair. Past that window
   the reuse looks like a stolen token: the **whole grant is revoked** (every access and refresh
   token of it dies) and the answer is 403 ``invalid_grant``, as it is for unknown tokens, for
   refresh tokens idle for 90 days and for grants older than 365 days.
4. ``revoke_grant`` (the user removing the app) and ``expire_access_tokens`` are fault hooks for
   ``/_sandbox/faults``; ``counters`` feeds ``/_sandbox/stats``; ``configure`` serves
   ``/_sandbox/config``.

Settings come from ``DEFAULTS``, then ``SANDBOX_<KEY>`` environment variables, then the
overrides given to ``create_sandbox_app`` (``config_from_env``).
"""

import base64
import hashlib
import os
import secrets
import threading
import time
from urllib.parse import urlsplit

from sandbox import directory

DEFAULTS = {
    "access_token_ttl_seconds": 3600,
    "refresh_reuse_grace_seconds": 600,
    "auth_code_ttl_seconds": 300,
    "redirect_uris": [],
}
REFRESH_IDLE_SECONDS = 90 * 24 * 3600  # Atlassian: a refresh token unused for 90 days expires
GRANT_LIFETIME_SECONDS = 365 * 24 * 3600  # Atlassian: re-consent a year after the first one
INVALID_REFRESH = "Unknown or invalid refresh token."


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
        person = find_user(user)
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


def find_user(name_or_email: str) -> dict | None:
    """Return the directory user with this name or e-mail address, or None."""
    return directory.user_by("name", name_or_email) or directory.user_by("email", name_or_email)
