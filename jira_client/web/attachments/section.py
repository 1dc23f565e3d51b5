"""What the issue page's attachments section shows: who may add or delete files, and how large a file may be.

Jira's permissions (Create attachments, Delete own attachments, Delete all attachments) are asked
once in five minutes per project (``GET mypermissions``) and kept in the person's session. When
Jira cannot say, the controls are offered and Jira stays the judge. The size limit shown is the
smaller of ``MAX_UPLOAD_MB`` and Jira's own, when an earlier upload already asked Jira for it:
rendering the page never costs that call.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import session

from jira_client.api.attachments import AttachmentSettings
from jira_client.api.errors import JiraError
from jira_client.api.models import Attachment, Issue
from jira_client.state import current_strategy
from jira_client.web.attachments import uploads
from jira_client.web.jira import get_jira
from jira_client.web.lists import session_cached

PERMISSIONS = ("CREATE_ATTACHMENTS", "DELETE_OWN_ATTACHMENTS", "DELETE_ALL_ATTACHMENTS")
PERMISSIONS_TTL = 300


@dataclass(frozen=True)
class Rights:
    """What this person may do with an issue's files, and the largest file they may add (bytes)."""

    may_upload: bool
    may_delete_own: bool
    may_delete_all: bool
    limit: int

    @property
    def limit_text(self) -> str:
        """Return the size limit for people ("100 MB")."""
        return uploads.size_text(self.limit)

    def may_delete(self, attachment: Attachment, viewer_id: str) -> bool:
        """Return whether to offer deleting this file (Jira decides for sure)."""
        own = bool(viewer_id) and attachment.author is not None and attachment.author.account_id == viewer_id
        return self.may_delete_all or (self.may_delete_own and own)


def rights(issue: Issue) -> Rights:
    """Return what the person may do with the issue's files (asked of Jira once in five minutes per project)."""
    granted = _permissions(issue.project.key) if issue.project else None
    limit = uploads.file_limit(_known_settings())
    if granted is None:
        return Rights(issue.may_edit(), True, True, limit)
    return Rights(granted["CREATE_ATTACHMENTS"], granted["DELETE_OWN_ATTACHMENTS"], granted["DELETE_ALL_ATTACHMENTS"], limit)


def _permissions(project_key: str) -> dict[str, bool] | None:
    try:
        return session_cached("permissions", f"{project_key}:ATTACHMENTS",
                              lambda: get_jira().my_permissions(project_key, *PERMISSIONS), ttl=PERMISSIONS_TTL)
    except JiraError:
        return None


def _known_settings() -> AttachmentSettings | None:
    """Return Jira's attachment settings if an upload asked for them lately, without asking."""
    entry = (session.get("attachment_settings") or {}).get(current_strategy().cache_scope())
    if not entry or time.time() - entry[1] >= uploads.SETTINGS_TTL:
        return None
    return AttachmentSettings(**entry[0])
