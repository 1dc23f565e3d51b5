"""The sandbox's Jira data: the seeded projects, issues and comments, indexed, and their mutations.

Readers never lock: an issue dict and a comment list are replaced whole (copy on write) under
``_lock``, never changed in place, so a reader holding one sees a consistent snapshot. Callers
must treat what the getters return as read-only. The same rule lets every world built in the
same minute share one seed build (``_seed``): a reset only makes new indexes, in about 1 ms. Issues are kept in the Jira-shaped form that
``sandbox/jql.py`` evaluates, with ``fields.comment.comments`` holding the comment bodies.
"""

import functools
import threading
from datetime import datetime, timezone

from sandbox import boards, directory, fields, history, seed
from sandbox.world_extras import IssueExtras


class World(IssueExtras):
    """The sandbox's Jira data; ``reset()`` restores the seed (links, work logs and history: ``IssueExtras``)."""

    statuses = seed.STATUSES
    status_categories = seed.STATUS_CATEGORIES
    transitions = seed.TRANSITIONS
    priorities = seed.PRIORITIES
    resolutions = seed.RESOLUTIONS
    issue_types = seed.ISSUE_TYPES

    def __init__(self, now: datetime | None = None) -> None:
        self.built_at = now or datetime.now(timezone.utc).replace(second=0, microsecond=0)
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Restore the seed (the same data as when this world was built)."""
        data = _seed(self.built_at)
        with self._lock:
            self._projects = list(data["projects"])
            self._project_index = {}
            for project in self._projects:
                self._project_index[project["id"]] = project
                self._project_index[project["key"]] = project
            self._issues = {i["id"]: i for i in data["issues"]}
            self._keys = {i["key"]: i["id"] for i in data["issues"]}
            self._by_project = {p["key"]: [] for p in self._projects}
            for issue in data["issues"]:
                self._by_project[issue["fields"]["project"]["key"]].append(issue["id"])
            self._counters = {key: len(ids) for key, ids in self._by_project.items()}
            self._comments = dict(data["comments"])
            self._next_issue_id = data["next_issue_id"]
            self._next_comment_id = data["next_comment_id"]
            self.agile = boards.Agile(data["issues"], self.built_at)  # boards, sprints, who is in which sprint
            self._reset_extras(data)

    # --- reading -----------------------------------------------------------------------------

    def projects(self) -> list[dict]:
        """Return every project, in id order."""
        return list(self._projects)

    def project(self, id_or_key: str) -> dict | None:
        """Return the project with that id or key (case-insensitive), or None."""
        return self._project_index.get(id_or_key) or self._project_index.get(str(id_or_key).upper())

    def issue(self, id_or_key: str) -> dict | None:
        """Return the issue with that id or key (case-insensitive), or None."""
        issue_id = id_or_key if id_or_key in self._issues else self._keys.get(str(id_or_key).upper())
        return self._issues.get(issue_id)

    def project_issues(self, project_key: str) -> list[dict]:
        """Return the project's issues, oldest first."""
        issues = self._issues
        return [issues[i] for i in self._by_project.get(project_key, ())]

    def comments(self, issue_id: str) -> list[dict]:
        """Return the issue's comments, oldest first (stored form: author is an account id)."""
        return self._comments.get(issue_id, [])

    def comment(self, issue_id: str, comment_id: str) -> dict | None:
        """Return one comment of the issue, or None."""
        return next((c for c in self.comments(issue_id) if c["id"] == comment_id), None)

    def status(self, status_id: str) -> dict:
        """Return the catalog status with that id."""
        return next(s for s in self.statuses if s["id"] == status_id)

    def issue_type(self, type_id: str) -> dict | None:
        """Return the issue type with that id, or None."""
        return next((t for t in self.issue_types if t["id"] == str(type_id)), None)

    def jql_users(self) -> list[dict]:
        """Return the people the JQL module resolves names against."""
        return [{k: u[k] for k in ("account_id", "name", "display_name", "email")} for u in directory.USERS]

    # --- changing ----------------------------------------------------------------------------

    def create_issue(self, project: dict, issue_type: dict, values: dict, reporter: dict) -> dict:
        """Store a new issue with ``values`` (stored form) and return it."""
        stamp = _now()
        with self._lock:
            issue_id = str(self._next_issue_id)
            self._next_issue_id += 1
            self._counters[project["key"]] += 1
            key = f"{project['key']}-{self._counters[project['key']]}"
            record = {name: None for name in fields.project_custom_fields(project["key"])}
            record.update({
                "summary": None, "description": None, "environment": None, "assignee": None,
                "priority": {"id": "3", "name": "Medium"}, "labels": [], "components": [],
                "fixVersions": [], "duedate": None, "parent": None, "resolution": None,
                "resolutiondate": None,
            })
            record.update(values)
            record.update({
                "project": {"id": project["id"], "key": project["key"], "name": project["name"]},
                "issuetype": {"id": issue_type["id"], "name": issue_type["name"]},
                "status": seed.status_ref(self.statuses[0]),
                "reporter": values.get("reporter") or fields.user_ref(reporter),
                "creator": fields.user_ref(reporter),
                "created": stamp, "updated": stamp, "statuscategorychangedate": stamp,
                "comment": {"comments": []},
            })
            issue = {"id": issue_id, "key": key, "fields": record}
            self._issues[issue_id] = issue
            self._keys[key] = issue_id
            self._by_project[project["key"]] = self._by_project[project["key"]] + [issue_id]
            self._comments[issue_id] = []
            self._watchers[issue_id] = (reporter["account_id"],)  # Jira has the creator watch
        return issue

    def update_issue(self, issue_id: str, values: dict, author: str | None = None) -> dict:
        """Replace some stored field values of an issue, touch ``updated``, and return it.

        With an ``author`` the change is written to the issue's history, as Jira does for people's edits.
        """
        with self._lock:
            if author:
                self.record(issue_id, author, history.items_for(self._issues[issue_id]["fields"], values))
            return self._replace(issue_id, values)

    def transition_issue(self, issue_id: str, transition: dict, resolution: dict | None, author: str | None = None) -> dict:
        """Move an issue to the transition's status, setting or clearing its resolution (history with ``author``)."""
        status = self.status(transition["to"])
        stamp = _now()
        done = status["category"] == 3
        with self._lock:
            current = self._issues[issue_id]["fields"]
            values = {"status": seed.status_ref(status),
                      "resolution": resolution if done else None,
                      "resolutiondate": (current["resolutiondate"] or stamp) if done else None}
            if current["status"]["statusCategory"]["id"] != status["category"]:
                values["statuscategorychangedate"] = stamp
            if author:
                self.record(issue_id, author, history.items_for(current, values))
            return self._replace(issue_id, values)

    def add_comment(self, issue_id: str, author_id: str, body: dict) -> dict:
        """Store a new comment on the issue and return it."""
        stamp = _now()
        with self._lock:
            comment = {"id": str(self._next_comment_id), "author": author_id, "update_author": author_id,
                       "body": body, "created": stamp, "updated": stamp}
            self._next_comment_id += 1
            self._set_comments(issue_id, self._comments[issue_id] + [comment])
        return comment

    def update_comment(self, issue_id: str, comment_id: str, author_id: str, body: dict) -> dict | None:
        """Replace a comment's body and return the new comment; None if it was deleted meanwhile."""
        with self._lock:
            thread = self._comments.get(issue_id, [])
            old = next((c for c in thread if c["id"] == comment_id), None)
            if old is None:
                return None
            new = {**old, "body": body, "update_author": author_id, "updated": _now()}
            self._set_comments(issue_id, [new if c is old else c for c in thread])
        return new

    def delete_comment(self, issue_id: str, comment_id: str) -> None:
        """Remove a comment from the issue."""
        with self._lock:
            self._set_comments(issue_id, [c for c in self._comments.get(issue_id, []) if c["id"] != comment_id])

    def _set_comments(self, issue_id: str, thread: list[dict]) -> None:
        """Store a new comment list and the matching bodies on the issue (lock held)."""
        self._comments[issue_id] = thread
        self._replace(issue_id, {"comment": {"comments": [{"body": c["body"]} for c in thread]}})

    def _stamp(self) -> str:
        """Return now, as Jira writes times."""
        return _now()

    def _replace(self, issue_id: str, values: dict) -> dict:
        """Swap in a copy of the issue with ``values`` and a new ``updated`` (lock held)."""
        old = self._issues[issue_id]
        issue = {**old, "fields": {**old["fields"], **values, "updated": _now()}}
        self._issues[issue_id] = issue
        return issue


@functools.lru_cache(maxsize=4)
def _seed(now: datetime) -> dict:
    """Return the seed built for ``now``; shared, so never changed in place."""
    return seed.build(now)


def _now() -> str:
    return seed.format_time(datetime.now(timezone.utc))
