"""Watcher routes and the changelog: who watches an issue, and the paged history of its changes.

Anyone who may browse an issue may watch it (bob on WEB, which he may only read, too); adding or
removing someone else needs Manage Watchers, which only the admin has here.
"""

from urllib.parse import urlencode

from flask import Blueprint, request

from sandbox import directory, render, render_extras
from sandbox.jira_http import READ, WRITE, ApiError, api_route, caller, int_arg, no_content, reply, visible_issue, world

bp = Blueprint("jira_watchers", __name__)

CHANGELOG_PAGE_CAP = 100


@api_route(bp, "issue/<issueIdOrKey>/watchers", READ)
def list_watchers(issueIdOrKey: str):
    """Return the issue's watchers, their count and whether the caller is one."""
    issue = visible_issue(issueIdOrKey)
    watching = world().watchers(issue["id"])
    links = caller().links
    return reply({"self": f"{links.api}rest/api/3/issue/{issue['key']}/watchers",
                  "isWatching": caller().account_id in watching, "watchCount": len(watching),
                  "watchers": [render.user(links, directory.user_by("account_id", a)) for a in watching]})


@api_route(bp, "issue/<issueIdOrKey>/watchers", WRITE, methods=("POST",))
def add_watcher(issueIdOrKey: str):
    """Add the account id in the body (a JSON string; none: the caller) as a watcher; 204."""
    issue = visible_issue(issueIdOrKey)
    body = request.get_json(silent=True)
    if body is not None and not isinstance(body, str):
        raise ApiError(400, ["The request body must be the account id of the user, as a JSON string."])
    world().set_watching(issue["id"], _person(issue, body or caller().account_id, "add watchers to"), True)
    return no_content()


@api_route(bp, "issue/<issueIdOrKey>/watchers", WRITE, methods=("DELETE",))
def remove_watcher(issueIdOrKey: str):
    """Remove ``accountId`` from the watchers; 204."""
    issue = visible_issue(issueIdOrKey)
    account_id = request.args.get("accountId")
    if not account_id:
        raise ApiError(400, ["The accountId query parameter is required."])
    world().set_watching(issue["id"], _person(issue, account_id, "remove watchers from"), False)
    return no_content()


def _person(issue: dict, account_id: str, action: str) -> str:
    """Return the account id to add or remove, after Jira's checks (manage watchers; who may browse)."""
    if account_id != caller().account_id and not caller().user.get("admin"):
        raise ApiError(403, [f"User '{caller().account_id}' is not allowed to {action} issue '{issue['key']}'."])
    person = directory.user_by("account_id", account_id)
    project = world().project(issue["fields"]["project"]["key"])
    if person is None or project["key"] not in directory.visible_project_keys(person, project["site_id"]):
        raise ApiError(404, [f"The user \"{account_id}\" does not have permission to view this issue. "
                             "This user will not be added to the watch list."])
    return account_id


@api_route(bp, "issue/<issueIdOrKey>/changelog", READ)
def list_changelog(issueIdOrKey: str):
    """Return a page of the issue's history, oldest first (PageBeanChangelog)."""
    issue = visible_issue(issueIdOrKey)
    start_at = int_arg("startAt", 0)
    max_results = min(int_arg("maxResults", CHANGELOG_PAGE_CAP), CHANGELOG_PAGE_CAP)
    entries = world().changelog(issue["id"])
    page = entries[start_at:start_at + max_results]
    base = f"{caller().links.api}rest/api/3/issue/{issue['key']}/changelog?"
    body = {"self": base + urlencode({"maxResults": max_results, "startAt": start_at})}
    is_last = start_at + len(page) >= len(entries)
    if not is_last:
        body["nextPage"] = base + urlencode({"maxResults": max_results, "startAt": start_at + max_results})
    body.update({"maxResults": max_results, "startAt": start_at, "total": len(entries), "isLast": is_last,
                 "values": [render_extras.history(caller().links, e) for e in page]})
    return reply(body)
