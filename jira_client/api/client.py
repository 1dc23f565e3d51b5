"""JiraClient: the typed calls this app makes to Jira Cloud REST v3, and nothing else.

One private ``_request`` joins the URL, applies the timeout, retries reads, maps failures to the
JiraError tree and decodes JSON. Resource methods stay a few lines each and return models.
The client is cheap and built per request; the HTTP transport under it is shared per process.
"""

from __future__ import annotations

import functools
import inspect
import logging
import time
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Protocol

import requests
from msgspec import structs

from jira_client.api import field_values, json_body, keys
from jira_client.api.errors import BadRequest, BadResponse, NotFound, TransportError, error_for_status, parse_retry_after
from jira_client.api.finding import Filter, JqlCheck, JqlReference, Suggestion
from jira_client.api.models import (
    LIST_FIELDS, Comment, EditableIssue, FieldMeta, HistoryEntry, Issue, IssueSummary,
    IssueType, LinkType, PickedIssue, Project, RemoteLink, TransitionScreen, User, Watches, Worklog,
)
from jira_client.api.pagination import Page, offset_page, token_page

log = logging.getLogger(__name__)

API = "/rest/api/3"
DEFAULT_TIMEOUT = (3.05, 10.0)  # (connect, read) seconds
# All calls of one client (one page view) share this many seconds, retries and waits included,
# so a page answers before gunicorn's 25 s worker timeout and Heroku's 30 s router limit.
DEFAULT_TIME_BUDGET = 20.0
MIN_ATTEMPT_SECONDS = 1.0  # no call is started with less time than this left
MAX_BODY_BYTES = 16 * 1024 * 1024
RETRY_STATUSES = frozenset({429, 502, 503, 504})
CREATEMETA_PAGE = 200  # Jira's cap for createmeta pages; a screen with more fields is rare
FILTER_EXPAND = "description,owner,jql,favourite,sharePermissions"


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


@dataclass(frozen=True)
class Call:
    """One call as a CallGate sees it: the method, the path under /rest/api/3, and whether it only reads."""

    method: str
    path: str
    url: str
    params: Mapping[str, Any] | None
    json: Any
    read: bool  # idempotent: a GET, or a POST that only reads (search)
    streamed: bool = False  # the answer is bytes read later (a file, an upload's answer): never kept, base point only


class CallGate(Protocol):
    """Wraps every call of a client (jira_client/quota: per-person cache, fair shares, points spent)."""

    def around(self, call: Call, send: Callable[[], Any]) -> Any:
        """Return the call's decoded JSON, from ``send()`` or otherwise; raise a JiraError to refuse it."""


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
        gate: CallGate | None = None,
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
        if gate is not None:  # every call, retries inside, goes through the gate first
            self._request = _gated(gate, self.base_url, self._request)
            self.open = _gated_open(gate, self.base_url, self.open)

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

    # -- finding work: JQL help and saved filters ----------------------------------------------

    def check_jql(self, jql: str) -> JqlCheck:
        """Return Jira's verdict on a query (``jql/parse``, strict validation) without running it."""
        payload = self._request("POST", "jql/parse", params={"validation": "strict"}, json={"queries": [jql]},
                                idempotent=True)
        found = payload.get("queries") if isinstance(payload, dict) else None
        if not isinstance(found, list) or len(found) != 1:
            raise BadResponse("Jira's check of the query could not be read.")
        return JqlCheck.from_api(found[0], jql)

    def jql_reference(self) -> JqlReference:
        """Return the fields, functions and reserved words JQL offers this person."""
        return JqlReference.from_api(self._request("GET", "jql/autocompletedata"))

    def jql_suggestions(self, field: str, typed: str = "") -> tuple[Suggestion, ...]:
        """Return values of ``field`` that match what was typed, as Jira suggests them."""
        payload = self._request("GET", "jql/autocompletedata/suggestions", params={"fieldName": field, "fieldValue": typed})
        found = (Suggestion.from_api(s) for s in (payload or {}).get("results") or () if isinstance(s, dict)) \
            if isinstance(payload, dict) else ()
        return tuple(s for s in found if s)

    def list_favourite_filters(self) -> tuple[Filter, ...]:
        """Return the filters this person starred (and may still see)."""
        payload = self._request("GET", "filter/favourite")
        if not isinstance(payload, list):
            raise BadResponse("Jira's list of favourite filters could not be read.")
        return tuple(Filter.from_api(f) for f in payload if isinstance(f, dict))

    def search_filters(self, name: str = "", start_at: int = 0, max_results: int = 20) -> Page[Filter]:
        """Return one page of the filters this person may see whose name contains ``name``."""
        params = {"expand": FILTER_EXPAND, "orderBy": "name", "startAt": start_at, "maxResults": max_results}
        if name:
            params.update(filterName=name, isSubstringMatch="true")
        return offset_page(self._request("GET", "filter/search", params=params), "values", Filter.from_api)

    def get_filter(self, filter_id: str) -> Filter:
        """Return one filter; NotFound when it is missing or hidden (Jira answers those with 400)."""
        try:
            return Filter.from_api(self._request("GET", f"filter/{keys.numeric_id(filter_id)}"))
        except BadRequest as exc:
            raise NotFound(status=exc.status, url=exc.url, details=exc.details) from exc

    def create_filter(self, name: str, jql: str, description: str = "") -> Filter:
        """Save a query as a new filter owned by this person and return it; never retried."""
        body = {"name": name, "jql": jql, **({"description": description} if description else {})}
        return Filter.from_api(self._request("POST", "filter", json=body))

    def star_filter(self, filter_id: str, starred: bool) -> Filter:
        """Add a filter to this person's favourites (or take it out) and return it; never retried."""
        path = f"filter/{keys.numeric_id(filter_id)}/favourite"
        return Filter.from_api(self._request("PUT" if starred else "DELETE", path))

    def get_issue(self, key: str, with_activity: bool = False) -> Issue:
        """Return an issue with every field (named), its first comments, its transitions and what may be edited, in one call.

        Its links, subtasks, parent, watch count and time tracking come in the same call;
        ``with_activity`` adds the recent history and the first work log entries (the All tab).
        """
        path = f"issue/{keys.segment(keys.issue_key(key))}"
        payload = self._request("GET", path, params=issue_query(with_activity))
        issue = Issue.from_api(payload)
        named = payload if isinstance(payload, dict) else {}
        found = field_values.details(_fields_of(payload), named.get("names") or {}, named.get("schema") or {})
        return structs.replace(issue, details=found)

    def list_comments(self, key: str, start_at: int = 0, max_results: int = 50, newest_first: bool = False) -> Page[Comment]:
        """Return one page of an issue's comments, oldest first (or newest first)."""
        path = f"issue/{keys.segment(keys.issue_key(key))}/comment"
        params = {"startAt": start_at, "maxResults": max_results, "orderBy": "-created" if newest_first else "created"}
        return offset_page(self._request("GET", path, params=params), "comments", Comment.from_api)

    def add_comment(self, key: str, body: dict) -> Comment:
        """Add a comment (an ADF document) to an issue and return it; never retried."""
        path = f"issue/{keys.segment(keys.issue_key(key))}/comment"
        return Comment.from_api(self._request("POST", path, json={"body": body}))

    # -- writes and what their forms need -----------------------------------------------------

    def list_create_issue_types(self, project_key: str) -> tuple[IssueType, ...]:
        """Return the issue types this person may create in a project (createmeta), subtask types marked."""
        path = f"issue/createmeta/{keys.segment(keys.project_key(project_key))}/issuetypes"
        payload = self._request("GET", path, params={"maxResults": CREATEMETA_PAGE})
        return tuple(t for t in offset_page(payload, "issueTypes", IssueType.from_api) if t)

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

    def my_permissions(self, project_key: str, *permission_keys: str) -> dict[str, bool]:
        """Return whether this person has each of ``permission_keys`` in a project (e.g. CREATE_ISSUES)."""
        params = {"projectKey": keys.project_key(project_key), "permissions": ",".join(permission_keys)}
        payload = self._request("GET", "mypermissions", params=params)
        found = payload.get("permissions") if isinstance(payload, dict) else None
        found = found if isinstance(found, dict) else {}
        return {key: bool(isinstance(found.get(key), dict) and found[key].get("havePermission")) for key in permission_keys}

    def get_assignee(self, key: str) -> User | None:
        """Return who an issue is assigned to now (None: nobody), asking for that field alone."""
        payload = self._request("GET", f"issue/{keys.segment(keys.issue_key(key))}", params={"fields": "assignee"})
        return User.from_api(_fields_of(payload).get("assignee"))

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

    # -- links, hierarchy, watchers, work log, history ------------------------------------------

    def get_parent(self, key: str) -> IssueSummary | None:
        """Return the parent of an issue (asking only for that field), or None."""
        path = f"issue/{keys.segment(keys.issue_key(key))}"
        parent = ((self._request("GET", path, params={"fields": "parent"}) or {}).get("fields") or {}).get("parent")
        return IssueSummary.from_api(parent) if isinstance(parent, dict) and parent.get("key") else None

    def list_link_types(self) -> tuple[LinkType, ...]:
        """Return the issue link types of the site."""
        payload = self._request("GET", "issueLinkType")
        return tuple(t for t in (LinkType.from_api(r) for r in (payload or {}).get("issueLinkTypes") or ()) if t)

    def link_issues(self, link_type_id: str, outward_key: str, inward_key: str) -> None:
        """Link two issues so that ``outward_key`` reads the type's outward phrase ("blocks"); never retried.

        Jira's body is the other way round: the issue sent as ``inwardIssue`` gets the outward phrase.
        """
        body = {"type": {"id": keys.numeric_id(link_type_id)}, "inwardIssue": {"key": keys.issue_key(outward_key)},
                "outwardIssue": {"key": keys.issue_key(inward_key)}}
        self._request("POST", "issueLink", json=body)

    def delete_link(self, link_id: str) -> None:
        """Remove an issue link from both issues; never retried."""
        self._request("DELETE", f"issueLink/{keys.numeric_id(link_id)}")

    def list_remote_links(self, key: str) -> tuple[RemoteLink, ...]:
        """Return an issue's web links."""
        payload = self._request("GET", f"issue/{keys.segment(keys.issue_key(key))}/remotelink")
        return tuple(RemoteLink.from_api(r) for r in payload or () if isinstance(r, dict))

    def pick_issues(self, query: str, current_key: str = "", max_results: int = 20) -> tuple[PickedIssue, ...]:
        """Return issues matching a key or words, as Jira's issue picker suggests them (``current_key`` left out)."""
        params = {"query": query, "showSubTasks": "true", "showSubTaskParent": "true"}
        if current_key:
            params["currentIssueKey"] = keys.issue_key(current_key)
        sections = (self._request("GET", "issue/picker", params=params) or {}).get("sections") or ()
        found: dict[str, PickedIssue] = {}
        for section in sections:
            for raw in section.get("issues") or () if isinstance(section, dict) else ():
                picked = PickedIssue.from_api(raw)
                if picked and picked.key not in found:
                    found[picked.key] = picked
        return tuple(found.values())[:max_results]

    def list_watchers(self, key: str) -> Watches:
        """Return who watches an issue, how many, and whether this person does."""
        return Watches.from_api(self._request("GET", f"issue/{keys.segment(keys.issue_key(key))}/watchers"))

    def watch(self, key: str, account_id: str) -> None:
        """Add ``account_id`` to an issue's watchers; never retried."""
        self._request("POST", f"issue/{keys.segment(keys.issue_key(key))}/watchers", json=account_id)

    def unwatch(self, key: str, account_id: str) -> None:
        """Remove ``account_id`` from an issue's watchers; never retried."""
        self._request("DELETE", f"issue/{keys.segment(keys.issue_key(key))}/watchers", params={"accountId": account_id})

    def list_worklogs(self, key: str, start_at: int = 0, max_results: int = 50) -> Page[Worklog]:
        """Return one page of an issue's work log, oldest first."""
        path = f"issue/{keys.segment(keys.issue_key(key))}/worklog"
        payload = self._request("GET", path, params={"startAt": start_at, "maxResults": max_results})
        return offset_page(payload, "worklogs", Worklog.from_api)

    def get_worklog(self, key: str, worklog_id: str) -> Worklog:
        """Return one work log entry."""
        return Worklog.from_api(self._request("GET", _worklog_path(key, worklog_id)))

    def add_worklog(self, key: str, entry: dict, estimate: dict) -> Worklog:
        """Log work (``entry``: timeSpent, started, comment) moving the estimate as ``estimate`` says; never retried."""
        path = f"issue/{keys.segment(keys.issue_key(key))}/worklog"
        return Worklog.from_api(self._request("POST", path, params=estimate, json=entry))

    def update_worklog(self, key: str, worklog_id: str, entry: dict, estimate: dict) -> Worklog:
        """Change a work log entry; never retried."""
        return Worklog.from_api(self._request("PUT", _worklog_path(key, worklog_id), params=estimate, json=entry))

    def delete_worklog(self, key: str, worklog_id: str, estimate: dict) -> None:
        """Delete a work log entry, giving its time back as ``estimate`` says; never retried."""
        self._request("DELETE", _worklog_path(key, worklog_id), params=estimate)

    def list_changelog(self, key: str, start_at: int = 0, max_results: int = 50) -> Page[HistoryEntry]:
        """Return one page of an issue's history, oldest first."""
        path = f"issue/{keys.segment(keys.issue_key(key))}/changelog"
        payload = self._request("GET", path, params={"startAt": start_at, "maxResults": max_results})
        return offset_page(payload, "values", HistoryEntry.from_api)

    # -- plumbing ----------------------------------------------------------------------------

    def _request(
        self, method: str, path: str, *, params=None, json=None, idempotent: bool | None = None, api: str = API
    ) -> Any:
        """Send one call (retrying reads only) and return its decoded JSON, or None for 204.

        ``api`` is the REST API's root: the platform's by default, Jira Software's for ``api/agile.py``.
        """
        url = f"{self.base_url}{api}/{path}"
        return self._decode(self._exchange(method, url, params=params, json=json, idempotent=idempotent), url)

    def _exchange(self, method, url, *, params=None, json=None, data=None, headers=None,
                  idempotent: bool | None = None) -> requests.Response:
        """Send one call, retrying a read that Jira answers 429/502/503/504, and return the last response unread."""
        if idempotent is None:
            idempotent = method in ("GET", "HEAD")
        attempts = self.retry.attempts if idempotent else 1
        waited = 0.0
        for attempt in range(attempts):
            response = self._send(method, url, params, json, retry_connection=idempotent, data=data, headers=headers)
            if response.status_code not in RETRY_STATUSES or attempt == attempts - 1:
                break
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            wait = self.retry.wait_for(attempt, retry_after)
            if waited + wait > self.retry.budget or self._seconds_left() - wait < MIN_ATTEMPT_SECONDS:
                break
            response.close()
            self.sleep(wait)
            waited += wait
        return response

    def _send(self, method, url, params, json, *, retry_connection: bool, data=None, headers=None,
              credentials: bool = True) -> requests.Response:
        """Send once (a read whose pooled connection turned out dead is sent once more).

        ``credentials`` False sends neither the person's credentials nor the client's own headers
        (for a URL on another host: Jira's media service).
        """
        for attempt in (1, 2):
            timeout = self._timeout_within_budget(url)
            self.calls += 1
            started, response = time.perf_counter(), None
            try:
                response = self.transport.request(
                    method, url, params=params, json=json, data=data, auth=self.auth if credentials else None,
                    timeout=timeout, allow_redirects=False, stream=True,
                    headers={**self.headers, **(headers or {})} if credentials else headers,
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
                payload = json_body.loads(body)  # any depth: RecursionError never escapes
            except ValueError as exc:
                if response.ok:
                    raise BadResponse(status=response.status_code, url=url) from exc
        if not response.ok or 300 <= response.status_code < 400:
            raise error_for_status(response.status_code, url, payload, response.headers.get("Retry-After"))
        return payload

    # -- answers that are not JSON: file bytes, redirects (jira_client/api/attachments.py) ----------

    def open(self, method: str, path: str, *, params=None, data=None, headers=None,
             idempotent: bool | None = None) -> requests.Response:
        """Return Jira's answer to a call under /rest/api/3 unread (a redirect or bytes); a failure raises its JiraError.

        Reads are retried like any other; a write (a streamed upload) is sent once.
        """
        url = f"{self.base_url}{API}/{path}"
        response = self._exchange(method, url, params=params, data=data, headers=headers, idempotent=idempotent)
        if response.status_code >= 400:
            self._decode(response, url)  # raises the error that the status and Jira's body name
        return response

    def open_elsewhere(self, url: str, headers: Mapping[str, str] | None = None) -> requests.Response:
        """Return the answer to a GET of ``url`` on another host, sent without credentials, unread, whatever its status.

        For the URL Jira redirects a download to: only the URL's own token grants access there,
        and the person's Jira credentials never leave for another host. Sent once (a dead pooled
        connection aside), within the page's time budget.
        """
        return self._send("GET", url, None, None, retry_connection=True, headers=dict(headers or {}), credentials=False)

    def json_of(self, response: requests.Response) -> Any:
        """Return the JSON of an answer from ``open`` (None when it has no body), reading it whole but capped."""
        return self._decode(response, response.url)


def issue_query(with_activity: bool = False) -> dict[str, str]:
    """Return the query of ``get_issue``'s one call: every field, named, with what the page shows beside them.

    The work log is left out (``-worklog``) unless the All activity tab shows it (with the history,
    ``changelog``): Jira embeds up to 20 entries, 21 of the 166 kB of the recorded KAN-2, that no
    other tab shows. ``*all`` needs no field named beside it: a longer query only cost urllib3 a
    slower reading of the URL (33 µs against 12).
    """
    if with_activity:
        return {"fields": "*all", "expand": "transitions,editmeta,changelog,names,schema"}
    return {"fields": "*all,-worklog", "expand": "transitions,editmeta,names,schema"}


def _gated(gate: CallGate, base_url: str, request: Callable[..., Any]) -> Callable[..., Any]:
    """Return ``request`` (a client's ``_request``) with every call passed through ``gate``."""

    def gated(method: str, path: str, *, params=None, json=None, idempotent: bool | None = None, api: str = API) -> Any:
        read = method in ("GET", "HEAD") if idempotent is None else idempotent
        call = Call(method, path, f"{base_url}{api}/{path}", params, json, read)
        return gate.around(call, lambda: request(method, path, params=params, json=json, idempotent=idempotent, api=api))

    return gated


def _gated_open(gate: CallGate, base_url: str, open_: Callable[..., requests.Response]) -> Callable[..., requests.Response]:
    """Return ``open_`` (a client's ``open``) with every call passed through ``gate`` as a streamed one.

    The answer is an unread response, so the gate neither keeps it nor serves a copy; it admits
    the call, counts its base point and, after a write (an upload), drops the person's cached reads.
    """

    def gated(method: str, path: str, *, params=None, data=None, headers=None, idempotent: bool | None = None):
        read = method in ("GET", "HEAD") if idempotent is None else idempotent
        call = Call(method, path, f"{base_url}{API}/{path}", params, None, read, streamed=True)
        return gate.around(call, lambda: open_(method, path, params=params, data=data, headers=headers,
                                                idempotent=idempotent))

    return gated


def _comment_path(key: str, comment_id: str) -> str:
    """Return the path of one comment, both parts validated."""
    return f"issue/{keys.segment(keys.issue_key(key))}/comment/{keys.numeric_id(comment_id)}"


def _worklog_path(key: str, worklog_id: str) -> str:
    """Return the path of one work log entry, both parts validated."""
    return f"issue/{keys.segment(keys.issue_key(key))}/worklog/{keys.numeric_id(worklog_id)}"


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


def _fields_of(payload: object) -> dict:
    """Return an issue answer's ``fields`` object ({} when Jira sent something else)."""
    fields = payload.get("fields") if isinstance(payload, dict) else None
    return fields if isinstance(fields, dict) else {}


# -- answers of the wrong shape ------------------------------------------------------------------
# The models and pages read Jira's JSON defensively, but Jira (or whatever answers in its place)
# can send any shape at all. Every public method is wrapped so that an answer the parsing code
# cannot make sense of is a BadResponse (a "could not read Jira's answer" page), never a crash.

SHAPE_ERRORS = (TypeError, AttributeError, KeyError, ValueError, IndexError, RecursionError)


def _shape_checked(method: Callable) -> Callable:
    """Return ``method`` with any error of reading its answer's shape raised as BadResponse."""

    @functools.wraps(method)
    def checked(self: JiraClient, *args: Any, **kwargs: Any) -> Any:
        calls_before = self.calls
        try:
            return method(self, *args, **kwargs)
        except SHAPE_ERRORS as exc:
            if self.calls == calls_before:
                raise  # nothing was sent: the caller's arguments were refused (keys.InvalidKey), not Jira's answer
            log.warning("Jira's answer to %s had an unexpected shape: %s", method.__name__, type(exc).__name__, exc_info=True)
            raise BadResponse("Jira's answer did not have the expected shape.") from exc

    return checked


for _name, _method in list(vars(JiraClient).items()):
    if not _name.startswith("_") and inspect.isfunction(_method):
        setattr(JiraClient, _name, _shape_checked(_method))
