"""What the issue page's attachments section offers: adding files, deleting them, and how large a file may be.

Deciding costs no call of its own (the issue page stays one call to Jira): the upload form is
offered when Jira lets the person edit the issue (its editmeta, already in the page's answer),
and deleting on the files they added themselves. Jira's own permissions (Create attachments,
Delete own and Delete all attachments) can differ in a custom scheme; Jira stays the judge, and
a refusal comes back as a clear page. The size limit shown is the smaller of ``MAX_UPLOAD_MB`` and
Jira's own, when an earlier upload already asked Jira for it (five minutes, in the session).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import session

from jira_client.api.attachments import AttachmentSettings
from jira_client.api.models import Attachment, Issue
from jira_client.state import current_strategy
from jira_client.web.attachments import uploads


@dataclass(frozen=True)
class Rights:
    """What the page offers to do with an issue's files, and the largest file it takes (bytes)."""

    may_upload: bool
    may_delete_own: bool
    limit: int

    @property
    def limit_text(self) -> str:
        """Return the size limit for people ("100 MB")."""
        return uploads.size_text(self.limit)

    def may_delete(self, attachment: Attachment, viewer_id: str) -> bool:
        """Return whether to offer deleting this file: one's own, where one may change the issue."""
        own = bool(viewer_id) and attachment.author is not None and attachment.author.account_id == viewer_id
        return self.may_delete_own and own


def rights(issue: Issue) -> Rights:
    """Return what the page offers for the issue's files."""
    editable = issue.may_edit()
    return Rights(may_upload=editable, may_delete_own=editable, limit=uploads.file_limit(_known_settings()))


def _known_settings() -> AttachmentSettings | None:
    """Return Jira's attachment settings if an upload asked for them lately, without asking."""
    entry = (session.get("attachment_settings") or {}).get(current_strategy().cache_scope())
    if not entry or time.time() - entry[1] >= uploads.SETTINGS_TTL:
        return None
    return AttachmentSettings(**entry[0])
