"""Enhanced JQL search: ``GET``/``POST search/jql`` and ``POST search/approximate-count``.

Isolation first: only the issues of projects the caller may browse on the site are ever
evaluated, and the JQL compiler knows only those projects, so naming another one fails as in
Jira ("The value 'X' does not exist for the field 'project'.").

Paging: ``nextPageToken`` is opaque (base64url of the next offset and a hash of the query),
absent on the last page; a token from another query is refused with 400. ``maxResults``
defaults to 50 and is capped at 100, or at 5000 when only ids/keys are asked for.
"""

import base64
import binascii
import hashlib
import json
from datetime import datetime, timezone

from flask import Blueprint, request

from sandbox import jql, render_issue, watching
from sandbox.jira_http import READ, ApiError, Caller, api_route, caller, int_arg, json_body, list_arg, reply, world

bp = Blueprint("jira_search", __name__)

DEFAULT_PAGE = 50
FULL_PAGE_CAP = 100
ID_PAGE_CAP = 5000
BAD_TOKEN = "The provided next page token is invalid or expired."
_ID_FIELDS = {"id", "key"}


@api_route(bp, "search/jql", READ, methods=("GET", "POST"))
def search_issues():
    """Return one page of the issues a JQL query selects (no total, token paging)."""
    params = _params()
    query = compile_for(caller(), params["jql"])
    wanted_spec = params["fields"]
    id_only = all(f in _ID_FIELDS for f in wanted_spec)
    cap = ID_PAGE_CAP if id_only else FULL_PAGE_CAP
    max_results = min(int_arg("maxResults", DEFAULT_PAGE, source=params), cap)
    offset = _offset(params.get("nextPageToken"), params["jql"])
    found = query.sort([i for i in visible_issues(caller()) if query.matches(i)])
    page = found[offset:offset + max_results]
    expand = set(list_arg(params.get("expand")))
    body = {"issues": [_issue(i, wanted_spec, expand) for i in page]}
    if "names" in expand and page:
        body["names"] = {f: render_issue.NAMES[f] for i in body["issues"] for f in i.get("fields", {})}
    if max_results > 0 and offset + max_results < len(found):  # a token to the same page would loop
        body["nextPageToken"] = _token(offset + max_results, params["jql"])
    body["isLast"] = "nextPageToken" not in body
    return reply(body)


@api_route(bp, "search/approximate-count", READ, methods=("POST",))
def count_issues():
    """Return how many issues a bounded JQL query selects: ``{"count": n}``."""
    text = json_body().get("jql")
    query = compile_for(caller(), text if isinstance(text, str) else "")
    return reply({"count": sum(1 for i in visible_issues(caller()) if query.matches(i))})


def visible_issues(who: Caller) -> list[dict]:
    """Return every issue of the projects ``who`` may browse on the site."""
    return [issue for key in who.visible_keys() for issue in world().project_issues(key)]


def compile_for(who: Caller, text: str) -> jql.Query:
    """Return the compiled bounded query; raise ApiError (400) with Jira's messages."""
    try:
        query = compile_checked(who, text or "")
    except jql.JqlError as exc:
        raise ApiError(400, exc.messages) from None
    if not query.bounded:
        raise ApiError(400, [jql.UNBOUNDED_MESSAGE])
    return query


def compile_checked(who: Caller, text: str) -> jql.Query:
    """Return ``text`` compiled in the caller's context (their projects, the site's people); raise JqlError."""
    projects = [world().project(k) for k in who.visible_keys()]
    known = {
        "project": {v.lower() for p in projects for v in (p["key"], p["name"], p["id"])},
        "status": {v.lower() for s in world().statuses for v in (s["id"], s["name"])},
        "issuetype": {v.lower() for t in world().issue_types for v in (t["id"], t["name"])},
        "priority": {v.lower() for p in world().priorities for v in (p["id"], p["name"])},
    }
    return jql.compile_jql(text, current_account_id=who.account_id, now=datetime.now(timezone.utc),
                           users=world().jql_users(), known=known, watchers=watching.watchers_of)


def _params() -> dict:
    """Return the search parameters from the query string (GET) or the JSON body (POST)."""
    if request.method == "POST":
        body = json_body()
        params = dict(body)
        params["fields"] = list_arg(body.get("fields"))
    else:
        params = request.args.to_dict()
        params["fields"] = list_arg(request.args.getlist("fields"))
    params["jql"] = params.get("jql") if isinstance(params.get("jql"), str) else ""
    if params.get("expand") is not None and not isinstance(params["expand"], (str, list)):
        raise ApiError(400, ["The 'expand' parameter must be a string."])
    return params


def _issue(issue: dict, spec: list[str], expand: set[str]) -> dict:
    """Return one search hit: just the id unless fields beyond the id were asked for."""
    if all(f == "id" for f in spec):
        return {"id": issue["id"]}
    wanted = render_issue.select(spec, issue["fields"]["project"]["key"], default_all=False)
    return render_issue.issue_json(world(), caller().links, issue, wanted, expand - {"names", "schema"},
                                   comment_cap=render_issue.SEARCH_COMMENT_CAP,
                                   editable=caller().may_edit(issue["fields"]["project"]["key"]), viewer=caller().viewer(),
                                   changelog_cap=render_issue.SEARCH_CHANGELOG_CAP)


def _digest(text: str) -> str:
    return hashlib.sha256(text.strip().encode()).hexdigest()[:16]


def _token(offset: int, text: str) -> str:
    raw = json.dumps({"o": offset, "q": _digest(text)}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _offset(token, text: str) -> int:
    """Return the offset a nextPageToken stands for (0 without one); raise ApiError when foreign."""
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(str(token) + "=" * (-len(str(token)) % 4)))
        if data["q"] == _digest(text) and isinstance(data["o"], int) and data["o"] >= 0:
            return data["o"]
    except (binascii.Error, ValueError, KeyError, TypeError):
        pass
    raise ApiError(400, [BAD_TOKEN])
