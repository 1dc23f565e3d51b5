"""Field metadata as createmeta, editmeta and ``expand=transitions.fields`` describe it,
and the transitions an issue offers."""

from sandbox import fields, render
from sandbox.render import Links


def field_meta(world, links: Links, project: dict, issue_type_id: str, field_id: str, *,
               issue_key: str | None = None, create: bool = True) -> dict:
    """Return one field's metadata (createmeta adds ``fieldId``; editmeta keys by id instead)."""
    schema = fields.schema_of(field_id)
    body = {"required": fields.is_required(project["key"], issue_type_id, field_id), "schema": dict(schema),
            "name": fields.FIELD_NAMES[field_id], "key": field_id}
    if create:
        body["fieldId"] = field_id
    allowed = _allowed_values(world, links, project, issue_type_id, field_id, create)
    if allowed is not None:
        body["allowedValues"] = allowed
    where = f"issueKey={issue_key}" if issue_key else f"project={project['key']}"
    if schema["type"] == "user":
        body["autoCompleteUrl"] = f"{links.api}rest/api/3/user/assignable/search?{where}&query="
    elif field_id == "labels":
        body["autoCompleteUrl"] = f"{links.api}rest/api/1.0/labels/suggest?query="
    elif field_id == "parent":
        body["autoCompleteUrl"] = f"{links.api}rest/api/3/issue/picker?currentProjectId={project['id']}&query="
    body["hasDefaultValue"] = field_id in ("priority", "reporter") and create
    if field_id == "priority" and create:
        body["defaultValue"] = render.priority(links, world.priorities[2])
    body["operations"] = fields.operations(field_id) if not (create and field_id == "issuetype") else []
    return body


def _allowed_values(world, links: Links, project: dict, issue_type_id: str, field_id: str, create: bool):
    """Return a field's allowedValues, or None when it has none (free input)."""
    if field_id == "project":
        return [render.project_ref(links, project)]
    if field_id == "issuetype":
        return [render.issue_type(links, t) for t in world.issue_types
                if t["id"] == issue_type_id or not create]
    if field_id == "priority":
        return [render.priority(links, p) for p in world.priorities]
    if field_id == "components":
        return [render.component(links, c) for c in project["components"]]
    if field_id == "fixVersions":
        return [render.version(links, v, project["id"]) for v in project["versions"]]
    if field_id in fields.OPTIONS:
        return [_option(links, o) for o in fields.OPTIONS[field_id]]
    return None


def _option(links: Links, option: dict) -> dict:
    body = {"self": f"{links.api}rest/api/3/customFieldOption/{option['id']}", "value": option["value"],
            "id": option["id"]}
    if "children" in option:
        body["children"] = [_option(links, child) for child in option["children"]]
    return body


def create_fields(world, links: Links, project: dict, issue_type_id: str) -> list[dict]:
    """Return the createmeta fields of a project's issue type, in screen order."""
    return [field_meta(world, links, project, issue_type_id, f)
            for f in fields.screen_fields(project["key"], issue_type_id)]


def edit_meta(world, links: Links, issue: dict, *, editable: bool = True) -> dict:
    """Return an issue's editmeta: ``{"fields": {id: metadata}}``, empty for someone who may not edit."""
    if not editable:
        return {"fields": {}}
    project = world.project(issue["fields"]["project"]["key"])
    type_id = issue["fields"]["issuetype"]["id"]
    meta = {f: field_meta(world, links, project, type_id, f, issue_key=issue["key"], create=False)
            for f in fields.screen_fields(project["key"], type_id) if f != "project"}
    meta["comment"] = {"required": False, "schema": {"type": "comments-page", "system": "comment"},
                       "name": "Comment", "key": "comment", "operations": ["add", "edit", "remove"]}
    # Offered to whoever may link issues, as in the recorded editmeta.
    meta["issuelinks"] = {"required": False, "schema": {"type": "array", "items": "issuelinks", "system": "issuelinks"},
                          "name": "Linked Issues", "key": "issuelinks",
                          "autoCompleteUrl": f"{links.api}rest/api/3/issue/picker?currentProjectId=&showSubTaskParent=true"
                                             f"&showSubTasks=true&currentIssueKey={issue['key']}&query=",
                          "operations": ["add", "copy"]}
    return {"fields": meta}


def transitions(world, links: Links, *, with_fields: bool, only: str | None = None) -> list[dict]:
    """Return the transitions every issue offers (the one workflow's are all global)."""
    found = []
    for transition in world.transitions:
        if only is not None and transition["id"] != only:
            continue
        body = {"id": transition["id"], "name": transition["name"],
                "to": render.status(links, world.status(transition["to"]), world.status_categories),
                "hasScreen": transition["screen"], "isGlobal": True, "isInitial": False,
                "isAvailable": True, "isConditional": False, "isLooped": False}
        if with_fields:
            body["fields"] = _screen(world, links) if transition["screen"] else {}
        found.append(body)
    return found


def _screen(world, links: Links) -> dict:
    """Return the fields on the resolving transition's screen: resolution (required), comment."""
    return {
        "resolution": {"required": True, "schema": {"type": "resolution", "system": "resolution"},
                       "name": "Resolution", "key": "resolution", "hasDefaultValue": False,
                       "operations": ["set"],
                       "allowedValues": [render.resolution(links, r) for r in world.resolutions]},
        "comment": {"required": False, "schema": {"type": "comments-page", "system": "comment"},
                    "name": "Comment", "key": "comment", "hasDefaultValue": False, "operations": ["add"]},
    }
