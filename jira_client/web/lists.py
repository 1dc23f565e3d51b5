"""Issue lists: JQL built safely from filters, paging arguments, and Previous/Next over ``nextPageToken``.

Enhanced search has no page numbers, only a token to the next page. The tokens of the pages a
person has walked through are kept server-side in their session, per query, so the URL carries
just ``?page=N`` and Previous works without asking Jira again for the earlier tokens.
"""

from __future__ import annotations

import hashlib
import re
import time

from flask import request, session

from jira_client.api import jql

DIGITS = re.compile(r"[0-9]{1,7}")  # ASCII only: "²".isdigit() is True, but int("²") fails
MAX_LISTINGS = 8  # queries whose tokens are remembered per session
MAX_PAGES = 200
COUNT_TTL = 300  # seconds an approximate count is reused


def int_arg(name: str, default: int = 0, maximum: int = 100_000) -> int:
    """Return a non-negative integer query argument, or ``default`` when it is absent or junk."""
    value = request.args.get(name, "")
    if not DIGITS.fullmatch(value):
        return default
    return min(int(value), maximum)


def jql_string(value: str) -> str:
    """Return ``value`` as one quoted JQL string literal (see ``jira_client.api.jql.quote``)."""
    return jql.quote(value)


STATUS_CATEGORIES = {"todo": "To Do", "inprogress": "In Progress", "done": "Done"}


def project_jql(project_key: str, category: str = "", mine: bool = False, text: str = "",
                order: jql.SortKey | None = None) -> str:
    """Return the JQL for a project's issue list with its quick filters, by ``order`` then newest first."""
    clauses = [f"project = {jql_string(project_key)}"]
    if category in STATUS_CATEGORIES:
        clauses.append(f"statusCategory = {jql_string(STATUS_CATEGORIES[category])}")
    if mine:
        clauses.append("assignee = currentUser()")
    if text:
        clauses.append(f"text ~ {jql_string(text)}")
    query = " AND ".join(clauses) + " ORDER BY created DESC"
    return (jql.with_order(query, order.field, bool(order.descending)) or query) if order else query


def _listing_id(jql: str) -> str:
    return hashlib.sha256(jql.encode()).hexdigest()[:16]


class PageTokens:
    """The ``nextPageToken`` of each page seen for one query, stored in the session."""

    def __init__(self, jql: str) -> None:
        self.id = _listing_id(jql)

    def _all(self) -> dict:
        return session.get("page_tokens") or {}

    def token_for(self, page: int) -> str | None:
        """Return the token that fetches page ``page`` (0 needs none); KeyError if never seen."""
        if page == 0:
            return None
        tokens = self._all().get(self.id) or []
        if page > len(tokens) or not tokens[page - 1]:
            raise KeyError(page)
        return tokens[page - 1]

    def remember(self, page: int, next_token: str | None) -> bool:
        """Store the token that leads from ``page`` to the page after it; return whether there is one.

        Tokens of later pages already seen are kept, so going back and forth (or a second tab on
        the same query) does not lose them.
        """
        if next_token is None or page + 1 >= MAX_PAGES:
            return False
        stored = self._all()
        listings = dict(stored)
        tokens = list(listings.pop(self.id, []))
        tokens += [""] * (page + 1 - len(tokens))
        tokens[page] = next_token
        listings[self.id] = tokens  # most recently used last
        while len(listings) > MAX_LISTINGS:
            listings.pop(next(iter(listings)))
        if list(listings.items()) != list(stored.items()):  # a page viewed again writes no session
            session["page_tokens"] = listings
        return True


def cached_count(jql: str, fetch) -> int | None:
    """Return the approximate count for ``jql``, from the session when fresh, else ``fetch(jql)``."""
    return session_cached("counts", _listing_id(jql), lambda: fetch(jql))


def session_cached(bucket: str, key: str, fetch, ttl: int = COUNT_TTL):
    """Return what ``fetch()`` gave for ``key`` within ``ttl`` seconds, kept in this person's session.

    For small answers about this person only (a count, a permission), never shared with anyone;
    each bucket keeps its newest few keys.
    """
    entries = dict(session.get(bucket) or {})
    hit = entries.get(key)
    now = int(time.time())
    if hit and now - hit[1] < ttl:
        return hit[0]
    value = fetch()
    entries.pop(key, None)
    entries[key] = [value, now]
    while len(entries) > MAX_LISTINGS:
        entries.pop(next(iter(entries)))
    session[bucket] = entries
    return value
