"""Saved filters: the seeded ones, who may see each, who starred which, and new ones.

A filter lives on one site and is seen by its owner, and by others when shared: ``global``
(everyone on the site) or with a project (whoever may browse it). Favourites are kept per person
and site. Like ``World``, a filter dict is replaced whole under the lock, never changed in place.
"""

import threading

from sandbox import directory

FIRST_ID = 10000
ACME_SITE, GLOBEX_SITE = directory.SITE_IDS

# name, owner, site, JQL, description, shares ("global" or a project key), who starred it
SEED = [
    ("My open issues", "admin", ACME_SITE, "assignee = currentUser() AND statusCategory != Done ORDER BY updated DESC",
     "What is on my plate", [], ["admin"]),
    ("ACME bugs", "alice", ACME_SITE, "project = ACME AND issuetype = Bug ORDER BY priority DESC",
     "Every bug in the platform", ["ACME"], ["alice", "admin"]),
    ("Ops this fortnight", "bob", ACME_SITE, "project = OPS AND updated >= -14d ORDER BY updated DESC",
     "", ["OPS"], ["bob"]),
    ("Highest priority", "admin", ACME_SITE, "priority = Highest ORDER BY updated DESC",
     "Shared with everyone on the site", ["global"], []),
    ("Reported by me", "alice", ACME_SITE, "reporter = currentUser() ORDER BY created DESC", "", [], ["alice"]),
    ("Globex open work", "alice", GLOBEX_SITE, "project = GLOBX AND statusCategory != Done", "", ["GLOBX"], ["alice"]),
]


class FilterStore:
    """The sandbox's filters; ``reset()`` restores the seed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Restore the seeded filters and favourites."""
        with self._lock:
            self._filters: dict[str, dict] = {}
            self._stars: dict[str, set[str]] = {}  # filter id -> account ids
            for n, (name, owner, site, jql, description, shares, starred) in enumerate(SEED):
                filter_id = str(FIRST_ID + n)
                self._filters[filter_id] = {
                    "id": filter_id, "name": name, "owner": directory.user_by("name", owner)["account_id"],
                    "site_id": site, "jql": jql, "description": description, "shares": list(shares),
                }
                self._stars[filter_id] = {directory.user_by("name", who)["account_id"] for who in starred}
            self._next_id = FIRST_ID + len(SEED)

    def visible(self, user: dict, cloud_id: str, project_keys: list[str]) -> list[dict]:
        """Return the filters ``user`` may see on a site (``project_keys``: the projects they may browse)."""
        return [f for f in self._filters.values() if self._may_see(f, user, cloud_id, project_keys)]

    def get(self, filter_id: str, user: dict, cloud_id: str, project_keys: list[str]) -> dict | None:
        """Return one filter the user may see, or None."""
        found = self._filters.get(filter_id)
        return found if found and self._may_see(found, user, cloud_id, project_keys) else None

    def is_starred(self, filter_id: str, account_id: str) -> bool:
        """Return whether the person has the filter among their favourites."""
        return account_id in self._stars.get(filter_id, ())

    def star_count(self, filter_id: str) -> int:
        """Return how many people have the filter among their favourites."""
        return len(self._stars.get(filter_id, ()))

    def star(self, filter_id: str, account_id: str, on: bool) -> None:
        """Add the filter to the person's favourites (``on``) or take it out."""
        with self._lock:
            stars = set(self._stars.get(filter_id, ()))
            if on:
                stars.add(account_id)
            else:
                stars.discard(account_id)
            self._stars[filter_id] = stars

    def name_taken(self, name: str, account_id: str, cloud_id: str) -> bool:
        """Return whether the person already owns a filter of that name on the site (case-insensitive)."""
        return any(f["owner"] == account_id and f["site_id"] == cloud_id and f["name"].lower() == name.lower()
                   for f in self._filters.values())

    def create(self, name: str, jql: str, description: str, account_id: str, cloud_id: str, starred: bool) -> dict:
        """Store a new private filter owned by the person and return it."""
        with self._lock:
            filter_id = str(self._next_id)
            self._next_id += 1
            created = {"id": filter_id, "name": name, "owner": account_id, "site_id": cloud_id, "jql": jql,
                       "description": description, "shares": []}
            self._filters[filter_id] = created
            self._stars[filter_id] = {account_id} if starred else set()
        return created

    @staticmethod
    def _may_see(found: dict, user: dict, cloud_id: str, project_keys: list[str]) -> bool:
        if found["site_id"] != cloud_id:
            return False
        if found["owner"] == user["account_id"]:
            return True
        return any(share == "global" or share in project_keys for share in found["shares"])
