"""The seeded Jira data: catalogs (statuses, priorities, ...), projects, issues and comments.

``build(now)`` is deterministic: a fixed ``random.Random`` seed and a fixed base date
(``BASE_DATE``) for creation times. Only the most recently touched issues take their
``updated`` time relative to ``now`` (the world's build time), so ``updated >= -7d`` finds
something whenever the demo runs. Issue ids and comment ids count up from 10000 in creation
order, keys count up per project.

Worth naming: ACME-7, ACME-42 and OPS-3 carry 60+ comments; ACME-3/5/8/13 and OPS-3/5/8/13 have
summaries that test escaping; transition "41" (Done) needs a resolution. Subtasks, links, web
links, watchers, work logs and history come from ``seed_extras`` (its own random generator).
ACME-14 and WEB-2 carry attachments shown in their text (``seed_media``).
"""

import random
from datetime import datetime, timedelta, timezone

from sandbox import directory, fields, seed_extras, seed_media, seed_text

BASE_DATE = datetime(2026, 7, 1, 9, 0, tzinfo=timezone.utc)
SPREAD_DAYS = 120
RANDOM_SEED = 20260701

STATUS_CATEGORIES = {
    2: {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    4: {"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"},
    3: {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}
STATUSES = [
    {"id": "10000", "name": "To Do", "description": "", "category": 2},
    {"id": "10001", "name": "In Progress",
     "description": "This work item is being actively worked on at the moment by the assignee.", "category": 4},
    {"id": "10002", "name": "In Review", "description": "", "category": 4},
    {"id": "10003", "name": "Done", "description": "", "category": 3},
]
# One workflow for every project; every transition is global. "41" has a screen with a
# required resolution and an optional comment.
TRANSITIONS = [
    {"id": "11", "name": "To Do", "to": "10000", "screen": False},
    {"id": "21", "name": "In Progress", "to": "10001", "screen": False},
    {"id": "31", "name": "In Review", "to": "10002", "screen": False},
    {"id": "41", "name": "Done", "to": "10003", "screen": True},
]
RESOLVING_TRANSITION_ID = "41"
PRIORITIES = [
    {"id": "1", "name": "Highest", "statusColor": "#d04437", "icon": "highest_new.svg",
     "description": "This problem will block progress."},
    {"id": "2", "name": "High", "statusColor": "#f15C75", "icon": "high_new.svg",
     "description": "Serious problem that could block progress."},
    {"id": "3", "name": "Medium", "statusColor": "#f79232", "icon": "medium_new.svg",
     "description": "Has the potential to affect progress."},
    {"id": "4", "name": "Low", "statusColor": "#707070", "icon": "low_new.svg",
     "description": "Minor problem or easily worked around."},
    {"id": "5", "name": "Lowest", "statusColor": "#999999", "icon": "lowest_new.svg",
     "description": "Trivial problem with little or no impact on progress."},
]
RESOLUTIONS = [
    {"id": "10000", "name": "Done", "description": "Work has been completed on this issue."},
    {"id": "10001", "name": "Won't Do", "description": "This issue won't be actioned."},
    {"id": "10002", "name": "Duplicate", "description": "The problem is a duplicate of an existing issue."},
]
ISSUE_TYPES = [
    {"id": "10001", "name": "Task", "description": "Tasks track small, distinct pieces of work.",
     "avatarId": 10318, "hierarchyLevel": 0},
    {"id": "10002", "name": "Bug", "description": "Bugs track problems or errors.",
     "avatarId": 10303, "hierarchyLevel": 0},
    {"id": "10003", "name": "Story", "description": "Stories track functionality or features expressed as user goals.",
     "avatarId": 10315, "hierarchyLevel": 0},
    {"id": "10004", "name": "Epic", "description": "Epics track collections of related bugs, stories, and tasks.",
     "avatarId": 10307, "hierarchyLevel": 1},
    {"id": "10005", "name": "Subtask", "description": "Subtasks track small pieces of work that are part of a larger task.",
     "avatarId": 10316, "hierarchyLevel": -1, "subtask": True},
]
# key, name, issue count, lead, components, versions
PROJECTS = [
    ("ACME", "Acme Platform", 262, "admin", ["Backend", "Frontend", "Billing", "API"], ["1.0", "1.1", "2.0"]),
    ("OPS", "Operations", 44, "admin", ["Infrastructure", "Monitoring", "On-call"], ["2026.Q3", "2026.Q4"]),
    ("WEB", "Website", 26, "admin", ["Marketing site", "Blog"], ["Relaunch"]),
    ("GLOBX", "Globex Portal", 21, "alice", ["Portal", "Integrations"], ["v3"]),
]
# Issues whose comment threads are long enough to need paging (key -> comment count).
LONG_THREADS = {"ACME-7": 65, "ACME-42": 80, "OPS-3": 61}
LABELS = ["backend", "frontend", "customer-reported", "tech-debt", "security", "performance",
          "ux", "regression", "docs", "quick-win"]
# The most recently touched issues: every RECENT_EVERY-th issue and the long threads get an
# ``updated`` within the last days before ``now``.
RECENT_EVERY = 9


def format_time(moment: datetime) -> str:
    """Return ``moment`` as Jira writes times: 2026-11-20T10:00:00.000+0000."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def build(now: datetime) -> dict:
    """Return the seed: projects, issues (Jira-shaped dicts) and comments by issue id."""
    rng = random.Random(RANDOM_SEED)
    projects, component_id, version_id = [], 10000, 10000
    for n, (key, name, _, lead, components, versions) in enumerate(PROJECTS):
        projects.append({
            "id": str(10000 + n), "key": key, "name": name, "site_id": directory.PROJECT_SITES[key],
            "lead": directory.user_by("name", lead)["account_id"],
            "description": f"{name}: the sandbox's demo project {key}.",
            "uuid": f"00000000-0000-4000-9000-{10000 + n:012d}",
            "components": [{"id": str(component_id + i), "name": c, "description": f"{c} work"}
                           for i, c in enumerate(components)],
            "versions": [{"id": str(version_id + i), "name": v, "released": i < len(versions) - 1,
                          "archived": False} for i, v in enumerate(versions)],
        })
        component_id += len(components)
        version_id += len(versions)
    plan = _creation_plan(rng)
    issues, comments, comment_id = [], {}, 10000
    counters = {p["key"]: 0 for p in projects}
    by_key = {p["key"]: p for p in projects}
    for issue_id, (created, project_key) in enumerate(plan, start=10000):
        project = by_key[project_key]
        counters[project_key] += 1
        key = f"{project_key}-{counters[project_key]}"
        issue = _issue(rng, str(issue_id), key, counters[project_key], project, created, now, issues)
        thread, comment_id = _comments(rng, issue, project, comment_id)
        seed_media.embed(issue, thread)  # the seeded attachments, shown in a few descriptions and comments
        comments[issue["id"]] = thread
        issue["fields"]["comment"] = {"comments": [{"body": c["body"]} for c in thread]}
        issues.append(issue)
    data = {"projects": projects, "issues": issues, "comments": comments,
            "next_issue_id": 10000 + len(issues), "next_comment_id": comment_id}
    seed_extras.add(data, now)  # subtasks, links, web links, watchers, work logs, history
    return data


def _creation_plan(rng: random.Random) -> list[tuple[datetime, str]]:
    """Return (created, project key) for every issue, oldest first, projects interleaved."""
    plan = []
    for key, _, count, *_ in PROJECTS:
        for _ in range(count):
            plan.append((BASE_DATE + timedelta(minutes=rng.randrange(SPREAD_DAYS * 24 * 60)), key))
    plan.sort()
    return plan


def _people(project: dict) -> list[dict]:
    """Return the directory users who may browse ``project``."""
    return [u for u in directory.USERS
            if project["key"] in directory.visible_project_keys(u, project["site_id"])]


def _issue(rng, issue_id, key, number, project, created, now, earlier) -> dict:
    """Return one seeded issue in the shape the JQL module reads."""
    people = _people(project)
    type_id = rng.choices(["10001", "10002", "10003", "10004"], weights=[40, 30, 25, 5])[0]
    summary = seed_text.summary_for(rng, project["key"], number, type_id)
    status = rng.choices(STATUSES, weights=[35, 25, 12, 28])[0]
    recent = number % RECENT_EVERY == 0 or key in LONG_THREADS
    if recent:
        updated = max(created, now - timedelta(minutes=rng.randrange(6 * 24 * 60)))
    else:
        updated = min(created + timedelta(minutes=rng.randrange(20 * 24 * 60)), max(created, now))
    done = STATUSES[3] is status
    resolution = rng.choices(RESOLUTIONS, weights=[80, 12, 8])[0] if done else None
    assignee = rng.choice(people + [None])
    reporter = rng.choice(people)
    priority = rng.choices(PRIORITIES, weights=[5, 20, 50, 20, 5])[0]
    values = {
        "summary": summary,
        "description": seed_text.description(rng, summary, people, int(created.timestamp() * 1000))
        if rng.random() < 0.92 else None,
        "project": {"id": project["id"], "key": project["key"], "name": project["name"]},
        "issuetype": {"id": type_id, "name": next(t["name"] for t in ISSUE_TYPES if t["id"] == type_id)},
        "status": status_ref(status),
        "priority": {"id": priority["id"], "name": priority["name"]},
        "assignee": fields.user_ref(assignee) if assignee else None,
        "reporter": fields.user_ref(reporter),
        "creator": fields.user_ref(reporter),
        "labels": sorted(rng.sample(LABELS, rng.choice([0, 0, 1, 1, 2, 3]))),
        "components": [{"id": c["id"], "name": c["name"]} for c in rng.sample(project["components"], rng.choice([0, 1, 1, 2]))],
        "fixVersions": [{"id": v["id"], "name": v["name"]} for v in rng.sample(project["versions"], rng.choice([0, 1]))],
        "created": format_time(created),
        "updated": format_time(updated),
        "statuscategorychangedate": format_time(updated),
        "resolution": {"id": resolution["id"], "name": resolution["name"]} if resolution else None,
        "resolutiondate": format_time(updated) if resolution else None,
        "duedate": (created + timedelta(days=rng.randrange(7, 60))).strftime("%Y-%m-%d") if rng.random() < 0.3 else None,
        "environment": None,
        "parent": None,
    }
    epics = [i for i in earlier if i["fields"]["project"]["key"] == project["key"]
             and i["fields"]["issuetype"]["id"] == fields.EPIC_TYPE_ID]
    if type_id != fields.EPIC_TYPE_ID and epics and rng.random() < 0.25:
        epic = rng.choice(epics)
        values["parent"] = {"id": epic["id"], "key": epic["key"]}
    values.update(_custom_values(rng, project, type_id, created))
    return {"id": issue_id, "key": key, "fields": values}


def _custom_values(rng, project, type_id, created) -> dict:
    """Return values for the project's custom fields (some left empty)."""
    values = {}
    on_screen = set(fields.screen_fields(project["key"], type_id))
    for field_id in fields.project_custom_fields(project["key"]):
        value = None
        if field_id in on_screen and rng.random() < 0.6:
            value = _custom_value(rng, field_id, created)
        elif field_id in on_screen and fields.is_required(project["key"], type_id, field_id):
            # A required field is never empty; its own generator leaves the rest of the seed as it was.
            value = _custom_value(random.Random(f"{project['key']}:{field_id}:{created}"), field_id, created)
        values[field_id] = value
    return values


def _custom_value(rng, field_id, created):
    kind = fields.schema_of(field_id)["type"]
    if field_id in fields.ADF_FIELDS:
        return seed_text.doc(seed_text.paragraph(seed_text.text(rng.choice(seed_text.SENTENCES))))
    if kind == "number":
        return rng.choice([1, 2, 3, 5, 8, 13])
    if kind == "date":
        return (created + timedelta(days=rng.randrange(1, 30))).strftime("%Y-%m-%d")
    if kind == "datetime":
        return format_time(created + timedelta(days=rng.randrange(1, 30), hours=rng.randrange(24)))
    if kind == "string":
        return f"CUST-{rng.randrange(1000, 9999)}"
    if kind == "team":
        return dict(fields.TEAMS[0])
    options = fields.OPTIONS[field_id]
    if kind == "array":
        return [{"id": o["id"], "value": o["value"]} for o in rng.sample(options, rng.randint(1, 2))]
    option = rng.choice(options)
    value = {"id": option["id"], "value": option["value"]}
    if option.get("children"):
        child = rng.choice(option["children"])
        value["child"] = {"id": child["id"], "value": child["value"]}
    return value


def _comments(rng, issue, project, comment_id) -> tuple[list[dict], int]:
    """Return the issue's comments, oldest first, and the next free comment id."""
    count = LONG_THREADS.get(issue["key"], rng.choice([0, 0, 0, 1, 1, 2, 2, 3, 4, 6]))
    start = _parse(issue["fields"]["created"])
    span = (_parse(issue["fields"]["updated"]) - start).total_seconds()
    people = _people(project)
    thread = []
    for n in range(count):
        when = format_time(start + timedelta(seconds=span * (n + 1) / (count + 1)))
        author = rng.choice(people)["account_id"]
        thread.append({"id": str(comment_id), "author": author, "update_author": author,
                       "body": seed_text.comment_body(rng, people, n), "created": when, "updated": when})
        comment_id += 1
    return thread, comment_id


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%f%z")


def status_ref(status: dict) -> dict:
    """Return the stored status reference (with its category) the JQL module reads."""
    category = STATUS_CATEGORIES[status["category"]]
    return {"id": status["id"], "name": status["name"],
            "statusCategory": {"id": category["id"], "key": category["key"], "name": category["name"]}}
