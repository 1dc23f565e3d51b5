"""Attachment routes: settings, metadata, content and thumbnails (by redirect), upload, delete.

As Jira Cloud does it (the OpenAPI description, operations ``getAttachmentMeta``,
``getAttachment``, ``getAttachmentContent``, ``getAttachmentThumbnail``, ``addAttachment``,
``removeAttachment``):

- content and thumbnails answer ``303 See Other`` to the media origin (``sandbox.media``, another
  port) with a signed token in the URL; ``redirect=false`` sends the bytes from here instead;
- an upload is ``multipart/form-data`` whose files are all named ``file``, and it must carry
  ``X-Atlassian-Token: no-check``, or Jira's XSRF filter answers ``403 XSRF check failed`` (in
  plain text, before anything else); a file over the site's limit, or more than 60 files, is 413;
- the issue field ``attachment`` lists an issue's files (ids as strings), while GET
  ``attachment/{id}`` gives the id as a number, as the schemas say.

Permissions: people who may browse a project may read its attachments (others get Jira's 403
"You do not have permission to view attachment with id: N"); people who may change its issues
may add files and delete their own; the site admin may delete anyone's (Jira's default scheme
gives "Delete all attachments" to administrators). ``POST /_sandbox/attachments`` changes the
site's settings (``enabled``, ``upload_limit``) for tests.
"""

from __future__ import annotations

import mimetypes
import os

from flask import Blueprint, Response, current_app, request

from sandbox import directory, render
from sandbox.attachments import MAX_FILES_PER_UPLOAD, STORE_KEY, AttachmentStore, Stored, default_thumbnail
from sandbox.jira_http import READ, WRITE, ApiError, api_route, caller, no_content, reply, visible_issue, world
from sandbox.render import Links

bp = Blueprint("jira_attachments", __name__)

XSRF_FAILED = "XSRF check failed"
NOT_VISIBLE = "You do not have permission to view attachment with id: {}"
NOT_FOUND = "The attachment with id '{}' does not exist."  # the sandbox's wording: Jira's own 404 text is not recorded
NO_CREATE = "You do not have permission to create attachments for this issue."
NO_DELETE = "You do not have permission to delete attachment with id: {}"
DISABLED = "Attachments are disabled on this site."
STREAM_CHUNK = 256 * 1024


def store() -> AttachmentStore:
    """Return the app's attachment store."""
    return current_app.extensions[STORE_KEY]


def attachment_json(links: Links, stored: Stored, *, numeric_id: bool = False) -> dict:
    """Return an attachment as the issue field lists it (``numeric_id``: as GET attachment/{id} gives it)."""
    body = {
        "self": f"{links.api}rest/api/3/attachment/{stored.id}",
        "id": int(stored.id) if numeric_id else stored.id,
        "filename": stored.filename,
        "author": render.user(links, directory.user_by("account_id", stored.author)),
        "created": stored.created,
        "size": stored.size,
        "mimeType": stored.mime_type,
        "content": f"{links.api}rest/api/3/attachment/content/{stored.id}",
    }
    if stored.has_thumbnail:
        body["thumbnail"] = f"{links.api}rest/api/3/attachment/thumbnail/{stored.id}"
    return body


def field_value(links: Links, issue: dict) -> list[dict]:
    """Return the ``attachment`` field of an issue."""
    return [attachment_json(links, stored) for stored in store().for_issue(issue["id"])]


@api_route(bp, "attachment/meta", READ)
def get_attachment_meta():
    """Return whether attachments are on and the largest file allowed, in bytes."""
    settings = store().settings
    return reply({"enabled": settings.enabled, "uploadLimit": settings.upload_limit})


@api_route(bp, "attachment/<id>", READ)
def get_attachment(id: str):
    """Return one attachment's metadata."""
    return reply(attachment_json(caller().links, _readable(id), numeric_id=True))


@api_route(bp, "attachment/content/<id>", READ)
def get_attachment_content(id: str):
    """Redirect to the file's bytes on the media origin (or send them with ``redirect=false``)."""
    stored = _readable(id)
    if _flag("redirect", True):
        return _see_other(store().media_location(stored, "binary"))
    return _bytes(stored)


@api_route(bp, "attachment/thumbnail/<id>", READ)
def get_attachment_thumbnail(id: str):
    """Redirect to the file's thumbnail (Jira's generic one for files it cannot preview, unless refused)."""
    stored = _readable(id)
    if not stored.has_thumbnail and not _flag("fallbackToDefault", True):
        raise ApiError(404, [f"No thumbnail for the attachment with id '{id}'."])
    if not _flag("redirect", True):
        return _bytes(stored) if stored.has_thumbnail else Response(default_thumbnail(), content_type="image/png")
    if not stored.has_thumbnail:
        return _see_other(store().default_thumbnail_location())
    size = {name: request.args.get(name, type=int) for name in ("width", "height")}
    return _see_other(store().media_location(stored, "image", **size))


@api_route(bp, "attachment/<id>", WRITE, methods=("DELETE",))
def remove_attachment(id: str):
    """Delete an attachment: its author (who may change the project's issues) or the site admin."""
    stored = _readable(id)
    project_key = world().issue(stored.issue_id)["fields"]["project"]["key"]
    own = stored.author == caller().account_id and caller().may_edit(project_key)
    if not (own or caller().user.get("admin")):
        raise ApiError(403, [NO_DELETE.format(id)])
    store().delete(id)
    return no_content()


@api_route(bp, "issue/<issueIdOrKey>/attachments", WRITE, methods=("POST",))
def add_attachment(issueIdOrKey: str):
    """Attach the request's ``file`` parts to an issue; 200 with the new attachments."""
    if request.headers.get("X-Atlassian-Token", "").strip().lower() != "no-check":
        return Response(XSRF_FAILED, 403, content_type="text/plain;charset=UTF-8")
    issue = visible_issue(issueIdOrKey)
    if not caller().may_edit(issue["fields"]["project"]["key"]):
        raise ApiError(403, [NO_CREATE])
    settings = store().settings
    if not settings.enabled:
        raise ApiError(403, [DISABLED])
    files = request.files.getlist("file")
    if not files:
        raise ApiError(400, ["The request contained no file: send each one as a multipart part named 'file'."])
    if len(files) > MAX_FILES_PER_UPLOAD:
        raise ApiError(413, [f"At most {MAX_FILES_PER_UPLOAD} files can be uploaded at once."])
    for file in files:
        size = _size(file.stream)
        if size > settings.upload_limit:
            raise ApiError(413, [f"The file '{_name(file.filename)}' is {size} bytes, over the limit of "
                                 f"{settings.upload_limit} bytes."])
    added = [store().add(issue["id"], _name(file.filename), _mime_type(file), file.stream, caller().account_id)
             for file in files]
    return reply([attachment_json(caller().links, stored) for stored in added])


def _readable(attachment_id: str) -> Stored:
    """Return an attachment the caller may see: Jira's 404 when it does not exist, 403 when hidden."""
    stored = store().get(attachment_id)
    if stored is None:
        raise ApiError(404, [NOT_FOUND.format(attachment_id)])
    project_key = world().issue(stored.issue_id)["fields"]["project"]["key"]
    if project_key not in caller().visible_keys():
        raise ApiError(403, [NOT_VISIBLE.format(attachment_id)])
    return stored


def _see_other(location: str) -> Response:
    """Return Jira's redirect to the media service: 303, no body."""
    return Response(status=303, headers={"Location": location})


def _bytes(stored: Stored) -> Response:
    """Return the file's bytes from this origin (``redirect=false``)."""
    def chunks():
        with stored.reader() as reader:
            while chunk := reader.read(STREAM_CHUNK):
                yield chunk

    return Response(chunks(), content_type=stored.mime_type, headers={"Content-Length": str(stored.size)})


def _flag(name: str, default: bool) -> bool:
    value = request.args.get(name)
    return default if value is None else value.strip().lower() != "false"


def _size(stream) -> int:
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _name(raw: str | None) -> str:
    """Return an uploaded file's name without any folder a browser sent along."""
    return (raw or "").replace("\\", "/").rsplit("/", 1)[-1] or "attachment"


def _mime_type(file) -> str:
    """Return the type the part declared, else the one its name suggests, else a generic one."""
    declared = (file.mimetype or "").lower()
    if declared and declared != "application/octet-stream":
        return declared
    return mimetypes.guess_type(_name(file.filename))[0] or "application/octet-stream"


@bp.post("/_sandbox/attachments")
def configure_attachments():
    """Change the site's attachment settings (``enabled``, ``upload_limit`` in bytes); return them."""
    body = request.get_json(silent=True)
    try:
        if not isinstance(body, dict):
            raise ValueError("the body must be a JSON object")
        return store().configure(body)
    except ValueError as exc:
        return reply({"errorMessages": [str(exc)], "errors": {}}, 400)
