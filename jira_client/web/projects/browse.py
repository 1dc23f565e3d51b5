"""Projects: the list, and one project's issues with quick filters and paging."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for

from jira_client.api.errors import AuthError, BadRequest, JiraError, NotFound
from jira_client.api.pagination import Page
from jira_client.api.jql import SortKey
from jira_client.web import issue_columns, personal
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import STATUS_CATEGORIES, PageTokens, cached_count, int_arg, project_jql, session_cached

PROJECTS_PER_PAGE = 50
ISSUES_PER_PAGE = 50
UNKNOWN_PROJECT = "does not exist for the field 'project'"


@login_required
def index():
    """The projects this person can browse, filtered by key or name, 50 to a page."""
    query = request.args.get("q", "").strip()[:100]
    start = int_arg("start")
    page = get_jira().list_projects(query=query, start_at=start, max_results=PROJECTS_PER_PAGE)
    return render_template("projects/index.html", page=page, query=query, per_page=PROJECTS_PER_PAGE)


@login_required
def show(key: str):
    """One project's issues, newest first or by a column, with quick filters (status category, mine, text)."""
    category = request.args.get("status", "")
    category = category if category in STATUS_CATEGORIES else ""
    mine = request.args.get("mine") == "1"
    text = request.args.get("q", "").strip()[:200]
    order = issue_columns.chosen_sort(request.args.get("sort"), request.args.get("dir"))
    filters = {"status": category or None, "mine": "1" if mine else None, "q": text or None}
    if order is not None:
        filters.update(sort=request.args["sort"], dir="desc" if order.descending else "asc")
    jql = project_jql(key, category, mine, text, order)
    tokens = PageTokens(jql)
    number = int_arg("page")
    try:
        token = tokens.token_for(number)
    except KeyError:  # a page whose token this session never saw: start over
        return redirect(url_for("projects.show", key=key, **filters))
    jira = get_jira()
    view = {"key": key, "project_name": key, "number": number, "filters": filters, "categories": STATUS_CATEGORIES,
            **_columns(key, filters, order)}
    try:
        page = jira.search_issues(jql, token, ISSUES_PER_PAGE, fields=(*issue_columns.fields_for(issue_columns.shown()), "project"))  # project: its name
    except BadRequest as error:
        if any(UNKNOWN_PROJECT in detail for detail in error.details):  # Jira's way of saying "no such project"
            raise NotFound(status=404, details=error.details) from error
        message = " ".join(error.details) or error.message  # e.g. a text filter JQL cannot take
        return render_template("projects/show.html", page=Page(()), count=None, has_next=False, error=message,
                               may_create=True, **view), 400
    has_next = tokens.remember(number, page.next_cursor)
    try:
        count = cached_count(jql, jira.approximate_count)
    except AuthError:
        raise  # the sign-in ended: that is for the strategy to answer
    except JiraError:
        count = None  # the count is a nicety: the list is shown without it
    view["project_name"] = next((i.project.name for i in page if i.project and i.project.key == key), key)
    view["may_create"] = may_create(key)
    personal.saw_project(key, view["project_name"])
    return render_template("projects/show.html", page=page, count=count, has_next=has_next, error=None, **view)


def may_create(key: str) -> bool:
    """Return whether Jira lets this person create issues in the project (asked once in five minutes).

    When Jira cannot say, the link is offered: the create page explains a refusal itself.
    """
    try:
        return session_cached("permissions", f"{key}:CREATE_ISSUES",
                              lambda: get_jira().my_permissions(key, "CREATE_ISSUES")["CREATE_ISSUES"])
    except AuthError:
        raise
    except JiraError:
        return True


def _columns(key: str, filters: dict, order: SortKey | None) -> dict:
    """Return the list's columns (as the person chose them) and headers that sort by each, keeping the filters."""
    shown = issue_columns.shown()

    def link(column, descending: bool) -> str:
        return url_for("projects.show", key=key, **{**filters, "sort": column.id, "dir": "desc" if descending else "asc"})

    return {"columns": shown, "choosable": issue_columns.CHOOSABLE,
            "headers": issue_columns.headers(shown, order or SortKey("created", True), link)}
