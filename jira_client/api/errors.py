"""Everything that can go wrong talking to Jira, as one small exception tree.

::

    JiraError(message, status, url, details)
    ├─ TransportError     timeout or connection failure (no answer at all)
    ├─ BadRequest         400: bad JQL, field errors (.field_errors)
    ├─ AuthError          401, or a refresh that failed
    ├─ PermissionDenied   403
    ├─ NotFound           404 (missing, or hidden from this user: Jira does not say which)
    ├─ Conflict           409
    ├─ RateLimited        429 (.retry_after, seconds)
    └─ ServerError        5xx and anything unexpected
       └─ BadResponse     an answer we cannot read (not JSON, wrong shape)

``error_for_status`` turns a response into the right class through one table, folding Jira's
``errorMessages`` and ``errors`` into ``details``.
"""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from datetime import datetime, timezone


class JiraError(Exception):
    """A call to Jira failed; ``details`` holds Jira's own messages, if it sent any."""

    default_message = "Jira could not complete the request."

    def __init__(
        self,
        message: str | None = None,
        status: int | None = None,
        url: str | None = None,
        details: tuple[str, ...] = (),
        field_errors: dict[str, str] | None = None,
    ) -> None:
        self.message = message or self.default_message
        self.status = status
        self.url = url
        self.details = tuple(details)
        self.field_errors = dict(field_errors or {})
        super().__init__(self.message)


class TransportError(JiraError):
    default_message = "Jira did not answer."

    def __init__(self, *args, timed_out: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.timed_out = timed_out


class BadRequest(JiraError):
    default_message = "Jira refused the request as invalid."


class AuthError(JiraError):
    default_message = "Jira did not accept the credentials."


class PermissionDenied(JiraError):
    default_message = "You do not have permission to do that in Jira."


class NotFound(JiraError):
    default_message = "Jira has no such item, or you are not allowed to see it."


class Conflict(JiraError):
    default_message = "Jira reported a conflict with another change."


class RateLimited(JiraError):
    default_message = "Jira is limiting the rate of requests."

    def __init__(self, *args, retry_after: float | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.retry_after = retry_after


class ServerError(JiraError):
    default_message = "Jira had a problem answering."


class BadResponse(ServerError):
    default_message = "Jira sent an answer that could not be read."


STATUS_ERRORS: dict[int, type[JiraError]] = {
    400: BadRequest,
    401: AuthError,
    403: PermissionDenied,
    404: NotFound,
    409: Conflict,
    429: RateLimited,
}

MAX_RETRY_AFTER = 24 * 3600.0


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Return the seconds a ``Retry-After`` header asks for, clamped to [0, a day]; None if unusable."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def jira_messages(payload: object) -> tuple[tuple[str, ...], dict[str, str]]:
    """Return (messages, field errors) from a Jira error body, tolerating any shape."""
    if not isinstance(payload, dict):
        return (), {}
    messages = [str(m) for m in payload.get("errorMessages") or [] if m]
    errors = payload.get("errors")
    field_errors = {str(k): str(v) for k, v in errors.items()} if isinstance(errors, dict) else {}
    for key in ("message", "error_description"):
        if isinstance(payload.get(key), str) and not messages:
            messages.append(payload[key])
    return tuple(messages), field_errors


def error_for_status(status: int, url: str, payload: object, retry_after: str | None) -> JiraError:
    """Return the JiraError for an unsuccessful HTTP status."""
    cls = STATUS_ERRORS.get(status, ServerError)
    details, field_errors = jira_messages(payload)
    kwargs = {"status": status, "url": url, "details": details, "field_errors": field_errors}
    if cls is RateLimited or (cls is ServerError and retry_after):
        seconds = parse_retry_after(retry_after)
        if cls is RateLimited:
            return RateLimited(retry_after=seconds, **kwargs)
        error = ServerError(**kwargs)
        error.retry_after = seconds
        return error
    return cls(**kwargs)
