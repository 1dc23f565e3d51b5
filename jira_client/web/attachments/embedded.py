"""Images inside descriptions and comments: which attachment each media node of a page shows.

The ``adf`` template filter asks ``page_media(context)``: the template's own ``adf_media`` when it
passes one, else the attachments of the page's ``issue`` (an ``Issue`` as the issue page renders
it), so the description and every comment on that page show their images through the app. Other
pages (the edit forms among them) get None, and their media nodes stay placeholders that name
the file: there they are kept exactly as they are, not edited.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import g, url_for

from jira_client.api.media import MediaResolver, media_resolver
from jira_client.api.models import Issue
from jira_client.web.attachments.files import download_url


def page_media(context: Mapping[str, Any]) -> MediaResolver | None:
    """Return the resolver of a template's media nodes, or None (placeholders)."""
    explicit = context.get("adf_media")
    if explicit is not None:
        return explicit
    issue = context.get("issue")
    return media_for(issue) if isinstance(issue, Issue) else None


def media_for(issue: Issue) -> MediaResolver:
    """Return the resolver of an issue's media nodes (made once per request and issue)."""
    made = g.get("attachment_media")
    if made is not None and made[0] is issue:
        return made[1]
    resolver = media_resolver(
        issue.attachments,
        download_url,
        lambda attachment: url_for("attachments.view", attachment_id=attachment.id),
    )
    g.attachment_media = (issue, resolver)
    return resolver
