"""People to @mention in Markdown, found with Jira's assignable-user search.

One URL per place a text is written: ``/issues/<key>/people`` (comments, the edit form) and
``/projects/<key>/people`` (the create form, before there is an issue). Scripts ask for JSON,
``[{"accountId", "displayName", "mention"}]``, where ``mention`` is the Markdown that becomes a
mention node (``adf.mention_markdown``); a browser without JavaScript gets a page listing the
same matches, with their mention text to copy.
"""

from __future__ import annotations

from flask import jsonify, render_template, request, url_for

from jira_client.api import adf
from jira_client.web.jira import get_jira, login_required

MIN_QUERY = 2  # one letter matches half the site; the script waits for two as well
MAX_QUERY = 100
MAX_PEOPLE = 10


@login_required
def for_issue(key: str):
    """Return the people matching ``q`` who can be mentioned on an issue."""
    return _answer("issues/people.html", "issue_key", key, back=url_for("issues.show", key=key))


@login_required
def for_project(key: str):
    """Return the people matching ``q`` who can be mentioned in a new issue of the project."""
    return _answer("projects/people.html", "project_key", key, back=url_for("projects.new_issue", key=key))


def _answer(template: str, where: str, key: str, back: str):
    """Search once (not at all for a short query) and answer in JSON or as a page, as asked."""
    query = request.args.get("q", "").strip()[:MAX_QUERY]
    found = get_jira().search_assignable_users(query, max_results=MAX_PEOPLE, **{where: key}) if len(query) >= MIN_QUERY else ()
    people = [{"account_id": p.account_id, "display_name": p.display_name,
               "mention": adf.mention_markdown(p.account_id, p.display_name)} for p in found]
    if request.accept_mimetypes.best_match(["application/json", "text/html"]) == "text/html":
        return render_template(template, key=key, query=query, people=people, back=back,
                               too_short=0 < len(query) < MIN_QUERY, min_query=MIN_QUERY)
    return jsonify([{"accountId": p["account_id"], "displayName": p["display_name"], "mention": p["mention"]}
                    for p in people])  # the names mentions.js reads
