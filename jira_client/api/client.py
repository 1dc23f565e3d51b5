"""JiraClient: the typed calls this app makes to Jira Cloud REST v3, and nothing else.

One private ``_request`` joins the URL, applies the timeout, retries reads, maps failures to the
JiraError tree and decodes JSON. Resource methods stay a few lines each and return models.
The client is cheap and built per request; the HTTP transport under it is shared per process.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Callable

import requests

from jira_client.api import keys
from jira_client.api.errors import BadResponse, TransportError, error_for_status, parse_retry_after
from jira_client.api.models import ISSUE_FIELDS, LIST_FIELDS, Comment, Issue, IssueSummary, Project, User
from jira_client.api.pagination import Page, offset_page, token_page

API = "/rest/api/3"
DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
MAX_BODY_BYTES = 16 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 502, 503, 504})


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
    ) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.timeout = timeout
        self.retry = retry
        self.sleep = sleep
        self.calls = 0  # HTTP requests sent, for logs and tests

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

    def get_project(self, key: str) -> Project:
        """Return one project; raises NotFound when it is missing or hidden."""
        return Project.from_api(self._request("GET", f"project/{keys.segment(keys.project_key(key))}"))

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
        """Return an issue with its first page of comments and its transitions, in one call."""
        path = f"issue/{keys.segment(keys.issue_key(key))}"
        params = {"fields": ",".join(ISSUE_FIELDS), "expand": "transitions"}
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
            if waited + wait > self.retry.budget:
                break
            response.close()
            self.sleep(wait)
            waited += wait
        return self._decode(response, url)

    def _send(self, method, url, params, json, *, retry_connection: bool) -> requests.Response:
        """Send once (a read whose pooled connection turned out dead is sent once more)."""
        for attempt in (1, 2):
            self.calls += 1
            try:
                return self.transport.request(
                    method, url, params=params, json=json, auth=self.auth, timeout=self.timeout,
                    allow_redirects=False, stream=True, headers={"Accept": "application/json"},
                )
            except requests.Timeout as exc:
                raise TransportError("Jira did not answer in time.", url=url, timed_out=True) from exc
            except requests.ConnectionError as exc:
                if not retry_connection or attempt == 2:
                    raise TransportError("Could not connect to Jira.", url=url) from exc
            except requests.RequestException as exc:
                raise TransportError("The request to Jira failed.", url=url) from exc
        raise AssertionError("unreachable")

    def _decode(self, response: requests.Response, url: str) -> Any:
        """Return the JSON of a successful response; raise the JiraError of a failed one."""
        body = _read_capped(response, url)
        payload = None
        if body:
            try:
                payload = requests.models.complexjson.loads(body)
            except ValueError as exc:
                if response.ok:
                    raise BadResponse(status=response.status_code, url=url) from exc
        if not response.ok or 300 <= response.status_code < 400:
            raise error_for_status(response.status_code, url, payload, response.headers.get("Retry-After"))
        return payload


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
