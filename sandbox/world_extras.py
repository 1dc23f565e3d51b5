"""The parts of an issue that live beside its fields: links, web links, watchers, work logs, history.

``IssueExtras`` is mixed into ``World`` and follows its rule: readers never lock, writers replace
whole tuples (copy on write) under ``World._lock``, so a reader always holds a consistent snapshot.

- Links are stored once, as Jira does: an ``outward`` issue (its page reads "blocks") and an
  ``inward`` one ("is blocked by"); both issues list the link, and both get a history entry.
- Work logs move the issue's time tracking as Jira does (``adjustEstimate`` auto, new, leave,
  manual) and write ``timespent``, ``timeestimate`` and ``WorklogId`` history items.
- Every field change made with an author (edits, transitions, assignment) gets a history entry;
  comments never do.
"""

from sandbox import history, seed_extras

AUTO, NEW, LEAVE, MANUAL = "auto", "new", "leave", "manual"


class IssueExtras:
    """Mixin for World: needs ``_lock``, ``_issues``, ``_replace``, ``issue`` and ``project_issues``."""

    def _reset_extras(self, data: dict) -> None:
        """Take the seed's extras (lock held); the seed's own containers stay untouched."""
        self._links = dict(data["links"])
        index: dict[str, tuple] = {}
        for link in self._links.values():
            for side in ("outward", "inward"):
                index[link[side]] = index.get(link[side], ()) + (link["id"],)
        self._link_index = index
        self._remote_links = {k: tuple(v) for k, v in data["remote_links"].items()}
        self._watchers = {k: tuple(v) for k, v in data["watchers"].items()}
        self._worklogs = {k: tuple(v) for k, v in data["worklogs"].items()}
        self._changelog = {k: tuple(v) for k, v in data["changelog"].items()}
        self._next = dict(data["next_ids"])

    # --- reading -----------------------------------------------------------------------------

    @property
    def link_types(self) -> list[dict]:
        """Return the issue link types."""
        return seed_extras.LINK_TYPES

    def link_type(self, id_or_name) -> dict | None:
        """Return the link type with that id or name (names case-insensitive), or None."""
        wanted = str(id_or_name or "")
        return next((t for t in self.link_types if t["id"] == wanted or t["name"].lower() == wanted.lower()), None)

    def link(self, link_id: str) -> dict | None:
        """Return one stored link, or None."""
        return self._links.get(str(link_id))

    def links_of(self, issue_id: str) -> list[dict]:
        """Return the links of an issue, oldest first."""
        return [self._links[i] for i in self._link_index.get(issue_id, ()) if i in self._links]

    def remote_links(self, issue_id: str) -> tuple:
        """Return the web links of an issue."""
        return self._remote_links.get(issue_id, ())

    def watchers(self, issue_id: str) -> tuple:
        """Return the account ids watching an issue."""
        return self._watchers.get(issue_id, ())

    def worklogs(self, issue_id: str) -> tuple:
        """Return an issue's work log entries, oldest first."""
        return self._worklogs.get(issue_id, ())

    def worklog(self, issue_id: str, worklog_id: str) -> dict | None:
        """Return one work log entry of an issue, or None."""
        return next((w for w in self.worklogs(issue_id) if w["id"] == str(worklog_id)), None)

    def changelog(self, issue_id: str) -> tuple:
        """Return an issue's history entries, oldest first."""
        return self._changelog.get(issue_id, ())

    def children(self, issue: dict) -> list[dict]:
        """Return the issues whose parent is ``issue`` (subtasks, or an epic's issues), oldest first."""
        return [i for i in self.project_issues(issue["fields"]["project"]["key"])
                if (i["fields"].get("parent") or {}).get("id") == issue["id"]]

    # --- changing ----------------------------------------------------------------------------

    def add_link(self, link_type: dict, outward_id: str, inward_id: str, author: str) -> dict:
        """Link two issues (an existing identical link is kept, as Jira does) and return the link."""
        with self._lock:
            for existing in self.links_of(outward_id):
                if (existing["type"], existing["outward"], existing["inward"]) == (link_type["id"], outward_id, inward_id):
                    return existing
            link = {"id": self._take("link"), "type": link_type["id"], "outward": outward_id, "inward": inward_id}
            self._links[link["id"]] = link
            for side in ("outward", "inward"):
                self._link_index[link[side]] = self._link_index.get(link[side], ()) + (link["id"],)
            self._record_link(link, link_type, author, added=True)
        return link

    def delete_link(self, link_id: str, author: str) -> bool:
        """Remove a link from both issues; return False when there was none."""
        with self._lock:
            link = self._links.pop(str(link_id), None)
            if link is None:
                return False
            for side in ("outward", "inward"):
                self._link_index[link[side]] = tuple(i for i in self._link_index.get(link[side], ()) if i != link["id"])
            self._record_link(link, self.link_type(link["type"]), author, added=False)
        return True

    def add_remote_link(self, issue_id: str, body: dict) -> dict:
        """Store a web link on an issue and return it."""
        with self._lock:
            stored = {"id": int(self._take("remote_link")), **body}
            self._remote_links[issue_id] = self.remote_links(issue_id) + (stored,)
            self._replace(issue_id, {})
        return stored

    def delete_remote_link(self, issue_id: str, link_id: str) -> bool:
        """Remove one web link; return False when the issue had none with that id."""
        with self._lock:
            kept = tuple(r for r in self.remote_links(issue_id) if str(r["id"]) != str(link_id))
            if len(kept) == len(self.remote_links(issue_id)):
                return False
            self._remote_links[issue_id] = kept
            self._replace(issue_id, {})
        return True

    def set_watching(self, issue_id: str, account_id: str, watching: bool) -> None:
        """Add or remove a watcher (idempotent)."""
        with self._lock:
            others = tuple(w for w in self.watchers(issue_id) if w != account_id)
            self._watchers[issue_id] = others + ((account_id,) if watching else ())

    def add_worklog(self, issue_id: str, author: str, seconds: int, started: str, comment, adjust: tuple) -> dict:
        """Log work on an issue, move its remaining estimate as ``adjust`` says, and return the entry."""
        stamp = self._stamp()
        with self._lock:
            entry = {"id": self._take("worklog"), "author": author, "update_author": author, "comment": comment,
                     "started": started, "created": stamp, "updated": stamp, "seconds": seconds}
            self._worklogs[issue_id] = self.worklogs(issue_id) + (entry,)
            self._track(issue_id, author, seconds, _remaining(adjust, lambda left: left - seconds), (None, entry["id"]))
        return entry

    def update_worklog(self, issue_id: str, worklog_id: str, author: str, changes: dict, adjust: tuple) -> dict | None:
        """Change an entry (``seconds``, ``started``, ``comment``); None when it is gone."""
        with self._lock:
            old = self.worklog(issue_id, worklog_id)
            if old is None:
                return None
            new = {**old, **changes, "update_author": author, "updated": self._stamp()}
            self._worklogs[issue_id] = tuple(new if w is old else w for w in self.worklogs(issue_id))
            delta = new["seconds"] - old["seconds"]
            self._track(issue_id, author, delta, _remaining(adjust, lambda left: left - delta), (old["id"], None))
        return new

    def delete_worklog(self, issue_id: str, worklog_id: str, author: str, adjust: tuple) -> bool:
        """Remove an entry and give its time back as ``adjust`` says; False when it is gone."""
        with self._lock:
            old = self.worklog(issue_id, worklog_id)
            if old is None:
                return False
            self._worklogs[issue_id] = tuple(w for w in self.worklogs(issue_id) if w is not old)
            seconds = old["seconds"]
            rule = _remaining(adjust, lambda left: left + seconds, manual_sign=1)
            self._track(issue_id, author, -seconds, rule, (old["id"], None))
        return True

    def record(self, issue_id: str, author: str, items: list[dict]) -> None:
        """Add a history entry (lock held by the caller)."""
        if not items:
            return
        entry = {"id": self._take("history"), "author": author, "created": self._stamp(), "items": items}
        self._changelog[issue_id] = self.changelog(issue_id) + (entry,)

    # --- helpers (lock held) -------------------------------------------------------------------

    def _take(self, kind: str) -> str:
        value = self._next[kind]
        self._next[kind] += 1
        return str(value)

    def _record_link(self, link: dict, link_type: dict, author: str, added: bool) -> None:
        outward, inward = self._issues[link["outward"]], self._issues[link["inward"]]
        for issue, phrase, other in ((outward, link_type["outward"], inward), (inward, link_type["inward"], outward)):
            text = history.link_text(phrase, other["key"])
            before, after = (None, other["key"]) if added else (other["key"], None)
            texts = (None, text) if added else (text, None)
            self.record(issue["id"], author, [history.item("Link", before, after, *texts, name="Link")])
            self._replace(issue["id"], {})

    def _track(self, issue_id: str, author: str, spent_delta: int, remaining_rule, worklog_ids: tuple) -> None:
        """Apply a work log change to the issue's time tracking and write its history."""
        values = self._issues[issue_id]["fields"]
        spent_before, remaining_before = values.get("timespent"), values.get("timeestimate")
        spent_after = (spent_before or 0) + spent_delta
        spent_after = spent_after if spent_after > 0 or spent_before is not None else None
        remaining_after = remaining_rule(remaining_before)
        self._replace(issue_id, {"timespent": spent_after, "timeestimate": remaining_after})
        self.record(issue_id, author, history.worklog_items((spent_before, spent_after), (remaining_before, remaining_after),
                                                           worklog_ids))


def _remaining(adjust: tuple, auto, manual_sign: int = -1):
    """Return a function from the remaining estimate before to the one after, for ``adjust``.

    ``adjust`` is (mode, seconds): auto applies ``auto``; new sets ``seconds``; manual moves by
    ``seconds`` (down when logging, up when deleting); leave keeps it. Never below zero.
    """
    mode, amount = adjust

    def rule(before: int | None) -> int | None:
        if mode == LEAVE:
            return before
        if mode == NEW:
            return amount
        if mode == MANUAL:
            return max((before or 0) + manual_sign * amount, 0)
        return max(auto(before or 0), 0)

    return rule
