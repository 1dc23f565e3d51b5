"""Sending attachments to the browser: downloads, inline images and thumbnails, streamed through the app.

The browser only ever talks to the app: each view asks Jira for the file (``AttachmentsApi``
follows Jira's redirect to its media service without credentials) and passes the bytes on chunk
by chunk as the browser reads them (``stream_with_context``), so a file of any size costs a few
chunks of memory. The first bytes decide the type (``files.raster_type``): a raster image may be
shown inline, anything else is a download. Jira's 403 and 404 become the app's own pages with
those statuses before a byte is sent.

- ``download`` (``/attachments/<id>``): always a download, under the name Jira has for it (carried
  by the app's own links, checked; asked of Jira otherwise).
- ``view`` (``/attachments/<id>/view``): the image inline, for ``<img>`` in descriptions and
  comments; a file that is not a raster image is sent to ``download`` instead.
- ``thumbnail`` (``/attachments/<id>/thumbnail``): Jira's thumbnail, inline when it is a raster
  image, else 404 (the list then shows the file's icon).
"""

from __future__ import annotations

from flask import Response, abort, redirect, request, stream_with_context, url_for

from jira_client.api.attachments import AttachmentsApi, Download
from jira_client.web.attachments.files import (DOWNLOAD_TYPE, SAFE_HEADERS, checked_name, content_disposition, file_policy,
                                               raster_type)
from jira_client.web.jira import get_jira, login_required

THUMBNAIL_PIXELS = 96  # asked of Jira; the list shows them at 48 CSS pixels (sharp on dense screens)


@login_required
def download(attachment_id: str):
    """Send the file as a download named as in Jira, whatever it holds."""
    api = AttachmentsApi(get_jira())
    name = checked_name(attachment_id, request.args.get("name"), request.args.get("check"))
    name = name or api.get(attachment_id).filename
    file = api.open_content(attachment_id)
    return _send(file, "attachment", name, _checked_type(file) or DOWNLOAD_TYPE)


@login_required
def view(attachment_id: str):
    """Show a raster image inline; send anything else to the download."""
    file = AttachmentsApi(get_jira()).open_content(attachment_id)
    image_type = _checked_type(file)
    if image_type is None:
        file.close()
        return redirect(url_for("attachments.download", attachment_id=attachment_id), 303)
    return _send(file, "inline", f"attachment-{attachment_id}.{image_type.split('/')[1]}", image_type)


@login_required
def thumbnail(attachment_id: str):
    """Show Jira's thumbnail of the file when it is a raster image."""
    file = AttachmentsApi(get_jira()).open_thumbnail(attachment_id, THUMBNAIL_PIXELS, THUMBNAIL_PIXELS)
    image_type = _checked_type(file)
    if image_type is None:
        file.close()
        abort(404)
    return _send(file, "inline", f"thumbnail-{attachment_id}.{image_type.split('/')[1]}", image_type)


def _checked_type(file: Download) -> str | None:
    """Return the raster image type the file's first bytes show, or None (closing it if reading fails)."""
    try:
        return raster_type(file.head())
    except Exception:
        file.close()
        raise


def _send(file: Download, disposition: str, name: str, content_type: str) -> Response:
    """Return a response that streams the file with the protective headers of ``files``."""
    response = Response(stream_with_context(file.chunks()), content_type=content_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(disposition, name)
    response.headers.update(SAFE_HEADERS, **{"Content-Security-Policy": file_policy()})
    response.call_on_close(file.close)  # also when the body is never read (HEAD, a browser that went away)
    if file.length is not None:
        response.content_length = file.length
    return response
