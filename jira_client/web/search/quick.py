"""Quick search from the top bar (``/search/quick?q=``): no Jira call of its own.

- An issue key (``acme-12`` too) opens that issue.
- The key of a project the person viewed lately (the box offers them) opens that project.
- Anything else searches the text of every issue the person may see, newest change first:
  ``text ~ "<what they typed>"``, the words quoted as one JQL string (``jql.quote``).
"""

from __future__ import annotations

from flask import redirect, request, url_for

from jira_client.api import jql, keys
from jira_client.web import personal
from jira_client.web.jira import login_required

MAX_QUERY = 500


@login_required
def quick():
    """Send the person to the issue, the project or the text search that ``q`` names."""
    typed = " ".join(request.args.get("q", "").split())[:MAX_QUERY]
    if not typed:
        return redirect(url_for("search.index"))
    try:
        return redirect(url_for("issues.show", key=keys.issue_key(typed)))
    except keys.InvalidKey:
        pass
    if any(project["key"] == typed.upper() for project in personal.recent_projects()):
        return redirect(url_for("projects.show", key=typed.upper()))
    return redirect(url_for("search.index", jql=text_search(typed)))


def text_search(words: str) -> str:
    """Return the JQL that finds ``words`` in any issue's text, most recently updated first."""
    return f"text ~ {jql.quote(words)} ORDER BY updated DESC"
