"""The search page (``/search``): a JQL box, Jira's check of the query, and a page of results.

- ``?jql=`` runs a query. Before a query is first run in a session, Jira's ``jql/parse`` checks
  it; its errors are shown under the box with the query kept, and nothing is searched. A query
  that passed is remembered (per person and site, in the session), so paging and sorting it do
  not ask again. When the check itself fails (Jira busy, say), the search runs and Jira's own
  answer to it is shown instead.
- ``?filter=<id>`` opens a saved filter: its JQL runs (Jira checked it when it was saved) and
  the page names the filter, its owner and its star. An id that is not a number is a 404.
- A query too long for a link (the box posts it when it is long) may come as a form post.
- Results are paged with ``nextPageToken`` (``lists.PageTokens``), in the columns the person
  chose, with headers that sort by rewriting the query's ORDER BY (``issue_columns``).
"""

from __future__ import annotations

import hashlib

from flask import redirect, render_template, request, session, url_for

from jira_client.api.errors import AuthError, BadRequest, JiraError
from jira_client.state import current_strategy
from jira_client.web import issue_columns
from jira_client.web.converters import numeric_id_or_404
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import PageTokens, int_arg

RESULTS_PER_PAGE = 50
MAX_JQL_CHARS = 20_000  # longer is refused here; up to it, Jira is the judge
CHECKED_KEY = "jql_checked"
MAX_CHECKED = 16  # queries per session remembered as having passed Jira's check


@login_required
def index():
    """Check and run the JQL in ``jql`` (or a saved filter's), and show a page of results."""
    jql = (request.values.get("jql") or "").strip()
    saved = None
    if request.args.get("filter") is not None:
        saved = get_jira().get_filter(numeric_id_or_404(request.args["filter"]))
        jql = jql or saved.jql
    view = {"jql": jql, "saved": saved, "errors": (), "page": None, "number": 0, "has_next": False}
    if not jql:
        return _render(view)
    if len(jql) > MAX_JQL_CHARS:
        view.update(jql=jql[:MAX_JQL_CHARS], errors=(f"That query is longer than {MAX_JQL_CHARS:,} characters.",))
        return _render(view, 400)
    if saved is None or jql != saved.jql:
        problems = _check(jql)
        if problems:
            view["errors"] = problems
            return _render(view, 400)
    tokens = PageTokens(jql)
    number = int_arg("page")
    try:
        token = tokens.token_for(number)
    except KeyError:  # a page whose token this session never saw: start over
        return redirect(_page_url(view, None))
    try:
        page = get_jira().search_issues(jql, token, RESULTS_PER_PAGE, fields=issue_columns.fields_for(issue_columns.shown()))
    except BadRequest as error:  # Jira's own words about the query are the most useful answer
        view["errors"] = error.details or (error.message,)
        return _render(view, 400)
    view.update(page=page, number=number, has_next=tokens.remember(number, page.next_cursor))
    return _render(view)


def _check(jql: str) -> tuple[str, ...]:
    """Return Jira's objections to a query not yet checked in this session (none: it may run)."""
    digest = hashlib.sha256(f"{current_strategy().cache_scope()}\0{jql}".encode()).hexdigest()[:24]
    checked = list(session.get(CHECKED_KEY) or [])
    if digest in checked:
        return ()
    try:
        verdict = get_jira().check_jql(jql)
    except AuthError:
        raise
    except JiraError:
        return ()  # the check is a nicety: the search itself will say what is wrong
    if not verdict.ok:
        return verdict.errors
    session[CHECKED_KEY] = (checked + [digest])[-MAX_CHECKED:]
    return ()


def _page_url(view: dict, number: int | None) -> str:
    """Return the URL of a page of this listing (a saved filter's pages keep naming the filter)."""
    saved = view["saved"]
    if saved is not None and view["jql"] == saved.jql:
        return url_for("search.index", filter=saved.id, page=number)
    return url_for("search.index", jql=view["jql"], page=number)


def _render(view: dict, status: int = 200):
    shown = issue_columns.shown()
    headers = (issue_columns.query_headers(shown, view["jql"], lambda jql: url_for("search.index", jql=jql))
               if view["page"] else [])
    return render_template(
        "search/index.html", **view, columns=shown, headers=headers, choosable=issue_columns.CHOOSABLE,
        previous_url=_page_url(view, view["number"] - 1 or None) if view["number"] else None,
        next_url=_page_url(view, view["number"] + 1) if view["has_next"] else None,
        here=request.full_path if request.method == "GET" else url_for("search.index"),
    ), status
