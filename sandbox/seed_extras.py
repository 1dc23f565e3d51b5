"""What the seed adds around its issues: subtasks, links, web links, watchers, work logs and history.

``add(data, now)`` runs at the end of ``seed.build``. It draws from a random generator of its own
(``EXTRAS_SEED``), so the issues, comments and keys the rest of the seed makes stay exactly as they
were; it only turns some later issues into subtasks of earlier ones (never the low-numbered issues
tests name) and sets time-tracking numbers on some issues.

Links follow Jira's storage: each link has an ``outward`` issue (whose page reads the type's
outward phrase, "blocks") and an ``inward`` one ("is blocked by"). Times are Jira-formatted
strings; history entries are the ones Jira would have written for these changes.
"""

import random
from datetime import datetime, timedelta, timezone

from sandbox import directory, history, seed_text

EXTRAS_SEED = 20261115
# Jira Cloud's default link types, with Cloud's ids.
LINK_TYPES = [
    {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks"},
    {"id": "10001", "name": "Cloners", "inward": "is cloned by", "outward": "clones"},
    {"id": "10002", "name": "Duplicate", "inward": "is duplicated by", "outward": "duplicates"},
    {"id": "10003", "name": "Relates", "inward": "relates to", "outward": "relates to"},
]
SUBTASK_TYPE = {"id": "10005", "name": "Subtask"}
STANDARD_TYPES = {"10001", "10002", "10003"}  # Task, Bug, Story: hierarchy level 0
# Issues numbered at or below these keep their seeded type: tests and the demo name them.
KEEP_TYPES_UP_TO = {"ACME": 60, "OPS": 25, "WEB": 5, "GLOBX": 3}
SUBTASK_SHARE = 0.12
LINKS_PER_SITE = {"ACME": 40, "OPS": 14, "WEB": 8, "GLOBX": 6}
ESTIMATES = [2 * 3600, 4 * 3600, 8 * 3600, 16 * 3600, 24 * 3600, 40 * 3600, 80 * 3600]
WORK = [1800, 3600, 2 * 3600, 3 * 3600, 4 * 3600, 8 * 3600, 12 * 3600]
WEB_LINKS = [
    ("https://status.example.com/incidents/{n}", "Incident {n} on the status page", "mentioned in"),
    ("https://docs.example.com/runbooks/{n}", "Runbook {n}", "documented in"),
    ("https://git.example.com/acme/platform/pull/{n}", "Pull request #{n}", "implemented by"),
]
FIRST_ID = 10000


def add(data: dict, now: datetime) -> None:
    """Add the extras to a freshly built seed ``data`` (its issues may still be changed)."""
    rng = random.Random(EXTRAS_SEED)
    issues, projects = data["issues"], {p["key"]: p for p in data["projects"]}
    by_id = {i["id"]: i for i in issues}
    changelog: dict[str, list] = {}
    ids = _Ids()
    _subtasks(rng, issues)
    data["links"] = _links(rng, issues, projects, changelog, ids)
    data["remote_links"] = _remote_links(rng, issues, ids)
    data["watchers"] = {i["id"]: _watchers(rng, i, projects) for i in issues}
    data["worklogs"] = _work(rng, issues, projects, changelog, ids, now)
    for issue in issues:
        _status_history(issue, changelog, ids)
    data["changelog"] = {issue_id: sorted(entries, key=lambda e: (e["created"], int(e["id"])))
                         for issue_id, entries in changelog.items()}
    data["next_ids"] = ids.next
    assert set(changelog) <= set(by_id)


class _Ids:
    """Counters for the ids the extras hand out."""

    def __init__(self) -> None:
        self.next = {"link": FIRST_ID, "remote_link": FIRST_ID, "worklog": FIRST_ID, "history": FIRST_ID}

    def take(self, kind: str) -> str:
        value = self.next[kind]
        self.next[kind] += 1
        return str(value)


def _number(issue: dict) -> int:
    return int(issue["key"].rpartition("-")[2])


def _project(issue: dict) -> str:
    return issue["fields"]["project"]["key"]


def _subtasks(rng: random.Random, issues: list[dict]) -> None:
    """Turn some later standard issues into subtasks of earlier standard issues of their project."""
    pool: dict[str, list[dict]] = {}
    for issue in issues:
        project, values = _project(issue), issue["fields"]
        if values["issuetype"]["id"] not in STANDARD_TYPES:
            continue
        parents = pool.setdefault(project, [])
        if _number(issue) > KEEP_TYPES_UP_TO[project] and parents and rng.random() < SUBTASK_SHARE:
            parent = rng.choice(parents[-30:])
            values["issuetype"] = dict(SUBTASK_TYPE)
            values["parent"] = {"id": parent["id"], "key": parent["key"]}
        else:
            parents.append(issue)


def _links(rng, issues, projects, changelog, ids) -> dict:
    """Link random pairs of issues of one site (across projects too), newest link last."""
    by_site: dict[str, list[dict]] = {}
    for issue in issues:
        by_site.setdefault(projects[_project(issue)]["site_id"], []).append(issue)
    links, seen = {}, set()
    for site_issues in by_site.values():
        count = sum(LINKS_PER_SITE[key] for key in {_project(i) for i in site_issues})
        for _ in range(count):
            first, second = rng.sample(site_issues, 2)
            link_type = rng.choices(LINK_TYPES, weights=[35, 10, 15, 40])[0]
            pair = (link_type["id"], *sorted((first["id"], second["id"])))
            if pair in seen:
                continue
            seen.add(pair)
            link_id = ids.take("link")
            links[link_id] = {"id": link_id, "type": link_type["id"], "outward": first["id"], "inward": second["id"]}
            when = max(first["fields"]["created"], second["fields"]["created"])
            author = first["fields"]["reporter"]["accountId"]
            for issue, phrase, other in ((first, link_type["outward"], second), (second, link_type["inward"], first)):
                text = history.link_text(phrase, other["key"])
                _record(changelog, ids, issue, author, when, [history.item("Link", None, other["key"], None, text, name="Link")])
    return links


def _remote_links(rng, issues, ids) -> dict:
    """Give a few issues web links; ACME-3 also gets one whose URL no browser should follow."""
    found: dict[str, list] = {}
    for issue in issues:
        if rng.random() >= 0.06 and issue["key"] != "ACME-3":
            continue
        for url, title, relation in rng.sample(WEB_LINKS, rng.randint(1, 2)):
            n = rng.randrange(100, 999)
            found.setdefault(issue["id"], []).append(_web_link(ids, url.format(n=n), title.format(n=n), relation))
        if issue["key"] == "ACME-3":
            found[issue["id"]].append(_web_link(ids, "javascript:alert(document.cookie)", "<b>Click me</b>", "links to"))
    return found


def _web_link(ids, url: str, title: str, relation: str) -> dict:
    link_id = ids.take("remote_link")
    return {"id": int(link_id), "globalId": f"system={url}", "application": {}, "relationship": relation,
            "object": {"url": url, "title": title, "icon": {}, "status": {"icon": {}}}}


def _people(project: dict) -> list[dict]:
    return [u for u in directory.USERS if project["key"] in directory.visible_project_keys(u, project["site_id"])]


def _watchers(rng, issue: dict, projects: dict) -> list[str]:
    """Return who watches the issue: its reporter, its assignee and sometimes a colleague."""
    values = issue["fields"]
    watching = [values["reporter"]["accountId"]]
    if values.get("assignee"):
        watching.append(values["assignee"]["accountId"])
    people = _people(projects[_project(issue)])
    watching += [p["account_id"] for p in rng.sample(people, rng.choice([0, 0, 1]))]
    return list(dict.fromkeys(watching))


def _work(rng, issues, projects, changelog, ids, now) -> dict:
    """Give some issues an estimate and some logged work, the remaining estimate following Jira's rule."""
    found: dict[str, list] = {}
    for issue in issues:
        values = issue["fields"]
        values.setdefault("timeoriginalestimate", None)
        values.setdefault("timeestimate", None)
        values.setdefault("timespent", None)
        if values["issuetype"]["id"] == "10004":
            continue
        if rng.random() < 0.35:
            values["timeoriginalestimate"] = values["timeestimate"] = rng.choice(ESTIMATES)
        if rng.random() >= 0.22:
            continue
        created = _parse(values["created"])
        span = max((_parse(values["updated"]) - created).total_seconds(), 3600)
        people = _people(projects[_project(issue)])
        for n in range(rng.randint(1, 3)):
            seconds = rng.choice(WORK)
            started = created + timedelta(seconds=span * (n + 1) / 4)
            author = rng.choice(people)["account_id"]
            stamp = _format(min(started + timedelta(seconds=seconds), now))
            worklog_id = ids.take("worklog")
            comment = seed_text.doc(seed_text.paragraph(seed_text.text(rng.choice(seed_text.SENTENCES)))) if rng.random() < 0.6 else None
            found.setdefault(issue["id"], []).append({
                "id": worklog_id, "author": author, "update_author": author, "comment": comment,
                "started": _format(started), "created": stamp, "updated": stamp, "seconds": seconds})
            spent_before, remaining_before = values["timespent"], values["timeestimate"]
            values["timespent"] = (spent_before or 0) + seconds
            values["timeestimate"] = max((remaining_before or 0) - seconds, 0)
            items = history.worklog_items((spent_before, values["timespent"]), (remaining_before, values["timeestimate"]),
                                          (None, worklog_id))
            _record(changelog, ids, issue, author, stamp, items)
    return found


def _status_history(issue: dict, changelog: dict, ids) -> None:
    """Record the move from To Do to the issue's seeded status, as its assignee (or reporter)."""
    values = issue["fields"]
    if values["status"]["id"] == "10000":
        return
    who = (values.get("assignee") or values["reporter"])["accountId"]
    items = [history.item("status", "10000", values["status"]["id"], "To Do", values["status"]["name"])]
    if values.get("resolution"):
        items.append(history.item("resolution", None, values["resolution"]["id"], None, values["resolution"]["name"]))
    _record(changelog, ids, issue, who, values["statuscategorychangedate"], items)


def _record(changelog: dict, ids, issue: dict, author: str, when: str, items: list) -> None:
    changelog.setdefault(issue["id"], []).append({"id": ids.take("history"), "author": author, "created": when,
                                                  "items": items})


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z")


def _format(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"
