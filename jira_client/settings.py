"""The environment, read once at start-up into typed, frozen settings.

Names are those of the deployment guide (``APP_MODE``, ``JIRA_BASE_URL``, ...). Every problem is
reported at once, each naming its variable and what it is for, so a bad deployment fails at
start rather than on the first page view. Views never read the environment.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Callable, Mapping
from urllib.parse import urlsplit

import click

MODES = ("single_user", "multi_user")
DEFAULT_SCOPES = "read:jira-user read:jira-work write:jira-work offline_access"
DEFAULT_AUTH_URL = "https://auth.atlassian.com"
DEFAULT_API_URL = "https://api.atlassian.com"
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "dev", "secret", "replace-me", "please-change-me"}

# Settings a misconfigured variable can be explained by: name -> what it is for.
PURPOSE = {
    "APP_MODE": "chooses single_user (one shared API token) or multi_user (Sign in with Atlassian)",
    "SECRET_KEY": "signs the session cookie and CSRF tokens; must be the same long random value on every worker",
    "JIRA_BASE_URL": "your Jira Cloud site, e.g. https://your-team.atlassian.net",
    "JIRA_EMAIL": "the Atlassian account e-mail the shared API token belongs to",
    "JIRA_API_TOKEN": "the shared Jira API token (create one at id.atlassian.com > Security > API tokens)",
    "JIRA_CLOUD_ID": "the site's cloud id, to send scoped API tokens through the api.atlassian.com gateway",
    "JIRA_OAUTH_CLIENT_ID": "the Client ID of your OAuth 2.0 (3LO) app in the Atlassian developer console",
    "JIRA_OAUTH_CLIENT_SECRET": "the Secret of your OAuth 2.0 (3LO) app in the Atlassian developer console",
    "JIRA_OAUTH_REDIRECT_URI": "the callback URL registered for your OAuth app, ending in /auth/callback",
    "JIRA_OAUTH_SCOPES": "the OAuth scopes to request, space-separated",
    "ATLASSIAN_AUTH_URL": "Atlassian's authorization server",
    "ATLASSIAN_API_URL": "Atlassian's API gateway",
    "TOKEN_ENCRYPTION_KEY": "the secret OAuth token records are encrypted with (defaults to one derived from SECRET_KEY)",
    "ADMIN_TOKEN": "unlocks /setup in multi_user mode: an emergency admin session on the shared API token",
    "REDIS_URL": "the Redis server that holds sessions and tokens (redis:// or rediss://)",
    "PORT": "the port the local server listens on",
    "FORCE_HTTPS": "serves only https: a Secure __Host-session cookie, HSTS, plain http redirected (true/false; default true when JIRA_OAUTH_REDIRECT_URI is https)",
    "SESSION_IDLE_MINUTES": "minutes without a request after which a session ends",
    "SESSION_MAX_HOURS": "hours after which a session ends however active it is",
    "TRUSTED_PROXY_COUNT": "how many proxies in front of the app set X-Forwarded-For/-Proto (Heroku: 1; none: 0)",
    "TRUST_FORWARDED_HOST": "true to also take the host name from X-Forwarded-Host (only if your proxy sets it)",
    "FORWARDED_ALLOW_IPS": "comma-separated addresses or networks of the proxies whose forwarded headers are believed (* on Heroku)",
    "REDIS_TLS_VERIFY": "false to accept a self-signed Redis certificate (Heroku Key-Value Store); default true",
    "MAX_CONTENT_LENGTH": "the largest request body accepted, in bytes",
    "WEB_CONCURRENCY": "the number of gunicorn worker processes",
    "DYNO": "set by Heroku on every dyno",
    "METRICS_TOKEN": "when set, GET /metrics requires the header 'Authorization: Bearer <METRICS_TOKEN>'",
    "LOG_LEVEL": "the least severe log level written to stderr as JSON lines (DEBUG, INFO, WARNING, ERROR)",
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(click.ClickException):
    """The environment cannot run the app; ``problems`` lists one sentence per bad variable.

    A ClickException, so ``flask --app web_app <command>`` prints the list and exits 1 instead
    of a traceback; gunicorn and ``python web_app.py`` show it like any start-up error.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Configuration problems:\n" + "\n".join(f"- {p}" for p in problems))


@dataclass(frozen=True)
class Settings:
    app_mode: str
    secret_key: str
    jira_base_url: str
    jira_email: str
    jira_api_token: str
    jira_cloud_id: str
    oauth_client_id: str
    oauth_client_secret: str
    oauth_redirect_uri: str
    oauth_scopes: str
    atlassian_auth_url: str
    atlassian_api_url: str
    redis_url: str
    token_encryption_key: str
    admin_token: str  # multi_user: unlocks /setup (emergency access on the shared API token)
    sandbox_url: str  # set when the built-in sandbox stands in for Jira (shown as a banner)
    host: str
    port: int
    metrics_token: str = ""  # empty: /metrics is open (keep it on a private network then)
    log_level: str = "INFO"
    force_https: bool = False
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    trusted_proxy_count: int = 0
    trust_forwarded_host: bool = False
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    redis_tls_verify: bool = True
    max_content_length: int = 1024 * 1024

    @classmethod
    def from_mapping(cls, env: Mapping[str, str], *, production: bool = False) -> Settings:
        """Return validated settings from ``env``; raise SettingsError listing every problem."""
        get = lambda name, default="": (env.get(name) or default).strip()  # noqa: E731
        problems: list[str] = []
        mode = get("APP_MODE", "single_user").lower()
        if mode not in MODES:
            problems.append(_problem("APP_MODE", f"is {mode!r}; use one of {', '.join(MODES)}"))
        secret = get("SECRET_KEY")
        if production and (secret.lower() in PLACEHOLDER_SECRETS or len(secret) < 32):
            problems.append(_problem("SECRET_KEY", "is missing, a placeholder or shorter than 32 characters"))
        port = get("PORT", "5000")
        if not port.isdigit() or not 0 < int(port) < 65536:
            problems.append(_problem("PORT", f"is {port!r}, not a port number"))
        serving = _serving_settings(get, problems)
        settings = cls(
            app_mode=mode,
            secret_key=secret,
            jira_base_url=get("JIRA_BASE_URL").rstrip("/"),
            jira_email=get("JIRA_EMAIL"),
            jira_api_token=get("JIRA_API_TOKEN"),
            jira_cloud_id=get("JIRA_CLOUD_ID"),
            oauth_client_id=get("JIRA_OAUTH_CLIENT_ID"),
            oauth_client_secret=get("JIRA_OAUTH_CLIENT_SECRET"),
            oauth_redirect_uri=get("JIRA_OAUTH_REDIRECT_URI"),
            oauth_scopes=" ".join(get("JIRA_OAUTH_SCOPES", DEFAULT_SCOPES).split()),
            atlassian_auth_url=get("ATLASSIAN_AUTH_URL", DEFAULT_AUTH_URL).rstrip("/"),
            atlassian_api_url=get("ATLASSIAN_API_URL", DEFAULT_API_URL).rstrip("/"),
            redis_url=get("REDIS_URL"),
            token_encryption_key=get("TOKEN_ENCRYPTION_KEY"),
            admin_token=get("ADMIN_TOKEN"),
            sandbox_url=get("SANDBOX_URL"),
            host=get("HOST", "127.0.0.1"),
            port=int(port) if port.isdigit() else 5000,
            metrics_token=get("METRICS_TOKEN"),
            log_level=get("LOG_LEVEL", "INFO").upper(),
            **serving,
        )
        if settings.log_level not in LOG_LEVELS:
            problems.append(_problem("LOG_LEVEL", f"is {settings.log_level!r}; use one of {', '.join(LOG_LEVELS)}"))
        problems += settings._mode_problems()
        if production:
            problems += _production_problems(settings, env)
        if problems:
            raise SettingsError(problems)
        return settings

    def _mode_problems(self) -> list[str]:
        """Return the problems with the variables the chosen mode needs."""
        if self.app_mode == "single_user":
            required = ["JIRA_EMAIL", "JIRA_API_TOKEN"]
            required.append("JIRA_CLOUD_ID" if self.jira_cloud_id else "JIRA_BASE_URL")
        elif self.app_mode == "multi_user":
            required = ["JIRA_OAUTH_CLIENT_ID", "JIRA_OAUTH_CLIENT_SECRET", "JIRA_OAUTH_REDIRECT_URI"]
        else:
            return []
        problems = [_problem(name, "is not set") for name in required if not self.value_of(name)]
        for name in ("JIRA_BASE_URL", "ATLASSIAN_AUTH_URL", "ATLASSIAN_API_URL", "JIRA_OAUTH_REDIRECT_URI"):
            value = self.value_of(name)
            if value and not value.startswith(("https://", "http://")):
                problems.append(_problem(name, f"is {value!r}, not an http(s) URL"))
        if self.redis_url and not self.redis_url.startswith(("redis://", "rediss://", "unix://")):
            problems.append(_problem("REDIS_URL", "is not a redis://, rediss:// or unix:// URL"))
        if self.admin_token and len(self.admin_token) < 24:
            problems.append(_problem("ADMIN_TOKEN", "is shorter than 24 characters; use a long random value"))
        if "offline_access" not in self.oauth_scopes.split() and self.app_mode == "multi_user":
            problems.append(_problem("JIRA_OAUTH_SCOPES", "must include offline_access, or sign-ins expire in an hour"))
        return problems

    def value_of(self, name: str) -> str:
        """Return the setting behind environment variable ``name``."""
        attribute = {
            "JIRA_OAUTH_CLIENT_ID": "oauth_client_id",
            "JIRA_OAUTH_CLIENT_SECRET": "oauth_client_secret",
            "JIRA_OAUTH_REDIRECT_URI": "oauth_redirect_uri",
            "JIRA_OAUTH_SCOPES": "oauth_scopes",
        }.get(name, name.lower())
        return str(getattr(self, attribute))

    @property
    def uses_sandbox(self) -> bool:
        return bool(self.sandbox_url)


def _problem(name: str, what: str) -> str:
    purpose = PURPOSE.get(name)
    return f"{name} {what}" + (f" (what it is for: {purpose})." if purpose else ".")


def jira_configured(env: Mapping[str, str]) -> bool:
    """Return True when ``env`` names a Jira to talk to (so the sandbox is not needed)."""
    return any((env.get(name) or "").strip() for name in (
        "JIRA_BASE_URL", "JIRA_CLOUD_ID", "JIRA_OAUTH_CLIENT_ID",
    ))


def _serving_settings(get: Callable[..., str], problems: list[str]) -> dict:
    """Return the serving settings (https, proxies, session lifetimes, Redis TLS), noting bad values."""

    def number(name: str, default: int, low: int, high: int) -> int:
        value = get(name, str(default))
        if value.isdigit() and low <= int(value) <= high:
            return int(value)
        problems.append(_problem(name, f"is {value!r}, not a whole number from {low} to {high}"))
        return default

    def flag(name: str, default: bool) -> bool:
        value = get(name).lower()
        if value in ("", "true", "false", "1", "0", "yes", "no", "on", "off"):
            return default if not value else value in ("true", "1", "yes", "on")
        problems.append(_problem(name, f"is {value!r}; use true or false"))
        return default

    allowed = tuple(part.strip() for part in get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",") if part.strip())
    for entry in (entry for entry in allowed if entry != "*"):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            problems.append(_problem("FORWARDED_ALLOW_IPS", f"has {entry!r}, not an address, a network or *"))
    return {
        "force_https": flag("FORCE_HTTPS", get("JIRA_OAUTH_REDIRECT_URI").startswith("https://")),
        "session_idle_minutes": number("SESSION_IDLE_MINUTES", 30, 1, 24 * 60),
        "session_max_hours": number("SESSION_MAX_HOURS", 12, 1, 24 * 30),
        "trusted_proxy_count": number("TRUSTED_PROXY_COUNT", 0, 0, 5),
        "trust_forwarded_host": flag("TRUST_FORWARDED_HOST", False),
        "forwarded_allow_ips": allowed,
        "redis_tls_verify": flag("REDIS_TLS_VERIFY", True),
        "max_content_length": number("MAX_CONTENT_LENGTH", 1024 * 1024, 1024, 100 * 1024 * 1024),
    }


def _production_problems(settings: Settings, env: Mapping[str, str]) -> list[str]:
    """Return what production must not run with: plain-http callbacks, per-process sessions."""
    problems = []
    redirect = urlsplit(settings.oauth_redirect_uri)
    if redirect.scheme == "http" and redirect.hostname not in ("localhost", "127.0.0.1", "::1"):
        problems.append(_problem("JIRA_OAUTH_REDIRECT_URI", "is plain http; use https (only localhost may use http)"))
    concurrency = (env.get("WEB_CONCURRENCY") or "1").strip()
    several = bool((env.get("DYNO") or "").strip()) or (concurrency.isdigit() and int(concurrency) > 1)
    if several and not settings.redis_url:
        problems.append(_problem(
            "REDIS_URL", "is not set, but several processes or dynos (WEB_CONCURRENCY > 1 or DYNO) serve the app: "
            "each would keep its own sessions and sign people out at random. Add Redis (Heroku: the Key-Value Store add-on)",
        ))
    if (env.get("DYNO") or "").strip() and settings.redis_url.startswith("redis://"):
        problems.append(_problem("REDIS_URL", "is plaintext redis:// on Heroku; use the rediss:// URL the add-on provides"))
    return problems
