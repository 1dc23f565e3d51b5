"""The blueprints: auth (by the strategy), projects, issues, comments, editing, workflow, people, admin (setup), health."""

from flask import Flask

from jira_client.web import admin, comments, editing, health, issues, once, people, projects, workflow
from jira_client.web.converters import CONVERTERS
from jira_client.web.templating import init_templating

BLUEPRINTS = (projects.bp, issues.bp, comments.bp, editing.bp, workflow.bp, people.bp, admin.bp, health.bp)


def register_blueprints(app: Flask) -> None:
    """Add the URL converters, template filters and every blueprint to ``app``."""
    app.url_map.converters.update(CONVERTERS)
    init_templating(app)
    once.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
