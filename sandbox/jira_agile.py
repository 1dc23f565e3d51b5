"""Jira Software's REST API (``/rest/agile/1.0``) as the sandbox serves it: boards, sprints, backlog.

Shapes, paging and errors follow Atlassian's Jira Software OpenAPI description (the
``jira-software.json`` Atlassian publishes) and how third-party clients read it (pycontribs
``jira``: ``boards()``, ``sprints()``, ``sprint()``):

- board and sprint lists page with ``startAt``/``maxResults``/``isLast`` (boards also give
  ``total``), 50 to a page at most; issue lists give ``startAt``/``maxResults``/``total`` and no
  ``isLast``, 100 to a page at most (``jira.search.views.default.max``);
- an issue belongs to a board when its project is the board's and its status is mapped to one of
  the board's columns (kanban boards also apply their sub-query; scrum boards leave epics out);
  issues come in rank order (here: creation order) unless the ``jql`` parameter orders them;
- a board, or a sprint, the caller may not see is a 404 with Jira's message; a kanban board has no
  sprints (400); an issue moves only into an active or future sprint, 50 at most at once, and
  only by someone who may change it (403 otherwise);
- OAuth tokens need the granular scopes the description lists for each operation (Jira Software
  takes no classic scopes): a token without them gets the gateway's 401 "scope does not match".
"""

from __future__ import annotations

import re

from flask import Blueprint, request

from sandbox import boards, jql, render, render_issue
from sandbox.jira_http import (ISSUE_NOT_FOUND, ApiError, api_route, caller, int_arg, json_body, list_arg,
                               no_content, reply, world)
from sandbox.jira_search import compile_checked

bp = Blueprint("jira_agile", __name__)

AGILE = "rest/agile/1.0"
# The scopes of each operation, from the operation's "security" in Jira Software's OpenAPI description.
READ_BOARDS = ("read:board-scope:jira-software", "read:project:jira")
READ_BOARD = ("read:board-scope:jira-software", "read:issue-details:jira")
READ_CONFIGURATION = ("read:board-scope.admin:jira-software", "read:project:jira")
READ_SPRINTS = ("read:sprint:jira-software",)
READ_SPRINT_ISSUES = ("read:sprint:jira-software", "read:issue-details:jira", "read:jql:jira")
WRITE_SPRINT = ("write:sprint:jira-software",)
WRITE_BOARD = ("write:board-scope:jira-software",)

LIST_PAGE_CAP = 50
ISSUE_PAGE_CAP = 100
MOVE_CAP = 50
AGILE_FIELDS = ("sprint", "closedSprints", "flagged", "epic")
BOARD_TYPES = ("scrum", "kanban", "simple")
SPRINT_STATES = ("future", "active", "closed")
BOARD_NOT_FOUND = "Board does not exist or you do not have permission to see it."
NO_SPRINTS = "The board does not support sprints"
MOVE_REFUSED = "You do not have permission to edit the issue '{0}'."
_ORDER_BY = re.compile(r"\border\s+by\b", re.IGNORECASE)


# --- boards --------------------------------------------------------------------------------------

@api_route(bp, "board", READ_BOARDS, api=AGILE)
def list_boards():
    """Return a page of the boards the caller may see (GET board), filtered by type, name and project."""
    start_at, max_results = int_arg("startAt", 0), min(int_arg("maxResults", 50), LIST_PAGE_CAP)
    types = list_arg(request.args.get("type"))
    if any(t not in BOARD_TYPES for t in types):
        raise ApiError(400, [f"The 'type' parameter must be one of: {', '.join(BOARD_TYPES)}."])
    name = request.args.get("name", "").lower()
    project = request.args.get("projectKeyOrId", "")
    found = [b for b in _agile().boards.values() if _visible(b)
             and (not types or b["type"] in types) and name in b["name"].lower()
             and (not project or _project_of(b)["key"] == project.upper() or _project_of(b)["id"] == project)]
    order = request.args.get("orderBy", "")
    if order.lstrip("+-") == "name":
        found.sort(key=lambda b: b["name"].lower(), reverse=order.startswith("-"))
    page = found[start_at:start_at + max_results]
    return reply({"maxResults": max_results, "startAt": start_at, "total": len(found),
                  "isLast": start_at + len(page) >= len(found), "values": [_board(b) for b in page]})


@api_route(bp, "board/<boardId>", READ_BOARD, api=AGILE)
def get_board(boardId: str):
    """Return one board (GET board/{boardId})."""
    return reply(_board(_visible_board(boardId)))


@api_route(bp, "board/<boardId>/configuration", READ_CONFIGURATION, api=AGILE)
def get_configuration(boardId: str):
    """Return a board's columns with their statuses and limits, its filter and estimation."""
    board = _visible_board(boardId)
    project, api = _project_of(board), caller().links.api
    body = {
        "id": int(board["id"]), "name": board["name"], "type": board["type"],
        "self": f"{api}{AGILE}/board/{board['id']}/configuration",
        "location": {"type": "project", "key": project["key"], "id": project["id"],
                     "self": f"{api}rest/api/3/project/{project['id']}", "name": project["name"]},
        "filter": {"id": board["filter_id"], "self": f"{api}rest/api/3/filter/{board['filter_id']}"},
    }
    if board["type"] == "kanban":
        body["subQuery"] = {"query": boards.KANBAN_SUB_QUERY}
    body["columnConfig"] = {"columns": [_column(c) for c in board["columns"]], "constraintType": "issueCount"}
    if board["type"] == "scrum":
        field_id, name = board["estimation"] or (None, None)
        body["estimation"] = ({"type": "field", "field": {"fieldId": field_id, "displayName": name}}
                              if field_id else {"type": "issueCount"})
    body["ranking"] = {"rankCustomFieldId": boards.RANK_FIELD_ID}
    return reply(body)


@api_route(bp, "board/<boardId>/issue", READ_BOARD, api=AGILE)
def list_board_issues(boardId: str):
    """Return a page of a board's issues (GET board/{boardId}/issue)."""
    board = _visible_board(boardId)
    return reply(_issue_page(_on_board(board)))


@api_route(bp, "board/<boardId>/backlog", READ_BOARD, api=AGILE)
def list_backlog(boardId: str):
    """Return a page of the board's backlog: unfinished issues in no active or future sprint."""
    board = _visible_board(boardId)
    done = set(_done_statuses(board))
    agile = _agile()
    return reply(_issue_page([i for i in _on_board(board)
                              if i["fields"]["status"]["id"] not in done and agile.open_sprint(i["id"]) is None]))


# --- sprints -------------------------------------------------------------------------------------

@api_route(bp, "board/<boardId>/sprint", READ_SPRINTS, api=AGILE)
def list_sprints(boardId: str):
    """Return a page of a board's sprints, closed first, then active, then future (GET board/{boardId}/sprint)."""
    board = _visible_board(boardId)
    if board["type"] != "scrum":
        raise ApiError(400, [NO_SPRINTS])
    start_at, max_results = int_arg("startAt", 0), min(int_arg("maxResults", 50), LIST_PAGE_CAP)
    states = list_arg(request.args.get("state"))
    if any(s not in SPRINT_STATES for s in states):
        raise ApiError(400, [f"The 'state' parameter must be one of: {', '.join(SPRINT_STATES)}."])
    found = [s for s in _agile().board_sprints(board["id"]) if not states or s["state"] in states]
    page = found[start_at:start_at + max_results]
    return reply({"maxResults": max_results, "startAt": start_at, "isLast": start_at + len(page) >= len(found),
                  "values": [_sprint(s) for s in page]})


@api_route(bp, "sprint/<sprintId>", READ_SPRINTS, api=AGILE)
def get_sprint(sprintId: str):
    """Return one sprint (GET sprint/{sprintId})."""
    return reply(_sprint(_visible_sprint(sprintId)))


@api_route(bp, "sprint/<sprintId>/issue", READ_SPRINT_ISSUES, api=AGILE)
def list_sprint_issues(sprintId: str):
    """Return a page of the issues in a sprint that the caller may see (GET sprint/{sprintId}/issue)."""
    sprint = _visible_sprint(sprintId)
    board = _agile().board(sprint["board_id"])
    return reply(_issue_page([i for i in _on_board(board) if _agile().in_sprint(i["id"], sprint["id"])]))


@api_route(bp, "board/<boardId>/sprint/<sprintId>/issue", READ_SPRINT_ISSUES, api=AGILE)
def list_board_sprint_issues(boardId: str, sprintId: str):
    """Return a page of a board's issues in one of its sprints (GET board/{boardId}/sprint/{sprintId}/issue)."""
    board = _visible_board(boardId)
    sprint = _visible_sprint(sprintId)
    return reply(_issue_page([i for i in _on_board(board) if _agile().in_sprint(i["id"], sprint["id"])]))


@api_route(bp, "sprint/<sprintId>/issue", WRITE_SPRINT, methods=("POST",), api=AGILE)
def move_to_sprint(sprintId: str):
    """Move issues into an active or future sprint; 204."""
    sprint = _visible_sprint(sprintId)
    if sprint["state"] == "closed":
        raise ApiError(400, ["Issues can only be moved to open or active sprints."])
    issues = _issues_to_move()
    _agile().move_to_sprint([i["id"] for i in issues], sprint["id"])
    return no_content()


@api_route(bp, "backlog/issue", WRITE_BOARD, methods=("POST",), api=AGILE)
def move_to_backlog():
    """Move issues out of their active or future sprints, into the backlog; 204."""
    issues = _issues_to_move()
    _agile().move_to_backlog([i["id"] for i in issues])
    return no_content()


# --- helpers -------------------------------------------------------------------------------------

def _agile() -> boards.Agile:
    return world().agile


def _project_of(board: dict) -> dict:
    return world().project(board["project"])


def _visible(board: dict) -> bool:
    """Return whether the caller may see a board: they may browse its project on this site."""
    return board["project"] in caller().visible_keys()


def _visible_board(board_id: str) -> dict:
    board = _agile().board(board_id) if board_id.isdigit() else None
    if board is None or not _visible(board):
        raise ApiError(404, [BOARD_NOT_FOUND])
    return board


def _visible_sprint(sprint_id: str) -> dict:
    sprint = _agile().sprint(sprint_id) if sprint_id.isdigit() else None
    if sprint is None or not _visible(_agile().board(sprint["board_id"])):
        raise ApiError(404, [f"Sprint with id {sprint_id} does not exist or you do not have permission to see it."])
    return sprint


def _done_statuses(board: dict) -> list[str]:
    """Return the statuses of the board's last column that has any: Jira counts them as done."""
    mapped = [c["statuses"] for c in board["columns"] if c["statuses"]]
    return mapped[-1] if mapped else []


def _on_board(board: dict) -> list[dict]:
    """Return the board's issues in rank order: its project's, in mapped statuses (and its sub-query)."""
    mapped = {s for column in board["columns"] for s in column["statuses"]}
    found = [i for i in world().project_issues(board["project"]) if i["fields"]["status"]["id"] in mapped]
    if board["type"] == "scrum":
        found = [i for i in found if i["fields"]["issuetype"]["id"] != boards.EPIC_TYPE_ID]
    else:
        sub_query = _compile(boards.KANBAN_SUB_QUERY)
        found = [i for i in found if sub_query.matches(i)]
    return found


def _issue_page(issues: list[dict]) -> dict:
    """Return one page of ``issues`` as the agile issue lists do, after the ``jql`` parameter."""
    text = request.args.get("jql", "")
    if text.strip():
        query = _compile(text)
        issues = [i for i in issues if query.matches(i)]
        if _ORDER_BY.search(text):
            issues = query.sort(issues)
    start_at, max_results = int_arg("startAt", 0), min(int_arg("maxResults", 50), ISSUE_PAGE_CAP)
    spec = list_arg(request.args.getlist("fields")) or ["*navigable", *AGILE_FIELDS]
    page = issues[start_at:start_at + max_results]
    return {"expand": "schema,names", "startAt": start_at, "maxResults": max_results, "total": len(issues),
            "issues": [_issue(i, spec) for i in page]}


def _issue(issue: dict, spec: list[str]) -> dict:
    """Return one issue with the requested fields, the agile ones (sprint, epic, ...) included."""
    project_key = issue["fields"]["project"]["key"]
    wanted = render_issue.select(spec, project_key, default_all=False)
    body = render_issue.issue_json(world(), caller().links, issue, wanted, set(),
                                   comment_cap=render_issue.SEARCH_COMMENT_CAP,
                                   editable=caller().may_edit(project_key))
    body["self"] = f"{caller().links.api}{AGILE}/issue/{issue['id']}"
    agile = _agile()
    values = {
        "sprint": lambda: _sprint(agile.sprint(agile.open_sprint(issue["id"]))) if agile.open_sprint(issue["id"]) else None,
        "closedSprints": lambda: [_sprint(agile.sprint(s)) for s in agile.closed_sprints(issue["id"])],
        "flagged": lambda: False,
        "epic": lambda: None,
    }
    for name in AGILE_FIELDS:
        if name in wanted:
            body["fields"][name] = values[name]()
    return body


def _issues_to_move() -> list[dict]:
    """Return the issues a move names (keys or ids); raise Jira's 400, 404 or 403."""
    named = json_body().get("issues")
    if not isinstance(named, list) or not named or not all(isinstance(n, str) and n for n in named):
        raise ApiError(400, ["The 'issues' member must be a list of issue keys or ids."])
    if len(named) > MOVE_CAP:
        raise ApiError(400, [f"At most {MOVE_CAP} issues may be moved at once."])
    found = []
    for name in named:
        issue = world().issue(name)
        if issue is None or issue["fields"]["project"]["key"] not in caller().visible_keys():
            raise ApiError(404, [ISSUE_NOT_FOUND])
        if not caller().may_edit(issue["fields"]["project"]["key"]):
            raise ApiError(403, [MOVE_REFUSED.format(issue["key"])])
        found.append(issue)
    return found


def _compile(text: str) -> jql.Query:
    """Return the compiled ``jql`` parameter (a board bounds it, so it may be unbounded); 400 when wrong."""
    try:
        return compile_checked(caller(), text)
    except jql.JqlError as exc:
        raise ApiError(400, exc.messages) from None


def _board(board: dict) -> dict:
    """Return a board as the board resources do, with its location (the project it lives in)."""
    project = _project_of(board)
    shown = f"{project['name']} ({project['key']})"
    return {"id": int(board["id"]), "self": f"{caller().links.api}{AGILE}/board/{board['id']}", "name": board["name"],
            "type": board["type"],
            "location": {"projectId": int(project["id"]), "displayName": shown, "projectName": project["name"],
                         "projectKey": project["key"], "projectTypeKey": "software",
                         "avatarURI": render.avatar_urls(caller().links, "project", project["id"])["24x24"],
                         "name": shown}}


def _column(column: dict) -> dict:
    api = caller().links.api
    body = {"name": column["name"],
            "statuses": [{"id": s, "self": f"{api}rest/api/3/status/{s}"} for s in column["statuses"]]}
    body.update({k: column[k] for k in ("min", "max") if column[k] is not None})
    return body


def _sprint(sprint: dict) -> dict:
    """Return a sprint as the sprint resources do (a future sprint may have no dates yet)."""
    body = {"id": int(sprint["id"]), "self": f"{caller().links.api}{AGILE}/sprint/{sprint['id']}",
            "state": sprint["state"], "name": sprint["name"]}
    for key, name in (("start", "startDate"), ("end", "endDate"), ("complete", "completeDate")):
        if key in sprint:
            body[name] = sprint[key]
    body.update({"createdDate": sprint["created"], "originBoardId": int(sprint["board_id"]), "goal": sprint["goal"]})
    return body
