"""The sandbox's issue fields: definitions, which fields each project's screens show, and the
conversion of a create/edit request's ``fields`` and ``update`` into stored values.

Stored values follow the Jira-shaped issue dicts the JQL module reads (``sandbox/jql.py``):
references are small dicts (``{"id", "name"}``, ``{"accountId", ...}``), text fields hold ADF.
Error texts are Jira Cloud's where known (see jira-fixtures/responses/errors).
"""

from datetime import datetime

from sandbox import directory

NOT_ADF = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"
NOT_ON_SCREEN = "Field '{0}' cannot be set. It is not on the appropriate screen, or unknown."

SYSTEM_FIELDS = {
    "summary": ("Summary", {"type": "string", "system": "summary"}),
    "issuetype": ("Issue Type", {"type": "issuetype", "system": "issuetype"}),
    "project": ("Project", {"type": "project", "system": "project"}),
    "description": ("Description", {"type": "string", "system": "description"}),
    "environment": ("Environment", {"type": "string", "system": "environment"}),
    "reporter": ("Reporter", {"type": "user", "system": "reporter"}),
    "assignee": ("Assignee", {"type": "user", "system": "assignee"}),
    "priority": ("Priority", {"type": "priority", "system": "priority"}),
    "labels": ("Labels", {"type": "array", "items": "string", "system": "labels"}),
    "duedate": ("Due date", {"type": "date", "system": "duedate"}),
    "components": ("Components", {"type": "array", "items": "component", "system": "components"}),
    "fixVersions": ("Fix versions", {"type": "array", "items": "version", "system": "fixVersions"}),
    "parent": ("Parent", {"type": "issuelink", "system": "parent"}),
}
_CF = "com.atlassian.jira.plugin.system.customfieldtypes:"
CUSTOM_FIELDS = {
    "customfield_10001": ("Team", {"type": "team", "custom": _CF + "atlassian-team", "customId": 10001}),
    "customfield_10015": ("Start date", {"type": "date", "custom": _CF + "datepicker", "customId": 10015}),
    "customfield_10016": ("Story point estimate", {"type": "number", "custom": _CF + "float", "customId": 10016}),
    "customfield_10022": ("Deployment window", {"type": "datetime", "custom": _CF + "datetime", "customId": 10022}),
    "customfield_10030": ("Severity", {"type": "option", "custom": _CF + "select", "customId": 10030}),
    "customfield_10031": ("Affected platforms",
                          {"type": "array", "items": "option", "custom": _CF + "multiselect", "customId": 10031}),
    "customfield_10032": ("Region", {"type": "option-with-child", "custom": _CF + "cascadingselect", "customId": 10032}),
    "customfield_10034": ("Customer reference", {"type": "string", "custom": _CF + "textfield", "customId": 10034}),
    "customfield_10035": ("Customer impact", {"type": "string", "custom": _CF + "textarea", "customId": 10035}),
}
FIELD_NAMES = {key: name for key, (name, _) in {**SYSTEM_FIELDS, **CUSTOM_FIELDS}.items()}
# Rich-text fields: their values must be ADF documents.
ADF_FIELDS = {"description", "environment", "customfield_10035"}
OPTIONS = {
    "customfield_10030": [{"id": "10100", "value": "Critical"}, {"id": "10101", "value": "Major"},
                          {"id": "10102", "value": "Minor"}],
    "customfield_10031": [{"id": "10110", "value": "Web"}, {"id": "10111", "value": "iOS"},
                          {"id": "10112", "value": "Android"}, {"id": "10113", "value": "Desktop"}],
    "customfield_10032": [
        {"id": "10120", "value": "EU", "children": [{"id": "10121", "value": "Frankfurt"}, {"id": "10122", "value": "Dublin"}]},
        {"id": "10123", "value": "US", "children": [{"id": "10124", "value": "Virginia"}, {"id": "10125", "value": "Oregon"}]},
        {"id": "10126", "value": "APAC", "children": [{"id": "10127", "value": "Sydney"}]},
    ],
}
TEAMS = [{"id": "5e3b0c6a-7d1f-4f0e-9a55-0000000000f1", "name": "Web Platform"}]

_BASE = ["issuetype", "project", "summary", "description", "reporter", "assignee", "priority",
         "labels", "duedate", "components", "fixVersions", "parent"]
_PROJECT_EXTRAS = {
    "ACME": ["customfield_10016", "customfield_10015", "customfield_10031", "customfield_10034", "customfield_10035"],
    "OPS": ["customfield_10032", "customfield_10022", "customfield_10030"],
    "WEB": ["customfield_10016"],
    "GLOBX": ["customfield_10034"],
}
BUG_TYPE_ID = "10002"
_TYPE_EXTRAS = {BUG_TYPE_ID: ["environment", "customfield_10030"]}
EPIC_TYPE_ID = "10004"
# Required custom fields: OPS bugs need a severity (a select the app fills in); WEB epics need
# an Atlassian team, a picker the app cannot edit, so the app must say so instead of failing.
REQUIRED = {("OPS", BUG_TYPE_ID): ["customfield_10030"], ("WEB", EPIC_TYPE_ID): ["customfield_10001"]}


def screen_fields(project_key: str, issue_type_id: str) -> list[str]:
    """Return the field ids on the create/edit screen of a project's issue type, in order."""
    ids = (_BASE + _PROJECT_EXTRAS.get(project_key, []) + _TYPE_EXTRAS.get(issue_type_id, [])
           + REQUIRED.get((project_key, issue_type_id), []))
    if issue_type_id == EPIC_TYPE_ID:  # epics sit at the top: no parent
        ids.remove("parent")
    return list(dict.fromkeys(ids))


def project_custom_fields(project_key: str) -> list[str]:
    """Return every custom field id any screen of the project shows."""
    ids = set(_PROJECT_EXTRAS.get(project_key, [])) | set(_TYPE_EXTRAS[BUG_TYPE_ID]) - {"environment"}
    ids |= {f for (key, _), extra in REQUIRED.items() if key == project_key for f in extra}
    return sorted(ids)


SUBTASK_TYPE_ID = "10005"
HIERARCHY = {EPIC_TYPE_ID: 1, SUBTASK_TYPE_ID: -1}  # every other type sits at level 0
WRONG_PARENT = "Given parent work item does not belong to appropriate hierarchy."


def is_required(project_key: str, issue_type_id: str, field_id: str) -> bool:
    """Return whether a field must have a value on that project's issue type (a subtask needs its parent)."""
    return field_id in ("summary", "issuetype", "project", "reporter") or field_id in REQUIRED.get(
        (project_key, issue_type_id), []) or (field_id == "parent" and issue_type_id == SUBTASK_TYPE_ID)


def operations(field_id: str) -> list[str]:
    """Return the edit operations Jira lists for a field."""
    schema = schema_of(field_id)
    if field_id in ("issuetype", "project"):
        return []
    if schema["type"] == "array":
        return ["add", "set", "remove"]
    return ["set"]


def schema_of(field_id: str) -> dict:
    """Return the JSON type bean of a field."""
    return (SYSTEM_FIELDS.get(field_id) or CUSTOM_FIELDS[field_id])[1]


class FieldErrors(Exception):
    """A request whose field values Jira would refuse; ``errors`` maps field id to message."""

    def __init__(self, errors: dict[str, str], messages: list[str] | None = None) -> None:
        super().__init__(errors)
        self.errors = errors
        self.messages = messages or []


def is_adf(value) -> bool:
    """Return whether ``value`` is an ADF document whose every node has the right shape.

    Jira refuses a malformed tree as "not an Atlassian Document", so the whole tree is checked
    (iteratively: documents may be deep), not only the root.
    """
    if not (isinstance(value, dict) and value.get("type") == "doc" and value.get("version") == 1
            and isinstance(value.get("content"), list)):
        return False
    stack = list(value["content"])
    while stack:
        node = stack.pop()
        if not _adf_node_shape_ok(node):
            return False
        stack.extend(node.get("content") or [])
    return True


def _adf_node_shape_ok(node) -> bool:
    """Return whether one node has a string type, a string text, and list/dict parts where given."""
    if not isinstance(node, dict) or not isinstance(node.get("type"), str):
        return False
    if "text" in node and not isinstance(node["text"], str):
        return False
    if "attrs" in node and not isinstance(node["attrs"], dict):
        return False
    if "content" in node and not isinstance(node["content"], list):
        return False
    marks = node.get("marks", [])
    return isinstance(marks, list) and all(isinstance(m, dict) and isinstance(m.get("type"), str) for m in marks)


def parse_values(world, project: dict, issue_type_id: str, fields: dict, update: dict,
                 current: dict | None) -> dict:
    """Return stored values for a request's ``fields`` and ``update``; raise FieldErrors.

    ``current`` is the issue's stored fields when editing, None when creating.
    """
    screen = set(screen_fields(project["key"], issue_type_id))
    errors: dict[str, str] = {}
    values: dict = {}
    ops: dict[str, list] = {}
    for field_id, value in (fields or {}).items():
        ops.setdefault(field_id, []).append(("set", value))
    for field_id, actions in (update or {}).items():
        if field_id in (fields or {}):
            errors[field_id] = f"Field '{field_id}' cannot be set and updated in the same request."
            continue
        for action in actions if isinstance(actions, list) else []:
            for op, value in (action.items() if isinstance(action, dict) else []):
                ops.setdefault(field_id, []).append((op, value))
    for field_id, steps in ops.items():
        if field_id in ("project", "issuetype") or (field_id == "comment" and current is not None):
            continue
        if field_id not in screen:
            errors[field_id] = NOT_ON_SCREEN.format(field_id)
            continue
        try:
            values[field_id] = _apply(world, project, field_id, steps, (current or {}).get(field_id))
        except ValueError as exc:
            errors[field_id] = str(exc)
    required_missing = [f for f in screen if is_required(project["key"], issue_type_id, f)
                        and f not in ("project", "issuetype", "reporter")
                        and _empty(values.get(f, (current or {}).get(f)))]
    for field_id in required_missing:
        errors.setdefault(field_id, "You must specify a summary of the issue." if field_id == "summary"
                          else f"{FIELD_NAMES[field_id]} is required.")
    parent = world.issue(values["parent"]["id"]) if values.get("parent") else None
    if parent is not None and HIERARCHY.get(parent["fields"]["issuetype"]["id"], 0) != HIERARCHY.get(issue_type_id, 0) + 1:
        errors["parentId"] = WRONG_PARENT  # a subtask's parent is a standard issue, a standard issue's an epic
    if errors:
        raise FieldErrors(errors)
    return values


def _empty(value) -> bool:
    return value is None or value == "" or value == []


def _apply(world, project: dict, field_id: str, steps: list, current):
    """Return a field's new stored value after ``steps`` of (op, value); raise ValueError."""
    schema = schema_of(field_id)
    result = list(current or []) if schema["type"] == "array" else current
    for op, raw in steps:
        if schema["type"] == "array":
            items = [raw] if op in ("add", "remove") else (raw if isinstance(raw, list) else None)
            if items is None and raw is not None:
                raise ValueError(f"Field '{field_id}' expects an array.")
            converted = [_convert(world, project, field_id, item) for item in items or []]
            if op == "set":
                result = converted
            elif op == "add":
                result += [c for c in converted if c not in result]
            elif op == "remove":
                result = [r for r in result if r not in converted]
            else:
                raise ValueError(f"Operation '{op}' is not supported for field '{field_id}'.")
        elif op == "set":
            result = None if raw is None else _convert(world, project, field_id, raw)
        else:
            raise ValueError(f"Operation '{op}' is not supported for field '{field_id}'.")
    return result


def _convert(world, project: dict, field_id: str, raw):
    """Return one stored value for ``raw``; raise ValueError with Jira's wording."""
    schema = schema_of(field_id)
    kind = schema.get("items") if schema["type"] == "array" else schema["type"]
    if field_id in ADF_FIELDS:
        if not is_adf(raw):
            raise ValueError(NOT_ADF)
        return raw
    if field_id == "summary":
        if not isinstance(raw, str):
            raise ValueError("Summary must be a string.")
        if len(raw) > 255:
            raise ValueError("Summary must be less than 255 characters.")
        return raw.strip()
    if kind == "string" and field_id == "labels":
        if not isinstance(raw, str) or not raw or " " in raw:
            raise ValueError(f"The label '{raw}' contains spaces which is invalid.")
        return raw
    if kind == "string":
        if not isinstance(raw, str):
            raise ValueError(f"{FIELD_NAMES[field_id]} must be a string.")
        return raw
    if kind == "user":
        account_id = raw.get("accountId") if isinstance(raw, dict) else None
        user = directory.user_by("account_id", account_id) if account_id else None
        if user is None or project["key"] not in directory.visible_project_keys(user, project["site_id"]):
            raise ValueError(f"User '{account_id}' cannot be assigned issues."
                             if field_id == "assignee" else "Specified user does not exist or you do not have required permissions")
        return user_ref(user)
    if kind == "priority":
        found = _find(world.priorities, raw, ("id", "name"))
        if found is None:
            raise ValueError("The priority selected is invalid.")
        return {"id": found["id"], "name": found["name"]}
    if kind in ("component", "version"):
        pool = project["components" if kind == "component" else "versions"]
        found = _find(pool, raw, ("id", "name"))
        if found is None:
            raise ValueError(f"{'Component' if kind == 'component' else 'Version'} '{_label(raw)}' is not valid.")
        return {"id": found["id"], "name": found["name"]}
    if kind == "date":
        return _date(raw, "%Y-%m-%d", "yyyy-MM-dd")
    if kind == "datetime":
        return _date(raw, "%Y-%m-%dT%H:%M:%S.%f%z", "yyyy-MM-dd'T'HH:mm:ss.SSSZ")
    if kind == "number":
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise ValueError("Operation value must be a number")
        return raw
    if kind == "option":
        found = _find(OPTIONS[field_id], raw, ("id", "value"))
        if found is None:
            raise ValueError(f"Option value '{_label(raw)}' is not valid")
        return {"id": found["id"], "value": found["value"]}
    if kind == "option-with-child":
        return _cascading(field_id, raw)
    if kind == "issuelink":
        parent = world.issue(raw.get("key") or raw.get("id") or "") if isinstance(raw, dict) else None
        if parent is None or parent["fields"]["project"]["key"] != project["key"]:
            raise ValueError("Could not find issue by id or key.")
        return {"id": parent["id"], "key": parent["key"]}
    if kind == "team":
        found = _find(TEAMS, raw, ("id",))
        if found is None:
            raise ValueError("Team is not valid.")
        return dict(found)
    raise ValueError(NOT_ON_SCREEN.format(field_id))


def _find(pool: list[dict], raw, keys: tuple[str, ...]) -> dict | None:
    if not isinstance(raw, dict):
        return None
    for item in pool:
        if any(k in raw and str(raw[k]) == str(item[k]) for k in keys):
            return item
    return None


def _label(raw) -> str:
    return str(raw.get("name") or raw.get("value") or raw.get("id")) if isinstance(raw, dict) else str(raw)


def _date(raw, pattern: str, shown: str) -> str:
    try:
        datetime.strptime(raw, pattern)
    except (TypeError, ValueError):
        raise ValueError(f"Error parsing date string: {raw}. Use the format {shown}.") from None
    return raw


def _cascading(field_id: str, raw) -> dict:
    parent = _find(OPTIONS[field_id], raw, ("id", "value"))
    if parent is None:
        raise ValueError(f"Option value '{_label(raw)}' is not valid")
    value = {"id": parent["id"], "value": parent["value"]}
    if raw.get("child") is not None:
        child = _find(parent["children"], raw["child"], ("id", "value"))
        if child is None:
            raise ValueError(f"Option value '{_label(raw['child'])}' is not valid for parent '{parent['value']}'")
        value["child"] = {"id": child["id"], "value": child["value"]}
    return value


def user_ref(user: dict) -> dict:
    """Return the stored reference to a directory user (the shape the JQL module reads)."""
    return {"accountId": user["account_id"], "displayName": user["display_name"], "emailAddress": user["email"]}
