"""Attaching files to an issue from its page: one or several at once, checked against both limits, sent once.

The upload page alone accepts a large body: ``allow_large_body`` raises this request's limit to
``MAX_UPLOAD_MB`` (plus room for the form's other fields) before anything reads the body, so the
rest of the app keeps ``MAX_CONTENT_LENGTH``, and Werkzeug enforces the raised limit on chunked
bodies too (``security.takes_large_bodies``: ``BoundedBodies`` passes this page's chunked bodies
on unread). The files are received into temporary files (Werkzeug spools anything over 500 KB to
disk), each is checked against the smaller of ``MAX_UPLOAD_MB`` and Jira's own limit per file
(``GET attachment/meta``, asked once in five minutes), and then they are streamed to Jira in one
request (``AttachmentsApi.upload``) under the form's one-time token: a double click attaches
them once. Whatever goes wrong comes back as the issue page with a message that says how large
is too large; files cannot be put back into a browser's file input, so there is nothing else to
keep.
"""

from __future__ import annotations

import os
import re
from dataclasses import asdict

from flask import flash, redirect, request, url_for
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from jira_client.api.attachments import AttachmentSettings, AttachmentsApi, Upload
from jira_client.api.errors import AuthError, JiraError
from jira_client.security import takes_large_bodies
from jira_client.state import app_state, current_strategy
from jira_client.web.forms import drafts, once
from jira_client.web.forms.screens import CommentForm
from jira_client.web.issues.page import render_issue
from jira_client.web.jira import get_jira, login_required
from jira_client.web.lists import session_cached

MB = 1024 * 1024
FORM_ROOM = 256 * 1024  # the one-time token, the CSRF token and the multipart framing around the files
SETTINGS_TTL = 300  # seconds Jira's attachment settings are reused
_MEDIA_TYPE = re.compile(r"[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}")


def allow_large_body(endpoint: str | None, values: dict | None) -> None:
    """Raise this request's body limit to MAX_UPLOAD_MB when it is an upload (runs before any before_request)."""
    if endpoint == "attachments.upload":
        request.max_content_length = app_state().settings.max_upload_mb * MB + FORM_ROOM


def jira_settings() -> AttachmentSettings | None:
    """Return Jira's attachment settings (asked once in five minutes), or None when Jira cannot say."""
    try:
        cached = session_cached("attachment_settings", current_strategy().cache_scope(),
                                lambda: asdict(AttachmentsApi(get_jira()).settings()), ttl=SETTINGS_TTL)
    except AuthError:
        raise
    except JiraError:
        return None
    return AttachmentSettings(**cached)


def file_limit(settings: AttachmentSettings | None) -> int:
    """Return the largest file, in bytes, that both this app and Jira take."""
    mine = app_state().settings.max_upload_mb * MB
    return min(mine, settings.upload_limit) if settings and settings.upload_limit else mine


@takes_large_bodies
@login_required
def upload(key: str):
    """Attach the posted files to the issue, then show it again."""
    files = [f for f in request.files.getlist("file") if f.filename]
    if not files:
        return _again(key, "Choose one or more files to attach first.", 400)
    settings = jira_settings()
    if settings is not None and not settings.enabled:
        return _again(key, "Jira has attachments turned off on this site.", 403)
    limit = file_limit(settings)
    too_large = [f"{_name(f)} ({size_text(_size(f))})" for f in files if _size(f) > limit]
    if too_large:
        return _again(key, f"Too large to attach: {', '.join(too_large)}. Each file may be at most {size_text(limit)}.", 413)
    uploads = [Upload(_name(f), f.stream, _media_type(f)) for f in files]
    try:
        outcome = once.submit_once(lambda: AttachmentsApi(get_jira()).upload(key, uploads),
                                   url_for("issues.show", key=key, _anchor="attachments"))
    except once.Refused as refusal:
        return _again(key, refusal.page.message + " " + refusal.page.hint, refusal.page.status)
    except JiraError as error:
        signing_in = drafts.sign_in_for(error, url_for("issues.show", key=key))
        if signing_in is not None:
            return signing_in
        page = once.failure_page(error)
        if error.status == 413:
            return _again(key, "Jira would not take files this large (or this many). " + " ".join(error.details), 413)
        return _again(key, " ".join(filter(None, [page.title + ".", page.message, *page.details, page.hint])), page.status)
    if not outcome.repeated:
        flash(f"Attached {_names(outcome.value)}.", "success")
    return redirect(outcome.url)


def too_large(error: RequestEntityTooLarge):
    """Answer an upload whose body is over MAX_UPLOAD_MB with the issue page and the limit."""
    key = (request.view_args or {}).get("key")
    limit = size_text(app_state().settings.max_upload_mb * MB)
    message = f"Those files are too large to attach: one upload may carry at most {limit}."
    if not key:
        return message, 413
    return _again(key, message, 413)


def size_text(size: int | None) -> str:
    """Return a size for people: 930 bytes, 12.4 KB, 3.1 MB (powers of 1024, as Jira shows them)."""
    if size is None:
        return "unknown size"
    for unit, scale in (("GB", 1024**3), ("MB", MB), ("KB", 1024)):
        if size >= scale:
            value = size / scale
            return f"{value:.1f} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{size} byte{'s' if size != 1 else ''}"


def _again(key: str, message: str, status: int):
    """Show the issue page again with ``message`` at the top."""
    flash(message, "error")
    return render_issue(key, CommentForm(formdata=None), status=status)  # never the posted body: it may be the problem


def _size(file: FileStorage) -> int:
    stream = file.stream
    position = stream.tell()
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(position)
    return size


def _name(file: FileStorage) -> str:
    """Return the file's name without any folder the browser sent along."""
    return (file.filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "attachment"


def _media_type(file: FileStorage) -> str:
    """Return the type the browser declared when it is a plain media type, else a generic one."""
    declared = file.mimetype or ""
    return declared if _MEDIA_TYPE.fullmatch(declared) else "application/octet-stream"


def _names(attachments) -> str:
    names = [a.filename for a in attachments] or ["the files"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
