"""Comment routes: list (offset pages), get, add, edit (author only), delete (author or admin).

Bodies must be ADF documents. ``maxResults`` defaults to 100, Jira's default, and is capped there.
"""

from flask import Blueprint, request

from sandbox import fields, render
from sandbox.jira_http import (READ, WRITE, ApiError, api_route, caller, int_arg, json_body, list_arg,
                               no_content, reply, visible_issue, world)

bp = Blueprint("jira_comments", __name__)

PAGE_CAP = 100
FORBIDDEN = "You currently don't have access to perform this operation."


@api_route(bp, "issue/<issueIdOrKey>/comment", READ)
def list_comments(issueIdOrKey: str):
    """Return a page of the issue's comments (``orderBy`` created/-created, ``expand=renderedBody``)."""
    issue = visible_issue(issueIdOrKey)
    start_at = int_arg("startAt", 0)
    max_results = min(int_arg("maxResults", PAGE_CAP), PAGE_CAP)
    thread = world().comments(issue["id"])
    if request.args.get("orderBy", "created").lstrip("+") == "-created":
        thread = thread[::-1]
    rendered = "renderedBody" in list_arg(request.args.get("expand"))
    page = [render.comment(caller().links, issue["id"], c, rendered=rendered)
            for c in thread[start_at:start_at + max_results]]
    return reply({"startAt": start_at, "maxResults": max_results, "total": len(thread), "comments": page})


@api_route(bp, "issue/<issueIdOrKey>/comment/<id>", READ)
def get_comment(issueIdOrKey: str, id: str):
    """Return one comment of the issue."""
    issue = visible_issue(issueIdOrKey)
    rendered = "renderedBody" in list_arg(request.args.get("expand"))
    return reply(render.comment(caller().links, issue["id"], _comment(issue, id), rendered=rendered))


@api_route(bp, "issue/<issueIdOrKey>/comment", WRITE, methods=("POST",))
def add_comment(issueIdOrKey: str):
    """Add a comment by the caller; 201 with the comment."""
    issue = visible_issue(issueIdOrKey)
    stored = world().add_comment(issue["id"], caller().account_id, _body())
    return reply(render.comment(caller().links, issue["id"], stored), 201)


@api_route(bp, "issue/<issueIdOrKey>/comment/<id>", WRITE, methods=("PUT",))
def edit_comment(issueIdOrKey: str, id: str):
    """Replace the body of the caller's own comment; 200 with the comment."""
    issue = visible_issue(issueIdOrKey)
    if _comment(issue, id)["author"] != caller().account_id:
        raise ApiError(403, [FORBIDDEN])
    stored = world().update_comment(issue["id"], id, caller().account_id, _body())
    if stored is None:  # deleted by another request since the check above
        raise ApiError(404, [_NO_COMMENT.format(id)])
    return reply(render.comment(caller().links, issue["id"], stored))


@api_route(bp, "issue/<issueIdOrKey>/comment/<id>", WRITE, methods=("DELETE",))
def delete_comment(issueIdOrKey: str, id: str):
    """Delete a comment (its author or an admin); 204."""
    issue = visible_issue(issueIdOrKey)
    if _comment(issue, id)["author"] != caller().account_id and not caller().user.get("admin"):
        raise ApiError(403, [FORBIDDEN])
    world().delete_comment(issue["id"], id)
    return no_content()


_NO_COMMENT = "Can not find a comment for the id: {}."


def _comment(issue: dict, comment_id: str) -> dict:
    """Return the stored comment; raise Jira's 404 when the issue has no such comment."""
    found = world().comment(issue["id"], comment_id)
    if found is None:
        raise ApiError(404, [_NO_COMMENT.format(comment_id)])
    return found


def _body() -> dict:
    """Return the request's ADF comment body; raise ApiError (400) otherwise."""
    body = json_body().get("body")
    if not fields.is_adf(body):
        raise ApiError(400, [], {"comment": fields.NOT_ADF})
    if not body["content"]:
        raise ApiError(400, [], {"comment": "Comment body can not be empty!"})
    return body
