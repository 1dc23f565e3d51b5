"""JSON shapes of what lives beside an issue's fields: links, subtasks, watchers, time tracking,
work logs, web links and history (the shapes of the recorded responses and the OpenAPI description).

``value`` answers for the issue fields listed in ``FIELDS``; who is asking (``Viewer``) matters
for ``watches.isWatching`` and for links, which leave out issues the viewer may not browse.
"""

from dataclasses import dataclass

from sandbox import durations, render
from sandbox.render import Links

FIELDS = frozenset({
    "issuelinks", "subtasks", "watches", "worklog", "timetracking", "timespent", "timeestimate",
    "timeoriginalestimate", "aggregatetimespent", "aggregatetimeestimate", "aggregatetimeoriginalestimate",
    "progress", "aggregateprogress", "workratio",
})
EMBEDDED_WORKLOGS = 20  # GET issue embeds the first 20 work log entries, as Jira does


@dataclass(frozen=True)
class Viewer:
    """Who reads an issue: their account id and the keys of the projects they may browse."""

    account_id: str = ""
    visible: frozenset = frozenset()

    def sees(self, issue: dict) -> bool:
        """Return whether the viewer may browse ``issue``."""
        return issue["fields"]["project"]["key"] in self.visible


def value(world, links: Links, issue: dict, field_id: str, viewer: Viewer):
    """Return one of ``FIELDS`` as Jira shows it."""
    if field_id == "issuelinks":
        return issue_links(world, links, issue, viewer)
    if field_id == "subtasks":
        return [issue_ref(world, links, child) for child in world.children(issue)
                if child["fields"]["issuetype"]["id"] == "10005"]
    if field_id == "watches":
        watching = world.watchers(issue["id"])
        return {"self": f"{links.api}rest/api/3/issue/{issue['key']}/watchers", "watchCount": len(watching),
                "isWatching": viewer.account_id in watching}
    if field_id == "worklog":
        entries = world.worklogs(issue["id"])
        return {"startAt": 0, "maxResults": EMBEDDED_WORKLOGS, "total": len(entries),
                "worklogs": [worklog(links, issue["id"], w) for w in entries[:EMBEDDED_WORKLOGS]]}
    return _time_value(world, issue, field_id)


def issue_ref(world, links: Links, issue: dict) -> dict:
    """Return an issue as links, subtasks and parents embed it: id, key, self and four fields."""
    values = issue["fields"]
    priority = next(p for p in world.priorities if p["id"] == values["priority"]["id"]) if values.get("priority") else None
    return {"id": issue["id"], "key": issue["key"], "self": f"{links.api}rest/api/3/issue/{issue['id']}",
            "fields": {"summary": values["summary"],
                       "status": render.status(links, world.status(values["status"]["id"]), world.status_categories),
                       "priority": render.priority(links, priority) if priority else None,
                       "issuetype": render.issue_type(links, world.issue_type(values["issuetype"]["id"]))}}


def link_type(links: Links, stored: dict) -> dict:
    """Return an issue link type."""
    return {"id": stored["id"], "name": stored["name"], "inward": stored["inward"], "outward": stored["outward"],
            "self": f"{links.api}rest/api/3/issueLinkType/{stored['id']}"}


def issue_links(world, links: Links, issue: dict, viewer: Viewer) -> list[dict]:
    """Return an issue's links as its ``issuelinks`` field holds them, hiding issues the viewer cannot see."""
    found = []
    for link in world.links_of(issue["id"]):
        outward = link["outward"] == issue["id"]
        other = world.issue(link["inward"] if outward else link["outward"])
        if other is None or not viewer.sees(other):
            continue
        found.append({"id": link["id"], "self": f"{links.api}rest/api/3/issueLink/{link['id']}",
                      "type": link_type(links, world.link_type(link["type"])),
                      ("outwardIssue" if outward else "inwardIssue"): issue_ref(world, links, other)})
    return found


def issue_link(world, links: Links, link: dict) -> dict:
    """Return one link as GET issueLink/{id} does: both issues, each with its fields."""
    return {"id": link["id"], "self": f"{links.api}rest/api/3/issueLink/{link['id']}",
            "type": link_type(links, world.link_type(link["type"])),
            "inwardIssue": issue_ref(world, links, world.issue(link["inward"])),
            "outwardIssue": issue_ref(world, links, world.issue(link["outward"]))}


def remote_link(links: Links, issue: dict, stored: dict) -> dict:
    """Return a web link (RemoteIssueLink)."""
    return {"id": stored["id"], "self": f"{links.api}rest/api/3/issue/{issue['key']}/remotelink/{stored['id']}",
            **{k: v for k, v in stored.items() if k != "id"}}


def worklog(links: Links, issue_id: str, stored: dict) -> dict:
    """Return a work log entry (the shape of the recorded add-worklog answer)."""
    body = {"self": f"{links.api}rest/api/3/issue/{issue_id}/worklog/{stored['id']}",
            "author": render.user_ref(links, {"accountId": stored["author"]}),
            "updateAuthor": render.user_ref(links, {"accountId": stored["update_author"]})}
    if stored.get("comment") is not None:
        body["comment"] = stored["comment"]
    body.update({"created": stored["created"], "updated": stored["updated"], "started": stored["started"],
                 "timeSpent": durations.as_text(stored["seconds"]), "timeSpentSeconds": stored["seconds"],
                 "id": stored["id"], "issueId": issue_id})
    return body


def history(links: Links, entry: dict) -> dict:
    """Return one changelog entry (Changelog)."""
    return {"id": entry["id"], "author": render.user_ref(links, {"accountId": entry["author"]}),
            "created": entry["created"], "items": [dict(i) for i in entry["items"]]}


def embedded_changelog(world, links: Links, issue: dict, cap: int) -> dict:
    """Return ``expand=changelog``'s page: the most recent ``cap`` entries, newest first."""
    entries = list(world.changelog(issue["id"]))[::-1][:cap]
    return {"startAt": 0, "maxResults": len(entries), "total": len(world.changelog(issue["id"])),
            "histories": [history(links, e) for e in entries]}


def _own_times(issue: dict) -> tuple:
    values = issue["fields"]
    return values.get("timeoriginalestimate"), values.get("timeestimate"), values.get("timespent")


def _sum(numbers) -> int | None:
    present = [n for n in numbers if n is not None]
    return sum(present) if present else None


def _time_value(world, issue: dict, field_id: str):
    """Return a time-tracking field; the aggregate ones add the subtasks' numbers, as Jira does."""
    original, remaining, spent = _own_times(issue)
    if field_id.startswith("aggregate"):
        every = [_own_times(issue)] + [_own_times(child) for child in world.children(issue)]
        original, remaining, spent = (_sum(t[n] for t in every) for n in range(3))
    if field_id == "timetracking":
        return _timetracking(original, remaining, spent)
    if field_id in ("progress", "aggregateprogress"):
        total = (spent or 0) + (remaining or 0)
        body = {"progress": spent or 0, "total": total}
        if total:
            body["percent"] = (spent or 0) * 100 // total
        return body
    if field_id == "workratio":
        return (spent or 0) * 100 // original if original else -1
    return {"timespent": spent, "aggregatetimespent": spent, "timeestimate": remaining,
            "aggregatetimeestimate": remaining, "timeoriginalestimate": original,
            "aggregatetimeoriginalestimate": original}[field_id]


def _timetracking(original, remaining, spent) -> dict:
    """Return the timetracking field: only the numbers that are set, readable and in seconds."""
    body = {}
    for name, seconds in (("originalEstimate", original), ("remainingEstimate", remaining), ("timeSpent", spent)):
        if seconds is not None:
            body[name] = durations.as_text(seconds)
    for name, seconds in (("originalEstimate", original), ("remainingEstimate", remaining), ("timeSpent", spent)):
        if seconds is not None:
            body[name + "Seconds"] = seconds
    return body
