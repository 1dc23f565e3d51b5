"""Template filters and globals: ADF to safe HTML (through the adf package only), dates, status
colours, and who is here (for the header and the comment controls).

``adf`` shows the images a document embeds through the app: it hands ``to_html`` the media
resolver of the page (``attachments.embedded.page_media``: the page's issue's attachments)."""

from __future__ import annotations

from collections import ChainMap
from datetime import datetime, timezone

from flask import Flask
from flask.templating import Environment as FlaskEnvironment
from jinja2 import pass_context
from markupsafe import Markup

from jira_client.api import adf
from jira_client.web import compiled_templates, viewer
from jira_client.web.attachments.embedded import page_media


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, whose ``{% from ... import %}``, output and calls cost less.

    On every import Jinja checks whether the importing template has globals the imported one
    lacks, by taking the imported template's globals (a ChainMap) from a set of names: some 25
    lookups in Python, 18 µs an import, and the issue page imports 16 times. Here a template's
    globals give their keys as a set, so that check runs in C. Templates see the same globals.

    Its templates compile and run with ``compiled_templates``: the same output, with fewer
    Python calls to escape what ``{{ }}`` writes and to call what templates call.
    """

    code_generator_class = compiled_templates.CodeGenerator
    context_class = compiled_templates.Context

    def __init__(self, app: Flask, **options) -> None:
        # Every template stays loaded (cache_size -1: a dict). Jinja's default, an LRU of 400, takes
        # a lock and reorders a deque on every lookup: 1.9 µs against 0.25, for each of the 30
        # includes and imports of an issue page. The app has some 70 templates.
        options.setdefault("cache_size", -1)
        super().__init__(app, **options)

    def make_globals(self, d):
        return _Globals(d or {}, self.globals)


class _Globals(ChainMap):
    """A template's globals over the environment's (as Jinja makes them), whose keys come from a set made in C.

    Jinja also takes a set of them for every context it makes (each render and each include):
    ChainMap's own iteration builds a dict of the names in Python first, 1.6 µs against 0.4.
    """

    def keys(self):
        return set().union(*self.maps)

    def __iter__(self):
        return iter(self.keys())


STATUS_CLASSES = {"new": "status-new", "indeterminate": "status-progress", "done": "status-done"}


@pass_context
def adf_html(context, doc: object) -> Markup:
    """Return an ADF document as safe HTML, its media nodes resolved against the page's attachments."""
    return adf.to_html(doc, media=page_media(context))


def when(value: datetime | None) -> str:
    """Return a short, absolute date and time in UTC, or an em dash.

    An issue page shows one for each of its 50 comments, so the UTC time is the moment less its
    offset and the text a ``%`` format of five numbers: 0.9 µs, where ``astimezone`` and
    ``isoformat`` took 1.2 and strftime or an f-string longer still.
    """
    if value is None:
        return "—"
    offset = value.utcoffset()
    moment = value - offset if offset is not None else value.astimezone(timezone.utc)
    if moment.year < 1000:
        return moment.strftime("%Y-%m-%d %H:%M UTC")  # how short years are written depends on the C library
    return "%d-%02d-%02d %02d:%02d UTC" % (moment.year, moment.month, moment.day, moment.hour, moment.minute)


AGO_UNITS = (("year", 31536000), ("month", 2592000), ("day", 86400), ("hour", 3600), ("minute", 60))


def ago(value: datetime | None, now: datetime | None = None) -> str:
    """Return how long ago ``value`` was, in words ("3 days ago")."""
    if value is None:
        return "—"
    delta = (now or datetime.now(timezone.utc)) - value
    seconds = delta.days * 86400 + delta.seconds  # whole seconds; a moment to come is "just now" either way
    for unit, size in AGO_UNITS:
        if seconds >= size:
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def status_class(category: str | None) -> str:
    """Return the CSS class of a status lozenge for Jira's status category key."""
    return STATUS_CLASSES.get(category or "", "status-new")


TYPE_ICONS = {"bug": "bug", "task": "task", "story": "story", "epic": "epic", "subtask": "subtask", "sub-task": "subtask"}
PRIORITY_ICONS = ("highest", "high", "medium", "low", "lowest")
AVATAR_TONES = 8


def type_icon(name: str | None) -> str:
    """Return the app's own icon file for an issue type, by the type's name (others: a neutral one)."""
    return f"icons/type-{TYPE_ICONS.get((name or '').strip().lower(), 'other')}.svg"


def priority_icon(name: str | None) -> str:
    """Return the app's own icon file for a priority, by its name (others: a neutral one)."""
    key = (name or "").strip().lower()
    return f"icons/priority-{key if key in PRIORITY_ICONS else 'other'}.svg"


def initials(name: str | None) -> str:
    """Return up to two initials of a person's name ("Ada Admin" -> "AA"), for their avatar."""
    words = [w for w in (name or "").split() if w[:1].isalnum()]
    if not words:
        return "?"
    return (words[0][0] + words[-1][0]).upper() if len(words) > 1 else words[0][:2].upper()


def avatar_tone(account_id: str | None) -> int:
    """Return a stable colour number for a person's avatar (the same person, the same colour)."""
    return sum((account_id or "").encode()) % AVATAR_TONES


def init_templating(app: Flask) -> None:
    """Register the filters and globals on ``app``."""
    app.jinja_env.filters.update(adf=adf_html, when=when, ago=ago, status_class=status_class, type_icon=type_icon,
                                 priority_icon=priority_icon, initials=initials, avatar_tone=avatar_tone)
    app.add_template_global(viewer.known_account_id, "viewer_account_id")  # comment controls on the issue page
