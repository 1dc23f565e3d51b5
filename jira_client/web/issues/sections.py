"""What the issue page's newer sections need beyond the issue itself, gathered in one place.

``collect`` is called once per page view with the issue from its one call. Only what the person
asked for costs more: a tab of the activity section, the web links (``?weblinks=1``), and the
grandparent of a subtask (see ``hierarchy``). A failure of one of those calls is shown in its
section; an ended sign-in still goes to the auth strategy.
"""

from __future__ import annotations

from jira_client.api.errors import AuthError, JiraError
from jira_client.api.models import Issue
from jira_client.web.errors import describe
from jira_client.web.issues import activity, hierarchy, links


def collect(issue: Issue, tab: str) -> dict:
    """Return the template values of the links, hierarchy and activity sections."""
    web_links, web_links_error = None, None
    try:
        web_links = links.web_links_if_asked(issue.key)
    except AuthError:
        raise
    except JiraError as error:
        web_links_error = describe(error)
    return {
        "link_groups": links.group(issue.links),
        "web_links": web_links,
        "web_links_error": web_links_error,
        "safe_url": links.safe_url,
        "ancestors": hierarchy.ancestors(issue),
        "activity": activity.load(issue, tab),
    }
