"""Where an issue sits: its parent and grandparent (the breadcrumb), and the children of a parent.

The parent comes with the issue's one call. Jira does not embed the parent's own parent, so a
subtask's page (whose parent is a standard issue, which may sit under an epic) asks for that one
field of the parent: a second, small call, made only for subtasks. The children of an epic (or
any parent) are a JQL search (``parent = KEY``), one call per page, opened on request.
"""

from __future__ import annotations

from flask import redirect, render_template, url_for

from jira_client.api.errors import AuthError, JiraError
from jira_client.api.models import Issue, IssueSummary
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import PageTokens, int_arg, jql_string

CHILDREN_PER_PAGE = 50


def ancestors(issue: Issue) -> list[IssueSummary]:
    """Return the issue's parent, preceded by the parent's parent when there can be one (top first)."""
    if issue.parent is None:
        return []
    found = [issue.parent]
    if issue.parent_level < 1:  # a standard issue may sit under an epic; an epic sits at the top
        try:
            grandparent = get_jira().get_parent(issue.parent.key)
        except AuthError:
            raise
        except JiraError:
            grandparent = None  # the breadcrumb is a nicety: the page stands without it
        if grandparent is not None:
            found.insert(0, grandparent)
    return found


def children_jql(key: str) -> str:
    """Return the JQL for an issue's children, in key order."""
    return f"parent = {jql_string(key)} ORDER BY key ASC"


@login_required
def children(key: str):
    """List the issues whose parent is this one (an epic's issues, a task's subtasks), a page at a time."""
    jql = children_jql(key)
    tokens = PageTokens(jql)
    number = int_arg("page")
    try:
        token = tokens.token_for(number)
    except KeyError:  # a page this session never reached: start over
        return redirect(url_for("issues.children", key=key))
    page = get_jira().search_issues(jql, token, CHILDREN_PER_PAGE)
    has_next = tokens.remember(number, page.next_cursor)
    return render_template("issues/children.html", key=key, page=page, number=number, has_next=has_next)
