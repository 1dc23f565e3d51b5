"""The issue list's rows write status and assignee exactly as the status_lozenge and person macros do.

The row repeats their markup instead of calling them (a macro call per cell is most of a row's
cost), so this keeps the two in step: change one and this fails until the other follows.
"""

from __future__ import annotations

import re

import pytest

from jira_client.api.models import IssueSummary, Named, Status, User

FULL = IssueSummary(
    id="1", key="KAN-7", summary="Fix <the> login", status=Status("In Progress", "indeterminate"),
    assignee=User("acc-1", "Ada <Lovelace>"), priority=Named("2", "High"), issue_type=None, project=None,
    created=None, updated=None,
)
EMPTY = IssueSummary(
    id="2", key="KAN-8", summary="", status=None, assignee=None, priority=None, issue_type=None, project=None,
    created=None, updated=None,
)


def render(app, source: str, **context) -> str:
    with app.test_request_context("/"):
        return app.jinja_env.from_string('{% from "_macros.html" import issue_table, status_lozenge, person %}' + source).render(**context)


@pytest.mark.parametrize("issue", [FULL, EMPTY], ids=["status and assignee", "neither"])
def test_a_row_writes_the_status_and_assignee_as_the_macros_do(app, issue):
    cells = re.findall(r"<td[^>]*>(.*?)</td>", render(app, "{{ issue_table([issue]) }}", issue=issue), re.S)

    assert cells[2] == render(app, "{{ status_lozenge(issue.status) }}", issue=issue)
    assert cells[3] == render(app, "{{ person(issue.assignee) }}", issue=issue)


def test_both_links_of_a_row_lead_to_the_issue(app):
    html = render(app, "{{ issue_table([issue]) }}", issue=FULL)

    assert html.count('href="/issues/KAN-7"') == 2 and "Fix &lt;the&gt; login" in html


@pytest.mark.parametrize("author", [User("acc-1", "Ada <Lovelace>"), None], ids=["author", "none"])
def test_a_comment_writes_its_author_as_the_person_macro_does_and_links_like_url_for(app, author):
    from types import SimpleNamespace

    from jira_client.api.models import Comment

    comment = Comment(id="10042", author=author, body=None, created=None, updated=None)
    issue = SimpleNamespace(key="KAN-7")
    pages = SimpleNamespace(total=1, order="newest", start=50, previous=None, next=None)
    with app.test_request_context("/"):
        from flask import render_template_string, url_for

        from jira_client.web.forms.screens import CommentForm

        form = CommentForm()
        app.jinja_env.globals["viewer_account_id"] = lambda: "acc-1"
        html = render_template_string(
            '{% from "_macros.html" import person %}{% include "issues/_comments.html" %}<hr>{{ person(comment.author, "Unknown") }}',
            comment=comment, comments=[comment], issue=issue, pages=pages, form=form, error=None)
        edit = url_for("issues.edit_comment", key="KAN-7", comment_id="10042", back=50)
        delete = url_for("issues.delete_comment", key="KAN-7", comment_id="10042")
    meta, macro = html.split('<div class="comment-meta">')[1].split(" · ")[0], html.rsplit("<hr>", 1)[1]
    assert meta == macro
    if author:
        assert f'href="{edit}"' in html and f'href="{delete}"' in html
