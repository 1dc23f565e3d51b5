"""The environment, read once at start-up into typed, frozen settings.

Names are those of the deployment guide (``APP_MODE``, ``JIRA_BASE_URL``, ...). Every problem is
reported at once, each naming its variable and what it is for, so a bad deployment fails at
start rather than on the first page view. Views never read the environment.
"""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from typing import Callable, Mapping
from urllib.parse import urlsplit

import click

from jira_client.api.transport import Network

MODES = ("single_user", "multi_user")
# Boards and sprints (Jira Software) take granular scopes only: these are what jira_client/api/agile.py calls need.
BOARD_SCOPES = ("read:board-scope:jira-software read:board-scope.admin:jira-software read:sprint:jira-software "
                "write:board-scope:jira-software write:sprint:jira-software read:project:jira "
                "read:issue-details:jira read:jql:jira")
DEFAULT_SCOPES = "read:jira-user read:jira-work write:jira-work offline_access " + BOARD_SCOPES
DEFAULT_AUTH_URL = "https://auth.atlassian.com"
DEFAULT_API_URL = "https://api.atlassian.com"
PLACEHOLDER_SECRETS = {"", "change-me", "changeme", "dev", "secret", "replace-me", "please-change-me"}
# Secrets that must be long random values: production refuses them with too little variety.
RANDOM_SECRETS = ("SECRET_KEY", "ADMIN_TOKEN", "TOKEN_ENCRYPTION_KEY", "METRICS_TOKEN")
MIN_DISTINCT_CHARACTERS = 6  # 24 random hex digits show fewer only about once in 10**8 draws


@dataclass(frozen=True)
class Variable:
    """One environment variable: its name, what it is for, and how /setup may show it."""

    name: str
    purpose: str
    attribute: str = ""  # the Settings field that holds it ("" when the app itself does not keep it)
    secret: bool = False  # /setup and repr() never show its value
    on_setup: bool = False  # listed on /setup


def _v(name: str, purpose: str, attribute: str | None = None, **flags: bool) -> Variable:
    return Variable(name, purpose, name.lower() if attribute is None else attribute, **flags)


# Every variable the app, gunicorn.conf.py and `python web_app.py` read, each named once: the
# doctor's messages, /setup and the .env.example check all read this one list.
VARIABLES: tuple[Variable, ...] = (
    _v("APP_MODE", "chooses single_user (one shared API token) or multi_user (Sign in with Atlassian)", on_setup=True),
    _v("SECRET_KEY", "signs the session cookie and CSRF tokens; must be the same long random value on every worker",
       secret=True, on_setup=True),
    _v("JIRA_BASE_URL", "your Jira Cloud site, e.g. https://your-team.atlassian.net", on_setup=True),
    _v("JIRA_EMAIL", "the Atlassian account e-mail the shared API token belongs to", on_setup=True),
    _v("JIRA_API_TOKEN", "the shared Jira API token (create one at id.atlassian.com > Security > API tokens)",
       secret=True, on_setup=True),
    _v("JIRA_CLOUD_ID", "the site's cloud id, to send scoped API tokens through the api.atlassian.com gateway", on_setup=True),
    _v("JIRA_OAUTH_CLIENT_ID", "the Client ID of your OAuth 2.0 (3LO) app in the Atlassian developer console",
       "oauth_client_id", on_setup=True),
    _v("JIRA_OAUTH_CLIENT_SECRET", "the Secret of your OAuth 2.0 (3LO) app in the Atlassian developer console",
       "oauth_client_secret", secret=True, on_setup=True),
    _v("JIRA_OAUTH_REDIRECT_URI", "the callback URL registered for your OAuth app, ending in /auth/callback",
       "oauth_redirect_uri", on_setup=True),
    _v("JIRA_OAUTH_SCOPES", "the OAuth scopes to request, space-separated", "oauth_scopes", on_setup=True),
    _v("ATLASSIAN_AUTH_URL", "Atlassian's authorization server", on_setup=True),
    _v("ATLASSIAN_API_URL", "Atlassian's API gateway", on_setup=True),
    _v("TOKEN_ENCRYPTION_KEY", "the secret OAuth token records are encrypted with (defaults to one derived from SECRET_KEY)",
       secret=True, on_setup=True),
    _v("ADMIN_TOKEN", "unlocks /setup in multi_user mode: an emergency admin session on the shared API token",
       secret=True, on_setup=True),
    _v("REDIS_URL", "the Redis server that holds sessions and tokens (redis:// or rediss://)", secret=True),
    _v("REDIS_TLS_VERIFY", "false to accept a self-signed Redis certificate (Heroku Key-Value Store); default true"),
    _v("HOST", "the address `python web_app.py` listens on"),
    _v("PORT", "the port the local server (and gunicorn's default bind) listens on"),
    _v("FORCE_HTTPS", "serves only https: a Secure __Host-session cookie, HSTS, plain http redirected "
       "(true/false; default true when JIRA_OAUTH_REDIRECT_URI is https)"),
    _v("SESSION_IDLE_MINUTES", "minutes without a request after which a session ends"),
    _v("SESSION_MAX_HOURS", "hours after which a session ends however active it is"),
    _v("TRUSTED_PROXY_COUNT", "how many proxies in front of the app set X-Forwarded-For/-Proto (Heroku: 1; none: 0)"),
    _v("TRUST_FORWARDED_HOST", "true to also take the host name from X-Forwarded-Host (only if your proxy sets it)"),
    _v("FORWARDED_ALLOW_IPS", "comma-separated addresses or networks of the proxies whose forwarded headers are "
       "believed (* on Heroku)"),
    _v("MAX_CONTENT_LENGTH", "the largest request body accepted, in bytes"),
    _v("MAX_UPLOAD_MB", "the most megabytes of files one upload to an issue may carry (attachments; Jira's own "
       "limit per file applies too); only the upload page accepts a body this large"),
    _v("WEB_CONCURRENCY", "the number of gunicorn worker processes", ""),
    _v("GUNICORN_THREADS", "threads per gunicorn worker (default 4)", ""),
    _v("GUNICORN_CMD_ARGS", "gunicorn's own overrides, e.g. --bind 127.0.0.1:8000 behind a local proxy", ""),
    _v("DYNO", "set by Heroku on every dyno", ""),
    _v("METRICS_TOKEN", "when set, GET /metrics requires the header 'Authorization: Bearer <METRICS_TOKEN>'", secret=True),
    _v("LOG_LEVEL", "the least severe log level written to stderr as JSON lines (DEBUG, INFO, WARNING, ERROR)"),
    _v("PROMETHEUS_MULTIPROC_DIR", "under several gunicorn workers, an empty folder where each worker keeps its metrics", ""),
    _v("JIRA_RETRY_BACKOFF", "seconds before the first retry of a failed read (doubling after; default 0.5)"),
    _v("JIRA_POINTS_PER_HOUR", "the hourly points quota Atlassian gives your OAuth app, shared by everyone signed in "
       "(default 65000); the app spreads it fairly", on_setup=True),
    _v("JIRA_CACHE_SECONDS", "seconds a page's Jira data is reused for the same person (default 60; 0: always ask Jira)",
       on_setup=True),
    _v("JIRA_SANDBOX", "1 starts the built-in sandbox and points the app at it, also under gunicorn (demos only)", "sandbox"),
    _v("SANDBOX_PORT", "the port of the built-in sandbox (default 5001; 0 picks a free one)"),
    _v("SANDBOX_URL", "set by the sandbox launcher: the sandbox the app talks to (shown as a banner)"),
    _v("INSTANCE_PATH", "the folder for session files, token records and locks (default ./instance)"),
    _v("HTTPS_PROXY", "the proxy for https calls to Atlassian on a company network, e.g. http://proxy.corp:3128 "
       "(credentials in the URL go to the proxy only; https_proxy is read too)", secret=True, on_setup=True),
    _v("HTTP_PROXY", "the proxy for plain http calls (only a http:// Jira uses it; http_proxy is read too)", secret=True,
       on_setup=True),
    _v("NO_PROXY", "hosts, domain suffixes (.corp.example) or networks reached without the proxy, comma-separated; "
       "* for all (no_proxy is read too; loopback is always direct)", on_setup=True),
    _v("REQUESTS_CA_BUNDLE", "a PEM file (or folder) of the CAs to trust for calls to Atlassian instead of the "
       "default ones, e.g. your company's TLS-inspecting proxy's CA", "ca_bundle", on_setup=True),
    _v("SSL_CERT_FILE", "the CA bundle used when REQUESTS_CA_BUNDLE is not set", ""),
)
PURPOSE = {variable.name: variable.purpose for variable in VARIABLES}
ATTRIBUTES = {variable.name: variable.attribute for variable in VARIABLES if variable.attribute}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingsError(click.ClickException):
    """The environment cannot run the app; ``problems`` lists one sentence per bad variable.

    A ClickException, so ``flask --app web_app <command>`` prints the list and exits 1 instead
    of a traceback; gunicorn and ``python web_app.py`` show it like any start-up error.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Configuration problems:\n" + "\n".join(f"- {p}" for p in problems))


def _secret() -> str:
    return field(default="", repr=False)  # never in a repr, a log line or a traceback


@dataclass(frozen=True)
class Settings:
    """The validated settings; fields are named after their variables (``VARIABLES`` maps them)."""

    app_mode: str = "single_user"
    secret_key: str = _secret()
    jira_base_url: str = ""
    jira_email: str = ""
    jira_api_token: str = _secret()
    jira_cloud_id: str = ""
    oauth_client_id: str = ""
    oauth_client_secret: str = _secret()
    oauth_redirect_uri: str = ""
    oauth_scopes: str = DEFAULT_SCOPES
    atlassian_auth_url: str = DEFAULT_AUTH_URL
    atlassian_api_url: str = DEFAULT_API_URL
    redis_url: str = _secret()  # may carry a password
    token_encryption_key: str = _secret()
    admin_token: str = _secret()  # multi_user: unlocks /setup (emergency access on the shared API token)
    sandbox_url: str = ""  # set when the built-in sandbox stands in for Jira (shown as a banner)
    host: str = "127.0.0.1"
    port: int = 5000
    metrics_token: str = _secret()  # empty: /metrics is open (keep it on a private network then)
    log_level: str = "INFO"
    force_https: bool = False
    session_idle_minutes: int = 30
    session_max_hours: int = 12
    trusted_proxy_count: int = 0
    trust_forwarded_host: bool = False
    forwarded_allow_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    redis_tls_verify: bool = True
    max_content_length: int = 1024 * 1024
    max_upload_mb: int = 100
    jira_retry_backoff: float = 0.5
    jira_points_per_hour: int = 65000  # the OAuth app's hourly points quota at Atlassian (jira_client/quota)
    jira_cache_seconds: int = 60  # how long one person's Jira reads are reused (jira_client/quota/cache.py)
    sandbox: bool = False  # JIRA_SANDBOX=1: the launcher starts the built-in sandbox
    sandbox_port: int = 5001
    instance_path: str = ""
    https_proxy: str = _secret()  # may carry the proxy's password
    http_proxy: str = _secret()
    no_proxy: str = ""
    ca_bundle: str = ""

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
            port=_port(get("PORT", "5000"), "PORT", problems),
            metrics_token=get("METRICS_TOKEN"),
            log_level=get("LOG_LEVEL", "INFO").upper(),
            jira_retry_backoff=_backoff(get("JIRA_RETRY_BACKOFF", "0.5"), problems),
            sandbox=get("JIRA_SANDBOX") == "1",
            sandbox_port=_port(get("SANDBOX_PORT", "5001"), "SANDBOX_PORT", problems, allow_zero=True),
            instance_path=get("INSTANCE_PATH"),
            **serving,
            **_network_settings(get, problems),
        )
        if settings.log_level not in LOG_LEVELS:
            problems.append(_problem("LOG_LEVEL", f"is {settings.log_level!r}; use one of {', '.join(LOG_LEVELS)}"))
        problems += settings._mode_problems()
        if production:
            problems += _production_problems(settings, env, already={p.split(" ", 1)[0] for p in problems})
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
        return str(getattr(self, ATTRIBUTES[name]))

    @property
    def uses_sandbox(self) -> bool:
        return bool(self.sandbox_url)

    @property
    def network(self) -> Network:
        """Return how calls to Jira and Atlassian leave this machine (proxies, CA bundle)."""
        return Network(self.https_proxy, self.http_proxy, self.no_proxy, self.ca_bundle)


def _port(value: str, name: str, problems: list[str], *, allow_zero: bool = False) -> int:
    """Return ``value`` as a port number, noting a problem (and returning 0) when it is not one."""
    if value.isdigit() and (allow_zero or int(value) > 0) and int(value) < 65536:
        return int(value)
    problems.append(_problem(name, f"is {value!r}, not a port number"))
    return 0


def _backoff(value: str, problems: list[str]) -> float:
    """Return the retry back-off in seconds, noting a problem when it is not a number from 0 to 10."""
    try:
        seconds = float(value)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 10:
        problems.append(_problem("JIRA_RETRY_BACKOFF", f"is {value!r}, not a number of seconds from 0 to 10"))
        return 0.5
    return seconds


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
        "jira_points_per_hour": number("JIRA_POINTS_PER_HOUR", 65000, 1, 10**9),
        "jira_cache_seconds": number("JIRA_CACHE_SECONDS", 60, 0, 3600),
        "max_upload_mb": number("MAX_UPLOAD_MB", 100, 1, 10 * 1024),
    }


def too_little_variety(value: str) -> bool:
    """Return whether a secret is plainly not random: few distinct characters, one dominating, or a short repeat.

    Catches ``'0' * 64``, an admin token of 24 identical characters, ``'ab' * 32`` and the like;
    random values of the advised lengths pass (tests/production/test_production_settings.py).
    """
    if not value:
        return False
    if len(set(value)) < MIN_DISTINCT_CHARACTERS or max(value.count(ch) for ch in set(value)) * 2 > len(value):
        return True
    return any(value == value[:period] * (len(value) // period) + value[: len(value) % period]
               for period in range(1, len(value) // 3 + 1))


def _network_settings(get: Callable[..., str], problems: list[str]) -> dict:
    """Return the proxy and CA settings (upper- or lower-case names, as curl and requests read them), noting bad ones."""
    values = {}
    for name, attribute in (("HTTPS_PROXY", "https_proxy"), ("HTTP_PROXY", "http_proxy"), ("NO_PROXY", "no_proxy")):
        values[attribute] = get(name) or get(name.lower())
    for name in ("HTTPS_PROXY", "HTTP_PROXY"):
        proxy = urlsplit(values[name.lower()])
        if values[name.lower()] and (proxy.scheme not in ("http", "https") or not proxy.hostname):
            problems.append(_problem(name, "is not an http:// or https:// proxy URL with a host"))  # never echoed: a password
    source = "REQUESTS_CA_BUNDLE" if get("REQUESTS_CA_BUNDLE") else "SSL_CERT_FILE"
    values["ca_bundle"] = get(source)
    if values["ca_bundle"] and not os.access(values["ca_bundle"], os.R_OK):
        problems.append(_problem(source, f"is {values['ca_bundle']!r}, which is not a readable file or folder"))
    return values


def _production_problems(settings: Settings, env: Mapping[str, str], already: set[str] = frozenset()) -> list[str]:
    """Return what production must not run with: plain-http callbacks, per-process sessions, guessable secrets."""
    problems = [
        _problem(name, "has too little variety (one character repeated, one that makes up most of it, or a short "
                       "pattern); use a long random value, e.g. from `python -c \"import secrets; print(secrets.token_hex(32))\"`")
        for name in RANDOM_SECRETS if name not in already and too_little_variety(settings.value_of(name))
    ]
    if settings.token_encryption_key and len(settings.token_encryption_key) < 32:
        problems.append(_problem("TOKEN_ENCRYPTION_KEY", "is shorter than 32 characters; use a long random value"))
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
