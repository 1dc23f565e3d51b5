"""Link routes: link types, issue links (both issues see the link), web links and the issue picker.

Jira's convention for ``POST issueLink``: the issue sent as ``inwardIssue`` reads the type's
outward phrase ("ACME-1 blocks ACME-2") and the one sent as ``outwardIssue`` the inward phrase.
Linking needs the Link Issues permission (the sandbox's ``may_edit``) on both projects; a hidden
or missing issue is Jira's 404, a link to itself its 400. Error texts are Jira's where known.
"""

import re

from flask import Blueprint, Response, request

from sandbox import render_extras
from sandbox.jira_http import (ISSUE_NOT_FOUND, JSON_TYPE, READ, WRITE, ApiError, api_route, caller, json_body, no_content, reply,
                               visible_issue, world)

bp = Blueprint("jira_links", __name__)

SELF_LINK = "You cannot link an issue to itself."
NO_LINK_PERMISSION = "No Link Issue Permission for issue '{}'."
PICKER_LIMIT = 20
SUBTASK_TYPE_ID = "10005"


@api_route(bp, "issueLinkType", READ)
def list_link_types():
    """Return every issue link type (GET issueLinkType)."""
    return reply({"issueLinkTypes": [render_extras.link_type(caller().links, t) for t in world().link_types]})


@api_route(bp, "issueLinkType/<issueLinkTypeId>", READ)
def get_link_type(issueLinkTypeId: str):
    """Return one issue link type."""
    found = next((t for t in world().link_types if t["id"] == issueLinkTypeId), None)
    if found is None:
        raise ApiError(404, [f"No issue link type with id '{issueLinkTypeId}' found."])
    return reply(render_extras.link_type(caller().links, found))


@api_route(bp, "issueLink", WRITE, methods=("POST",))
def link_issues():
    """Link two issues; 201 with no body, as Jira answers (an identical link is not added twice)."""
    body = json_body()
    ref = body.get("type") if isinstance(body.get("type"), dict) else None
    outward_ref, inward_ref = _issue_ref(body, "inwardIssue"), _issue_ref(body, "outwardIssue")
    if ref is None or outward_ref is None or inward_ref is None:
        raise ApiError(400, ["The link type, the inward issue and the outward issue are required."])
    link_type = world().link_type(ref.get("id") or ref.get("name"))
    if link_type is None:
        kind, value = ("id", ref.get("id")) if ref.get("id") else ("name", ref.get("name"))
        raise ApiError(404, [f"No issue link type with {kind} '{value}' found."])
    outward, inward = _visible(outward_ref), _visible(inward_ref)
    for issue in (outward, inward):
        if not caller().may_edit(issue["fields"]["project"]["key"]):
            raise ApiError(404, [NO_LINK_PERMISSION.format(issue["key"])])
    if outward["id"] == inward["id"]:
        raise ApiError(400, [SELF_LINK])
    world().add_link(link_type, outward["id"], inward["id"], caller().account_id)
    return Response(status=201, content_type=JSON_TYPE)  # a JSON type and no body, as recorded


@api_route(bp, "issueLink/<linkId>", READ)
def get_link(linkId: str):
    """Return one link with both of its issues (both must be visible)."""
    link = _link(linkId)
    return reply(render_extras.issue_link(world(), caller().links, link))


@api_route(bp, "issueLink/<linkId>", WRITE, methods=("DELETE",))
def delete_link(linkId: str):
    """Remove a link from both issues; 204. Needs Link Issues on one of the two projects."""
    link = _link(linkId)
    projects = [world().issue(link[side])["fields"]["project"]["key"] for side in ("outward", "inward")]
    if not any(caller().may_edit(key) for key in projects):
        raise ApiError(404, [NO_LINK_PERMISSION.format(world().issue(link["outward"])["key"])])
    world().delete_link(link["id"], caller().account_id)
    return no_content()


@api_route(bp, "issue/<issueIdOrKey>/remotelink", READ)
def list_remote_links(issueIdOrKey: str):
    """Return an issue's web links (an array)."""
    issue = visible_issue(issueIdOrKey)
    return reply([render_extras.remote_link(caller().links, issue, r) for r in world().remote_links(issue["id"])])


@api_route(bp, "issue/<issueIdOrKey>/remotelink", WRITE, methods=("POST",))
def add_remote_link(issueIdOrKey: str):
    """Add a web link: ``object.url`` and ``object.title`` are required; 201 with its id and self."""
    issue = visible_issue(issueIdOrKey)
    if not caller().may_edit(issue["fields"]["project"]["key"]):
        raise ApiError(403, ["You do not have permission to link issues."])
    body = json_body()
    remote = body.get("object") if isinstance(body.get("object"), dict) else {}
    errors = {name: f"'{name}' is required." for name in ("url", "title") if not isinstance(remote.get(name), str) or not remote[name]}
    if errors:
        raise ApiError(400, [], errors)
    stored = world().add_remote_link(issue["id"], {
        "globalId": str(body.get("globalId") or f"system={remote['url']}"),
        "application": body.get("application") if isinstance(body.get("application"), dict) else {},
        "relationship": str(body.get("relationship") or ""), "object": remote})
    shown = render_extras.remote_link(caller().links, issue, stored)
    return reply({"id": shown["id"], "self": shown["self"]}, 201)


@api_route(bp, "issue/<issueIdOrKey>/remotelink/<linkId>", WRITE, methods=("DELETE",))
def delete_remote_link(issueIdOrKey: str, linkId: str):
    """Remove one web link; 204."""
    issue = visible_issue(issueIdOrKey)
    if not caller().may_edit(issue["fields"]["project"]["key"]):
        raise ApiError(403, ["You do not have permission to link issues."])
    if not world().delete_remote_link(issue["id"], linkId):
        raise ApiError(404, [f"No remote link with id '{linkId}' exists on this issue."])
    return no_content()


@api_route(bp, "issue/picker", READ)
def pick_issues():
    """Suggest issues for a query: a key (or its start) or words of the summary.

    Two sections, as Jira: "History Search" (the sandbox keeps no history, so it is empty) and
    "Current Search" over the issues the caller may browse, ``currentJQL`` not applied.
    """
    query = request.args.get("query", "").strip()
    exclude = request.args.get("currentIssueKey", "").upper()
    project_id = request.args.get("currentProjectId", "")
    subtasks = request.args.get("showSubTasks", "true").lower() != "false"
    found = []
    if query:
        words = [w for w in re.split(r"\W+", query.lower()) if w]
        for key in caller().visible_keys():
            for issue in world().project_issues(key):
                values = issue["fields"]
                if issue["key"] == exclude or (project_id and values["project"]["id"] != project_id):
                    continue
                if not subtasks and values["issuetype"]["id"] == SUBTASK_TYPE_ID:
                    continue
                summary = (values.get("summary") or "").lower()
                if issue["key"].lower().startswith(query.lower()) or (words and all(w in summary for w in words)):
                    found.append(issue)
    found.sort(key=lambda i: (i["key"].lower() != query.lower(), -int(i["id"])))
    shown = [_suggestion(i, query) for i in found[:PICKER_LIMIT]]
    current = {"label": "Current Search", "sub": f"Showing {len(shown)} of {len(found)} matching issues", "id": "cs",
               "issues": shown}
    if not shown:
        current = {"label": "Current Search", "msg": "No matching issues found", "id": "cs", "issues": []}
    return reply({"sections": [{"label": "History Search", "msg": "No matching issues found", "id": "hs", "issues": []},
                               current]})


def _suggestion(issue: dict, query: str) -> dict:
    """Return one picker suggestion: ``summary`` is HTML with the query in bold, ``summaryText`` plain."""
    summary = issue["fields"].get("summary") or ""
    escaped = summary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for word in sorted({w for w in re.split(r"\W+", query) if w}, key=len, reverse=True):
        escaped = re.sub(f"({re.escape(word)})", r"<b>\1</b>", escaped, flags=re.IGNORECASE)
    type_ref = world().issue_type(issue["fields"]["issuetype"]["id"])
    return {"key": issue["key"], "keyHtml": issue["key"],
            "img": f"/rest/api/2/universal_avatar/view/type/issuetype/avatar/{type_ref['avatarId']}?size=medium",
            "summary": escaped, "summaryText": summary, "id": int(issue["id"])}


def _issue_ref(body: dict, name: str) -> str | None:
    value = body.get(name)
    if not isinstance(value, dict):
        return None
    ref = value.get("key") or value.get("id")
    return str(ref) if ref else None


def _visible(id_or_key: str) -> dict:
    issue = world().issue(id_or_key)
    if issue is None or issue["fields"]["project"]["key"] not in caller().visible_keys():
        raise ApiError(404, [ISSUE_NOT_FOUND])
    return issue


def _link(link_id: str) -> dict:
    """Return a stored link whose issues the caller may both see; Jira's 400/404 otherwise."""
    if not link_id.isdigit():
        raise ApiError(400, ["The issue link ID is invalid."])
    link = world().link(link_id)
    if link is None or not all(world().issue(link[side])["fields"]["project"]["key"] in caller().visible_keys()
                               for side in ("outward", "inward")):
        raise ApiError(404, [f"No issue link with id '{link_id}' exists."])
    return link
