"""Saved filters as Jira serves them: ``filter/favourite``, ``filter/search``, ``filter/{id}``,
``POST filter`` and ``filter/{id}/favourite`` (PUT stars, DELETE unstars).

Jira's quirks kept: a filter that does not exist or may not be seen is a **400** ("The selected
filter is not available to you...") on every route, not a 404; ``filter/search`` returns only
``id``, ``name`` and ``self`` unless ``expand`` asks for more; a new filter is private and not a
favourite unless the body says ``"favourite": true``; a name is unique per owner.
"""

from urllib.parse import quote

from flask import Blueprint, current_app, request

from sandbox import directory, render
from sandbox.jira_http import READ, WRITE, ApiError, api_route, caller, int_arg, json_body, list_arg, reply, world
from sandbox.jira_search import compile_checked
from sandbox.jql import JqlError

bp = Blueprint("jira_filters", __name__)

UNAVAILABLE = "The selected filter is not available to you, perhaps it has been deleted or had its permissions changed."
NAME_REQUIRED = "You must specify a name to save this filter as."
NAME_TAKEN = "Filter with same name already exists."
MAX_NAME = 255
PAGE_CAP = 100
EXPANDS = ("description", "owner", "jql", "searchUrl", "viewUrl", "favourite", "favouritedCount",
           "sharePermissions", "editPermissions", "isWritable", "subscriptions", "approximateLastUsed")
_ORDERS = {
    "name": lambda f: f["name"].lower(), "id": lambda f: int(f["id"]), "owner": lambda f: f["owner"],
    "description": lambda f: f["description"].lower(), "is_shared": lambda f: bool(f["shares"]),
    "is_favourite": lambda f: _store().is_starred(f["id"], caller().account_id),
    "favourite_count": lambda f: _store().star_count(f["id"]),
}


def _store():
    return current_app.extensions["sandbox_filters"]


def _visible() -> list[dict]:
    who = caller()
    return _store().visible(who.user, who.cloud_id, who.visible_keys())


def _one(filter_id: str) -> dict:
    """Return a filter the caller may see; raise Jira's 400 otherwise."""
    who = caller()
    found = _store().get(filter_id, who.user, who.cloud_id, who.visible_keys())
    if found is None:
        raise ApiError(400, [UNAVAILABLE])
    return found


@api_route(bp, "filter/favourite", READ)
def list_favourites():
    """Return the caller's favourite filters that they may still see, by name."""
    starred = [f for f in _visible() if _store().is_starred(f["id"], caller().account_id)]
    return reply([_filter(f) for f in sorted(starred, key=_ORDERS["name"])])


@api_route(bp, "filter/search", READ)
def search_filters():
    """Return a page of the filters the caller may see that match every given attribute."""
    expand = list_arg(request.args.get("expand"))
    unknown = [e for e in expand if e not in EXPANDS]
    if unknown:
        raise ApiError(400, [f"The expand value '{unknown[0]}' is not valid."])
    order = request.args.get("orderBy", "name")
    if order.lstrip("+-") not in _ORDERS:
        raise ApiError(400, [f"Invalid orderBy parameter: '{order}'."])
    if request.args.get("accountId") and request.args.get("owner"):
        raise ApiError(400, ["The 'owner' and 'accountId' parameters cannot be used together."])
    found = [f for f in _visible() if _matches(f)]
    found.sort(key=_ORDERS[order.lstrip("+-")], reverse=order.startswith("-"))
    start_at = int_arg("startAt", 0)
    max_results = min(int_arg("maxResults", 50), PAGE_CAP)
    page = found[start_at:start_at + max_results]
    links = caller().links
    body = {"self": f"{links.api}rest/api/3/filter/search?{request.query_string.decode('ascii', 'replace')}",
            "maxResults": max_results, "startAt": start_at, "total": len(found),
            "isLast": start_at + len(page) >= len(found),
            "values": [_listed(f, set(expand)) for f in page]}
    return reply(body)


def _matches(found: dict) -> bool:
    """Return whether a filter meets the search's filterName, accountId, id and projectId parameters."""
    name = request.args.get("filterName", "").strip().lower()
    if name:
        if request.args.get("isSubstringMatch") == "true":
            if name not in found["name"].lower():
                return False
        elif not all(any(word.startswith(part) for word in found["name"].lower().split()) for part in name.split()):
            return False
    account_id = request.args.get("accountId")
    if account_id and found["owner"] != account_id:
        return False
    ids = set(list_arg(request.args.getlist("id")))
    if ids and found["id"] not in ids:
        return False
    project_id = request.args.get("projectId")
    if project_id:
        project = world().project(project_id)
        return bool(project) and project["key"] in found["shares"]
    return True


@api_route(bp, "filter/<id>", READ)
def get_filter(id: str):  # noqa: A002 - Jira's parameter name
    """Return one filter the caller may see."""
    return reply(_filter(_one(id)))


@api_route(bp, "filter", WRITE, methods=("POST",))
def create_filter():
    """Save a new private filter owned by the caller (200 with the filter, as Jira answers)."""
    body = json_body()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ApiError(400, [], {"filterName": NAME_REQUIRED})
    name = name.strip()
    if len(name) > MAX_NAME:
        raise ApiError(400, [], {"filterName": f"The filter name must not exceed {MAX_NAME} characters."})
    who = caller()
    if _store().name_taken(name, who.account_id, who.cloud_id):
        raise ApiError(400, [], {"filterName": NAME_TAKEN})
    text = body.get("jql") if isinstance(body.get("jql"), str) else ""
    try:
        compile_checked(who, text)
    except JqlError as exc:
        raise ApiError(400, [], {"jql": exc.messages[0]}) from None
    description = body.get("description") if isinstance(body.get("description"), str) else ""
    created = _store().create(name, text, description, who.account_id, who.cloud_id, body.get("favourite") is True)
    return reply(_filter(created))


@api_route(bp, "filter/<id>/favourite", WRITE, methods=("PUT", "DELETE"))
def set_favourite(id: str):  # noqa: A002 - Jira's parameter name
    """Star (PUT) or unstar (DELETE) a filter the caller may see; answer with the filter."""
    found = _one(id)
    _store().star(found["id"], caller().account_id, request.method == "PUT")
    return reply(_filter(found))


def _listed(found: dict, expand: set[str]) -> dict:
    """Return a filter as filter/search lists it: id, name and self, plus what ``expand`` asks for."""
    full = _filter(found, with_expand=True)
    return {key: value for key, value in full.items()
            if key in ("expand", "self", "id", "name") or key in expand}


def _filter(found: dict, with_expand: bool = False) -> dict:
    """Return a filter in Jira's Filter shape, as the caller sees it."""
    who = caller()
    links = who.links
    site = next(s for s in directory.SITES if s["id"] == found["site_id"])
    owner = directory.user_by("account_id", found["owner"])
    body = {"expand": ",".join(EXPANDS)} if with_expand else {}
    body.update({
        "self": f"{links.api}rest/api/3/filter/{found['id']}",
        "id": found["id"],
        "name": found["name"],
        "owner": render.user(links, owner),
        "jql": found["jql"],
        "viewUrl": f"{site['url']}/issues/?filter={found['id']}",
        "searchUrl": f"{links.api}rest/api/3/search?jql={quote(found['jql'], safe='')}",
        "favourite": _store().is_starred(found["id"], who.account_id),
        "favouritedCount": _store().star_count(found["id"]),
        "sharePermissions": [_share(links, n, share) for n, share in enumerate(found["shares"])],
        "editPermissions": [],
        "subscriptions": {"size": 0, "items": [], "max-results": 0, "start-index": 0, "end-index": 0},
    })
    if found["description"]:
        body["description"] = found["description"]
    return body


def _share(links, n: int, share: str) -> dict:
    if share == "global":
        return {"id": 10000 + n, "type": "global"}
    return {"id": 10000 + n, "type": "project", "project": render.project(links, world().project(share))}
