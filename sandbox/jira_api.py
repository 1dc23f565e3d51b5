"""Jira Cloud REST v3 as the sandbox serves it: the ``jira_api`` blueprint.

This module holds the small read endpoints (myself, serverInfo, projects, priorities, statuses,
users); issues, search and comments live in ``jira_issues``, ``jira_search`` and
``jira_comments``, links in ``jira_links``, work logs in ``jira_worklogs``, watchers and the
changelog in ``jira_watchers``, registered here as nested blueprints. Every route exists site style and
gateway style (see ``jira_http``); route variables carry Jira's OpenAPI parameter names.
"""

from urllib.parse import urlencode

from flask import Blueprint, request

from sandbox import (directory, jira_agile, jira_comments, jira_issues, jira_links, jira_search, jira_watchers, jira_worklogs,
                     render, render_issue)
from sandbox.jira_http import (READ, READ_USER, ApiError, api_route, caller, int_arg, list_arg, reply,
                               visible_issue, visible_project, world)

bp = Blueprint("jira_api", __name__)
bp.register_blueprint(jira_issues.bp)
bp.register_blueprint(jira_search.bp)
bp.register_blueprint(jira_comments.bp)
bp.register_blueprint(jira_agile.bp)  # Jira Software: /rest/agile/1.0
bp.register_blueprint(jira_links.bp)
bp.register_blueprint(jira_worklogs.bp)
bp.register_blueprint(jira_watchers.bp)

PROJECT_PAGE_CAP = 100
USER_PAGE_CAP = 1000
_PROJECT_ORDER = {"key": lambda p: p["key"], "name": lambda p: p["name"].lower(), "id": lambda p: int(p["id"])}


@api_route(bp, "myself", READ_USER)
def get_myself():
    """Return the caller (GET myself)."""
    return reply(render.user(caller().links, caller().user, encode=False, full=True))


@api_route(bp, "serverInfo", None)
def get_server_info():
    """Return the site's server info (third-party clients ask for it first)."""
    site = next(s for s in directory.SITES if s["id"] == caller().cloud_id)
    return reply({"baseUrl": site["url"], "displayUrl": site["url"], "version": "1001.0.0-SNAPSHOT",
                  "versionNumbers": [1001, 0, 0], "deploymentType": "Cloud", "buildNumber": 100290,
                  "buildDate": "2026-11-20T00:00:00.000+0000", "serverTime": "2026-11-20T00:00:00.000+0000",
                  "scmInfo": "sandbox", "serverTitle": "Jira"})


# The old search endpoints are gone from Jira Cloud: it answers 410 with these bodies (CHANGE-2046).
_REMOVED_SEARCH = {
    "3": "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration "
         "guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046",
    "2": "The requested API has been removed. Please use the newer, enhanced search-based API instead. Deprecation "
         "details are available at https://developer.atlassian.com/changelog/#CHANGE-2046.",
}


@bp.route("/rest/api/<any('2', '3'):version>/search", methods=["GET", "POST"])
@bp.route("/ex/jira/<cloudId>/rest/api/<any('2', '3'):version>/search", methods=["GET", "POST"])
def removed_search(version: str, cloudId: str | None = None):
    """Answer the removed ``/search`` as Jira Cloud does: 410 Gone, pointing at search/jql."""
    return reply({"errorMessages": [_REMOVED_SEARCH[version]], "errors": {}}, 410)


@bp.app_errorhandler(404)
def unknown_resource(error):
    """Answer a REST path the sandbox does not serve with a JSON 404 as Jira does, not an HTML page."""
    if request.path.startswith(("/rest/", "/ex/jira/")):
        return reply({"errorMessages": ["null for uri: " + request.url], "errors": {}}, 404)
    return error


@api_route(bp, "project/search", READ)
def search_projects():
    """Return a page of the projects the caller may browse (GET project/search)."""
    start_at = int_arg("startAt", 0)
    max_results = min(int_arg("maxResults", 50), PROJECT_PAGE_CAP)
    query = request.args.get("query", "").lower()
    keys = set(list_arg(request.args.getlist("keys")))
    ids = set(list_arg(request.args.getlist("id")))
    visible = set(caller().visible_keys())
    projects = [p for p in world().projects() if p["key"] in visible
                and (not query or query in p["key"].lower() or query in p["name"].lower())
                and (not keys or p["key"] in keys) and (not ids or p["id"] in ids)]
    order = request.args.get("orderBy", "key")
    descending = order.startswith("-")
    projects.sort(key=_PROJECT_ORDER.get(order.lstrip("+-"), _PROJECT_ORDER["key"]), reverse=descending)
    page = projects[start_at:start_at + max_results]
    links = caller().links
    params = {k: v for k, v in request.args.items() if k not in ("startAt", "maxResults")}
    base = f"{links.api}rest/api/3/project/search?"
    body = {"self": base + urlencode({**params, "maxResults": max_results, "startAt": start_at})}
    is_last = start_at + len(page) >= len(projects)
    if not is_last:
        body["nextPage"] = base + urlencode({**params, "maxResults": max_results, "startAt": start_at + max_results})
    body.update({"maxResults": max_results, "startAt": start_at, "total": len(projects), "isLast": is_last,
                 "values": [render.project(links, p) for p in page]})
    return reply(body)


@api_route(bp, "project", READ)
def list_projects():
    """Return every project the caller may browse, as a plain array (GET project)."""
    visible = set(caller().visible_keys())
    return reply([render.project(caller().links, p) for p in world().projects() if p["key"] in visible])


@api_route(bp, "project/<projectIdOrKey>", READ)
def get_project(projectIdOrKey: str):
    """Return one project the caller may browse, with its lead, components and issue types."""
    project = visible_project(projectIdOrKey)
    links = caller().links
    body = render.project(links, project, full=True)
    body["issueTypes"] = [render.issue_type(links, t) for t in world().issue_types]
    return reply(body)


@api_route(bp, "field", READ)
def list_fields():
    """Return every system and custom field (GET field)."""
    return reply(render_issue.field_list())


@api_route(bp, "priority", READ)
def list_priorities():
    """Return every priority (GET priority)."""
    return reply([render.priority(caller().links, p) for p in world().priorities])


@api_route(bp, "status", READ)
def list_statuses():
    """Return every status (GET status)."""
    return reply([render.status(caller().links, s, world().status_categories) for s in world().statuses])


@api_route(bp, "user", READ_USER)
def get_user():
    """Return the user with ``accountId`` (GET user)."""
    account_id = request.args.get("accountId", "")
    person = directory.user_by("account_id", account_id) if account_id else None
    if person is None or caller().cloud_id not in person["sites"]:
        raise ApiError(404, ["Specified user does not exist or you do not have required permissions"])
    return reply(render.user(caller().links, person, encode=False, full=True))


@api_route(bp, "user/assignable/search", READ_USER)
def search_assignable_users():
    """Return the users who may be assigned issues of a project or issue the caller can see."""
    if request.args.get("issueKey") or request.args.get("issueId"):
        id_or_key = request.args.get("issueKey") or request.args.get("issueId")
        issue = visible_issue(id_or_key)
        project = world().project(issue["fields"]["project"]["key"])
    elif request.args.get("project"):
        project = visible_project(request.args["project"])
    else:
        raise ApiError(400, ["The issue key, issue ID, or project key must be provided."])
    query = request.args.get("query", "").lower()
    account_id = request.args.get("accountId")
    start_at = int_arg("startAt", 0)
    max_results = min(int_arg("maxResults", 50), USER_PAGE_CAP)
    people = [u for u in directory.USERS
              if project["key"] in directory.visible_project_keys(u, caller().cloud_id)
              and (account_id is None or u["account_id"] == account_id)
              and (not query or any(part.startswith(query) for part in
                                    [u["email"].lower(), u["name"], *u["display_name"].lower().split()]))]
    return reply([render.user(caller().links, u) for u in people[start_at:start_at + max_results]])


# The project permissions the sandbox answers for (id, name, whether read-only people have it).
_PERMISSIONS = {
    "BROWSE_PROJECTS": ("10", "Browse Projects", True),
    "CREATE_ISSUES": ("11", "Create Issues", False),
    "EDIT_ISSUES": ("12", "Edit Issues", False),
    "ASSIGN_ISSUES": ("13", "Assign Issues", False),
    "TRANSITION_ISSUES": ("46", "Transition Issues", False),
    "ADD_COMMENTS": ("15", "Add Comments", True),
    "CREATE_ATTACHMENTS": ("19", "Create Attachments", False),
    "DELETE_OWN_ATTACHMENTS": ("39", "Delete Own Attachments", False),
    "DELETE_ALL_ATTACHMENTS": ("38", "Delete All Attachments", False),  # site admins only, as sandbox.jira_attachments rules
}


@api_route(bp, "mypermissions", READ)
def get_my_permissions():
    """Return whether the caller has each asked-for permission in a project (GET mypermissions)."""
    asked = list_arg(request.args.getlist("permissions"))
    if not asked:
        raise ApiError(400, ["The permissions query parameter was not provided."])
    unknown = [key for key in asked if key not in _PERMISSIONS]
    if unknown:
        raise ApiError(400, [f"No project permissions found for permission keys: {', '.join(unknown)}"])
    project_key = request.args.get("projectKey") or request.args.get("projectId")
    project = visible_project(project_key) if project_key else None
    writes = project is not None and caller().may_edit(project["key"])
    admin = bool(caller().user.get("admin"))
    return reply({"permissions": {key: {
        "id": _PERMISSIONS[key][0], "key": key, "name": _PERMISSIONS[key][1], "type": "PROJECT",
        "description": f"Ability to {_PERMISSIONS[key][1].lower()}.",
        "havePermission": project is not None and (writes or _PERMISSIONS[key][2])
        and (key != "DELETE_ALL_ATTACHMENTS" or admin),
    } for key in asked}})
