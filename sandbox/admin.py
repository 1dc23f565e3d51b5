"""``/_sandbox/...``: info, stats, faults, config and reset, plus the hooks every other request passes.

The hooks (``install``):

- before each request, the first live fault that matches its method and path may delay it, stall
  it, answer with an error status in Jira's body shape, or answer with broken JSON;
- after each request, its (method, route template, status) is counted for ``GET /_sandbox/stats``,
  which also reports the rate limits' state (``quota``: points spent, by user, refusals by reason).

Stats paths are Flask route templates written the OpenAPI way (``/rest/api/3/issue/{issueIdOrKey}``;
gateway calls keep ``/ex/jira/{cloudId}``). A request that matched no route is counted under its
raw path, so a client calling a route the sandbox lacks shows up by name. ``/_sandbox`` calls are
neither faulted nor counted. ``connections`` is read from a counter that ``sandbox.server``
increments per accepted TCP connection; under Flask's test client it stays 0.
"""

import random
import re
import threading
import time
from collections import Counter
from dataclasses import asdict, dataclass

from flask import Blueprint, Flask, current_app, jsonify, request

from sandbox import directory, quota
from sandbox.attachments import MEDIA_STATS_KEY, STORE_KEY
from sandbox.jira_http import QUOTA_KEY

ADMIN_PREFIX = "/_sandbox"
FAULTS_KEY = "sandbox_faults"
STATS_KEY = "sandbox_stats"
CONNECTIONS_KEY = "sandbox_connections"
RATE_SEED = 20240501  # every new fault list draws the same "rate" sequence


def _jira_error(message: str, **extra) -> dict:
    return {"errorMessages": [message], "errors": {}, **extra}


# Bodies Jira Cloud sends for these statuses, as recorded in
# jira-fixtures/responses/errors/error-bodies-from-issue-reports.json (429 adds "status").
_RECORDED_BODIES = {
    401: _jira_error("You are not authenticated. Authentication required to perform this operation."),
    403: _jira_error("You currently don't have access to perform this operation."),
    404: _jira_error("Issue does not exist or you do not have permission to see it."),
    429: _jira_error("The request has been rate-limited. Please try again later.", status=429),
}
# The first bytes of a search page, cut off: what a client sees when a proxy drops the connection.
TRUNCATED_JSON = b'{"isLast":false,"issues":[{"expand":"renderedFields,names","id":"10001","key":"ACM'

_TEMPLATE_VARIABLE = re.compile(r"<(?:[^<>:]+:)?([^<>:]+)>")

bp = Blueprint("sandbox_admin", __name__, url_prefix=ADMIN_PREFIX)


class ConnectionCounter:
    """A thread-safe count of accepted TCP connections."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value = 0

    def increment(self) -> None:
        """Count one more connection."""
        with self._lock:
            self._value += 1

    def reset(self) -> None:
        """Start again from 0."""
        with self._lock:
            self._value = 0

    @property
    def value(self) -> int:
        """The connections counted since the last reset."""
        with self._lock:
            return self._value


@dataclass
class Fault:
    """One entry of the fault list; ``count`` None means until cleared."""

    path: str | None = None
    method: str | None = None
    status: int | None = None
    retry_after: int | None = None
    latency_ms: float = 0
    stall_seconds: float = 0
    invalid_json: bool = False
    count: int | None = None
    rate: float = 1.0

    @property
    def live(self) -> bool:
        """Whether this fault has hits left."""
        return self.count is None or self.count > 0

    def matches(self, method: str, path: str) -> bool:
        """Return whether this fault applies to a request, before ``rate`` is drawn."""
        if not self.live:
            return False
        if self.method and self.method.upper() != method:
            return False
        return self.path is None or re.search(self.path, path) is not None


# key -> (accepted types, check on the value, what the value must be)
_FAULT_FIELDS = {
    "path": ((str,), lambda v: re.compile(v) is not None, "a regular expression"),
    "method": ((str,), lambda v: v.isalpha(), "an HTTP method"),
    "status": ((int,), lambda v: 100 <= v <= 599, "an HTTP status between 100 and 599"),
    "retry_after": ((int,), lambda v: v >= 0, "a whole number of seconds >= 0"),
    "latency_ms": ((int, float), lambda v: v >= 0, "a number of milliseconds >= 0"),
    "stall_seconds": ((int, float), lambda v: v >= 0, "a number of seconds >= 0"),
    "invalid_json": ((bool,), lambda v: True, "true or false"),
    "count": ((int,), lambda v: v >= 1, "a whole number >= 1"),
    "rate": ((int, float), lambda v: 0 <= v <= 1, "a fraction between 0 and 1"),
}


def parse_fault(raw: object) -> Fault:
    """Return the Fault that ``raw`` describes; raise ValueError naming the first bad key."""
    if not isinstance(raw, dict):
        raise ValueError("each fault must be a JSON object")
    for key, value in raw.items():
        if key not in _FAULT_FIELDS:
            raise ValueError(f"unknown fault key {key!r}; known: {', '.join(_FAULT_FIELDS)}")
        types, check, expected = _FAULT_FIELDS[key]
        if value is None:
            continue
        if isinstance(value, bool) and bool not in types or not isinstance(value, types):
            raise ValueError(f"fault key {key!r} must be {expected}")
        try:
            valid = check(value)
        except re.error as exc:
            raise ValueError(f"fault key 'path' is not a regular expression: {exc}") from exc
        if not valid:
            raise ValueError(f"fault key {key!r} must be {expected}")
    return Fault(**{key: value for key, value in raw.items() if value is not None})


class FaultList:
    """The live faults, shared by all request threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._random = random.Random(RATE_SEED)
        self._release = threading.Event()

    def replace(self, faults: list[Fault]) -> None:
        """Install ``faults`` instead of the current list and wake every stalled request."""
        with self._lock:
            self._faults = faults
            self._random = random.Random(RATE_SEED)
        self.release()

    def release(self) -> None:
        """End every stall now."""
        with self._lock:
            self._release.set()
            self._release = threading.Event()

    def snapshot(self) -> list[dict]:
        """Return the live faults as JSON objects, with their remaining counts."""
        with self._lock:
            return [asdict(fault) for fault in self._faults if fault.live]

    def take(self, method: str, path: str) -> Fault | None:
        """Return the first fault that hits this request, using up one of its ``count``."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path) and self._random.random() < fault.rate:
                    if fault.count is not None:
                        fault.count -= 1
                    return fault
        return None

    def wait(self, seconds: float) -> None:
        """Sleep ``seconds``, or less when the fault list is replaced (which ends stalls)."""
        with self._lock:
            release = self._release
        release.wait(seconds)


class RequestStats:
    """Thread-safe counts of (method, route template, status)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: Counter = Counter()

    def add(self, method: str, path: str, status: int) -> None:
        """Count one response."""
        with self._lock:
            self._counts[(method, path, status)] += 1

    def reset(self) -> None:
        """Forget every count."""
        with self._lock:
            self._counts.clear()

    def as_list(self) -> list[dict]:
        """Return the counts in the shape of ``GET /_sandbox/stats``, sorted by path."""
        with self._lock:
            items = sorted(self._counts.items(), key=lambda item: (item[0][1], item[0][0], item[0][2]))
        return [
            {"method": method, "path": path, "status": status, "count": count}
            for (method, path, status), count in items
        ]


def install(app: Flask) -> None:
    """Add the admin routes and the fault and counter hooks to ``app``."""
    app.extensions[FAULTS_KEY] = FaultList()
    app.extensions[STATS_KEY] = RequestStats()
    app.extensions[CONNECTIONS_KEY] = ConnectionCounter()
    app.before_request(_apply_fault)
    app.after_request(_count_response)
    app.register_blueprint(bp)


def route_template(rule: str) -> str:
    """Return a Flask rule with its variables written ``{name}``, as OpenAPI paths are."""
    return _TEMPLATE_VARIABLE.sub(r"{\1}", rule)


def error_body(status: int) -> dict:
    """Return the JSON body Jira Cloud sends with ``status``."""
    if status in _RECORDED_BODIES:
        return _RECORDED_BODIES[status]
    return _jira_error(f"The sandbox injected a fault: HTTP {status}.")


def _is_admin_path(path: str) -> bool:
    return path == ADMIN_PREFIX or path.startswith(ADMIN_PREFIX + "/")


def _apply_fault():
    if _is_admin_path(request.path):
        return None
    return apply_fault(current_app.extensions[FAULTS_KEY])


def apply_fault(faults):
    """Play the fault (if any) that matches this request: delays, then an error or broken JSON; else None."""
    fault = faults.take(request.method, request.path)
    if fault is None:
        return None
    if fault.latency_ms:
        time.sleep(fault.latency_ms / 1000)
    if fault.stall_seconds:
        faults.wait(fault.stall_seconds)
    if fault.status:
        return _fault_response(fault)
    if fault.invalid_json:
        return current_app.response_class(TRUNCATED_JSON, 200, mimetype="application/json")
    return None


def _fault_response(fault: Fault):
    response = jsonify(error_body(fault.status))
    response.status_code = fault.status
    if fault.retry_after is not None:
        response.headers["Retry-After"] = str(fault.retry_after)
    return response


def _count_response(response):
    if not _is_admin_path(request.path):
        rule = request.url_rule
        path = route_template(rule.rule) if rule is not None else request.path
        current_app.extensions[STATS_KEY].add(request.method, path, response.status_code)
    return response


def _identity():
    return current_app.extensions["sandbox_identity"]


def _quota() -> quota.Quota:
    return current_app.extensions[QUOTA_KEY]


def _json_object() -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise ValueError("the body must be a JSON object (Content-Type: application/json)")
    return body


@bp.errorhandler(ValueError)
def _invalid(exc: ValueError):
    return jsonify(_jira_error(str(exc))), 400


@bp.get("/info")
def info():
    """Return who exists: users with their credentials, sites and the OAuth client."""
    fields = ("name", "email", "api_token", "account_id", "sites", "projects", "admin")
    users = [{field: user[field] for field in fields} for user in directory.USERS]
    sites = [{"id": site["id"], "name": site["name"], "url": site["url"]} for site in directory.SITES]
    crowd = [{field: user[field] for field in fields} for user in directory.CROWD]
    return jsonify({"users": users, "sites": sites, "oauth": _identity().oauth_info(), "crowd": crowd})


@bp.get("/stats")
def stats():
    """Return the request, OAuth and connection counters since start or the last reset."""
    return jsonify({
        "requests": current_app.extensions[STATS_KEY].as_list(),
        "oauth": _identity().counters(),
        "connections": current_app.extensions[CONNECTIONS_KEY].value,
        "quota": _quota().stats(),
        "media": current_app.extensions[MEDIA_STATS_KEY].as_dict(),  # the media origin (sandbox.media)
    })


@bp.post("/stats/reset")
def reset_stats():
    """Zero every counter."""
    _reset_counters()
    return stats()


_FAULTS_BODY_KEYS = ("faults", "expire_access_tokens", "revoke_grant")


@bp.post("/faults")
def set_faults():
    """Replace the fault list and/or expire tokens or revoke a grant at once."""
    body = _json_object()
    unknown = sorted(set(body) - set(_FAULTS_BODY_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; known: {', '.join(_FAULTS_BODY_KEYS)}")
    faults = _parse_fault_list(body["faults"]) if "faults" in body else None
    result = _act_on_identity(body)
    if faults is not None:
        current_app.extensions[FAULTS_KEY].replace(faults)
    return jsonify({"faults": current_app.extensions[FAULTS_KEY].snapshot(), **result})


def _parse_fault_list(raw: object) -> list[Fault]:
    if not isinstance(raw, list):
        raise ValueError("'faults' must be a list of fault objects")
    return [parse_fault(item) for item in raw]


def _act_on_identity(body: dict) -> dict:
    expire = body.get("expire_access_tokens", False)
    who = body.get("revoke_grant")
    if not isinstance(expire, bool):
        raise ValueError("'expire_access_tokens' must be true or false")
    if who is not None and not isinstance(who, str):
        raise ValueError("'revoke_grant' must be a user's name or e-mail")
    result = {}
    if expire:
        _identity().expire_access_tokens()
        result["expired_access_tokens"] = True
    if who is not None and not _identity().revoke_grant(who):
        raise ValueError(f"'revoke_grant': no sandbox user is called {who!r}")
    if who is not None:
        result["revoked_grant"] = who
    return result


@bp.post("/config")
def configure():
    """Change the identity and rate-limit settings; return the effective configuration."""
    body = _json_object()
    limits = _quota().configure({key: value for key, value in body.items() if quota.owns(key)})
    return jsonify({**_identity().configure({key: value for key, value in body.items() if not quota.owns(key)}),
                    **limits})


@bp.post("/reset")
def reset():
    """Restore the seed data and clear faults, grants and counters."""
    current_app.extensions["sandbox_world"].reset()
    current_app.extensions["sandbox_filters"].reset()
    current_app.extensions[STORE_KEY].reset(current_app.extensions["sandbox_world"])
    _identity().reset()
    _quota().reset()
    current_app.extensions[FAULTS_KEY].replace([])
    _reset_counters()
    return jsonify({"reset": True})


def _reset_counters() -> None:
    current_app.extensions[STATS_KEY].reset()
    current_app.extensions[CONNECTIONS_KEY].reset()
    current_app.extensions[MEDIA_STATS_KEY].reset()
    _identity().reset_counters()
    _quota().reset_counters()
