"""JSON shapes of Jira's small objects (users, projects, statuses, priorities, comments, ...).

Built fresh per request from stored data, never by mutating it. ``links`` is the caller's
``Links``: ``links.api`` is the base that ``self`` URLs start with (the sandbox's root, plus
``ex/jira/<cloudId>/`` for gateway calls), ``links.site`` the site root icons live under.
"""

from dataclasses import dataclass
from urllib.parse import quote

from sandbox import adf_html, directory

TIME_ZONE = "Europe/London"


@dataclass(frozen=True)
class Links:
    """Where the caller reached the sandbox: ``api`` prefixes self URLs, ``site`` icon URLs."""

    api: str
    site: str


def avatar_urls(links: Links, kind: str, avatar_id: str) -> dict:
    """Return the four avatarUrls sizes of a project or user avatar."""
    url = f"{links.api}rest/api/3/universal_avatar/view/type/{kind}/avatar/{avatar_id}"
    return {"48x48": url, "24x24": url + "?size=small", "16x16": url + "?size=xsmall",
            "32x32": url + "?size=medium"}


def user(links: Links, person: dict, *, encode: bool = True, full: bool = False) -> dict:
    """Return a directory user as Jira's User (``full`` adds locale, groups and roles, as myself)."""
    account_id = person["account_id"]
    shown = quote(account_id, safe="") if encode else account_id
    body = {
        "self": f"{links.api}rest/api/3/user?accountId={shown}",
        "accountId": account_id,
        "emailAddress": person["email"],
        "avatarUrls": avatar_urls(links, "user", person["name"]),
        "displayName": person["display_name"],
        "active": True,
        "timeZone": TIME_ZONE,
        "accountType": "atlassian",
    }
    if full:
        body["locale"] = "en_US"
        groups = ["jira-software-users"] + ["site-admins"] * bool(person.get("admin"))
        body["groups"] = {"size": len(groups), "items": []}
        body["applicationRoles"] = {"size": 1, "items": []}
        body["expand"] = "groups,applicationRoles"
    return body


def user_ref(links: Links, ref: dict | None) -> dict | None:
    """Return the User for a stored person reference, or None."""
    if ref is None:
        return None
    return user(links, directory.user_by("account_id", ref["accountId"]))


def project(links: Links, stored: dict, *, full: bool = False) -> dict:
    """Return a project as in project/search (``full`` adds the details of GET project)."""
    body = {
        "expand": "description,lead,issueTypes,url,projectKeys,permissions,insight",
        "self": f"{links.api}rest/api/3/project/{stored['id']}",
        "id": stored["id"],
        "key": stored["key"],
        "name": stored["name"],
        "avatarUrls": avatar_urls(links, "project", str(10400 + int(stored["id"]) - 10000)),
        "projectTypeKey": "software",
        "simplified": False,
        "style": "classic",
        "isPrivate": False,
        "properties": {},
        "entityId": stored["uuid"],
        "uuid": stored["uuid"],
    }
    if full:
        body["description"] = stored["description"]
        body["lead"] = user(links, directory.user_by("account_id", stored["lead"]))
        body["components"] = [component(links, c) for c in stored["components"]]
        body["versions"] = [version(links, v, stored["id"]) for v in stored["versions"]]
        body["assigneeType"] = "UNASSIGNED"
        body["roles"] = {}
    return body


def project_ref(links: Links, stored: dict) -> dict:
    """Return the project as embedded in an issue's fields."""
    return {key: value for key, value in project(links, stored).items()
            if key in ("self", "id", "key", "name", "projectTypeKey", "simplified", "avatarUrls")}


def component(links: Links, stored: dict) -> dict:
    """Return a component."""
    return {"self": f"{links.api}rest/api/3/component/{stored['id']}", "id": stored["id"],
            "name": stored["name"], **({"description": stored["description"]} if "description" in stored else {})}


def version(links: Links, stored: dict, project_id: str | None = None) -> dict:
    """Return a version (fixVersions entry)."""
    body = {"self": f"{links.api}rest/api/3/version/{stored['id']}", "id": stored["id"],
            "name": stored["name"], "archived": stored.get("archived", False),
            "released": stored.get("released", False)}
    if project_id:
        body["projectId"] = int(project_id)
    return body


def status_category(links: Links, category: dict) -> dict:
    """Return a status category."""
    return {"self": f"{links.api}rest/api/3/statuscategory/{category['id']}", **category}


def status(links: Links, stored: dict, categories: dict) -> dict:
    """Return a status with its category (the shape of GET status and issue fields)."""
    return {"self": f"{links.api}rest/api/3/status/{stored['id']}",
            "description": stored["description"],
            "iconUrl": f"{links.site}images/icons/statuses/generic.png",
            "name": stored["name"], "untranslatedName": stored["name"], "id": stored["id"],
            "statusCategory": status_category(links, categories[stored["category"]])}


def priority(links: Links, stored: dict) -> dict:
    """Return a priority."""
    return {"self": f"{links.api}rest/api/3/priority/{stored['id']}", "statusColor": stored["statusColor"],
            "description": stored["description"],
            "iconUrl": f"{links.site}images/icons/priorities/{stored['icon']}",
            "name": stored["name"], "id": stored["id"]}


def resolution(links: Links, stored: dict) -> dict:
    """Return a resolution."""
    return {"self": f"{links.api}rest/api/3/resolution/{stored['id']}", "id": stored["id"],
            "description": stored["description"], "name": stored["name"]}


def issue_type(links: Links, stored: dict) -> dict:
    """Return an issue type."""
    return {"self": f"{links.api}rest/api/3/issuetype/{stored['id']}", "id": stored["id"],
            "description": stored["description"],
            "iconUrl": f"{links.api}rest/api/2/universal_avatar/view/type/issuetype/avatar/{stored['avatarId']}?size=medium",
            "name": stored["name"], "subtask": stored.get("subtask", False),
            "avatarId": stored["avatarId"], "hierarchyLevel": stored["hierarchyLevel"]}


def comment(links: Links, issue_id: str, stored: dict, *, rendered: bool = False) -> dict:
    """Return a comment (the shape of the recorded add-comment; ``rendered`` adds renderedBody)."""
    body = {
        "self": f"{links.api}rest/api/3/issue/{issue_id}/comment/{stored['id']}",
        "id": stored["id"],
        "author": user(links, directory.user_by("account_id", stored["author"])),
        "body": stored["body"],
    }
    if rendered:
        body["renderedBody"] = adf_html.to_html(stored["body"])
    body["updateAuthor"] = user(links, directory.user_by("account_id", stored["update_author"]))
    body["created"] = stored["created"]
    body["updated"] = stored["updated"]
    body["jsdPublic"] = True
    return body
