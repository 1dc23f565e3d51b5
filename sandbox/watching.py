"""Who watches an issue, as much as ``watcher = currentUser()`` in JQL needs: the minimum.

Jira makes the reporter and the creator watch an issue they create (the default "watch my own
issues" setting), and an assignee usually watches too; on top of that, every person who may
browse the project watches about one issue in five, picked by a hash so the seed stays the same
on every run. Nothing here changes: the watch/unwatch routes (``/issue/{key}/watchers``) are
another module's job, and this function is where their store would be read.
"""

import hashlib

from sandbox import directory

EXTRA_WATCH_ONE_IN = 5


def watchers_of(issue: dict) -> frozenset[str]:
    """Return the account ids watching ``issue`` (a stored issue dict)."""
    fields = issue["fields"]
    people = {ref["accountId"] for ref in (fields.get("reporter"), fields.get("creator"), fields.get("assignee"))
              if ref and ref.get("accountId")}
    project_key = fields["project"]["key"]
    for user in directory.USERS:
        if project_key in user["projects"] and _picked(user["name"], issue["key"]):
            people.add(user["account_id"])
    return frozenset(people)


def _picked(name: str, key: str) -> bool:
    digest = hashlib.sha256(f"{name}:{key}".encode()).digest()
    return digest[0] % EXTRA_WATCH_ONE_IN == 0
