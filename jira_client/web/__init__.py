"""The web layer: one blueprint per feature, whose URL prefix and template folder share its name.

- ``home``: ``/``.  ``projects``: ``/projects/...`` (list, one project, creating an issue).
- ``issues``: ``/issues/<key>/...`` (the page, edit, workflow, comments).  ``search``: ``/search/...``
  (results, quick search, columns, the JQL box's helpers).  ``filters``: ``/filters/...``.
- ``boards``: ``/boards/...`` (boards, a board's cards and moves, a scrum backlog).
- ``attachments``: ``/attachments/...`` (files through the app: download, inline image, thumbnail,
  upload, delete).
- ``admin``: ``/setup``.  ``health``: ``/healthz`` and ``/readyz``.  The sign-in pages belong to
  the auth strategy that needs them (``auth/oauth_views.py``).

Beside them: ``jira`` (this request's JiraClient, ``login_required``), ``viewer`` (who is here),
``errors`` (every failure as a page), ``lists`` (JQL and paging), ``people`` (@mention search),
``converters`` (checked path parts), ``templating`` (filters), ``personal`` (per-person recent views
and columns), ``links`` (issue and project links at list speed), ``assets`` (static URLs by content
hash) and ``forms/`` (the form machinery).
"""

from flask import Flask

from jira_client.web import admin, attachments, boards, filters, health, home, issues, personal, projects, search
from jira_client.web.converters import CONVERTERS
from jira_client.web.forms import once
from jira_client.web.links import init_links
from jira_client.web.templating import init_templating

BLUEPRINTS = (home.bp, projects.bp, issues.bp, search.bp, filters.bp, boards.bp, admin.bp, health.bp, attachments.bp)


def register_blueprints(app: Flask) -> None:
    """Add the URL converters, template filters and every blueprint to ``app``."""
    app.url_map.converters.update(CONVERTERS)
    init_templating(app)
    init_links(app)
    once.init_app(app)
    personal.init_app(app)
    admin.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
