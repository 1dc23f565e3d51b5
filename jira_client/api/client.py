"""JiraClient: the typed calls this app makes to Jira Cloud REST v3, and nothing else.

One private ``_request`` joins the URL, applies the timeout, retries reads, maps failures to the
JiraError tree and decodes JSON. Resource methods stay a few lines each and return models.
The client is cheap and built per request; the HTTP transport under it is shared per process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol

import msgspec
import requests

from jira_client.api import keys
from jira_client.api.errors import BadResponse, TransportError, error_for_status, parse_retry_after
from jira_client.api.models import (
    ISSUE_FIELDS, LIST_FIELDS, Comment, EditableIssue, FieldMeta, Issue, IssueSummary, Named, Project,
    TransitionScreen, User,
)
from jira_client.api.pagination import Page, offset_page, token_page

API = "/rest/api/3"
DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
# All calls of one client (one page view) share this many seconds, retries and waits included,
# so a page answers before gunicorn's 25 s worker timeout and Heroku's 30 s router limit.
DEFAULT_TIME_BUDGET = 20.0
MIN_ATTEMPT_SECONDS = 1.0  # no call is started with less time than this left
MAX_BODY_BYTES = 16 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 502, 503, 504})
CREATEMETA_PAGE = 200  # Jira's cap for createmeta pages; a screen with more fields is rare


@dataclass(frozen=True)
class RetryPolicy:
    """How reads are retried: at most ``attempts`` tries, never waiting more than ``budget`` in all.

    ``Retry-After`` is honoured when it fits in what is left of the budget; when it does not,
    the error is raised at once (with its ``retry_after``) rather than keeping the page waiting.
    """

    attempts: int = 3
    budget: float = 4.0
    backoff: float = 0.5

    def wait_for(self, attempt: int, retry_after: float | None) -> float:
        """Return how long to wait before try number ``attempt + 1``."""
        return retry_after if retry_after is not None else self.backoff * (2**attempt)


class CallObserver(Protocol):
    """Told about every HTTP attempt and every wait before a retry (metrics, logs, rate limits)."""

    def sent(self, method: str, url: str, status: int | None, seconds: float, headers: Mapping[str, str]) -> None:
        """Record one attempt: ``status`` is None when no answer came; ``seconds`` is time to headers."""

    def waited(self, seconds: float) -> None:
        """Record time slept before retrying a read."""


class JiraClient:
    """Talks to one Jira site (or the api.atlassian.com gateway) for one person."""

    def __init__(
        self,
        transport: requests.Session,
        base_url: str,
        auth: Any = None,
        *,
        timeout: tuple[float, float] = DEFAULT_TIMEOUT,
        retry: RetryPolicy = RetryPolicy(),
        sleep: Callable[[float], None] = time.sleep,
        observer: CallObserver | None = None,
        request_id: str | None = None,
        time_budget: float = DEFAULT_TIME_BUDGET,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.timeout = timeout
        self.retry = retry
        self.observer = observer
        self.headers = {"Accept": "application/json"}
        if request_id:
            self.headers["X-Request-ID"] = request_id  # lets Jira-side logs be matched to ours
        self.sleep = sleep
        if observer is not None:
            def sleep_and_report(seconds: float) -> None:
                sleep(seconds)
                observer.waited(seconds)

            self.sleep = sleep_and_report
        self.calls = 0  # HTTP requests sent, for logs and tests
        self.clock = clock
        self.deadline = clock() + time_budget

    # -- resources ---------------------------------------------------------------------------

    def myself(self) -> User:
        """Return the person the credentials belong to."""
        return User.from_api(self._request("GET", "myself"))

    def list_projects(self, query: str = "", start_at: int = 0, max_results: int = 50) -> Page[Project]:
        """Return one page of the projects this person may browse, filtered by key or name."""
        params = {"startAt": start_at, "maxResults": max_results, "orderBy": "name"}
        if query:
            params["query"] = query
        return offset_page(self._request("GET", "project/search", params=params), "values", Project.from_api)

    def search_issues(
        self, jql: str, next_page_token: str | None = None, max_results: int = 50, fields=LIST_FIELDS
    ) -> Page[IssueSummary]:
        """Return one page of issues matching ``jql`` (enhanced search: token paging, no total)."""
        body = {"jql": jql, "maxResults": max_results, "fields": list(fields)}
        if next_page_token:
            body["nextPageToken"] = next_page_token
        payload = self._request("POST", "search/jql", json=body, idempotent=True)
        return token_page(payload, "issues", IssueSummary.from_api)

    def approximate_count(self, jql: str) -> int:
        """Return Jira's estimate of how many issues match ``jql``."""
        payload = self._request("POST", "search/approximate-count", json={"jql": jql}, idempotent=True)
        count = payload.get("count") if isinstance(payload, dict) else None
        if not isinstance(count, int):
            raise BadResponse("Jira's count had no number in it.")
        return count

    def get_issue(self, key: str) -> Issue:
        """Return an issue with its first comments, its transitions and what may be edited, in one call."""
        path = f"issue/{keys.segment(keys.issue_key(key))}"
        params = {"fields": ",".join(ISSUE_FIELDS), "expand": "transitions,editmeta"}
        return Issue.from_api(self._request("GET", path, params=params))

    def list_comments(self, key: str, start_at: int = 0, max_results: int = 50) -> Page[Comment]:
        """Return one page of an issue's comments, oldest first."""
        path = f"issue/{keys.segment(keys.issue_key(key))}/comment"
        params = {"startAt": start_at, "maxResults": max_results, "orderBy": "created"}
        return offset_page(self._request("GET", path, params=params), "comments", Comment.from_api)

    def add_comment(self, key: str, body: dict) -> Comment:
        """Add a comment (an ADF document) to an issue and return it; never retried."""
        path = f"issue/{keys.segment(keys.issue_key(key))}/comment"
        return Comment.from_api(self._request("POST", path, json={"body": body}))

    # -- writes and what their forms need -----------------------------------------------------

    def list_create_issue_types(self, project_key: str) -> tuple[Named, ...]:
        """Return the issue types this person may create in a project (createmeta)."""
        path = f"issue/createmeta/{keys.segment(keys.project_key(project_key))}/issuetypes"
        payload = self._request("GET", path, params={"maxResults": CREATEMETA_PAGE})
        return tuple(t for t in offset_page(payload, "issueTypes", Named.from_api) if t)

    def list_create_fields(self, project_key: str, issue_type_id: str) -> tuple[FieldMeta, ...]:
        """Return the fields of a project's create screen for one issue type (createmeta)."""
        path = f"issue/createmeta/{keys.segment(keys.project_key(project_key))}/issuetypes/{keys.numeric_id(issue_type_id)}"
        payload = self._request("GET", path, params={"maxResults": CREATEMETA_PAGE})
        return offset_page(payload, "fields", FieldMeta.from_api).items

    def create_issue(self, fields: dict) -> str:
        """Create an issue from Jira-shaped ``fields`` and return its key; never retried."""
        payload = self._request("POST", "issue", json={"fields": fields})
        return keys.issue_key(payload.get("key") if isinstance(payload, dict) else None)

    def get_editable_issue(self, key: str) -> EditableIssue:
        """Return an issue's current field values with its editmeta, in one call."""
        path = f"issue/{keys.segment(keys.issue_key(key))}"
        return EditableIssue.from_api(self._request("GET", path, params={"expand": "editmeta"}))

    def update_issue(self, key: str, fields: dict | None = None, update: dict | None = None) -> None:
        """Change an issue's fields (``fields`` sets values, ``update`` adds/removes); never retried."""
        body = {name: value for name, value in (("fields", fields), ("update", update)) if value}
        self._request("PUT", f"issue/{keys.segment(keys.issue_key(key))}", json=body)

    def list_transitions(self, key: str, transition_id: str | None = None) -> tuple[TransitionScreen, ...]:
        """Return the transitions Jira allows on an issue now, each with its screen's fields."""
        params = {"expand": "transitions.fields"}
        if transition_id is not None:
            params["transitionId"] = keys.numeric_id(transition_id)
        payload = self._request("GET", f"issue/{keys.segment(keys.issue_key(key))}/transitions", params=params)
        return tuple(TransitionScreen.from_api(t) for t in (payload or {}).get("transitions") or () if isinstance(t, dict))

    def transition_issue(self, key: str, transition_id: str, fields: dict | None = None, update: dict | None = None) -> None:
        """Move an issue through a transition, with its screen's values; never retried."""
        body = {"transition": {"id": keys.numeric_id(transition_id)}, "fields": fields or {}, "update": update or {}}
        self._request("POST", f"issue/{keys.segment(keys.issue_key(key))}/transitions", json=body)

    def assign_issue(self, key: str, account_id: str | None) -> None:
        """Assign an issue to ``account_id`` (None: nobody); never retried."""
        path = f"issue/{keys.segment(keys.issue_key(key))}/assignee"
        self._request("PUT", path, json={"accountId": account_id})

    def search_assignable_users(self, query: str, *, issue_key: str = "", project_key: str = "",
                                max_results: int = 20) -> tuple[User, ...]:
        """Return up to ``max_results`` people who may be assigned the issue (or the project's issues) matching ``query``."""
        where = {"issueKey": keys.issue_key(issue_key)} if issue_key else {"project": keys.project_key(project_key)}
        params = {**where, "query": query, "maxResults": max_results}
        payload = self._request("GET", "user/assignable/search", params=params)
        return tuple(u for u in (User.from_api(p) for p in payload or () if isinstance(p, dict)) if u)

    def get_comment(self, key: str, comment_id: str) -> Comment:
        """Return one comment of an issue."""
        return Comment.from_api(self._request("GET", _comment_path(key, comment_id)))

    def update_comment(self, key: str, comment_id: str, body: dict) -> Comment:
        """Replace a comment's body (an ADF document) and return it; never retried."""
        return Comment.from_api(self._request("PUT", _comment_path(key, comment_id), json={"body": body}))

    def delete_comment(self, key: str, comment_id: str) -> None:
        """Delete a comment; never retried."""
        self._request("DELETE", _comment_path(key, comment_id))

    # -- plumbing ----------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, *, params=None, json=None, idempotent: bool | None = None
    ) -> Any:
        """Send one call (retrying reads only) and return its decoded JSON, or None for 204."""
        url = f"{self.base_url}{API}/{path}"
        if idempotent is None:
            idempotent = method in ("GET", "HEAD")
        attempts = self.retry.attempts if idempotent else 1
        waited = 0.0
        for attempt in range(attempts):
            response = self._send(method, url, params, json, retry_connection=idempotent)
            if response.status_code not in RETRY_STATUSES or attempt == attempts - 1:
                break
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = self.retry.wait_for(attempt, retry_after)
            if waited + wait > self.retry.budget or self._seconds_left() - wait < MIN_ATTEMPT_SECONDS:
                break
            response.close()
            self.sleep(wait)
            waited += wait
        return self._decode(response, url)

    def _send(self, method, url, params, json, *, retry_connection: bool) -> requests.Response:
        """Send once (a read whose pooled connection turned out dead is sent once more)."""
        for attempt in (1, 2):
            timeout = self._timeout_within_budget(url)
            self.calls += 1
            started, response = time.perf_counter(), None
            try:
                response = self.transport.request(
                    method, url, params=params, json=json, auth=self.auth, timeout=timeout,
                    allow_redirects=False, stream=True, headers=self.headers,
                )
                return response
            except requests.Timeout as exc:
                raise TransportError("Jira did not answer in time.", url=url, timed_out=True) from exc
            except requests.ConnectionError as exc:
                if not retry_connection or attempt == 2:
                    raise TransportError("Could not connect to Jira.", url=url) from exc
            except requests.RequestException as exc:
                raise TransportError("The request to Jira failed.", url=url) from exc
            finally:
                if self.observer is not None:  # status None: no answer (timeout, connection)
                    status = response.status_code if response is not None else None
                    headers = response.headers if response is not None else {}
                    self.observer.sent(method, url, status, time.perf_counter() - started, headers)
        raise AssertionError("unreachable")

    def _seconds_left(self) -> float:
        return self.deadline - self.clock()

    def _timeout_within_budget(self, url: str) -> tuple[float, float]:
        """Return (connect, read) timeouts shortened to what is left of the time budget."""
        left = self._seconds_left()
        if left < MIN_ATTEMPT_SECONDS:
            raise TransportError("Jira did not answer in time.", url=url, timed_out=True)
        connect, read = self.timeout
        connect = min(connect, left / 2)
        return connect, max(min(read, left - connect), MIN_ATTEMPT_SECONDS / 2)

    def _decode(self, response: requests.Response, url: str) -> Any:
        """Return the JSON of a successful response; raise the JiraError of a failed one."""
        body = _read_capped(response, url)
        payload = None
        if body:
            try:
                payload = decode_json(body)
            except ValueError as exc:
                if response.ok:
                    raise BadResponse(status=response.status_code, url=url) from exc
        if not response.ok or 300 <= response.status_code < 400:
            raise error_for_status(response.status_code, url, payload, response.headers.get("Retry-After"))
        return payload


def decode_json(body: bytes) -> Any:
    """Return the JSON in ``body``: msgspec reads it in half json's time; what it refuses, json decides.

    msgspec is strict (no NaN, no BOM, no lone surrogates, UTF-8 only) and otherwise gives what
    json gives, so handing its refusals to json keeps exactly json's answers and json's errors.
    """
    try:
        return msgspec.json.decode(body)
    except (msgspec.MsgspecError, ValueError):
        return requests.models.complexjson.loads(body)


def _comment_path(key: str, comment_id: str) -> str:
    """Return the path of one comment, both parts validated."""
    return f"issue/{keys.segment(keys.issue_key(key))}/comment/{keys.numeric_id(comment_id)}"


def _read_capped(response: requests.Response, url: str) -> bytes:
    """Return the body, refusing one larger than MAX_BODY_BYTES."""
    try:
        declared = int(response.headers.get("Content-Length") or 0)
        if declared > MAX_BODY_BYTES:
            raise BadResponse("Jira's answer was too large.", status=response.status_code, url=url)
        chunks, size = [], 0
        for chunk in response.iter_content(64 * 1024):
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                raise BadResponse("Jira's answer was too large.", status=response.status_code, url=url)
            chunks.append(chunk)
        return b"".join(chunks)
    except requests.RequestException as exc:
        raise TransportError("Jira's answer was cut off.", url=url, timed_out=True) from exc
    finally:
        response.close()
