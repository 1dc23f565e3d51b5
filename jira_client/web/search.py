"""Free JQL search (``/search``), paged with Jira's ``nextPageToken``."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from jira_client.api.errors import BadRequest
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import TABLE_FIELDS, PageTokens, int_arg

bp = Blueprint("search", __name__, url_prefix="/search")

RESULTS_PER_PAGE = 50
MAX_JQL_CHARS = 2000


@bp.get("")
@login_required
def index():
    """Run the JQL in ``?jql=`` and show a page of results; Jira's own words explain a bad query."""
    jql = request.args.get("jql", "").strip()
    if not jql:
        return render_template("search/index.html", jql="", page=None, error=None)
    if len(jql) > MAX_JQL_CHARS:
        error = f"That query is longer than {MAX_JQL_CHARS} characters."
        return render_template("search/index.html", jql=jql[:MAX_JQL_CHARS], page=None, error=error), 400
    tokens = PageTokens(jql)
    number = int_arg("page")
    try:
        token = tokens.token_for(number)
    except KeyError:
        return redirect(url_for("search.index", jql=jql))
    try:
        page = get_jira().search_issues(jql, token, RESULTS_PER_PAGE, fields=TABLE_FIELDS)
    except BadRequest as error:  # Jira's own words about the JQL are the most useful answer
        message = " ".join(error.details) or error.message
        return render_template("search/index.html", jql=jql, page=None, error=message), 400
    has_next = tokens.remember(number, page.next_cursor)
    return render_template("search/index.html", jql=jql, page=page, number=number, has_next=has_next, error=None)
