"""A scrum board's backlog: its open sprints with their issues, then the backlog, with "move to sprint" and back.

The page costs the configuration, the open sprints, one issue list per open sprint and one page of
the backlog (50 issues, paged as Jira pages them). A move is one call (``POST sprint/{id}/issue``
or ``POST backlog/issue``), sent once however often the button is pressed.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from jira_client.api import keys
from jira_client.api.errors import AuthError, JiraError
from jira_client.web.boards.access import get_agile, needs_scopes
from jira_client.web.boards.board import board_sprints
from jira_client.web.boards.outcomes import refused, renew_sign_in
from jira_client.web.forms import once
from jira_client.web.jira import login_required
from jira_client.web.lists import DIGITS, int_arg

BACKLOG_PER_PAGE = 50
SPRINT_ISSUES = 100
TO_BACKLOG = "backlog"


@login_required
@needs_scopes("get_configuration", "list_sprints", "list_sprint_issues", "list_backlog")
def show(board_id: str):
    """The open sprints (active first) with their issues, then one page of the backlog."""
    api = get_agile()
    config = api.get_configuration(board_id)
    scrum, sprints = board_sprints(board_id, config)
    if not scrum:
        flash(f"“{config.name}” is a kanban board: it has no sprints, so no backlog to plan.", "info")
        return redirect(url_for("boards.show", board_id=board_id))
    planned = [(sprint, api.list_sprint_issues(config, sprint.id, limit=SPRINT_ISSUES)) for sprint in sprints]
    start = int_arg("start")
    backlog = api.list_backlog(config, start_at=start, max_results=BACKLOG_PER_PAGE)
    return render_template("boards/backlog.html", board_id=board_id, config=config, sprints=sprints,
                           planned=planned, backlog=backlog, start=start, per_page=BACKLOG_PER_PAGE)


def _backlog_url(board_id: str) -> str:
    start = request.form.get("start", "")
    return url_for("boards.backlog", board_id=board_id, start=start if DIGITS.fullmatch(start) and start != "0" else None)


@login_required
@needs_scopes("move_to_sprint", "move_to_backlog", page_of=lambda board_id: url_for("boards.backlog", board_id=board_id))
def move(board_id: str):
    """Move one issue (POST ``issue``, ``to``: a sprint id or "backlog") and go back to the backlog."""
    if request.method == "GET":
        return redirect(url_for("boards.backlog", board_id=board_id))
    back = _backlog_url(board_id)
    to, _, name = request.form.get("to", "").partition("|")  # "backlog", or "<sprint id>|<sprint name>"
    try:
        key = keys.issue_key(request.form.get("issue", ""))
        sprint_id = None if to == TO_BACKLOG else keys.numeric_id(to)
    except keys.InvalidKey:
        flash("Choose a sprint, or the backlog, to move the issue to.", "error")
        return redirect(back, 303)
    api = get_agile()
    try:
        outcome = once.submit_once(
            lambda: api.move_to_backlog([key]) if sprint_id is None else api.move_to_sprint(sprint_id, [key]), back)
    except (JiraError, once.Refused) as error:
        if isinstance(error, AuthError):
            return renew_sign_in(error, back)
        return refused(key, error, back)
    if not outcome.repeated:
        name = name.strip()[:255] or "the sprint"
        flash(f"{key} moved to the backlog." if sprint_id is None else f"{key} moved to {name}.", "success")
    return redirect(outcome.url, 303)
