"""An issue as GET issue and search/jql return it: field selection, embedded comments, expands.

Only the requested fields are built, so a 50-issue search page stays cheap. Embedded comment
pages hold at most ``comment_cap`` comments, oldest first (search/jql: 20, like Jira; GET issue:
``ISSUE_COMMENT_CAP``); ``total`` tells how many exist, the comment endpoint pages the rest.
"""

from sandbox import adf_html, fields, jira_attachments, meta, render, render_extras
from sandbox.render import Links
from sandbox.render_extras import Viewer

ISSUE_COMMENT_CAP = 50
SEARCH_COMMENT_CAP = 20
ISSUE_CHANGELOG_CAP = 100  # expand=changelog: the most recent entries only
SEARCH_CHANGELOG_CAP = 20
EXPAND = "renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations"
# System fields in the order Jira lists them; custom fields of the project follow.
SYSTEM_ORDER = [
    "statuscategorychangedate", "issuetype", "components", "timespent", "timeoriginalestimate",
    "project", "description", "fixVersions", "aggregatetimespent", "statusCategory", "resolution",
    "timetracking", "security", "attachment", "aggregatetimeestimate", "resolutiondate", "workratio",
    "summary", "issuerestriction", "watches", "lastViewed", "creator", "subtasks", "created",
    "reporter", "aggregateprogress", "priority", "labels", "environment", "timeestimate",
    "aggregatetimeoriginalestimate", "versions", "duedate", "progress", "issuelinks", "votes",
    "comment", "assignee", "worklog", "updated", "status", "parent",
]
NOT_NAVIGABLE = {"comment", "worklog", "attachment", "timetracking", "issuerestriction"}
NAMES = {
    "statuscategorychangedate": "Status Category Changed", "timespent": "Time Spent",
    "timeoriginalestimate": "Original estimate", "aggregatetimespent": "Σ Time Spent",
    "statusCategory": "Status Category", "resolution": "Resolution", "timetracking": "Time tracking",
    "security": "Security Level", "attachment": "Attachment", "aggregatetimeestimate": "Σ Remaining Estimate",
    "resolutiondate": "Resolved", "workratio": "Work Ratio", "issuerestriction": "Restrict to",
    "watches": "Watchers", "lastViewed": "Last Viewed", "creator": "Creator", "subtasks": "Sub-tasks",
    "created": "Created", "aggregateprogress": "Σ Progress", "timeestimate": "Remaining Estimate",
    "aggregatetimeoriginalestimate": "Σ Original Estimate", "versions": "Affects versions",
    "progress": "Progress", "issuelinks": "Linked Issues", "votes": "Votes", "comment": "Comment",
    "worklog": "Log Work", "updated": "Updated", "status": "Status", **fields.FIELD_NAMES,
}
# JSON types of the system fields sandbox.fields does not define (as GET field reports them).
_OTHER_TYPES = {
    "statuscategorychangedate": "datetime", "timespent": "number", "timeoriginalestimate": "number",
    "aggregatetimespent": "number", "statusCategory": "statusCategory", "resolution": "resolution",
    "timetracking": "timetracking", "security": "securitylevel", "attachment": "array",
    "aggregatetimeestimate": "number", "resolutiondate": "datetime", "workratio": "number",
    "issuerestriction": "issuerestriction", "watches": "watches", "lastViewed": "datetime", "creator": "user",
    "subtasks": "array", "created": "datetime", "aggregateprogress": "progress", "timeestimate": "number",
    "aggregatetimeoriginalestimate": "number", "versions": "array", "progress": "progress",
    "issuelinks": "array", "votes": "votes", "comment": "comments-page", "worklog": "array",
    "updated": "datetime", "status": "status",
}
_CONSTANT = {
    "security": None, "attachment": [],
    "issuerestriction": {"issuerestrictions": {}, "shouldDisplay": True}, "lastViewed": None,
    "versions": [],
}


def all_field_ids(project_key: str) -> list[str]:
    """Return every field id an issue of the project carries, in Jira's order."""
    return SYSTEM_ORDER + fields.project_custom_fields(project_key)


def field_list() -> list[dict]:
    """Return every field as GET field lists them (system fields, then custom fields)."""
    found = []
    for field_id in SYSTEM_ORDER + sorted(fields.CUSTOM_FIELDS):
        custom = field_id in fields.CUSTOM_FIELDS
        schema = fields.schema_of(field_id) if field_id in fields.FIELD_NAMES else {
            "type": _OTHER_TYPES[field_id], "system": field_id}
        found.append({"id": field_id, "key": field_id, "name": NAMES[field_id], "custom": custom,
                      "orderable": True, "navigable": field_id not in NOT_NAVIGABLE, "searchable": True,
                      "clauseNames": [f"cf[{field_id[12:]}]", NAMES[field_id]] if custom else [field_id],
                      "schema": schema})
    return found


def select(spec: list[str], project_key: str, *, default_all: bool) -> list[str]:
    """Return the field ids a ``fields`` parameter asks for (``*all``, ``*navigable``, ``-x``)."""
    everything = all_field_ids(project_key)
    chosen: list[str] = []
    if default_all and all(item.startswith("-") for item in spec):
        chosen = list(everything)
    for item in spec:
        if item == "*all":
            chosen += everything
        elif item == "*navigable":
            chosen += [f for f in everything if f not in NOT_NAVIGABLE]
        elif not item.startswith("-"):
            chosen.append(item)
    excluded = {item[1:] for item in spec if item.startswith("-")}
    return [f for f in dict.fromkeys(chosen) if f not in excluded]


def issue_json(world, links: Links, issue: dict, wanted: list[str], expand: set[str], *,
               comment_cap: int, editable: bool = True, viewer: Viewer = Viewer(),
               changelog_cap: int = ISSUE_CHANGELOG_CAP) -> dict:
    """Return the issue with the ``wanted`` fields and the requested expands.

    ``editable`` is False for a caller who may read but not change the issue: Jira then offers
    no transitions and no editable fields. ``viewer`` is who asks (watching, visible links).
    """
    stored = issue["fields"]
    known = set(all_field_ids(stored["project"]["key"]))
    field_ids = [f for f in wanted if f in known]
    body = {"expand": EXPAND, "id": issue["id"], "self": f"{links.api}rest/api/3/issue/{issue['id']}",
            "key": issue["key"]}
    if "renderedFields" in expand:
        body["renderedFields"] = {f: _rendered(world, links, issue, f, comment_cap) for f in field_ids}
    if "names" in expand:
        body["names"] = {f: NAMES[f] for f in field_ids}
    if "schema" in expand:
        body["schema"] = {f: fields.schema_of(f) for f in field_ids if f in fields.FIELD_NAMES}
    if "transitions" in expand or "transitions.fields" in expand:  # the latter adds each screen's fields
        body["transitions"] = meta.transitions(world, links, with_fields="transitions.fields" in expand) if editable else []
    if "editmeta" in expand:
        body["editmeta"] = meta.edit_meta(world, links, issue, editable=editable)
    if "changelog" in expand:
        body["changelog"] = render_extras.embedded_changelog(world, links, issue, changelog_cap)
    body["fields"] = {f: _value(world, links, issue, f, comment_cap, viewer) for f in field_ids}
    return body


def comment_page(world, links: Links, issue: dict, cap: int, *, rendered: bool = False) -> dict:
    """Return the embedded comment page: the first ``cap`` comments, oldest first."""
    thread = world.comments(issue["id"])
    shown = [render.comment(links, issue["id"], c) for c in thread[:cap]]
    if rendered:
        for comment, stored in zip(shown, thread):
            comment["body"] = adf_html.to_html(stored["body"])
    return {"comments": shown, "self": f"{links.api}rest/api/3/issue/{issue['id']}/comment",
            "maxResults": len(shown), "total": len(thread), "startAt": 0}


def _rendered(world, links: Links, issue: dict, field_id: str, cap: int):
    value = issue["fields"].get(field_id)
    if field_id in fields.ADF_FIELDS:
        return adf_html.to_html(value)
    if field_id == "comment":
        return comment_page(world, links, issue, cap, rendered=True)
    return None


def _value(world, links: Links, issue: dict, field_id: str, cap: int, viewer: Viewer = Viewer()):
    """Return one field's value as Jira shows it."""
    if field_id == "attachment":
        return jira_attachments.field_value(links, issue)
    stored = issue["fields"]
    if field_id in render_extras.FIELDS:
        return render_extras.value(world, links, issue, field_id, viewer)
    if field_id in _CONSTANT:
        value = _CONSTANT[field_id]
        return dict(value) if isinstance(value, dict) else list(value) if isinstance(value, list) else value
    if field_id == "comment":
        return comment_page(world, links, issue, cap)
    if field_id == "votes":
        return {"self": f"{links.api}rest/api/3/issue/{issue['key']}/votes", "votes": 0, "hasVoted": False}
    if field_id in ("assignee", "reporter", "creator"):
        return render.user_ref(links, stored.get(field_id))
    if field_id == "status":
        return render.status(links, world.status(stored["status"]["id"]), world.status_categories)
    if field_id == "statusCategory":
        category = world.status_categories[world.status(stored["status"]["id"])["category"]]
        return render.status_category(links, category)
    if field_id == "issuetype":
        return render.issue_type(links, world.issue_type(stored["issuetype"]["id"]))
    if field_id == "project":
        return render.project_ref(links, world.project(stored["project"]["key"]))
    if field_id == "priority":
        ref = stored.get("priority")
        return render.priority(links, next(p for p in world.priorities if p["id"] == ref["id"])) if ref else None
    if field_id == "resolution":
        ref = stored.get("resolution")
        return render.resolution(links, next(r for r in world.resolutions if r["id"] == ref["id"])) if ref else None
    if field_id == "components":
        return [render.component(links, c) for c in stored.get("components") or []]
    if field_id == "fixVersions":
        return [render.version(links, v) for v in stored.get("fixVersions") or []]
    if field_id == "parent":
        return _parent(world, links, stored.get("parent"))
    return _plain(stored.get(field_id), links, field_id)


def _parent(world, links: Links, ref: dict | None) -> dict | None:
    """Return the parent as Jira embeds it: id, key, self and a few of its fields."""
    parent = world.issue(ref["id"]) if ref else None
    if parent is None:
        return None
    pf = parent["fields"]
    return {"id": parent["id"], "key": parent["key"], "self": f"{links.api}rest/api/3/issue/{parent['id']}",
            "fields": {"summary": pf["summary"],
                       "status": render.status(links, world.status(pf["status"]["id"]), world.status_categories),
                       "priority": render.priority(links, next(p for p in world.priorities if p["id"] == pf["priority"]["id"])),
                       "issuetype": render.issue_type(links, world.issue_type(pf["issuetype"]["id"]))}}


def _plain(value, links: Links, field_id: str):
    """Return a stored scalar or custom-field value, adding ``self`` to option values."""
    if field_id in fields.OPTIONS and value is not None:
        options = value if isinstance(value, list) else [value]
        shown = [{"self": f"{links.api}rest/api/3/customFieldOption/{o['id']}", **o} for o in options]
        return shown if isinstance(value, list) else shown[0]
    if isinstance(value, list):
        return list(value)
    return value
