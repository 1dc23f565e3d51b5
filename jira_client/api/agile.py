"""Jira Software's REST API (``/rest/agile/1.0``): boards, their configuration, sprints, backlog.

``AgileApi`` wraps this request's ``JiraClient`` (same transport, retries, time budget, errors and
call counting) and adds the calls a board needs, each a few lines returning models. Paths,
parameters and shapes follow Atlassian's Jira Software OpenAPI description: lists page with
``startAt``/``maxResults`` (boards and sprints also say ``isLast``; issue lists give ``total``),
and Jira caps ``maxResults`` below what is asked, so pages advance by what came back.

Jira Software takes only granular OAuth scopes; ``SCOPES`` names those each call needs, so a page
can tell before calling whether a person's grant (made before the app asked for them) lacks any.
"""

from __future__ import annotations

from typing import Iterable

from jira_client.api import keys
from jira_client.api.agile_models import Board, BoardConfig, Card, IssueMoves, Sprint
from jira_client.api.client import JiraClient
from jira_client.api.errors import AuthError, JiraError
from jira_client.api.pagination import Page, offset_page

AGILE = "/rest/agile/1.0"
BOARDS_PER_PAGE = 50  # Jira's own cap for boards and sprints
ISSUES_PER_PAGE = 100
MAX_SPRINT_PAGES = 4
MAX_CARD_PAGES = 3  # when Jira caps issue pages shorter than asked, a board fetches at most this many
MAX_MOVE = 50  # Jira moves at most 50 issues into a sprint or the backlog at once
SCOPE_MISMATCH = "scope does not match"  # the gateway's 401 for a token without the operation's scopes

# The OAuth scopes of each call, from the operation's "security" in Jira Software's OpenAPI description.
SCOPES: dict[str, tuple[str, ...]] = {
    "list_boards": ("read:board-scope:jira-software", "read:project:jira"),
    "get_configuration": ("read:board-scope.admin:jira-software", "read:project:jira"),
    "list_sprints": ("read:sprint:jira-software",),
    "list_board_issues": ("read:board-scope:jira-software", "read:issue-details:jira"),
    "list_sprint_issues": ("read:sprint:jira-software", "read:issue-details:jira", "read:jql:jira"),
    "list_backlog": ("read:board-scope:jira-software", "read:issue-details:jira"),
    "move_to_sprint": ("write:sprint:jira-software",),
    "move_to_backlog": ("write:board-scope:jira-software",),
}
ALL_SCOPES = tuple(dict.fromkeys(scope for needed in SCOPES.values() for scope in needed))


def scopes_for(*calls: str) -> tuple[str, ...]:
    """Return the scopes the named calls need together, each once."""
    return tuple(dict.fromkeys(scope for call in calls for scope in SCOPES[call]))


def lacks_scope(error: JiraError) -> bool:
    """Return whether Jira refused a call because the token lacks one of the operation's scopes."""
    return isinstance(error, AuthError) and any(SCOPE_MISMATCH in text.lower() for text in (error.message, *error.details))


class AgileApi:
    """Jira Software calls for one person, through their ``JiraClient``."""

    def __init__(self, jira: JiraClient) -> None:
        self.jira = jira

    def list_boards(self, project_key: str = "", name: str = "", start_at: int = 0,
                    max_results: int = BOARDS_PER_PAGE) -> Page[Board]:
        """Return one page of the boards this person may see, by name, optionally of one project."""
        params = {"startAt": start_at, "maxResults": max_results, "orderBy": "name"}
        if project_key:
            params["projectKeyOrId"] = keys.project_key(project_key)
        if name:
            params["name"] = name
        return offset_page(self._get("board", params), "values", Board.from_api)

    def get_configuration(self, board_id: str) -> BoardConfig:
        """Return a board's columns (with their statuses and limits), estimation field and project."""
        return BoardConfig.from_api(self._get(f"board/{keys.numeric_id(board_id)}/configuration"))

    def list_sprints(self, board_id: str, states: Iterable[str] = ("active", "future")) -> tuple[Sprint, ...]:
        """Return a scrum board's sprints in the given states, in Jira's order (active before future)."""
        path = f"board/{keys.numeric_id(board_id)}/sprint"
        found: list[Sprint] = []
        start = 0
        for _ in range(MAX_SPRINT_PAGES):
            page = offset_page(self._get(path, {"state": ",".join(states), "startAt": start,
                                                "maxResults": BOARDS_PER_PAGE}), "values", Sprint.from_api)
            found += page.items
            if page.is_last:
                break
            start = page.next_cursor
        return tuple(found)

    def list_board_issues(self, config: BoardConfig, jql: str = "", limit: int = ISSUES_PER_PAGE) -> Page[Card]:
        """Return the first ``limit`` issues of a board (rank order), with only the fields a card shows."""
        return self._cards(f"board/{keys.numeric_id(config.id)}/issue", config, jql, limit)

    def list_sprint_issues(self, config: BoardConfig, sprint_id: str, jql: str = "",
                           limit: int = ISSUES_PER_PAGE) -> Page[Card]:
        """Return the first ``limit`` issues of a board's sprint (rank order), as cards."""
        path = f"board/{keys.numeric_id(config.id)}/sprint/{keys.numeric_id(sprint_id)}/issue"
        return self._cards(path, config, jql, limit)

    def list_backlog(self, config: BoardConfig, start_at: int = 0, max_results: int = 50) -> Page[Card]:
        """Return one page of a board's backlog (unfinished issues in no active or future sprint)."""
        params = {"startAt": start_at, "maxResults": max_results, "fields": ",".join(config.card_fields)}
        payload = self._get(f"board/{keys.numeric_id(config.id)}/backlog", params)
        return offset_page(payload, "issues", lambda data: Card.from_api(data, config.estimation_field))

    def move_to_sprint(self, sprint_id: str, issue_keys: Iterable[str]) -> None:
        """Move issues (50 at most) into an active or future sprint; never retried."""
        body = {"issues": _keys(issue_keys)}
        self.jira._request("POST", f"sprint/{keys.numeric_id(sprint_id)}/issue", json=body, api=AGILE)

    def move_to_backlog(self, issue_keys: Iterable[str]) -> None:
        """Move issues (50 at most) out of their sprints, into the backlog; never retried."""
        self.jira._request("POST", "backlog/issue", json={"issues": _keys(issue_keys)}, api=AGILE)

    def get_moves(self, key: str) -> IssueMoves:
        """Return an issue's status now and the transitions Jira offers, with their screens' fields, in one call."""
        path = f"issue/{keys.segment(keys.issue_key(key))}"
        payload = self.jira._request("GET", path, params={"fields": "status", "expand": "transitions.fields"})
        return IssueMoves.from_api(payload)

    # -- plumbing --

    def _get(self, path: str, params: dict | None = None):
        return self.jira._request("GET", path, params=params, api=AGILE)

    def _cards(self, path: str, config: BoardConfig, jql: str, limit: int) -> Page[Card]:
        """Return up to ``limit`` cards from an issue list, fetching further pages while Jira caps them shorter."""
        params = {"fields": ",".join(config.card_fields), "startAt": 0, "maxResults": limit}
        if jql:
            params["jql"] = jql
        cards: list[Card] = []
        for _ in range(MAX_CARD_PAGES):
            page = offset_page(self._get(path, params), "issues",
                               lambda data: Card.from_api(data, config.estimation_field))
            cards += page.items
            if page.is_last or len(cards) >= limit or not page.items:
                break
            params = {**params, "startAt": page.next_cursor, "maxResults": limit - len(cards)}
        return Page(tuple(cards[:limit]), next_cursor=None if page.is_last else len(cards), total=page.total)


def _keys(issue_keys: Iterable[str]) -> list[str]:
    """Return validated issue keys for a move; Jira takes at most MAX_MOVE at once."""
    found = [keys.issue_key(key) for key in issue_keys]
    if not 0 < len(found) <= MAX_MOVE:
        raise ValueError(f"A move takes 1 to {MAX_MOVE} issues.")
    return found
