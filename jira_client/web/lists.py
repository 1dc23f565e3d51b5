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
    """Return ``value`` as one quoted JQL string literal (backslash first, then quotes)."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(" " if ch in "\r\n\t" else ch for ch in escaped)
    return f'"{escaped}"'


STATUS_CATEGORIES = {"todo": "To Do", "inprogress": "In Progress", "done": "Done"}


def project_jql(project_key: str, category: str = "", mine: bool = False, text: str = "") -> str:
    """Return the JQL for a project's issue list with its quick filters, newest first."""
    clauses = [f"project = {jql_string(project_key)}"]
    if category in STATUS_CATEGORIES:
        clauses.append(f"statusCategory = {jql_string(STATUS_CATEGORIES[category])}")
    if mine:
        clauses.append("assignee = currentUser()")
    if text:
        clauses.append(f"text ~ {jql_string(text)}")
    return " AND ".join(clauses) + " ORDER BY created DESC"


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
    key = _listing_id(jql)
    counts = dict(session.get("counts") or {})
    hit = counts.get(key)
    now = int(time.time())
    if hit and now - hit[1] < COUNT_TTL:
        return hit[0]
    count = fetch(jql)
    counts[key] = [count, now]
    if len(counts) > MAX_LISTINGS:
        counts.pop(next(iter(counts)))
    session["counts"] = counts
    return count
