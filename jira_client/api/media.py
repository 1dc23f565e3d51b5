"""Which of an issue's attachments an ADF media node shows, for ``adf.to_html(doc, media=...)``.

Jira's REST API does not say. A media node carries the file's Media Services id (a UUID that no
attachment's JSON contains) and, as Jira's editor writes it, the file name as ``alt``. So a node
matches the attachment whose id it names (documents written through the API sometimes use the
attachment id), else the attachment whose file name is its ``alt`` (or ``name``), the last one
Jira lists when several share a name. A node that matches none is shown by the renderer as a
placeholder with its name.

The resolver answers with the app's own URLs (given by the caller), so a page never points a
browser at Atlassian; whether an image is shown inline is decided here from Jira's type only
to choose ``<img>`` over a link, and again from the bytes when they are served.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping

from jira_client.api.models import Attachment

# The only types ever shown inline (raster images); everything else, SVG above all, is a download.
RASTER_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


@dataclass(frozen=True)
class MediaTarget:
    """Where the browser gets an embedded file: through the app, never from Atlassian."""

    name: str
    file_url: str  # opens or downloads the file
    image_url: str = ""  # shows it inline; "" when Jira does not call it a raster image


MediaResolver = Callable[[Mapping[str, Any]], "MediaTarget | None"]


def media_resolver(attachments: Iterable[Attachment], file_url: Callable[[Attachment], str],
                   image_url: Callable[[Attachment], str]) -> MediaResolver:
    """Return a function from a media node's ``attrs`` to its MediaTarget (None: no such attachment here)."""
    by_id: dict[str, Attachment] = {}
    by_name: dict[str, Attachment] = {}
    for attachment in attachments:
        by_id[attachment.id] = attachment
        by_name[attachment.filename] = attachment  # a later one of the same name wins

    def resolve(attrs: Mapping[str, Any]) -> MediaTarget | None:
        found = by_id.get(_text(attrs.get("id")))
        for key in ("alt", "name", "fileName"):
            found = found or by_name.get(_text(attrs.get(key)))
        if found is None:
            return None
        image = image_url(found) if found.mime_type in RASTER_TYPES else ""
        return MediaTarget(found.filename, file_url(found), image)

    return resolve


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""
