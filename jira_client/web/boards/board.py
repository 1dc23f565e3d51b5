"""One board: its columns as its configuration orders them, the cards in them, and for a scrum board one sprint.

At most three calls to Jira for up to 100 issues: the configuration, the open sprints (scrum only)
and the issues of the board or the sprint with only the fields a card shows. The filters ("only
my issues", text) go to Jira as the ``jql`` parameter of that last call.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import render_template, request, url_for

from jira_client.api.agile_models import BoardConfig, Sprint, lay_out
from jira_client.api.errors import BadRequest
from jira_client.api.pagination import Page
from jira_client.web.boards.access import get_agile, needs_scopes
from jira_client.web.jira import login_required
from jira_client.web.lists import DIGITS, jql_string

MAX_TEXT = 200


@dataclass(frozen=True)
class BoardFilters:
    """What narrows a board: only my issues, words in the issue, and (scrum) which sprint."""

    mine: bool = False
    text: str = ""
    sprint: str = ""

    @classmethod
    def from_values(cls, values) -> BoardFilters:
        """Return the filters from query arguments or the hidden fields of a move form."""
        sprint = values.get("sprint", "")
        return cls(mine=values.get("mine") == "1", text=values.get("q", "").strip()[:MAX_TEXT],
                   sprint=sprint if DIGITS.fullmatch(sprint) else "")

    @property
    def narrowing(self) -> bool:
        """Return whether only some of the cards are shown (column limits then say nothing)."""
        return self.mine or bool(self.text)

    def jql(self) -> str:
        """Return the JQL that narrows the board's issues ("" for none); no ORDER BY, so rank order stays."""
        clauses = ["assignee = currentUser()"] * self.mine + [f"text ~ {jql_string(self.text)}"] * bool(self.text)
        return " AND ".join(clauses)

    def args(self) -> dict[str, str]:
        """Return the filters as query arguments (absent ones left out)."""
        found = {"sprint": self.sprint, "mine": "1" if self.mine else "", "q": self.text}
        return {name: value for name, value in found.items() if value}


def board_url(board_id: str, filters: BoardFilters) -> str:
    """Return the board page showing ``filters``."""
    return url_for("boards.show", board_id=board_id, **filters.args())


@login_required
@needs_scopes("get_configuration", "list_sprints", "list_board_issues", "list_sprint_issues")
def show(board_id: str):
    """The board: columns, cards, counts and limits; for a scrum board, one sprint and the sprint switcher."""
    filters = BoardFilters.from_values(request.args)
    api = get_agile()
    config = api.get_configuration(board_id)
    scrum, sprints = board_sprints(board_id, config)
    sprint, notice = choose_sprint(sprints, filters.sprint) if scrum else (None, "")
    view = {"board_id": board_id, "config": config, "scrum": scrum, "filters": filters, "sprints": sprints,
            "sprint": sprint, "notice": notice}
    try:
        if not scrum:
            cards = api.list_board_issues(config, filters.jql())
        elif sprint is not None:
            cards = api.list_sprint_issues(config, sprint.id, filters.jql())
        else:
            cards = Page(())
    except BadRequest as error:
        if not filters.narrowing:
            raise
        message = " ".join(error.details) or error.message  # a text filter Jira cannot take
        return _page(Page(()), view, error=message, status=400)
    return _page(cards, view)


def board_sprints(board_id: str, config: BoardConfig) -> tuple[bool, tuple[Sprint, ...]]:
    """Return whether the board has sprints, and its open ones; a board of unknown type is asked."""
    if config.type_known and not config.is_scrum:
        return False, ()
    try:
        return True, get_agile().list_sprints(board_id)
    except BadRequest:  # "The board does not support sprints"
        if config.type_known:
            raise
        return False, ()


def choose_sprint(sprints: tuple[Sprint, ...], wanted: str) -> tuple[Sprint | None, str]:
    """Return the sprint to show (the one asked for, else the first active one) and a notice when that fell through."""
    active = next((s for s in sprints if s.state == "active"), None)
    if not wanted:
        return active, ""
    chosen = next((s for s in sprints if s.id == wanted), None)
    if chosen is None:
        return active, "That sprint is neither active nor planned on this board, so the active sprint is shown."
    return chosen, ""


def _page(cards: Page, view: dict, *, error: str = "", status: int = 200):
    """Render the board; column limits are checked only when no filter hides cards."""
    layout = lay_out(view["config"], cards.items, check_limits=not view["filters"].narrowing)
    return render_template("boards/show.html", layout=layout, cards=cards, error=error, **view), status
