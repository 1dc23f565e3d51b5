"""Issue routes: get, create, edit, assign, create/edit metadata and transitions.

Field values go through ``sandbox.fields`` (screens, required fields, Jira's error texts);
``status`` in an edit is ignored, as status only changes through a transition. Transition "41"
(Done) has a screen with a required resolution and an optional comment.
"""

from flask import Blueprint, request

from sandbox import directory, fields, meta, render, render_issue
from sandbox.jira_http import (ASSIGN_REFUSED, READ, WRITE, ApiError, api_route, caller, editable_issue, int_arg,
                               json_body, list_arg, no_content, reply, visible_issue, visible_project, world)

bp = Blueprint("jira_issues", __name__)

CREATEMETA_PAGE_CAP = 200


@api_route(bp, "issue/<issueIdOrKey>", READ)
def get_issue(issueIdOrKey: str):
    """Return an issue with the requested fields (default all) and expands."""
    issue = visible_issue(issueIdOrKey)
    spec = list_arg(request.args.getlist("fields"))
    wanted = render_issue.select(spec, issue["fields"]["project"]["key"], default_all=True)
    expand = set(list_arg(request.args.get("expand")))
    return reply(render_issue.issue_json(world(), caller().links, issue, wanted, expand,
                                         comment_cap=render_issue.ISSUE_COMMENT_CAP,
                                         editable=caller().may_edit(_project_key(issue)), viewer=caller().viewer()))


@api_route(bp, "issue", WRITE, methods=("POST",))
def create_issue():
    """Create an issue; 201 with ``{id, key, self}``."""
    body = json_body()
    given, update = _object(body, "fields"), _object(body, "update")
    project, issue_type = _project_and_type(given)
    comments = _comment_adds(update)
    values = _parse(project, issue_type["id"], given, update, None)
    issue = world().create_issue(project, issue_type, values, caller().user)
    for comment in comments:
        world().add_comment(issue["id"], caller().account_id, comment)
    return reply({"id": issue["id"], "key": issue["key"],
                  "self": f"{caller().links.api}rest/api/3/issue/{issue['id']}"}, 201)


@api_route(bp, "issue/<issueIdOrKey>", WRITE, methods=("PUT",))
def edit_issue(issueIdOrKey: str):
    """Change an issue's fields (``fields`` and ``update``); 204, or 200 with ``returnIssue``."""
    issue = editable_issue(issueIdOrKey)
    body = json_body()
    given = {k: v for k, v in _object(body, "fields").items() if k != "status"}
    update = {k: v for k, v in _object(body, "update").items() if k != "status"}
    comments = _comment_adds(update)
    project = world().project(issue["fields"]["project"]["key"])
    values = _parse(project, issue["fields"]["issuetype"]["id"], given, update, issue["fields"])
    if values:
        issue = world().update_issue(issue["id"], values, caller().account_id)
    for comment in comments:
        world().add_comment(issue["id"], caller().account_id, comment)
    if request.args.get("returnIssue") == "true":
        wanted = render_issue.select([], project["key"], default_all=True)
        return reply(render_issue.issue_json(world(), caller().links, world().issue(issue["id"]), wanted, set(),
                                             comment_cap=render_issue.ISSUE_COMMENT_CAP, viewer=caller().viewer()))
    return no_content()


@api_route(bp, "issue/<issueIdOrKey>/assignee", WRITE, methods=("PUT",))
def assign_issue(issueIdOrKey: str):
    """Assign the issue to ``accountId`` (null or "-1": unassigned, the projects' default); 204."""
    issue = editable_issue(issueIdOrKey, ASSIGN_REFUSED)
    account_id = json_body().get("accountId")
    if account_id in (None, "-1"):
        world().update_issue(issue["id"], {"assignee": None}, caller().account_id)
        return no_content()
    project = world().project(issue["fields"]["project"]["key"])
    person = directory.user_by("account_id", account_id)
    if person is None or project["key"] not in directory.visible_project_keys(person, project["site_id"]):
        raise ApiError(400, [], {"assignee": f"User '{account_id}' cannot be assigned issues."})
    world().update_issue(issue["id"], {"assignee": fields.user_ref(person)}, caller().account_id)
    return no_content()


@api_route(bp, "issue/createmeta/<projectIdOrKey>/issuetypes", READ)
def list_create_issue_types(projectIdOrKey: str):
    """Return a page of the issue types one can create in the project (none without permission)."""
    project = visible_project(projectIdOrKey)
    types = [{**render.issue_type(caller().links, t), "untranslatedName": t["name"]} for t in world().issue_types
             if caller().may_edit(project["key"])]
    return reply(_page("issueTypes", types))


@api_route(bp, "issue/createmeta/<projectIdOrKey>/issuetypes/<issueTypeId>", READ)
def list_create_fields(projectIdOrKey: str, issueTypeId: str):
    """Return a page of the fields on the create screen of a project's issue type."""
    project = visible_project(projectIdOrKey)
    if world().issue_type(issueTypeId) is None:
        raise ApiError(400, ["The issue type ID is invalid."])
    return reply(_page("fields", meta.create_fields(world(), caller().links, project, issueTypeId)))


@api_route(bp, "issue/<issueIdOrKey>/editmeta", READ)
def get_edit_meta(issueIdOrKey: str):
    """Return the fields an issue's edit screen offers (none to someone who may only read it)."""
    issue = visible_issue(issueIdOrKey)
    return reply(meta.edit_meta(world(), caller().links, issue, editable=caller().may_edit(_project_key(issue))))


@api_route(bp, "issue/<issueIdOrKey>/transitions", READ)
def list_transitions(issueIdOrKey: str):
    """Return the issue's transitions (``expand=transitions.fields`` adds screen fields); none without permission."""
    issue = visible_issue(issueIdOrKey)
    with_fields = "transitions.fields" in list_arg(request.args.get("expand"))
    found = meta.transitions(world(), caller().links, with_fields=with_fields,
                             only=request.args.get("transitionId")) if caller().may_edit(_project_key(issue)) else []
    return reply({"expand": "transitions", "transitions": found})


@api_route(bp, "issue/<issueIdOrKey>/transitions", WRITE, methods=("POST",))
def transition_issue(issueIdOrKey: str):
    """Move the issue through a transition, checking its screen's fields; 204."""
    issue = visible_issue(issueIdOrKey)
    body = json_body()
    wanted = (body.get("transition") or {}).get("id") if isinstance(body.get("transition"), dict) else None
    if not wanted:
        raise ApiError(400, ["Missing 'transition' identifier"])
    transition = next((t for t in world().transitions if t["id"] == str(wanted)), None)
    if transition is None or not caller().may_edit(_project_key(issue)):  # Jira offers none then
        raise ApiError(400, [f"Transition id '{wanted}' is not valid for this issue."])
    given, update = _object(body, "fields"), _object(body, "update")
    comments = _comment_adds(update)
    resolution = _resolution(transition, given.pop("resolution", None), update.pop("resolution", None))
    errors = {f: fields.NOT_ON_SCREEN.format(f) for f in [*given, *update]}
    if errors:
        raise ApiError(400, [], errors)
    world().transition_issue(issue["id"], transition, resolution, caller().account_id)
    for comment in comments:
        world().add_comment(issue["id"], caller().account_id, comment)
    return no_content()


def _resolution(transition: dict, value, update) -> dict | None:
    """Return the resolution a screen transition sets; raise ApiError when missing or wrong."""
    if not transition["screen"]:
        if value is not None or update is not None:
            raise ApiError(400, [], {"resolution": fields.NOT_ON_SCREEN.format("resolution")})
        return None
    if value is None and isinstance(update, list):
        value = next((op.get("set") for op in update if isinstance(op, dict) and "set" in op), None)
    if value is None:
        raise ApiError(400, [], {"resolution": "Resolution is required."})
    found = next((r for r in world().resolutions if isinstance(value, dict)
                  and (str(value.get("id")) == r["id"] or value.get("name") == r["name"])), None)
    if found is None:
        raise ApiError(400, [], {"resolution": "The resolution selected is invalid."})
    return {"id": found["id"], "name": found["name"]}


def _comment_adds(update: dict) -> list[dict]:
    """Remove ``update.comment`` and return the ADF bodies it adds; raise ApiError when not ADF."""
    bodies = []
    for action in update.pop("comment", None) or []:
        add = action.get("add") if isinstance(action, dict) else None
        if add is None:
            continue
        if not fields.is_adf(add.get("body") if isinstance(add, dict) else None):
            raise ApiError(400, [], {"comment": fields.NOT_ADF})
        bodies.append(add["body"])
    return bodies


def _object(body: dict, name: str) -> dict:
    """Return a copy of the body's ``name`` object ({} when absent); raise ApiError when not one."""
    value = body.get(name)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ApiError(400, [f"The '{name}' member must be an object."])
    return dict(value)


def _parse(project: dict, issue_type_id: str, given: dict, update: dict, current: dict | None) -> dict:
    """Return stored values for the request; raise ApiError with the field errors."""
    try:
        return fields.parse_values(world(), project, issue_type_id, given, update, current)
    except fields.FieldErrors as exc:
        raise ApiError(400, exc.messages, exc.errors) from None


def _project_key(issue: dict) -> str:
    return issue["fields"]["project"]["key"]


def _project_and_type(given: dict) -> tuple[dict, dict]:
    """Return the project and issue type a create request names; raise Jira's field errors."""
    errors = {}
    ref = given.pop("project", None)
    project = None
    if isinstance(ref, dict) and (ref.get("id") or ref.get("key")):
        project = world().project(str(ref.get("id") or ref.get("key")))
        if project is not None and project["key"] not in caller().visible_keys():
            project = None
    if project is None:
        errors["project"] = "Specify a valid project ID or key"
    elif not caller().may_edit(project["key"]):
        errors["project"] = "You do not have permission to create issues in this project."
    ref = given.pop("issuetype", None)
    issue_type = None
    if isinstance(ref, dict):
        issue_type = world().issue_type(ref.get("id", "")) or next(
            (t for t in world().issue_types if t["name"] == ref.get("name")), None)
    if issue_type is None:
        errors["issuetype"] = "Specify an issue type" if not ref else "The issue type selected is invalid."
    if errors:
        raise ApiError(400, [], errors)
    return project, issue_type


def _page(name: str, items: list) -> dict:
    """Return an offset page of ``items`` under ``name`` (createmeta's shape)."""
    start_at = int_arg("startAt", 0)
    max_results = min(int_arg("maxResults", 50), CREATEMETA_PAGE_CAP)
    page = items[start_at:start_at + max_results]
    return {name: page, "maxResults": max_results, "startAt": start_at, "total": len(items)}
