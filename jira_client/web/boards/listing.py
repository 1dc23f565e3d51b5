"""The boards list: the boards this person can see, by name, optionally of one project, paged as Jira pages them."""

from __future__ import annotations

from flask import render_template, request

from jira_client.api import keys
from jira_client.web.boards.access import get_agile, needs_scopes
from jira_client.web.jira import login_required
from jira_client.web.lists import int_arg

BOARDS_PER_PAGE = 50


@login_required
@needs_scopes("list_boards")
def index():
    """Boards by name (``q``), of one project (``project``), 50 to a page (``start``): one call."""
    name = request.args.get("q", "").strip()[:100]
    project = request.args.get("project", "").strip()[:255]
    view = {"query": name, "project": project, "per_page": BOARDS_PER_PAGE}
    try:
        project = keys.project_key(project) if project else ""
    except keys.InvalidKey:
        return render_template("boards/index.html", page=None, error=f"“{project}” is not a project key.", **view), 400
    view["project"] = project
    page = get_agile().list_boards(project, name, int_arg("start"), BOARDS_PER_PAGE)
    return render_template("boards/index.html", page=page, error=None, **view)
