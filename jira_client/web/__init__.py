"""The blueprints: auth (by the strategy), projects, issues, comments, health."""

from flask import Flask

from jira_client.web import comments, health, issues, projects
from jira_client.web.converters import CONVERTERS
from jira_client.web.templating import init_templating

BLUEPRINTS = (projects.bp, issues.bp, comments.bp, health.bp)


def register_blueprints(app: Flask) -> None:
    """Add the URL converters, template filters and every blueprint to ``app``."""
    app.url_map.converters.update(CONVERTERS)
    init_templating(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
